"""WSGI entry point, served by gunicorn: `gunicorn memri.wsgi`."""
import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memri.settings.base")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, the URLs) stays for the life of the process: left to
# the collector, every full collection would walk it again. A page makes tens of thousands of
# short-lived objects, so the youngest generation is collected less often than by default.
gc.freeze()
gc.set_threshold(10_000, 10, 10)
