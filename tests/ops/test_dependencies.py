"""The dependency tree is locked: every package installed for the project is pinned in constraints.txt, at its version."""
import importlib.metadata
import pathlib
import re

CONSTRAINTS = pathlib.Path(__file__).resolve().parents[2] / "constraints.txt"
INSTALLERS = {"pip", "setuptools", "wheel"}  # the venv's own tools, not the project's


def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_installed_package_is_pinned_at_its_version():
    pinned = pins(CONSTRAINTS)
    installed = {
        canonical(dist.metadata["Name"]): dist.version
        for dist in importlib.metadata.distributions()
        if canonical(dist.metadata["Name"]) not in INSTALLERS
    }
    assert {name: version for name, version in installed.items() if pinned.get(name) != version} == {}


def pins(path):
    return {
        canonical(name): version
        for name, version in (line.split("#")[0].strip().split("==") for line in path.read_text().splitlines() if "==" in line)
    }


def test_the_requirements_name_their_own_versions_as_the_lock_has_them():
    locked = pins(CONSTRAINTS)
    for requirements in ("requirements.txt", "requirements-test.txt"):
        for name, version in pins(CONSTRAINTS.parent / requirements).items():
            assert locked.get(name) == version, f"{requirements}: {name}=={version}"
