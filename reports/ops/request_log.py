"""
Request logging: one JSON line per request (method, path, status, duration, user id, request id),
and the request id on every other line logged while the request runs, errors included. LOGGING
(settings) writes records with JsonFormatter; importing this module stamps the request id on them.

The request id is made here for each request, or taken from the X-Request-ID header when our own
trusted proxy set it (TRUSTED_PROXY_COUNT > 0) and it looks like an id; it is sent back in the
X-Request-ID response header and shown on the 500 page as the error reference.
"""
import json
import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.conf import settings
from django.utils.functional import LazyObject, empty

HEADER = "X-Request-ID"
VALID_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")

logger = logging.getLogger("reports.requests")
current_request_id = ContextVar("request_id", default=None)


def request_id_for(request):
    """The id a trusted proxy gave this request, if any and well-formed; else a new one."""
    given = request.headers.get(HEADER, "")
    if settings.TRUSTED_PROXY_COUNT and VALID_ID.fullmatch(given):
        return given
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """Outermost middleware: it sees every request and the status that was finally sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_for(request)
        token = current_request_id.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request.request_id
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": loaded_user_id(request),
                },
            )
            return response
        finally:
            current_request_id.reset(token)


def loaded_user_id(request):
    """The signed-in user's id, if the request has loaded its user: loading it here could query a database that is down."""
    user = getattr(request, "user", None)
    if user is None or (isinstance(user, LazyObject) and user._wrapped is empty):
        return None
    return user.pk


# Attributes every LogRecord has; anything else on a record was passed in `extra`.
STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the `extra` fields, any traceback."""

    converter = time.gmtime

    def format(self, record):
        entry = {
            "time": f"{self.formatTime(record, '%Y-%m-%dT%H:%M:%S')}.{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            (key, value) for key, value in vars(record).items() if key not in STANDARD_ATTRIBUTES
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def install_request_id_on_records():
    """
    Every log record made from now on carries `request_id`: the id of the request being served,
    or None. Done when the record is made, so that every handler sees it (test capture included).
    """
    make_record = logging.getLogRecordFactory()
    if getattr(make_record, "adds_request_id", False):
        return

    def record_with_request_id(*args, **kwargs):
        record = make_record(*args, **kwargs)
        record.request_id = current_request_id.get()
        return record

    record_with_request_id.adds_request_id = True
    logging.setLogRecordFactory(record_with_request_id)


install_request_id_on_records()
