"""
The near cache (reports/cache/near.py): what this process read from Redis, kept in its memory and
kept exact by Redis's pushes. Each test has its own redis-server; "another server" is a cache
backend without a near cache writing to the same Redis, as a second app server would.
"""
import contextlib
import multiprocessing
import select
import socket
import subprocess
import tempfile
import threading
import time

import pytest
import redis

from reports.cache import near as near_cache
from reports.cache.backends import RedisCache
from tests.processes import free_port, needs_redis_server, running

pytestmark = needs_redis_server


class Redis:
    """A throwaway redis-server that can be restarted on its port, and a plain client to it."""

    def __init__(self, folder, *options):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--dir", folder, "--enable-debug-command", "yes", *options]
        self.client = redis.Redis.from_url(self.url)

    def start(self):
        self._running = running(self.command, self.port, stdout=subprocess.DEVNULL)
        self._running.__enter__()

    def stop(self):
        self._running.__exit__(None, None, None)

    def commands_processed(self):
        """Commands Redis has run so far, this question included."""
        return self.client.info("stats")["total_commands_processed"]


@contextlib.contextmanager
def redis_server(*options):
    with tempfile.TemporaryDirectory() as folder:
        server = Redis(folder, *options)
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def server():
    with redis_server() as server:
        yield server


def cache(server, near_cache_bytes=2**20):
    return RedisCache(server.url, {"OPTIONS": {"near_cache_bytes": near_cache_bytes}})


@pytest.fixture
def ours(server):
    return cache(server)


@pytest.fixture
def other_server(server):
    return cache(server, near_cache_bytes=0)


def eventually(read, expected, seconds=2):
    """What `read()` gives once it gives `expected`, or within `seconds` the last thing it gave."""
    deadline = time.monotonic() + seconds
    while (found := read()) != expected and time.monotonic() < deadline:
        time.sleep(0.01)
    return found


@pytest.fixture
def no_liveness_checks(monkeypatch):
    """Commands are counted: no PING, however slow the machine running the test."""
    monkeypatch.setattr(near_cache, "SECONDS_BETWEEN_CHECKS", 3600)


def test_a_value_read_before_is_answered_without_asking_redis(server, ours, other_server, no_liveness_checks):
    other_server.set_many({"generation": "a1", "page": b"<html>"})
    assert ours.get_many(["generation", "page", "absent"]) == {"generation": "a1", "page": b"<html>"}
    before = server.commands_processed()
    assert ours.get_many(["generation", "page", "absent"]) == {"generation": "a1", "page": b"<html>"}
    assert ours.get("page") == b"<html>"
    assert ours.get("absent", "default") == "default"
    assert server.commands_processed() == before + 1  # the question above only


def test_a_change_made_through_another_server_is_seen(ours, other_server):
    other_server.set("generation", "a1")
    assert ours.get("generation") == "a1"
    other_server.set("generation", "b2")
    assert eventually(lambda: ours.get("generation"), "b2") == "b2"


def test_a_key_deleted_or_made_through_another_server_is_seen(ours, other_server):
    other_server.set("session", {"user": 1})
    assert ours.get_many(["session", "claim"]) == {"session": {"user": 1}}
    other_server.delete("session")
    other_server.add("claim", 1.5)
    assert eventually(lambda: ours.get_many(["session", "claim"]), {"claim": 1.5}) == {"claim": 1.5}


def test_a_flush_through_another_server_forgets_everything(ours, other_server):
    other_server.set_many({"a": 1, "b": 2})
    assert ours.get_many(["a", "b"]) == {"a": 1, "b": 2}
    other_server.clear()
    assert eventually(lambda: ours.get_many(["a", "b"]), {}) == {}


def test_what_this_process_writes_is_read_back_at_once(ours):
    for value in range(50):
        ours.set("generation", f"token {value}")
        assert ours.get("generation") == f"token {value}"
    ours.add("claim", 1.0)
    ours.touch("claim", 300)
    ours.delete("claim")
    assert ours.get("claim") is None
    ours.set_many({"a": "x", "b": "y"})
    assert ours.get_many(["a", "b"]) == {"a": "x", "b": "y"}
    ours.delete_many(["a"])
    assert ours.get_many(["a", "b"]) == {"b": "y"}
    ours.clear()
    assert ours.get_many(["a", "b"]) == {}


def test_a_value_is_not_kept_past_its_time_to_live_in_redis(server, ours, other_server):
    server.client.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")  # Redis would not delete it by itself
    other_server.set("holdings", ["premium"], timeout=1)
    assert ours.get("holdings") == ["premium"]
    time.sleep(1.1)
    assert ours.get("holdings") is None


