"""
Health, for a load balancer, a process supervisor and a monitor.

- /health/ (readiness: may this server be sent readers?) answers 200 while it can serve pages,
  {"status": "ok"} when every check passes and {"status": "degraded"} when only a check the site
  can do without fails (the cache: anonymous pages are then made from the database); 503 with
  {"status": "failing"} when a check it cannot serve without fails (the database). Each check is
  named with "ok" or the kind of its failure.
- /health/live/ (liveness: is the process answering at all?) answers 200 without asking anything
  else: a supervisor that restarted the process for an outage elsewhere would only add a restart.

Each check is a function returning None when fine, or a short reason; add checks to CHECKS (and
to NEEDED if the site cannot serve without what it checks).
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
NEEDED = {"database"}


def run(check):
    try:
        return check() or "ok"
    except Exception as error:  # any failure is the answer, not a 500
        logger.warning("Health check %s failed", check.__name__, exc_info=True)
        return f"failing ({type(error).__name__})"  # details go to the log, not to the public


@never_cache
def health(request):
    results = {name: run(check) for name, check in CHECKS.items()}
    failing = {name for name, result in results.items() if result != "ok"}
    status = "failing" if failing & NEEDED else "degraded" if failing else "ok"
    return JsonResponse({"status": status, "checks": results}, status=503 if status == "failing" else 200)


@never_cache
def alive(request):
    return JsonResponse({"status": "alive"})
