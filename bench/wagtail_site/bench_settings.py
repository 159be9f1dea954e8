"""
Settings of the Wagtail side of bench/wagtail.py (DJANGO_SETTINGS_MODULE=bench_settings, with this
folder on PYTHONPATH): those of the project `wagtail start benchsite` makes, as it ships them for
production (benchsite.settings.production: DEBUG off, Wagtail's middleware, no cache middleware),
plus the reportpage app, on a throwaway SQLite file. What the bench sets comes from the
environment (WAGTAIL_BENCH_*):

- WAGTAIL_BENCH_DATABASE: the SQLite file; WAGTAIL_BENCH_STATIC_ROOT: where collectstatic writes.
- WAGTAIL_BENCH_SECRET_KEY, WAGTAIL_BENCH_ALLOWED_HOSTS (comma-separated).
- WAGTAIL_BENCH_SITE_CACHE=1: Django's per-site cache (UpdateCacheMiddleware first,
  FetchFromCacheMiddleware last, on the default cache: each worker's local memory).
"""
import os

from benchsite.settings.production import *  # noqa: F403

SECRET_KEY = os.environ["WAGTAIL_BENCH_SECRET_KEY"]
ALLOWED_HOSTS = os.environ["WAGTAIL_BENCH_ALLOWED_HOSTS"].split(",")
DATABASES["default"]["NAME"] = os.environ["WAGTAIL_BENCH_DATABASE"]  # noqa: F405
STATIC_ROOT = os.environ["WAGTAIL_BENCH_STATIC_ROOT"]
INSTALLED_APPS = ["reportpage", *INSTALLED_APPS]  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"

if os.environ.get("WAGTAIL_BENCH_SITE_CACHE") == "1":
    MIDDLEWARE = [
        "django.middleware.cache.UpdateCacheMiddleware",
        *MIDDLEWARE,  # noqa: F405
        "django.middleware.cache.FetchFromCacheMiddleware",
    ]
    CACHE_MIDDLEWARE_SECONDS = 600
