"""
The error pages, in the site's design: 400, 403 (CSRF failures included), 404, 500, and 503 when
the database or the cache server (Redis: sessions are read through it, and a save must drop the
cached pages) cannot be reached.

Django turns an exception raised anywhere (a view or any middleware) into a response through
`handler500`, so that is where a lost database (OperationalError, InterfaceError) or Redis
(ConnectionError, TimeoutError) becomes a 503.
The 500 and 503 pages are rendered without the request's context processors, which would read
the session and the user from the database that may be what failed; they show the request id
(reports/ops/request_log.py) as the error reference.

Under /api/ every error is JSON, `{"detail": …}` as the API's own errors are, whatever answered:
an address no pattern takes, a CSRF refusal, a failure outside the API's views.
"""
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

OUTAGE_ERRORS = (OperationalError, InterfaceError, RedisConnectionError, RedisTimeoutError)
RETRY_AFTER_SECONDS = 30


API_PREFIX = "/api/"
API_MESSAGES = {
    400: "Bad request.",
    403: "You do not have permission to perform this action.",
    404: "Not found.",
    500: "Server error. Please try again in a moment.",
    503: "The service is briefly unavailable. Please try again in a moment.",
}


def for_api(request):
    return request.path.startswith(API_PREFIX)


def api_error(status):
    return JsonResponse({"detail": API_MESSAGES[status]}, status=status)


def bad_request(request, exception):
    return api_error(400) if for_api(request) else render(request, "400.html", status=400)


def permission_denied(request, exception):
    return api_error(403) if for_api(request) else render(request, "403.html", status=403)


def page_not_found(request, exception):
    return api_error(404) if for_api(request) else render(request, "404.html", status=404)


def csrf_failure(request, reason=""):
    """A form sent without its valid CSRF token (an expired page, cookies off, a forged post)."""
    return api_error(403) if for_api(request) else render(request, "403_csrf.html", status=403)


def server_error(request):
    """A 503 while the database or Redis is out of reach, a 500 otherwise; neither touches either."""
    exception = sys.exc_info()[1]
    outage = isinstance(exception, OUTAGE_ERRORS)
    if for_api(request):
        response = api_error(503 if outage else 500)
        if outage:
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
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
