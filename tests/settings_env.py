"""Running manage.py and reading settings in a fresh process, under an environment of the test's choosing."""
import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# What the test process's own environment may carry that would change the settings under test
# (DJANGO_ALLOW_ASYNC_UNSAFE: set by the browser tests, and an error for check --deploy).
SETTINGS_VARIABLES = {
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "SECRET_KEY_FILE", "ALLOWED_HOSTS", "LOCAL_HTTP",
    "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
    "STAFF_REQUIRE_2FA", "TRUSTED_PROXY_COUNT", "CACHE_DIR",
    "MEDIA_ROOT", "MEDIA_SERVING", "MEDIA_ACCEL_PREFIX", "MEDIA_MAX_UPLOAD_MB", "MEDIA_MAX_IMAGE_PIXELS", "MEDIA_PUBLIC_SECONDS",
}


def production_env(**changes):
    """A production-like environment: DEBUG off, a long random SECRET_KEY, ALLOWED_HOSTS set; `changes` on top (None removes)."""
    env = {name: value for name, value in os.environ.items() if name not in SETTINGS_VARIABLES}
    env.update(
        DJANGO_SETTINGS_MODULE="memri.settings.base",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="reports.example.org",
        CACHE_DIR=tempfile.mkdtemp(prefix="memri-cache-"),  # a server's own, not the test process's
    )
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(*args, env):
    """`manage.py args` in a new process; the completed process, output captured as text."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def settings_under(env, *names):
    """The values of the named settings as a fresh process sees them under `env` (JSON-able values)."""
    code = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}, default=str))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
