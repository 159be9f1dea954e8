"""
/health/: whether this instance can serve, for a load balancer or a monitor. It answers 200 with
{"status": "ok", "checks": {...}} when every check passes, 503 with the failing ones otherwise.
Each check is a function returning None when fine, or a short reason; add checks to CHECKS.
"""
import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)


def database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def cache_round_trip():
    key, value = f"health-{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, 10)
    found = cache.get(key)
    cache.delete(key)
    if found != value:
        return "a value written to the cache was not read back"


CHECKS = {"database": database, "cache": cache_round_trip}


def run(check):
    try:
        return check() or "ok"
    except Exception as error:  # any failure is the answer, not a 500
        logger.warning("Health check %s failed", check.__name__, exc_info=True)
        return f"failing ({type(error).__name__})"  # details go to the log, not to the public


@never_cache
def health(request):
    results = {name: run(check) for name, check in CHECKS.items()}
    healthy = all(result == "ok" for result in results.values())
    return JsonResponse({"status": "ok" if healthy else "failing", "checks": results}, status=200 if healthy else 503)
