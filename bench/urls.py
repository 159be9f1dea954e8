"""The site's addresses plus /bench/minimal/: the baseline of bench/load.py, a view that does nothing."""
from django.http import HttpResponse
from django.urls import include, path

from memri.urls import handler400, handler403, handler404, handler500  # noqa: F401  (the site's error pages)


def minimal(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/minimal/", minimal),
    path("", include("memri.urls")),
]
