"""
What readers hold, and the networks they read from, through the cache: the same answers as
reports.models.readers gives from the database, for a fraction of its queries.

A signed-in reader's holdings are kept for the day, until a subscription or membership (the
holdings generation) or anything pages show (the pages generation) changes. Every institution's
networks are kept as of the pages generation and parsed once per generation in each process, so
that most visitors, on no institution's network, are told so without a query.
"""
import ipaddress
import logging

from django.utils import timezone

from reports.cache.store import (
    HOLDINGS_GENERATION,
    MISSING,
    PAGES_GENERATION,
    expect,
    generation,
    keep,
    lookup,
    read_many,
    remembered,
)
from reports.models import InstitutionNetwork
from reports.models.readers import best_of, held_rank, network_institution, reader_rank
from reports.ops.client import client_ip

logger = logging.getLogger(__name__)

HOLDINGS_SECONDS = 24 * 60 * 60
NETWORKS_KEY = "page-cache:networks"
NETWORKS_SECONDS = 24 * 60 * 60


def cached_reader_access(user):
    """
    What the user holds, as reports.models.readers.holdings_in_database tells, through the cache.
    Set on each user the site looks up (reports.cache.signed_in).
    """
    held = None
    key = holdings_key(user)
    if key is not None:
        held = remembered(
            key, lambda: held_rank(user), timeout=HOLDINGS_SECONDS, generations=(PAGES_GENERATION, HOLDINGS_GENERATION)
        )
    return best_of(held, cached_network_institution(getattr(user, "client_ip", None)))


# The reader class of everyone the access policy gives no tier: anonymous visitors and readers
# without a subscription alike (both read complimentary reports alone).
PUBLIC = "public"


def reader_class(user):
    """
    Who gets the same answers from the access policy (reports.models.reports.readable_condition),
    as a short name: PUBLIC for those it gives no tier, "rank-N" for those whose highest tier
    (their own, an institution's, their network's) ranks N, which is all it asks of them; None
    for staff (the desk reads everything, and previews), whose answers are never shared.
    """
    if user.is_staff:
        return None
    rank = reader_rank(user)
    return PUBLIC if rank is None else f"rank-{rank}"


def cached_network_institution(ip):
    """The institution whose network holds the address; only an address inside a known network costs a query."""
    if not ip:
        return None
    try:
        known = known_networks()
    except Exception:  # a cache server that is down costs a query, never an answer
        logger.warning("Institution networks not read through the cache: asking the database", exc_info=True)
        return network_institution(ip)
    address = ipaddress.ip_address(ip)
    holding = [cidr for cidr, network in known if address in network]
    return network_institution(ip, among=holding) if holding else None


_parsed = (None, ())  # (generation, ((cidr, network), ...)): parsed once per generation in this process


def known_networks(found=None):
    """
    Every institution's networks, active or not, as (cidr, parsed network), as of the pages
    generation; `found` is what the request already read from the cache, if anything.
    """
    global _parsed
    token = generation(PAGES_GENERATION, found)
    if _parsed[0] != token:  # read with the request's other reads when it announced them (the page cache does)
        cidrs = lookup(read_many([NETWORKS_KEY]), NETWORKS_KEY, (token,))
        if cidrs is MISSING:
            cidrs = list(InstitutionNetwork.objects.values_list("cidr", flat=True))
            keep(NETWORKS_KEY, (token,), cidrs, NETWORKS_SECONDS)
        _parsed = (token, tuple((cidr, ipaddress.ip_network(cidr, strict=False)) for cidr in cidrs))
    return _parsed[1]


def on_institution_network(request, found=None):
    """Whether the request comes from any institution's network (who may read more than the public)."""
    networks = known_networks(found)
    ip = client_ip(request) if networks else None
    if ip is None:
        return False
    address = ipaddress.ip_address(ip)
    return any(address in network for _, network in networks)


def holdings_key(user):
    """The cache key of what a signed-in reader holds today; None for anyone else."""
    if user.is_authenticated and user.is_active:
        return user_holdings_key(user.pk)
    return None


def user_holdings_key(user_pk):
    return f"reader-access:{user_pk}:{timezone.localdate()}"


def expect_reader_access(user_pk):
    """Tell the request's next read from the cache to bring what it keeps of this signed-in user's access."""
    expect(PAGES_GENERATION, HOLDINGS_GENERATION, user_holdings_key(user_pk))
