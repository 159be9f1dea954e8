"""
Who may keep a response: decided here alone, for every page, API answer and download.

A response is `private` (no shared cache, proxy or CDN may keep it for someone else; `Vary:
Cookie, Authorization`) when it was made for its visitor: a signed-in user or an API token's, a
visitor whom the access policy found holding a tier (an institution's network), or one a view
marks as answering per caller (`for_this_caller`: the API, downloads). A response a view marks as
`for_no_one` (a desk preview, a report not published, a secret shown once) is not kept anywhere,
the browser's own cache included. Every other response (what any anonymous visitor gets) is left
as the view made it, for the page cache (reports.cache.pages) and shared caches to keep. A file any
visitor may read now (`for_everyone`: a complimentary report's image or document) says so to shared
caches, for as long as the view says that holds (never past the report's next access change).

The middleware sits inside the page cache, so that the page cache sees the decision before it
stores a page (tests/ops/test_middleware_order.py names the coupling).
"""
from django.utils.cache import (
    add_never_cache_headers,
    patch_cache_control,
    patch_vary_headers,
)

from reports.models.readers import ACCESS_ATTRIBUTE

KEPT_BY = "_kept_by"
CALLER, NO_ONE, EVERYONE = "caller", "no one", "everyone"
KEPT_FOR = "_kept_for"


def for_this_caller(response):
    """The response answers whoever asked (the API, a download): private, whoever they are."""
    setattr(response, KEPT_BY, CALLER)
    return response


def for_no_one(response):
    """The response must not be kept anywhere (a desk preview, a secret shown once)."""
    setattr(response, KEPT_BY, NO_ONE)
    return response


def for_everyone(response, seconds):
    """What any visitor may read for `seconds` to come: public, unless the visitor is one the answer may have been made for."""
    setattr(response, KEPT_BY, EVERYONE)
    setattr(response, KEPT_FOR, max(0, int(seconds)))
    return response


def made_for_visitor(request):
    """Whether what the request was answered with may depend on who the visitor is."""
    user = getattr(request, "user", None)
    if user is None:
        return "HTTP_AUTHORIZATION" in request.META
    rank, _institution = getattr(user, ACCESS_ATTRIBUTE, (None, None))
    return user.is_authenticated or rank is not None or "HTTP_AUTHORIZATION" in request.META


class CacheControlMiddleware:
    """Marks each response private, not to be kept, or leaves it be (see the module's docstring)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        kept_by = getattr(response, KEPT_BY, None)
        if kept_by == NO_ONE:
            add_never_cache_headers(response)
        for_visitor = made_for_visitor(request)
        if kept_by == EVERYONE and not for_visitor:
            patch_cache_control(response, public=True, max_age=getattr(response, KEPT_FOR))
        elif kept_by is not None or for_visitor:
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie", "Authorization"])
        return response
