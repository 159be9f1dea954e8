"""API tokens in requests: `Authorization: Bearer <token>`, as in OAuth 2.0 bearer usage (RFC 6750)."""
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from reports.models import APIToken

KEYWORD = b"bearer"


class BearerTokenAuthentication(BaseAuthentication):
    """A request with a token acts as the token's user; an unknown or revoked token is refused with a 401."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Send the token as 'Authorization: Bearer <token>'.")
        try:
            key = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        token = APIToken.objects.find(key)
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.is_active:
            raise exceptions.AuthenticationFailed("This token has been revoked.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("The token's account is disabled.")
        token.note_use()
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token from the account page. It gives exactly the access of its user.",
        }
