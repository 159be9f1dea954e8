"""
The order of MIDDLEWARE that others rely on, each named for what breaks if it changes (a coupling a
settings edit cannot see).
"""
from django.conf import settings


def position(name):
    names = [path.rsplit(".", 1)[-1] for path in settings.MIDDLEWARE]
    return names.index(name)


def test_head_requests_are_stripped_outermost_so_every_layer_answers_head_as_get():
    assert position("HeadWithoutBodyMiddleware") == 0


def test_static_files_are_answered_before_anything_of_ours():
    """WhiteNoise right after the https redirect and security headers, before the request log, CSP and caches."""
    assert position("SecurityMiddleware") + 1 == position("WhiteNoiseMiddleware")
    assert position("WhiteNoiseMiddleware") < position("RequestLogMiddleware") < position("PageCacheMiddleware")


def test_the_page_cache_answers_before_sessions_and_users_are_looked_at():
    """A kept public page is served from the raw request: no session, CSRF, user or messages read (reports.cache.pages)."""
    assert position("CSPMiddleware") < position("PageCacheMiddleware")
    for later in ("SessionMiddleware", "CsrfViewMiddleware", "AuthenticationMiddleware", "MessageMiddleware"):
        assert position("PageCacheMiddleware") < position(later), later


def test_private_pages_are_marked_after_the_user_is_known_and_before_the_page_cache_stores_them():
    """reports.cache.privacy decides from the user; the page cache refuses what it marked private."""
    assert position("PageCacheMiddleware") < position("AuthenticationMiddleware") < position("CacheControlMiddleware")