def test_a_restarted_redis_costs_no_error_and_no_stale_value(server, ours, other_server):
    other_server.set("generation", "before")
    assert ours.get("generation") == "before"
    server.stop()
    server.start()  # empty: it keeps nothing on disk
    cache(server, near_cache_bytes=0).set("generation", "after")  # (Django's client fails once after a restart)
    assert ours.get("generation") == "after"


def test_where_redis_refuses_to_track_every_read_goes_to_redis(caplog):
    with redis_server("--rename-command", "CLIENT", "") as server:  # as an ACL denying CLIENT would
        ours, other_server = cache(server), cache(server, near_cache_bytes=0)
        other_server.set("generation", "a1")
        assert ours.get("generation") == "a1"
        other_server.set("generation", "b2")
        assert ours.get("generation") == "b2"
        before = server.commands_processed()
        assert ours.get_many(["generation", "absent"]) == {"generation": "b2"}
        assert server.commands_processed() == before + 2
    assert "does not track" in caplog.text


def test_while_redis_is_down_reads_fail_as_without_a_near_cache(server, ours, other_server):
    other_server.set("generation", "before")
    assert ours.get("generation") == "before"
    server.stop()
    with pytest.raises(redis.ConnectionError):
        ours.get("generation")


def test_the_copy_keeps_to_its_size_the_least_recently_read_going_first(server, other_server, no_liveness_checks):
    small = cache(server, near_cache_bytes=2500)
    other_server.set_many({name: b"x" * 1000 for name in ["a", "b", "c"]})
    small.get("a")
    small.get("b")
    small.get("a")
    small.get("c")  # no room for three: b goes
    before = server.commands_processed()
    small.get_many(["a", "c"])
    assert server.commands_processed() == before + 1
    small.get("b")
    assert server.commands_processed() > before + 2  # b was asked for again


def read_twice_in_a_forked_child(ours, answers, changed):
    answers.put(ours.get("generation"))
    changed.wait(10)
    answers.put(eventually(lambda: ours.get("generation"), "changed"))


def test_a_forked_process_is_told_of_changes_on_its_own_connection(ours, other_server):
    """A child sharing its parent's connection would miss the changes its parent takes in."""
    other_server.set("generation", "before")
    assert ours.get("generation") == "before"
    fork = multiprocessing.get_context("fork")
    answers, changed = fork.Queue(), fork.Event()
    child = fork.Process(target=read_twice_in_a_forked_child, args=(ours, answers, changed))
    child.start()
    try:
        assert answers.get(timeout=10) == "before"
        other_server.set("generation", "changed")
        assert eventually(lambda: ours.get("generation"), "changed") == "changed"
        changed.set()
        assert answers.get(timeout=10) == "changed"
    finally:
        child.join(10)


class Relay:
    """A TCP relay to Redis that can go silent without closing, as a network partition does."""

    def __init__(self, port):
        self.target = port
        self.listening = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.listening.getsockname()[1]}/0"
        self.silent = threading.Event()
        self.stopped = threading.Event()
        self.accepting = threading.Thread(target=self.accept, daemon=True)
        self.accepting.start()

    def accept(self):
        while not self.stopped.is_set():
            if select.select([self.listening], [], [], 0.1)[0]:
                near, _ = self.listening.accept()
                far = socket.create_connection(("127.0.0.1", self.target))
                threading.Thread(target=self.relay, args=(near, far), daemon=True).start()

    def relay(self, near, far):
        with near, far:
            while not self.stopped.is_set():
                for ready in select.select([near, far], [], [], 0.1)[0]:
                    data = ready.recv(65536)
                    if not data:
                        return
                    if not self.silent.is_set():
                        (far if ready is near else near).sendall(data)

    def stop(self):
        self.stopped.set()
        self.accepting.join()
        self.listening.close()


def test_a_connection_gone_silent_fails_reads_within_seconds_instead_of_serving_old_copies(server, other_server):
    relay = Relay(server.port)
    try:
        ours = RedisCache(relay.url, {"OPTIONS": {"near_cache_bytes": 2**20, "socket_timeout": 0.5,
                                                  "socket_connect_timeout": 0.5}})
        other_server.set("session", {"user": 1})
        assert ours.get("session") == {"user": 1}
        relay.silent.set()
        other_server.delete("session")  # a logout through another server: the push is lost
        time.sleep(1.1)
        with pytest.raises(redis.TimeoutError):
            ours.get("session")
    finally:
        relay.stop()
