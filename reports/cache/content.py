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
carries the page cache's generation, so that any change to what pages show is seen at once on every
server, and it expires when the next scheduled report becomes due. A page is kept only if it
answered 200 and did not ask for the visitor's CSRF token.
"""
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils.safestring import mark_safe

from reports.cache.pages import (
    GENERATION_KEY,
    expect,
    generation,
    page_key,
    read_many,
    seconds_to_keep,
)
from reports.cache.signed_in import claimed_user_pk

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
    """One page of the content cache: found there, or to be made and kept."""

    def __init__(self, request, audience):
        self.request = request
        self.key = shared_page_key(request, audience, visitor_kind(request.user))
        self.entry = None
        try:
            found = read_many([GENERATION_KEY, self.key])
            self.generation = found.get(GENERATION_KEY) or generation()
        except Exception:  # a cache server that is down costs speed, not pages
            logger.warning("Content cache unavailable", exc_info=True)
            self.generation = None
            return
        entry = found.get(self.key)
        if entry is not None and entry["generation"] == self.generation and entry["expires"] > time.time():
            self.entry = entry

    def response(self):
        """The kept page, with the visitor's CSRF token."""
        return HttpResponse(
            with_csrf_token(self.entry["content"], self.request),
            content_type=self.entry["content_type"],
            headers={HEADER: "hit"},
        )

    def keep(self, response):
        """Post-render callback of the page made for the cache: keep it, then give it the visitor's CSRF token."""
        content = response.content.decode(response.charset)
        if (
            self.generation is not None
            and response.status_code == 200
            and not self.request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # the visitor's own token is in the page
        ):
            self.store(content, response["Content-Type"])
        if CSRF_TOKEN_HOLE in content:
            response.content = with_csrf_token(content, self.request)
        response[HEADER] = "miss"

    def store(self, content, content_type):
        seconds = seconds_to_keep(settings.CONTENT_CACHE_SECONDS)
        if seconds <= 0:
            return
        entry = {
            "generation": self.generation, "expires": time.time() + seconds,
            "content": content, "content_type": content_type,
        }
        try:
            cache.set(self.key, entry, timeout=math.ceil(seconds))
        except Exception:
            logger.warning("Content cache unavailable", exc_info=True)


class SharedContentMixin:
    """
    For views whose page is the same for every visitor of an audience and kind but for their CSRF
    token: served from the content cache, or made with a placeholder for the token and kept there.
    """

    def content_audience(self):
        """Who the page is made for (a short name), or None when it is made for this visitor only."""
        return "everyone"

    def likely_audiences(self):
        """The audiences content_audience() is likely to answer: their pages come with the request's first read from the cache."""
        return ["everyone"]

    def get(self, request, *args, **kwargs):
        self.shared_page = None
        if settings.CONTENT_CACHE_SECONDS > 0 and request.method == "GET":
            kind = likely_visitor_kind(request)
            expect(*(shared_page_key(request, audience, kind) for audience in self.likely_audiences()))
            audience = self.content_audience()
            if audience is not None and not has_messages(request):
                self.shared_page = SharedPage(request, audience)
                if self.shared_page.entry is not None:
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
