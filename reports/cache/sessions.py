"""
Django's cached_db sessions, with the session read in the request's one round trip to the cache:
a request that announced the session's key (reports.cache.signed_in does when the visitor's cookies name
a user) gets it together with everything else it reads (reports.cache.store.read_many).
"""
from django.conf import settings
from django.contrib.sessions.backends import cached_db
from django.core.cache import DEFAULT_CACHE_ALIAS

from reports.cache.store import ReadInRequest


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        if settings.SESSION_CACHE_ALIAS == DEFAULT_CACHE_ALIAS:  # the cache read_many reads
            self._cache = ReadInRequest(self._cache)
