"""
The content cache: a page as rendered for one *audience* (the kind of visitor it was made for:
everyone, or for a report the readers of its text, signed-in visitors who may not read it, and
anonymous ones) and one *kind of visitor* as the site header shows them (anonymous, signed in,
staff), kept in the cache for CONTENT_CACHE_SECONDS and served to every visitor of that audience
and kind. The visitor's CSRF token is never kept: the stored page holds a placeholder in its place,
replaced with the visitor's own for each request, the first one included. A visitor with messages
waiting gets a page made for them alone, which is not kept.

The audience is the view's answer, asked of the access policy for each request
(`SharedContentMixin.content_audience`); desk previews and unpublished reports have none and are
made every time. Like the page cache (reports/cache/pages.py), an entry is keyed on the address and
kept as of the pages generation (reports.cache.store), so that any change to what pages show is
seen at once on every server, and it expires when the next scheduled report becomes due. A page is kept only if it
answered 200 and did not ask for the visitor's CSRF token.
"""
import logging

from django.conf import settings
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe

from reports.cache.pages import page_key, seconds_to_keep
from reports.cache.signed_in import claimed_user_pk
from reports.cache.store import (
    MISSING,
    PAGES_GENERATION,
    expect,
    generation,
    keep,
    lookup,
    read_many,
    remembered,
)
from reports.models.readers import is_desk_staff

logger = logging.getLogger(__name__)

HEADER = "X-Content-Cache"  # hit or miss, for operators and benchmarks
# In a page made for the cache, in place of the visitor's CSRF token. HTML escaping turns any "<"
# that text brings into "&lt;" (and the sanitiser drops comments), so only the placeholder reads so.
CSRF_TOKEN_HOLE = mark_safe("<!--csrf-token-->")


def visitor_kind(user):
    """What the site header (includes/site_header.html) shows of a visitor."""
    if not user.is_authenticated:
        return "anonymous"
    return "staff" if user.is_staff else "signed-in"


def likely_visitor_kind(request):
    """visitor_kind() as the session tells before the user is looked up, for announcing reads."""
    return "anonymous" if claimed_user_pk(request) is None else "signed-in"


def has_messages(request):
    """Whether messages wait for the visitor, without marking them read."""
    storage = getattr(request, "_messages", None)
    return storage is not None and len(storage) > 0


def with_csrf_token(content, request):
    if CSRF_TOKEN_HOLE not in content:
        return content
    return content.replace(CSRF_TOKEN_HOLE, get_token(request))


def shared_page_key(request, audience, kind):
    return f"content-cache:{audience}:{kind}:{page_key(request)}"


class SharedPage:
    """One page of the content cache: found there (`kept`), or to be made and kept."""

    def __init__(self, request, audience):
        self.request = request
        self.key = shared_page_key(request, audience, visitor_kind(request.user))
        self.kept = MISSING
        try:
            found = read_many([PAGES_GENERATION, self.key])
            self.tokens = (generation(PAGES_GENERATION, found),)
        except Exception:  # a cache server that is down costs speed, not pages
            logger.warning("Content cache unavailable", exc_info=True)
            self.tokens = None
            return
        self.kept = lookup(found, self.key, self.tokens)

    def response(self):
        """The kept page, with the visitor's CSRF token."""
        content, content_type = self.kept
        return HttpResponse(with_csrf_token(content, self.request), content_type=content_type, headers={HEADER: "hit"})

    def keep(self, response):
        """Post-render callback of the page made for the cache: keep it, then give it the visitor's CSRF token."""
        content = response.content.decode(response.charset)
        if (
            self.tokens is not None
            and response.status_code == 200
            and not self.request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the visitor's own token is in the page
        ):
            keep(self.key, self.tokens, (content, response["Content-Type"]), seconds_to_keep(settings.CONTENT_CACHE_SECONDS))
        if CSRF_TOKEN_HOLE in content:
            response.content = with_csrf_token(content, self.request)
        response[HEADER] = "miss"


class SharedContentMixin:
    """
    For views whose page is the same for every visitor of an audience and kind but for their CSRF
    token: served from the content cache, or made with a placeholder for the token and kept there.
    A detail view may also keep the object it shows for every visitor but the desk
    (`kept_object_prefix`, `kept_object()`).
    """

    kept_object_prefix = None  # e.g. "published-report": the object is kept under it and the URL's slug

    def content_audience(self):
        """Who the page is made for (a short name), or None when it is made for this visitor only."""
        return "everyone"

    def likely_audiences(self):
        """The audiences content_audience() is likely to answer: their pages come with the request's first read from the cache."""
        return ["everyone"]

    def announce_reads(self):
        """
        Announce what the page will read from the cache. Called before anything asks who the
        visitor is: looking them up is the request's first read (reports.cache.signed_in), which
        then brings the session, the user, their holdings and all of this in one round trip
        (tests/test_cache_round_trips.py counts them).
        """
        if settings.CONTENT_CACHE_SECONDS > 0:
            kind = likely_visitor_kind(self.request)
            expect(self.kept_object_key(), *(shared_page_key(self.request, audience, kind) for audience in self.likely_audiences()))

    def kept_object_key(self):
        if self.kept_object_prefix is None or settings.CONTENT_CACHE_SECONDS <= 0:
            return None
        return f"{self.kept_object_prefix}:{self.kwargs[self.slug_url_kwarg]}"

    def kept_object(self, find):
        """What find() returns, kept with the content cache's pages; the desk, who see more, always find it afresh."""
        key = None if is_desk_staff(self.request.user) else self.kept_object_key()
        if key is None:
            return find()
        return remembered(key, find, timeout=settings.CONTENT_CACHE_SECONDS)

    def get(self, request, *args, **kwargs):
        self.shared_page = None
        self.announce_reads()
        if settings.CONTENT_CACHE_SECONDS > 0 and request.method == "GET":
            audience = self.content_audience()
            if audience is not None and not has_messages(request):
                self.shared_page = SharedPage(request, audience)
                if self.shared_page.kept is not MISSING:
                    return self.shared_page.response()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.shared_page is not None:
            context["csrf_token"] = CSRF_TOKEN_HOLE
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.shared_page is not None:
            response.add_post_render_callback(self.shared_page.keep)
        return response
