"""The media settings, read from the environment in memri/settings/base.py alone: defaults, overrides, and a bad serving mode refused at start-up."""
from pathlib import Path

from tests.settings_env import ROOT, manage, production_env, settings_under

NAMES = ("MEDIA_ROOT", "MEDIA_SERVING", "MEDIA_ACCEL_PREFIX", "MEDIA_MAX_UPLOAD_BYTES", "MEDIA_MAX_IMAGE_PIXELS", "STATIC_ROOT")


def test_files_live_under_var_outside_the_static_files_by_default():
    values = settings_under(production_env(), *NAMES)
    assert Path(values["MEDIA_ROOT"]) == ROOT / "var" / "media"
    assert not Path(values["MEDIA_ROOT"]).is_relative_to(values["STATIC_ROOT"])
    assert (values["MEDIA_SERVING"], values["MEDIA_ACCEL_PREFIX"]) == ("django", "/protected-media/")
    assert (values["MEDIA_MAX_UPLOAD_BYTES"], values["MEDIA_MAX_IMAGE_PIXELS"]) == (50 * 2**20, 40_000_000)


def test_the_environment_names_the_folder_the_serving_mode_and_the_limits(tmp_path):
    env = production_env(MEDIA_ROOT=str(tmp_path), MEDIA_SERVING="x-accel-redirect", MEDIA_ACCEL_PREFIX="internal-files",
                         MEDIA_MAX_UPLOAD_MB="5", MEDIA_MAX_IMAGE_PIXELS="1000000")
    assert settings_under(env, *NAMES[:-1]) == {
        "MEDIA_ROOT": str(tmp_path), "MEDIA_SERVING": "x-accel-redirect", "MEDIA_ACCEL_PREFIX": "/internal-files/",
        "MEDIA_MAX_UPLOAD_BYTES": 5 * 2**20, "MEDIA_MAX_IMAGE_PIXELS": 1_000_000,
    }


def test_an_unknown_serving_mode_stops_start_up_with_a_clear_message():
    done = manage("check", env=production_env(MEDIA_SERVING="apache"))
    assert done.returncode != 0
    assert "MEDIA_SERVING is one of django, x-accel-redirect, x-sendfile" in done.stderr
