"""
Outages: while the database cannot be reached, pages answer a friendly 503 and /health/ fails;
when it comes back the site answers again by itself, without a restart.

The real outage stops and starts the test suite's throwaway PostgreSQL (scripts/run-tests exports
PGTEST_BIN and PGTEST_DIR); it runs only there.
"""
import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.db import (
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.models.signals import pre_save
from django.urls import reverse

from reports.models import Report
from reports.ops import health
from tests.factories import ReportFactory, UserFactory
from tests.processes import needs_redis_server, redis_server

FRIENDLY = "The reports are out of reach for a moment"


@pytest.fixture
def error_client(client, settings):
    settings.ROOT_URLCONF = "tests.error_urls"
    client.raise_request_exception = False
    return client


@pytest.mark.django_db
class TestOutagePage:
    def test_a_lost_database_answers_a_friendly_503(self, error_client):
        """An OperationalError from the database gives the site's 503 page, with Retry-After and no traceback."""
        response = error_client.get("/test-errors/lose-database/")
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        page = response.content.decode()
        assert FRIENDLY in page and 'class="site-header"' in page
        assert "Traceback" not in page and "OperationalError" not in page

    @pytest.mark.parametrize("error", [OperationalError, InterfaceError])
    def test_a_database_error_raised_in_middleware_answers_503_too(self, error_client, monkeypatch, error):
        """A connection lost while a middleware loads the session or user is a 503 as well, not a 500."""
        def lost(*args, **kwargs):
            raise error("connection lost, on purpose")

        monkeypatch.setattr(f"{settings.SESSION_ENGINE}.SessionStore.load", lost)
        error_client.cookies["sessionid"] = "a" * 32
        response = error_client.get(reverse("home"))
        assert response.status_code == 503 and FRIENDLY in response.content.decode()

    def test_other_errors_stay_500(self, error_client):
        """A bug that is not about the database is a 500, not a 503."""
        assert error_client.get("/test-errors/fail/").status_code == 500


@pytest.mark.django_db
class TestHealth:
    def test_healthy_answers_200_with_each_check(self, client):
        """With the database and the cache working, /health/ answers 200 and names each check ok."""
        response = client.get(reverse("health"))
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}
        assert "no-cache" in response["Cache-Control"]

    def test_a_failing_database_check_answers_503(self, client, monkeypatch):
        """When the database check raises, /health/ answers 503 naming the failing check, without details."""
        def lost():
            raise OperationalError("could not connect to server at 10.1.2.3")

        monkeypatch.setitem(health.CHECKS, "database", lost)
        response = client.get(reverse("health"))
        assert response.status_code == 503
        assert response.json() == {"status": "failing", "checks": {"database": "failing (OperationalError)", "cache": "ok"}}
        assert "10.1.2.3" not in response.content.decode()

    def test_a_cache_that_loses_values_leaves_the_server_degraded_but_serving(self, client, monkeypatch):
        """A cache that does not give back what was written: /health/ says so, and still 200 (pages are served)."""
        monkeypatch.setattr("reports.ops.health.cache.get", lambda key: None)
        response = client.get(reverse("health"))
        assert response.status_code == 200 and response.json()["status"] == "degraded"
        assert response.json()["checks"]["cache"] != "ok"

    def test_liveness_asks_nothing_else(self, client, monkeypatch, django_assert_num_queries):
        """/health/live/ answers while the database and the cache fail: the process itself is fine."""
        def lost():
            raise OperationalError("down")

        monkeypatch.setitem(health.CHECKS, "database", lost)
        monkeypatch.setattr("reports.ops.health.cache.get", lambda key: None)
        with django_assert_num_queries(0):
            response = client.get(reverse("health_live"))
        assert response.status_code == 200 and response.json() == {"status": "alive"}
        assert client.get(reverse("health")).status_code == 503


PGTEST_BIN, PGTEST_DIR = os.environ.get("PGTEST_BIN"), os.environ.get("PGTEST_DIR")


