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

Each stored page carries the *generation* it was made in, a token in the cache that any change
to what pages show replaces (reports/signals.py calls `invalidate`): a page of another generation
is a miss on every server, whatever it cached before. A hit costs one round trip to the cache,
which answers the generation, the institutions' networks and the page together, and no SQL query.
A stored page also expires when the next scheduled report becomes due, which no save announces.
"""
import functools
import hashlib
import ipaddress
import logging
import math
import threading
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, transaction
from django.db.models import Min
from django.http import HttpResponse
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from reports.models import InstitutionNetwork
from reports.models.readers import best_of, held_rank, network_institution, reader_rank
from reports.ops.client import client_ip

logger = logging.getLogger(__name__)

# The public pages that show reports (URL names). Search is left out: its key space is whatever
# visitors type, and its index is brought up to date only after a save's transaction commits.
PAGES = frozenset({
    "home", "report_list", "report_detail", "report_print",
    "series_detail", "tag_detail", "organization_detail", "person_detail", "outlet_detail",
    "feed_rss", "feed_atom", "series_feed_rss", "series_feed_atom", "tag_feed_rss", "tag_feed_atom",
    "organization_feed_rss", "organization_feed_atom", "sitemap",
})
GENERATION_KEY = "page-cache:generation"
NETWORKS_KEY = "page-cache:networks"
ACCESS_GENERATION_KEY = "access:generation"  # replaced when a subscription or membership changes
HEADER = "X-Page-Cache"  # hit or miss, for operators and benchmarks
UNCACHEABLE_DIRECTIVES = {"private", "no-store", "no-cache"}


class RequestReads(threading.local):
    """
    What this request has read from the cache, by key, and the keys it said it will read.

    A page asks the cache for several things at different depths (the generation token, the
    report, the reader's holdings, the kept page): each key is read once per request, and the
    first read takes every key announced by `expect()` with it, so that they cost one round trip.
    What the request writes through this module is seen by its own later reads. Outside a request
    (commands, tests calling functions directly) every read goes to the cache.
    """

    def begin(self, **kwargs):
        self.values, self.expected = {}, set()

    def end(self, **kwargs):
        self.values = self.expected = None

    values = expected = None


_reads = RequestReads()
request_started.connect(_reads.begin)
request_finished.connect(_reads.end)
_ABSENT = object()


def expect(*keys):
    """Keys this request will read (None for none): they come with its next read from the cache."""
    if _reads.expected is not None:
        _reads.expected.update(key for key in keys if key is not None)


def read_many(keys):
    """What the cache holds for `keys`, absent ones left out; read once per request (see RequestReads)."""
    if _reads.values is None:
        return cache.get_many(keys)
    unread = {key for key in [*keys, *_reads.expected] if key not in _reads.values}
    if unread:
        found = cache.get_many(list(unread))
        _reads.values.update((key, found.get(key, _ABSENT)) for key in unread)
        _reads.expected.clear()
    return {key: _reads.values[key] for key in keys if _reads.values[key] is not _ABSENT}


def _written(key, value):
    if _reads.values is not None:
        _reads.values[key] = value


class ReadInRequest:
    """
    A cache whose reads of single keys join the request's round trip (read_many) and whose writes
    its later reads see: for code that takes a cache object, such as Django's cached_db sessions.
    """

    def __init__(self, cache):
        self.cache = cache

    def get(self, key, default=None):
        return read_many([key]).get(key, default)

    def set(self, key, value, *args, **kwargs):
        self.cache.set(key, value, *args, **kwargs)
        _written(key, value)

    def delete(self, key, *args, **kwargs):
        _written(key, _ABSENT)
        return self.cache.delete(key, *args, **kwargs)

    def __contains__(self, key):
        return key in self.cache

    def __getattr__(self, name):
        return getattr(self.cache, name)


def generation(key=GENERATION_KEY):
    token = read_many([key]).get(key)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(key, token, timeout=None):
            token = cache.get(key) or token
        _written(key, token)
    return token


def new_generation(key=GENERATION_KEY):
    token = uuid.uuid4().hex
    cache.set(key, token, timeout=None)
    _written(key, token)


_pending = threading.local()


def invalidate(key=GENERATION_KEY):
    """
    Forget every cached page (or what else is kept as of the generation `key`): at once, and again
    when the current transaction commits, since a request in between may have cached something
    made from the data as it was before the commit. A replacement the cache refuses after the
    commit (it was out of reach) never turns the committed save into an error: it is logged and
    tried again before this process serves its next page from the cache.
    """
    new_generation(key)
    if connection.in_atomic_block:
        _pending.keys = getattr(_pending, "keys", set()) | {key}
        transaction.on_commit(_bump_pending, robust=True)


_unbumped = set()  # generations a commit could not replace: tried again by `bump_left_over`


def _bump_pending():
    keys, _pending.keys = getattr(_pending, "keys", set()), set()
    _unbumped.update(keys)
    bump_left_over()


def bump_left_over():
    for key in list(_unbumped):
        try:
            new_generation(key)
        except Exception:
            logger.warning("Cache generation %s not replaced after a commit: tried again later", key, exc_info=True)
        else:
            _unbumped.discard(key)


def remembered(key, make, timeout, generations=(GENERATION_KEY,)):
    """
    What make() returns, kept in the cache under `key` while the generations it was made in last
    (at most `timeout` seconds), and made again after. No round trip of its own when the request
    expected `key`; a cache that cannot be asked, or one that other processes do not share (see
    SHARED_CACHE), costs a call to make(), never a wrong answer.
    """
    if not settings.SHARED_CACHE:
        return make()
    try:
        found = read_many([*generations, key])
        tokens = tuple(found.get(name) or generation(name) for name in generations)
    except Exception:
        logger.warning("Cache unavailable", exc_info=True)
        return make()
    entry = found.get(key)
    if entry is not None and entry[0] == tokens:
        return entry[1]
    value = make()
    try:
        cache.set(key, (tokens, value), timeout=timeout)
    except Exception:
        logger.warning("Cache unavailable", exc_info=True)
    else:
        _written(key, (tokens, value))
    return value


def claim(key, seconds):
    """
    True for the first request to claim `key` within `seconds` (on every server at once), False for
    the others; None when the cache cannot tell: it is not shared (SHARED_CACHE) or cannot be asked.
    A claim holds its time, judged by this server's clock as the database's records would be; a
    request that expected `key` learns that it is claimed without another round trip.
    """
    if not settings.SHARED_CACHE:
        return None
    now = time.time()

    def holds(claimed_at):  # absent, or never read: None or _ABSENT
        return isinstance(claimed_at, float) and now - claimed_at < seconds

    if _reads.values is not None and holds(_reads.values.get(key)):
        return False
    try:
        if cache.add(key, now, timeout=seconds):
            return True
        if holds(cache.get(key)):
            return False
        cache.set(key, now, timeout=seconds)  # a claim kept past its time by a clock that lags ours
    except Exception:
        logger.warning("Cache unavailable", exc_info=True)
        return None
    return True


def institution_networks(token, known):
    """
    Every institution's networks, active or not: their readers are never served a cached page.
    `known` is what the cache held, (generation, networks), read again when of another generation.
    """
    if known is not None and known[0] == token:
        return known[1]
    networks = list(InstitutionNetwork.objects.values_list("cidr", flat=True))
    cache.set(NETWORKS_KEY, (token, networks), timeout=None)
    _written(NETWORKS_KEY, (token, networks))
    return networks


def on_institution_network(request, networks):
    if not networks:
        return False
    ip = client_ip(request)
    if ip is None:
        return False
    address = ipaddress.ip_address(ip)
    return any(address in network for network in parsed_networks(tuple(networks)))


@functools.lru_cache(maxsize=1)
def parsed_networks(cidrs):
    """The networks as ipaddress objects, parsed once for as long as they stay the same."""
    return [ipaddress.ip_network(cidr, strict=False) for cidr in cidrs]


# -- What a signed-in reader holds, and the networks readers read from ---------------------------

HOLDINGS_SECONDS = 24 * 60 * 60


def cached_reader_access(user):
    """
    What the user holds, as reports.models.readers.holdings_in_database tells, through the cache:
    a signed-in reader's own holdings are kept for the day, until a subscription or membership (the
    access generation) or anything pages show (the page generation) changes; and most visitors,
    on no institution's network, are told so by the networks the cache knows, without a query.
    Kept only when every process shares the cache (SHARED_CACHE): a change seen by one must hold
    in all. Set on each user the site looks up (reports.cache.signed_in).
    """
    held = None
    key = holdings_key(user)
    if key is not None:
        held = remembered(
            key, lambda: held_rank(user), timeout=HOLDINGS_SECONDS, generations=(GENERATION_KEY, ACCESS_GENERATION_KEY)
        )
    return best_of(held, cached_network_institution(getattr(user, "client_ip", None)))


def cached_network_institution(ip):
    """The institution whose network holds the address; only an address inside a known network costs a query."""
    if not ip:
        return None
    known = known_networks() if settings.SHARED_CACHE else None
    if known is None:
        return network_institution(ip)
    address = ipaddress.ip_address(ip)
    holding = [cidr for cidr, network in known if address in network]
    return network_institution(ip, among=holding) if holding else None


_known_networks = (None, ())  # (generation, ((cidr, network), ...)): read once per generation


def known_networks():
    """Every institution's networks, active or not, as (cidr, parsed network); None when the cache cannot be asked."""
    global _known_networks
    try:
        token = generation()
        if _known_networks[0] != token:
            cidrs = tuple(institution_networks(token, read_many([NETWORKS_KEY]).get(NETWORKS_KEY)))
            _known_networks = (token, tuple(zip(cidrs, parsed_networks(cidrs))))
    except Exception:  # a cache server that is down costs a query, never an answer
        logger.warning("Institution networks not read through the cache: asking the database", exc_info=True)
        return None
    return _known_networks[1]


