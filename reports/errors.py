"""
The error pages, in the site's design: 400, 403 (CSRF failures included), 404, 500, and 503 when
the database or the cache server (Redis: sessions are read through it, and a save must drop the
cached pages) cannot be reached.

Django turns an exception raised anywhere (a view or any middleware) into a response through
`handler500`, so that is where a lost database (OperationalError, InterfaceError) or Redis
(ConnectionError, TimeoutError) becomes a 503.
The 500 and 503 pages are rendered without the request's context processors, which would read
the session and the user from the database that may be what failed; they show the request id
(reports/request_log.py) as the error reference.
"""
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

OUTAGE_ERRORS = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 30


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """A form sent without its valid CSRF token (an expired page, cookies off, a forged post)."""
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """A 503 while the database or Redis is out of reach, a 500 otherwise; neither touches either."""
    exception = sys.exc_info()[1]
    outage = isinstance(exception, OUTAGE_ERRORS)
    context = {"site_title": settings.SITE_NAME, "request_id": getattr(request, "request_id", "")}
    try:
        body = loader.render_to_string("503.html" if outage else "500.html", context)
    except Exception:  # the page itself must not fail: a bare message then
        body = "Server error. Please try again in a moment."
    if outage:
        response = HttpResponse(body, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponseServerError(body)
