"""
Round trips to the cache per page (reports/cache/store.py, RequestReads), and which cache a
deployment gets.

A report page asks the cache for the generation token, the report, the signed-in user and their
holdings, the kept page and whether the reader's read was just recorded: all in one round trip,
whatever asks first. The cache is the suite's own (Redis on the PostgreSQL pass, the disk cache on
the SQLite pass); the tests count the calls made on it, which still reach it.
"""
import datetime as dt
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.core.cache import caches
from django.utils import timezone

from reports.cache.signed_in import SIGNED_IN_AS_COOKIE, kept_user_key
from reports.models import Read
from tests.factories import ReportFactory, SubscriptionFactory, tier
from tests.processes import needs_redis_server, stop
from tests.settings_env import manage, production_env, settings_under

GATED = "GATED-TEXT-MARKER-3a7f"

pytestmark = pytest.mark.django_db

CALLS = ["get", "get_many", "set", "set_many", "add", "delete", "delete_many", "incr", "touch", "has_key"]
SESSION_KEYS = "django.contrib.sessions"


class RoundTrips:
    """The calls made on the cache, each with the keys it names: all, and those that are not the session's alone."""

    def __init__(self, monkeypatch):
        self.calls, self.all_calls = [], []
        self.depth = 0  # the local-memory cache's get_many calls its own get: one call all the same
        backend = caches["default"]
        for name in CALLS:
            monkeypatch.setattr(backend, name, self.counted(name, getattr(backend, name)))

    def counted(self, name, call):
        def counting(key_or_keys, *args, **kwargs):
            keys = [key_or_keys] if isinstance(key_or_keys, str) else list(key_or_keys)
            if self.depth == 0:
                self.all_calls.append((name, keys))
                if not all(key.startswith(SESSION_KEYS) for key in keys):
                    self.calls.append((name, keys))
            self.depth += 1
            try:
                return call(key_or_keys, *args, **kwargs)
            finally:
                self.depth -= 1

        return counting

    def reset(self):
        self.calls.clear()
        self.all_calls.clear()


@pytest.fixture
def round_trips(monkeypatch):
    return RoundTrips(monkeypatch)


