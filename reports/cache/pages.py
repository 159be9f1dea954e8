"""
The page cache: public pages and feeds, as anonymous visitors get them, kept in Django's cache
(Redis when CACHE_URL/REDIS_URL is set, shared by every app server) for PAGE_CACHE_SECONDS.

Paywall safety comes first. A page is served from the cache, or stored in it, only for a plain
anonymous visitor: a GET (or HEAD) of one of the PAGES, without a session or messages cookie,
without an Authorization header, not a preview (?as=) and not from any institution's network (such
a visitor may read more than the public, so they get their own page every time). A page is stored
only if it answered a GET with 200, set no cookie, did not use the CSRF token or change the session,
is not private, no-store or no-cache, varies on nothing but Cookie, and the access policy gives its
visitor no tier.

The middleware sits just inside the request log, SecurityMiddleware and CSPMiddleware: a plain
http request is redirected to https before it is looked up, and the security and CSP headers are
added to every page, hit or miss, and never stored. A hit is served before the sessions, CSRF,
authentication and messages middleware run, so it is told from the raw request alone (its own
URL resolution, the cookies, the headers); an unknown Host is still the 400 page. What the inner
middleware add to a page made for the public (Content-Length, Vary: Cookie, X-Frame-Options) is
stored with it.

Each stored page is kept as of the pages generation (reports.cache.store), which any change to
what pages show replaces: a page of another generation is a miss on every server, whatever it
cached before. A search page is kept as of the search generation too (`GENERATIONS`): its
results follow the search documents, made again after a save's commit. Headers that say how the
caches answered one response (X-Search-Cache) are not stored with a page. A hit costs one round
trip to the cache, which answers the generation, the institutions' networks and the page
together, and no SQL query. A stored page also expires when the next scheduled report becomes
due, which no save announces; that moment is itself kept until it comes or a save replaces the
pages generation (`next_access_change`).
"""
import functools
import hashlib
import logging
import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils.cache import patch_vary_headers

from reports.cache.readers import NETWORKS_KEY, on_institution_network
from reports.cache.store import (
    MISSING,
    PAGES_GENERATION,
    SEARCH_GENERATION,
    expect,
    generation,
    keep,
    lookup,
    read_entry,
    read_many,
    replace_left_over,
)
from reports.models import Report
from reports.models.readers import reader_rank

logger = logging.getLogger(__name__)

# The public pages that show reports (URL names).
PAGES = frozenset({
    "home", "report_list", "report_detail", "report_print",
    "series_detail", "tag_detail", "organization_detail", "person_detail", "outlet_detail",
    "feed_rss", "feed_atom", "series_feed_rss", "series_feed_atom", "tag_feed_rss", "tag_feed_atom",
    "organization_feed_rss", "organization_feed_atom", "sitemap", "search",
})
# The generations a page is kept as of: any change to what pages show, and for search pages the
# search documents too, which are made again only after a save's commit (as the search results
# kept for signed-in readers are: reports.cache.results).
GENERATIONS = {"search": (PAGES_GENERATION, SEARCH_GENERATION)}
# Pages whose addresses anyone can vary at will (each distinct query is a page of its own), kept
# and looked for only once this process is asked for one a second time
# (reports.cache.store.asked_before), as their kept results are: a query asked once costs no
# write and no round trip, and one-off queries do not push out the pages asked for often. The
# cache's own limit (Redis's eviction, the disk cache's size) bounds the rest.
KEPT_WHEN_ASKED_AGAIN = {"search"}
HEADER = "X-Page-Cache"  # hit or miss, for operators and benchmarks
UNCACHEABLE_DIRECTIVES = {"private", "no-store", "no-cache"}


def public_page(request):
    """The URL name of the public page a plain anonymous visitor asks for (see the module's docstring), else None."""
    if not (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and "as" not in request.GET
    ):
        return None
    name = view_name(get_urlconf(settings.ROOT_URLCONF), request.path_info)
    return name if name in PAGES else None


@functools.lru_cache(maxsize=1024)
def view_name(urlconf, path):
    """The name of the view the path resolves to, or None: remembered, since hits are for the same few pages."""
    try:
        return resolve(path, urlconf).view_name
    except Resolver404:
        return None


