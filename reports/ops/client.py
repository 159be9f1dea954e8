"""
The address a request comes from, as far as it can be trusted.

The connection's address (REMOTE_ADDR) is used unless `TRUSTED_PROXY_COUNT` proxies of our own
stand in front of the site; then the address that the outermost of them saw is taken from
X-Forwarded-For, counting from the right. Entries further left are written by the client and
never trusted: a forged header cannot claim an institution's network or dodge a lockout.
"""
import ipaddress

from django.conf import settings


def client_ip(request):
    """The client's IP address as a string, or None when it cannot be told."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        # Each trusted proxy appends the address it saw: the last `proxies` entries are theirs.
        address = forwarded[-proxies] if len(forwarded) >= proxies else ""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