@pytest.fixture
def content_cache_only(settings):
    """Pages made by the views, from the content cache: the page cache would answer before them."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def sessions_in_cache(settings):
    """Sessions read through the cache, as with Redis (the SQLite pass keeps them in the database only)."""
    settings.SESSION_ENGINE = "reports.cache.sessions"


@pytest.fixture
def gated():
    return ReportFactory(required_tier=tier("premium"), body=f"The text. {GATED}")


def kept_search_keys_read(round_trips):
    """The keys of kept search pages and kept search results that the calls on the cache named."""
    return {key for _name, keys in round_trips.calls for key in keys if key.startswith(("page-cache:page:", "search-results:"))}


def test_a_search_asked_once_in_a_process_looks_for_nothing_kept_until_it_is_asked_again(client, gated, round_trips):
    """
    Search pages and their results are kept only once a process is asked for them again (most
    searches never come again), and looked for only then: a one-off search costs no round trip
    for them. Both caches on, as the public gets them.
    """
    client.get("/search/", {"q": "report"})  # what the test's transaction left pending, indexed first
    round_trips.reset()
    first = client.get("/search/", {"q": "text"})
    assert (first["X-Page-Cache"], first["X-Search-Cache"]) == ("miss", "first")
    assert kept_search_keys_read(round_trips) == set()
    round_trips.reset()
    second = client.get("/search/", {"q": "text"})
    assert (second["X-Page-Cache"], second["X-Search-Cache"]) == ("miss", "miss")
    assert {key.split(":")[0] for key in kept_search_keys_read(round_trips)} == {"page-cache", "search-results"}
    third = client.get("/search/", {"q": "text"})
    assert third["X-Page-Cache"] == "hit" and third.content == second.content


@pytest.mark.usefixtures("content_cache_only")
class TestOneRoundTrip:
    def test_an_anonymous_visitors_report_page_costs_one_round_trip_and_no_query(
        self, client, gated, round_trips, django_assert_num_queries
    ):
        client.get(gated.get_absolute_url())  # made and kept
        round_trips.reset()
        with django_assert_num_queries(0):
            response = client.get(gated.get_absolute_url())
        assert response["X-Content-Cache"] == "hit"
        assert GATED not in response.content.decode()
        assert [name for name, _keys in round_trips.calls] == ["get_many"]

    @pytest.mark.usefixtures("sessions_in_cache")
    def test_a_subscribers_report_page_costs_one_round_trip_the_session_included(self, client, gated, round_trips):
        reader = SubscriptionFactory(tier=tier("premium")).user
        client.force_login(reader)
        client.get(gated.get_absolute_url())  # made and kept, the read recorded, the signed-in cookie set
        round_trips.reset()
        response = client.get(gated.get_absolute_url())  # within the double-click time: the same read
        assert response["X-Content-Cache"] == "hit"
        assert GATED in response.content.decode()
        assert [name for name, _keys in round_trips.all_calls] == ["get_many"]
        _name, keys = round_trips.all_calls[0]
        assert kept_user_key(reader.pk) in keys, "who the reader is comes with the same round trip"
        assert any(key.startswith(SESSION_KEYS) for key in keys), "and so does the session"
        assert Read.objects.count() == 1

    @pytest.mark.usefixtures("sessions_in_cache")
    def test_without_the_signed_in_cookie_the_user_waits_for_the_session_and_the_cookie_comes_back(
        self, client, gated, round_trips
    ):
        reader = SubscriptionFactory(tier=tier("premium")).user
        client.force_login(reader)
        client.get(gated.get_absolute_url())
        del client.cookies[SIGNED_IN_AS_COOKIE]
        round_trips.reset()
        response = client.get(gated.get_absolute_url())
        assert GATED in response.content.decode()
        [session_read] = [keys for _name, keys in round_trips.all_calls if any(k.startswith(SESSION_KEYS) for k in keys)]
        assert kept_user_key(reader.pk) not in session_read
        assert response.cookies[SIGNED_IN_AS_COOKIE].value == str(reader.pk)
        round_trips.reset()
        client.get(gated.get_absolute_url())
        assert len(round_trips.all_calls) == 1

    def test_an_anonymous_visitors_kept_search_results_cost_one_round_trip(self, client, gated, round_trips):
        # Indexing what the test's transaction left pending; then, as of the new documents, made
        # once, and made and kept when asked again.
        for _ in range(3):
            client.get("/search/", {"q": "report"})
        round_trips.reset()
        response = client.get("/search/", {"q": "report"})
        assert response["X-Search-Cache"] == "hit"
        assert [name for name, _keys in round_trips.calls] == ["get_many"]

    def test_a_first_read_costs_one_more_round_trip_to_claim_it(self, client, gated, round_trips):
        client.get(gated.get_absolute_url())  # the teaser, kept
        client.force_login(SubscriptionFactory(tier=tier("premium")).user)
        round_trips.reset()
        response = client.get(gated.get_absolute_url())
        assert GATED in response.content.decode()
        names = [name for name, _keys in round_trips.calls]
        assert names[0] == "get_many" and "add" in names
        assert Read.objects.count() == 1


class TestDoubleClick:
    def test_a_read_is_claimed_once_whatever_the_order_of_the_reads_within_the_time(self, client, gated):
        reader = SubscriptionFactory(tier=tier("premium")).user
        client.force_login(reader)
        for _ in range(3):
            client.get(gated.get_absolute_url())
        assert Read.objects.filter(user=reader).count() == 1

    def test_a_claim_judged_by_the_servers_clock_counts_again_after_the_time(self, client, gated, time_machine):
        # The clock moves on while the cache may still hold the claim (Redis keeps its own time):
        # the claim's own time decides, as the reads recorded in the database would.
        client.force_login(SubscriptionFactory(tier=tier("premium")).user)
        time_machine.move_to(timezone.now(), tick=False)
        client.get(gated.get_absolute_url())
        time_machine.shift(dt.timedelta(seconds=29))
        client.get(gated.get_absolute_url())
        assert Read.objects.count() == 1
        time_machine.shift(dt.timedelta(seconds=2))
        client.get(gated.get_absolute_url())
        assert Read.objects.count() == 2


def test_the_cache_is_redis_when_named_and_else_on_this_machines_disk():
    redis = settings_under(production_env(CACHE_URL="redis://127.0.0.1:6379/0"), "CACHES")["CACHES"]["default"]
    assert redis["BACKEND"] == "reports.cache.backends.RedisCache"
    disk = settings_under(production_env(CACHE_URL=None, REDIS_URL=None, CACHE_DIR="/srv/memri-cache"), "CACHES")
    assert disk["CACHES"]["default"]["BACKEND"] == "reports.cache.backends.DiskCache"
    assert disk["CACHES"]["default"]["LOCATION"] == "/srv/memri-cache"


@needs_redis_server
def test_redis_on_a_unix_socket_serves_as_the_cache():
    """CACHE_URL=unix://…: a Redis on the same machine, reached without TCP."""
    with tempfile.TemporaryDirectory() as folder:
        socket = Path(folder) / "redis.sock"
        server = subprocess.Popen(
            ["redis-server", "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no", "--dir", folder],
            stdout=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                if socket.exists():
                    break
                time.sleep(0.05)
            done = manage(
                "shell", "-c", "from reports.ops.health import cache_round_trip; print(cache_round_trip() or 'ok')",
                env=production_env(CACHE_URL=f"unix://{socket}", DATABASE_URL="sqlite:///:memory:"),
            )
        finally:
            stop(server)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "ok"