def page_key(request):
    """The scheme, host, path and query (its parameters sorted)."""
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    address = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return f"page-cache:page:{hashlib.sha256(address.encode(errors='backslashreplace')).hexdigest()}"


def may_store(request, response):
    cache_control = {part.split("=")[0].strip().lower() for part in response.get("Cache-Control", "").split(",")}
    vary = {part.strip().lower() for part in response.get("Vary", "").split(",") if part.strip()}
    # Set by the inner middleware; a page made without them is not one this module knows to be public.
    user, session = getattr(request, "user", None), getattr(request, "session", None)
    return (
        request.method == "GET"
        and response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and session is not None
        and not session.modified
        and not cache_control & UNCACHEABLE_DIRECTIVES
        and vary <= {"cookie"}
        and user is not None
        and not user.is_authenticated
        and reader_rank(user) is None
    )


NEXT_ACCESS_CHANGE = "page-cache:next-access-change"


def next_access_change():
    """
    Report.objects.next_access_change(), kept as of the pages generation (which any save that could
    move it replaces) until that moment comes: a page kept for the public and its kept results
    both ask, on every miss, and a query each cost more than the rest of keeping them.
    """
    try:
        found = read_many([PAGES_GENERATION, NEXT_ACCESS_CHANGE])
        tokens = (generation(PAGES_GENERATION, found),)
    except Exception:  # a cache server that is down costs speed, not pages
        logger.warning("Page cache unavailable", exc_info=True)
        return Report.objects.next_access_change()
    due = lookup(found, NEXT_ACCESS_CHANGE, tokens)
    if due is MISSING:
        due = Report.objects.next_access_change()
        # No longer than anything kept with it may be kept.
        seconds = max(settings.PAGE_CACHE_SECONDS, settings.CONTENT_CACHE_SECONDS)
        keep(NEXT_ACCESS_CHANGE, tokens, due, seconds if due is None else min(seconds, due.timestamp() - time.time()))
    return due


def seconds_to_keep(limit=None):
    """PAGE_CACHE_SECONDS (or `limit`), or less when a report is published or changes access sooner."""
    seconds = settings.PAGE_CACHE_SECONDS if limit is None else limit
    due = next_access_change()
    if due is not None:
        seconds = min(seconds, due.timestamp() - time.time())
    return seconds


def kept_headers(response):
    """
    The headers a stored page is served with: all but those saying how the caches answered this
    one response (X-Search-Cache, ...: "miss" when it was made), which a hit would repeat untruly.
    """
    return [(name, value) for name, value in response.items() if not re.fullmatch(r"x-[\w-]+-cache", name.lower())]


class PageCacheMiddleware:
    """Serves and stores public pages for anonymous visitors; placed right after CSPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        page = public_page(request)
        if page is None:
            return self.get_response(request)
        key = page_key(request)  # out of the try below: an unknown Host raises DisallowedHost, a 400
        if not replace_left_over():  # a commit could not replace a generation: nothing kept before it is served
            return self.get_response(request)
        generations = GENERATIONS.get(page, (PAGES_GENERATION,))
        expect(NEXT_ACCESS_CHANGE)  # asked when a miss is kept: no round trip of its own then
        try:
            found, tokens, looked_for = read_entry(
                key, generations, when_asked_again=page in KEPT_WHEN_ASKED_AGAIN, along=[NETWORKS_KEY]
            )
            if on_institution_network(request, found):
                return self.get_response(request)
        except Exception:  # a cache server that is down costs speed, not pages
            logger.warning("Page cache unavailable", exc_info=True)
            return self.get_response(request)
        kept = lookup(found, key, tokens)
        if kept is not MISSING:
            content, headers = kept
            response = HttpResponse(content, headers=headers)
            # As when it was made: signed-in visitors get another page, which no shared cache may mix up.
            patch_vary_headers(response, ["Cookie"])
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if looked_for and may_store(request, response):
            keep(key, tokens, (response.content, kept_headers(response)), seconds_to_keep())
        response[HEADER] = "miss"
        return response
