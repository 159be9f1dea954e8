"""Settings for the test suite: the environment's settings, made fast and self-contained."""
import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# The test client speaks plain http; tests that need production security switch it on.
os.environ.setdefault("LOCAL_HTTP", "1")
# The cache is the environment's, as deployed: Redis when REDIS_URL is set (scripts/run-tests sets
# it for the PostgreSQL pass), else the disk cache, in a folder of this run's own.
if "CACHE_DIR" not in os.environ:
    os.environ["CACHE_DIR"] = tempfile.mkdtemp(prefix="memri-test-cache-")
    atexit.register(shutil.rmtree, os.environ["CACHE_DIR"], ignore_errors=True)

# Uploaded files too, in a folder of this run's own.
if "MEDIA_ROOT" not in os.environ:
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="memri-test-media-")
    atexit.register(shutil.rmtree, os.environ["MEDIA_ROOT"], ignore_errors=True)

from memri.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The page and content caches are on in every test: pages are checked as anonymous visitors would
# get them from the page cache, and as every visitor gets them from the content cache.
PAGE_CACHE_SECONDS = CONTENT_CACHE_SECONDS = 600
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Static files straight from the source folders: the suite does not run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
