"""
A copy, in this process's memory, of what it read from Redis, kept exact by Redis itself:
server-assisted client-side caching (CLIENT TRACKING, Redis 6 and later).

Every page reads a few keys from the cache (the generation token, the kept page, a reader's session
and holdings); on this machine a round trip to Redis costs more than Django's whole minimal view. So
the values read are kept here, and Redis is asked to tell this process whenever one of the keys it
read changes, is deleted or expires: it pushes the key's name on the connection that read it
(RESP3), and the copy is dropped before the next read. Keys read and found absent are kept too
(Redis tells when they are made).

What holds:
- Every read first takes in what Redis has pushed, so a change made through any server is seen
  here as soon as Redis's message arrives, a network hop later: when a read sent at the time of
  the change would have reached Redis. Writes made through this process drop their copies at once.
- A connection that goes silent is noticed within a second (see SECONDS_BETWEEN_CHECKS).
- A value is never kept past its time to live in Redis (read with it, in one transaction), so that
  expiry does not wait for Redis to get round to deleting the key.
- Anything that could lose a message (an error, a closed connection, a fork) forgets every copy
  and starts over on a new connection (at once, once: a Redis restarted in between costs no
  error). Redis pushes a flush (FLUSHDB, FLUSHALL) as a message that forgets every copy too.
- Where Redis refuses to track (an ACL or a proxy that forbids CLIENT), every read goes to Redis,
  as without a near cache.
- The copy is bounded (the least recently read go first); Redis bounds its own tracking table and
  sends a message for each key it stops tracking.

One per process and Redis server, shared by the process's threads (one lock: a thread's write is
seen by the others at once).
"""
import logging
import os
import threading
import time
from collections import OrderedDict

from redis import ConnectionPool
from redis.exceptions import ConnectionError, ResponseError, TimeoutError

logger = logging.getLogger(__name__)

ENTRY_OVERHEAD = 100  # bytes a kept entry costs besides its key and value, roughly
# At most this long without hearing from Redis, a read first asks it for a PONG: every push sent
# before it has then been taken in, and a connection that went silent without closing (a network
# partition) fails within the socket timeout instead of keeping copies Redis can no longer correct.
SECONDS_BETWEEN_CHECKS = 1
_near_caches = {}
_near_caches_lock = threading.Lock()


def near_cache(url, pool_options, max_bytes):
    """The process's near cache for the Redis server at `url`."""
    with _near_caches_lock:
        cache = _near_caches.get(url)
        if cache is None:
            cache = _near_caches[url] = NearCache(ConnectionPool.from_url(url, **pool_options), max_bytes)
        return cache


class NearCache:
    def __init__(self, pool, max_bytes):
        self._pool = pool
        self._max_bytes = max_bytes
        self._lock = threading.Lock()
        # key -> (raw value or None when absent, expiry on the monotonic clock, bytes counted)
        self._entries = OrderedDict()
        self._bytes = 0
        self._connection = self._pid = None
        self._heard_at = 0  # when the last reply came, on the monotonic clock
        self._tracking = True  # until Redis refuses

    def get_many(self, keys):
        """The raw values Redis holds for `keys` (None where absent), in order."""
        with self._lock:
            try:
                return self._get_many(keys)
            except (ConnectionError, TimeoutError):
                self._start_over()
            try:
                return self._get_many(keys)
            except Exception:
                self._start_over()
                raise

    def forget(self, keys):
        """Drop the copies of `keys`: this process has just written them."""
        with self._lock:
            for key in keys:
                self._drop(key)

    def forget_all(self):
        with self._lock:
            self._drop_all()

    def _get_many(self, keys):
        if self._pid != os.getpid():
            self._connect()
        if not self._tracking:
            self._connection.send_command("MGET", *keys)
            return self._connection.read_response()
        now = time.monotonic()
        if now - self._heard_at > SECONDS_BETWEEN_CHECKS:
            self._connection.send_command("PING")
            self._connection.read_response()  # the pushes before the PONG go to _invalidated
            self._heard_at = now
        self._take_in_pushes()
        missing = [key for key in dict.fromkeys(keys) if not self._fresh(key, now)]
        if missing:
            self._fetch(missing, now)
        found = []
        for key in keys:
            entry = self._entries.get(key)
            found.append(entry[0] if entry is not None else None)
            if entry is not None:
                self._entries.move_to_end(key)
        return found

    def _fresh(self, key, now):
        entry = self._entries.get(key)
        if entry is not None and entry[1] <= now:
            self._drop(key)
            return False
        return entry is not None

    def _fetch(self, keys, now):
        """Read `keys` and their times to live in one transaction; Redis tracks them from then on."""
        connection = self._connection
        commands = [("MULTI",), ("MGET", *keys), *(("PTTL", key) for key in keys), ("EXEC",)]
        connection.send_packed_command(connection.pack_commands(commands))
        for _ in commands[:-1]:  # OK, then QUEUED for each command
            connection.read_response()
        # Pushes read on the way were about changes made before the transaction: it saw them.
        values, *milliseconds_left = connection.read_response()
        self._heard_at = now
        for key, value, left in zip(keys, values, milliseconds_left):
            # PTTL: -1 for a key that does not expire, -2 for one that is absent.
            expiry = now + left / 1000 if left >= 0 else float("inf")
            self._keep(key, value, expiry)

    def _keep(self, key, value, expiry):
        self._drop(key)
        size = len(key) + (len(value) if value is not None else 0) + ENTRY_OVERHEAD
        if size > self._max_bytes:
            return
        self._entries[key] = (value, expiry, size)
        self._bytes += size
        while self._bytes > self._max_bytes:
            self._drop(next(iter(self._entries)))

    def _drop(self, key):
        entry = self._entries.pop(key, None)
        if entry is not None:
            self._bytes -= entry[2]

    def _drop_all(self):
        self._entries.clear()
        self._bytes = 0

    def _take_in_pushes(self):
        connection = self._connection
        while connection.can_read(timeout=0):
            connection.read_response(push_request=True)  # an invalidation goes to _invalidated

    def _invalidated(self, push):
        keys = push[1]
        if keys is None:  # the database was flushed
            self._drop_all()
        else:
            for key in keys:
                self._drop(key.decode())

    def _connect(self):
        self._start_over()
        connection = self._pool.connection_class(**{**self._pool.connection_kwargs, "protocol": 3})
        connection.send_command("CLIENT", "TRACKING", "ON")
        try:
            connection.read_response()
        except ResponseError:  # an ACL or a proxy that refuses CLIENT: every read goes to Redis
            if self._tracking:
                logger.warning("Redis does not track this client's reads: no near cache", exc_info=True)
            self._tracking = False
        connection._parser.set_invalidation_push_handler(self._invalidated)
        self._connection, self._pid = connection, os.getpid()

    def _start_over(self):
        """Forget every copy and the connection (a forked child's is its parent's: left to it)."""
        self._drop_all()
        if self._connection is not None and self._pid == os.getpid():
            self._connection.disconnect()
        self._connection = self._pid = None
        self._heard_at = 0
