"""The site's URLs plus views that fail on purpose, for the error pages' tests (ROOT_URLCONF)."""
from django.db import OperationalError
from django.urls import path

from memri.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def fail(request):
    raise RuntimeError("a bug, on purpose")


def lose_database(request):
    raise OperationalError("the database went away, on purpose")


urlpatterns = [
    path("test-errors/fail/", fail),
    path("test-errors/lose-database/", lose_database),
    *urlpatterns,
]