def pg_ctl(*args):
    """pg_ctl on the suite's throwaway cluster, as its owner (postgres, when we are root)."""
    command = [f"{PGTEST_BIN}/pg_ctl", "-D", f"{PGTEST_DIR}/data", *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def fetch(url):
    """(status, body) of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.skipif(not (PGTEST_BIN and PGTEST_DIR), reason="needs the throwaway PostgreSQL of scripts/run-tests")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_site_rides_out_a_postgresql_outage(live_server, settings):
    """PostgreSQL stopped: pages answer 503, /health/ fails. PostgreSQL started again: both answer 200, no restart."""
    if connection.vendor != "postgresql":
        pytest.skip("the outage is staged on PostgreSQL only")
    # Pages made from the database, not kept from before the outage by either cache.
    settings.PAGE_CACHE_SECONDS = settings.CONTENT_CACHE_SECONDS = 0
    ReportFactory(title="Report before the outage")
    assert fetch(live_server.url + "/")[0] == 200
    pg_ctl("-m", "fast", "-w", "stop")
    try:
        status, page = fetch(live_server.url + "/")
        assert status == 503 and FRIENDLY in page and "Traceback" not in page
        status, body = fetch(live_server.url + "/health/")
        assert status == 503 and json.loads(body)["checks"]["database"] != "ok"
    finally:
        pg_ctl("-l", f"{PGTEST_DIR}/log", "-w", "start")
        connections.close_all()  # this thread's connections died with the server
    status, page = fetch(live_server.url + "/")
    assert status == 200 and "Report before the outage" in page
    assert fetch(live_server.url + "/health/")[0] == 200


@pytest.mark.skipif(not (PGTEST_BIN and PGTEST_DIR), reason="needs the throwaway PostgreSQL of scripts/run-tests")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_page_kept_before_a_postgresql_outage_is_still_served(live_server, settings):
    """The content cache answers what it kept without the database: anonymous readers still read."""
    if connection.vendor != "postgresql":
        pytest.skip("the outage is staged on PostgreSQL only")
    settings.PAGE_CACHE_SECONDS = 0
    report = ReportFactory(title="Report before the outage")
    assert fetch(live_server.url + report.get_absolute_url())[0] == 200  # made and kept
    pg_ctl("-m", "fast", "-w", "stop")
    try:
        status, page = fetch(live_server.url + report.get_absolute_url())
        other_status, _page = fetch(live_server.url + "/reports/?page=2")  # never kept: made from the database
    finally:
        pg_ctl("-l", f"{PGTEST_DIR}/log", "-w", "start")
        connections.close_all()
    assert status == 200 and "Report before the outage" in page
    assert other_status == 503


@needs_redis_server
@pytest.mark.django_db
def test_while_redis_is_down_health_says_degraded_and_pages_come_from_the_database(client, settings):
    """The cache server stopped: /health/ names the cache, and still 200 (a balancer keeps the server); anonymous pages answer, uncached."""
    with redis_server() as redis:
        settings.CACHES = {"default": {"BACKEND": "reports.cache.backends.RedisCache", "LOCATION": redis.url}}
        ReportFactory(title="Report before the outage")
        assert client.get(reverse("health")).status_code == 200
        client.get(reverse("home"))
        assert client.get(reverse("home"))["X-Page-Cache"] == "hit"
        redis.stop()
        response = client.get(reverse("health"))
        assert response.status_code == 200
        assert response.json() == {"status": "degraded", "checks": {"database": "ok", "cache": "failing (ConnectionError)"}}
        page = client.get(reverse("home"))
        assert page.status_code == 200 and "Report before the outage" in page.content.decode()
        assert "X-Page-Cache" not in page


@needs_redis_server
@pytest.mark.django_db
def test_while_redis_is_down_signed_in_readers_get_the_friendly_503(client, settings):
    """Sessions are read through Redis: without it a signed-in reader gets the outage page, not a 500."""
    with redis_server() as redis:
        settings.CACHES = {"default": {"BACKEND": "reports.cache.backends.RedisCache", "LOCATION": redis.url}}
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        client.force_login(UserFactory())
        assert client.get(reverse("account")).status_code == 200
        redis.stop()
        client.raise_request_exception = False
        response = client.get(reverse("account"))
        assert response.status_code == 503 and FRIENDLY in response.content.decode()
        assert response["Retry-After"]


@needs_redis_server
@pytest.mark.django_db
@pytest.mark.parametrize("page", ["account", "admin:index"])
def test_after_a_redis_restart_the_next_signed_in_request_answers(client, settings, page):
    """Redis restarted under the pooled connections: the next request reconnects once, with no error page."""
    with redis_server() as redis:
        # As deployed with Redis (memri/settings/base.py): the near cache, sessions read through the cache.
        settings.CACHES = {"default": {
            "BACKEND": "reports.cache.backends.RedisCache", "LOCATION": redis.url,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2, "near_cache_bytes": 2**20},
        }}
        client.force_login(UserFactory(is_staff=True, is_superuser=True))
        assert client.get(reverse(page)).status_code == 200
        redis.restart()
        client.raise_request_exception = False
        assert client.get(reverse(page)).status_code == 200


@pytest.mark.skipif(not (PGTEST_BIN and PGTEST_DIR), reason="needs the throwaway PostgreSQL of scripts/run-tests")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_save_committed_before_postgresql_went_away_stands_and_is_indexed_later(client):
    """
    PostgreSQL stopped right after a save's commit, before its re-indexing: the save raises nothing,
    and once PostgreSQL is back the next search indexes the report (nothing lost), as the command can.
    """
    if connection.vendor != "postgresql":
        pytest.skip("the outage is staged on PostgreSQL only")
    report = ReportFactory(title="Saved before the outage", body="Nothing to find yet.")

    def stop_postgresql_after_the_commit(sender, **kwargs):
        # Registered before the save's own after-commit work (post_save), so it runs first.
        transaction.on_commit(lambda: pg_ctl("-m", "fast", "-w", "stop"))

    pre_save.connect(stop_postgresql_after_the_commit, sender=Report, dispatch_uid="outage-after-commit")
    try:
        with transaction.atomic():
            report.body = "Zanzibarian drones were launched."
            report.save()
    finally:
        pre_save.disconnect(dispatch_uid="outage-after-commit", sender=Report)
        pg_ctl("-l", f"{PGTEST_DIR}/log", "-w", "start")
        connections.close_all()
    report.refresh_from_db()
    assert report.body == "Zanzibarian drones were launched." and report.derived_pending
    found = client.get(reverse("search"), {"q": "Zanzibarian"}).content.decode()
    assert "Saved before the outage" in found
    report.refresh_from_db()
    assert not report.derived_pending
