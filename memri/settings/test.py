"""Settings for the test suite: the environment's settings, made fast and self-contained."""
import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key")
# The test client speaks plain http; tests that need production security switch it on.
os.environ.setdefault("LOCAL_HTTP", "1")

from memri.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The cache is the environment's: this process's memory, or Redis when REDIS_URL is set
# (scripts/run-tests sets it for the PostgreSQL pass). The page cache is on in every test, one
# process: pages are checked as anonymous visitors would get them from the cache, and as every
# visitor gets them from the content cache.
PAGE_CACHE_SECONDS = CONTENT_CACHE_SECONDS = 600
SHARED_CACHE = True  # one process: its memory is the cache of everything it serves
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
# Static files straight from the source folders: the suite does not run collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
