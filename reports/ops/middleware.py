import functools

from django.urls import get_script_prefix, reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django_otp.middleware import OTPMiddleware

from reports.models.readers import ACCESS_ATTRIBUTE


class HeadWithoutBodyMiddleware:
    """
    A HEAD request gets the headers a GET would, Content-Length included, and no body: HTTP says
    so (RFC 9110), gunicorn drops a body sent anyway with a warning per request, and Django strips
    it only under its development server. First in MIDDLEWARE, so that every layer below, the page
    cache included, answers HEAD as it answers GET.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "HEAD":
            if response.streaming:
                response.streaming_content = []
            else:
                length = response.get("Content-Length", str(len(response.content)))
                response.content = b""
                response["Content-Length"] = length
        return response


class DeskOTPMiddleware(OTPMiddleware):
    """
    django-otp's middleware, for the desk (the admin site) only: it is the one part of the site
    that asks whether a session was verified with a one-time password. Elsewhere the user is not
    wrapped in a second lazy object, which every read of one of its attributes would pay for.
    """

    def __call__(self, request):
        if request.path.startswith(desk_address(get_script_prefix())):
            return super().__call__(request)
        return self.get_response(request)


@functools.lru_cache(maxsize=8)
def desk_address(script_prefix):
    return reverse("admin:index")


class PrivateForReadersMiddleware:
    """
    Pages rendered for a signed-in reader may hold what only they may see (gated text, their
    account), and so may pages for an anonymous reader on an institution's network whose making
    asked the access policy: no shared cache may keep them. Other anonymous pages are left cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and (user.is_authenticated or holds_a_tier(user)):
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie"])
        return response


def holds_a_tier(user):
    """Whether the access policy, if this request asked it, found the visitor holding a tier."""
    rank, _institution = getattr(user, ACCESS_ATTRIBUTE, (None, None))
    return rank is not None
