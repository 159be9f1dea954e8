"""
The cache's backends: Redis for several app servers, files on disk for the processes of one.

Django's Redis cache, keeping one `redis.Redis` client per connection pool, taking keys as Redis
does, and (with `near_cache_bytes` in OPTIONS) keeping what it read in this process's memory.

Django's own backend builds a new client for every cache call, and each build fills a table of
some 150 reply handlers: about half a millisecond, twice per page served from the page cache,
as long as the rest of that request. A client is safe to share between threads (its connections
come from the pool), so one per pool is enough.

Django also checks every key against memcached's limits (length, spaces, control characters),
which Redis does not have: a few microseconds a key, a dozen keys per page (diskcache skips them too).

With a near cache (reports/cache/near.py; one server only: with replicas, reads go to them as
Django has it), reads are answered from the values this process read before, which Redis keeps
exact by telling it of every change; writes through this process drop their keys' copies at once.
"""
import contextlib

from diskcache import DjangoCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.retry import Retry

from reports.cache.near import near_cache


class CacheClient(RedisCacheClient):
    def __init__(self, servers, *args, near_cache_bytes=0, **kwargs):
        super().__init__(servers, *args, **kwargs)
        self._clients = {}
        self._near = None
        if near_cache_bytes and len(servers) == 1:
            self._near = near_cache(servers[0], self._pool_options, near_cache_bytes)
        # A pooled connection Redis has closed (a restart, an idle timeout) shows only when it is used:
        # then one retry on a fresh connection; not after a timeout, where a hung server must fail fast.
        # (The near cache retries its own connection.)
        self._pool_options = {
            **self._pool_options, "retry": Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,))
        }

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client

    def get(self, key, default):
        if self._near is None:
            return super().get(key, default)
        (value,) = self._near.get_many([key])
        return default if value is None else self._serializer.loads(value)

    def get_many(self, keys):
        if self._near is None:
            return super().get_many(keys)
        keys = list(keys)
        values = self._near.get_many(keys)
        return {key: self._serializer.loads(value) for key, value in zip(keys, values) if value is not None}

    def add(self, key, value, timeout):
        with self._writing([key]):
            return super().add(key, value, timeout)

    def set(self, key, value, timeout):
        with self._writing([key]):
            super().set(key, value, timeout)

    def touch(self, key, timeout):
        with self._writing([key]):
            return super().touch(key, timeout)

    def delete(self, key):
        with self._writing([key]):
            return super().delete(key)

    def incr(self, key, delta):
        with self._writing([key]):
            return super().incr(key, delta)

    def set_many(self, data, timeout):
        with self._writing(data):
            super().set_many(data, timeout)

    def delete_many(self, keys):
        with self._writing(keys):
            super().delete_many(keys)

    def clear(self):
        with self._writing(None):
            return super().clear()

    @contextlib.contextmanager
    def _writing(self, keys):
        """Drops the near copies of `keys` (None: of every key) once the write is done or has failed."""
        try:
            yield
        finally:
            if self._near is not None and keys is None:
                self._near.forget_all()
            elif self._near is not None:
                self._near.forget(keys)


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = CacheClient

    def validate_key(self, key):
        """Any key Redis takes (see above)."""


class DiskCache(DjangoCache):
    """
    diskcache's Django cache (SQLite files and a folder on this machine), shared by every process
    of one server; its reads and writes wait 10 ms at most for another process's write, then count
    as a miss or are dropped. Each thread keeps its connections open from one request to the next
    (Django closes caches when a request ends; reopening costs more than the reads of a page), and
    a forked process opens its own.
    """

    def close(self, **kwargs):
        """Keep the connections (see above)."""