def holdings_key(user):
    """The cache key of what a signed-in reader holds today; None for anyone else."""
    if user.is_authenticated and user.is_active:
        return user_holdings_key(user.pk)
    return None


def user_holdings_key(user_pk):
    return f"reader-access:{user_pk}:{timezone.localdate()}"


def expect_reader_access(user_pk):
    """Tell the request's next read from the cache to bring what it keeps of this signed-in user's access."""
    expect(GENERATION_KEY, ACCESS_GENERATION_KEY, user_holdings_key(user_pk))


def wants_public_page(request):
    """Whether the request is for a public page by a plain anonymous visitor (see the module's docstring)."""
    return bool(
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CookieStorage.cookie_name not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and "as" not in request.GET
        and view_name(get_urlconf(settings.ROOT_URLCONF), request.path_info) in PAGES
    )


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


def seconds_to_keep(limit=None):
    """PAGE_CACHE_SECONDS (or `limit`), or less when a scheduled report becomes due sooner."""
    from reports.models import Report

    seconds = settings.PAGE_CACHE_SECONDS if limit is None else limit
    due = Report.objects.scheduled().aggregate(due=Min("published_at"))["due"]
    if due is not None:
        seconds = min(seconds, due.timestamp() - time.time())
    return seconds


class PageCacheMiddleware:
    """Serves and stores public pages for anonymous visitors; placed right after CSPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not wants_public_page(request):
            return self.get_response(request)
        key = page_key(request)  # out of the try below: an unknown Host raises DisallowedHost, a 400
        if _unbumped:  # a commit could not replace a generation: no page kept from before it is served
            bump_left_over()
            if _unbumped:
                return self.get_response(request)
        try:
            found = read_many([GENERATION_KEY, NETWORKS_KEY, key])
            token = found.get(GENERATION_KEY) or generation()
            networks = institution_networks(token, found.get(NETWORKS_KEY))
        except Exception:  # a cache server that is down costs speed, not pages
            logger.warning("Page cache unavailable", exc_info=True)
            return self.get_response(request)
        if on_institution_network(request, networks):
            return self.get_response(request)
        entry = found.get(key)
        if entry is not None and entry["generation"] == token and entry["expires"] > time.time():
            response = HttpResponse(entry["content"], headers=entry["headers"])
            # As when it was made: signed-in visitors get another page, which no shared cache may mix up.
            patch_vary_headers(response, ["Cookie"])
            response[HEADER] = "hit"
            return response
        response = self.get_response(request)
        if may_store(request, response):
            self.store(key, token, response)  # as of the generation it was made in
        response[HEADER] = "miss"
        return response

    @staticmethod
    def store(key, token, response):
        seconds = seconds_to_keep()
        if seconds <= 0:
            return
        entry = {
            "generation": token, "expires": time.time() + seconds,
            "content": response.content, "headers": list(response.items()),
        }
        try:
            cache.set(key, entry, timeout=math.ceil(seconds))
        except Exception:
            logger.warning("Page cache unavailable", exc_info=True)
