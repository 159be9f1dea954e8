from django.utils.cache import patch_cache_control, patch_vary_headers

from .client import client_ip


class PrivateForSignedInMiddleware:
    """
    Pages rendered for a signed-in reader may hold what only they may see (gated text, their
    account): no shared cache may keep them. Anonymous pages are left cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie"])
        return response


class InstitutionNetworkMiddleware:
    """
    Notes the client's address on the user (anonymous or not), so that the access policy can give
    readers on an institution's network the institution's access without logging in.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.user.client_ip = client_ip(request)
        return self.get_response(request)
