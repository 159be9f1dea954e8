"""WSGI entry point, served by gunicorn: `gunicorn memri.wsgi`."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memri.settings.base")

application = get_wsgi_application()
