"""
Django's Redis cache, keeping one `redis.Redis` client per connection pool, and taking keys as
Redis does.

Django's own backend builds a new client for every cache call, and each build fills a table of
some 150 reply handlers: about half a millisecond, twice per page served from the page cache,
as long as the rest of that request. A client is safe to share between threads (its connections
come from the pool), so one per pool is enough.

Django also checks every key against memcached's limits (length, spaces, control characters),
which Redis does not have: a few microseconds a key, a dozen keys per page. The checks still run
where the cache is this process's memory (without CACHE_URL, and in the test suite's SQLite pass).
"""
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def validate_key(self, key):
        """Any key Redis takes (see above)."""
