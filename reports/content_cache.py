"""
The content cache: a page as rendered for one *audience* (the kind of visitor it was made for:
everyone, or for a report the readers of its text, signed-in visitors who may not read it, and
anonymous ones), kept in the cache for CONTENT_CACHE_SECONDS and served to every visitor of that
audience, signed in or not. What belongs to one visitor only (the site header with their account
links and CSRF token, their messages) is never kept: the stored page has a *hole* in its place
(`{% personal %}` in the templates), filled in for each request, the first one included.

The audience is the view's answer, asked of the access policy for each request
(`SharedContentMixin.content_audience`); desk previews and unpublished reports have none and are
made every time. Like the page cache (reports/caching.py), an entry is keyed on the address and
carries the page cache's generation, so that any change to what pages show is seen at once on every
server, and it expires when the next scheduled report becomes due. A page is kept only if it
answered 200 and holds no CSRF token outside its holes.
"""
import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.template import engines
from django.template.context import make_context
from django.utils.safestring import mark_safe

from .caching import GENERATION_KEY, expect, generation, page_key, read_many, seconds_to_keep

logger = logging.getLogger(__name__)

HEADER = "X-Content-Cache"  # hit or miss, for operators and benchmarks
HOLES = "personal_holes"  # in the context of a page being made for the cache: the holes left in it
CSRF_FIELD = 'name="csrfmiddlewaretoken"'


def hole(template_name):
    return mark_safe(f"<!--personal:{template_name}-->")


def fill_holes(content, holes, request):
    """The page with each hole filled in as the template renders for this request."""
    if not holes:
        return content
    engine = engines["django"].engine
    templates = [engine.get_template(template_name) for template_name in holes]
    context = make_context({}, request)
    with context.bind_template(templates[0]):  # the context processors run once for all holes
        for template_name, template in zip(holes, templates):
            content = content.replace(hole(template_name), template.render(context), 1)
    return content


def shared_page_key(request, audience):
    return f"content-cache:{audience}:{page_key(request)}"


class SharedPage:
    """One page of the content cache: found there, or to be made and kept."""

    def __init__(self, request, audience):
        self.request = request
        self.key = shared_page_key(request, audience)
        self.entry = None
        self.holes = []
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
        """The kept page, its holes filled for this request."""
        return HttpResponse(
            fill_holes(self.entry["content"], self.entry["holes"], self.request),
            content_type=self.entry["content_type"],
            headers={HEADER: "hit"},
        )

    def keep(self, response):
        """Post-render callback of the page made for the cache: keep it, then fill its holes."""
        content = response.content.decode(response.charset)
        if self.generation is not None and response.status_code == 200 and CSRF_FIELD not in content:
            self.store(content, response["Content-Type"])
        response.content = fill_holes(content, self.holes, self.request)
        response[HEADER] = "miss"

    def store(self, content, content_type):
        seconds = seconds_to_keep(settings.CONTENT_CACHE_SECONDS)
        if seconds <= 0:
            return
        entry = {
            "generation": self.generation, "expires": time.time() + seconds,
            "content": content, "holes": self.holes, "content_type": content_type,
        }
        try:
            cache.set(self.key, entry, timeout=math.ceil(seconds))
        except Exception:
            logger.warning("Content cache unavailable", exc_info=True)


class SharedContentMixin:
    """
    For views whose page is the same for every visitor of an audience but for its personal parts:
    served from the content cache, or made with holes for them and kept there.
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
            expect(*(shared_page_key(request, audience) for audience in self.likely_audiences()))
            audience = self.content_audience()
            if audience is not None:
                self.shared_page = SharedPage(request, audience)
                if self.shared_page.entry is not None:
                    return self.shared_page.response()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.shared_page is not None:
            context[HOLES] = self.shared_page.holes
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        if self.shared_page is not None:
            response.add_post_render_callback(self.shared_page.keep)
        return response
