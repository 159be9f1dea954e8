import functools

from django.urls import get_script_prefix, reverse
from django_otp.middleware import OTPMiddleware


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
