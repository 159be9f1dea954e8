"""
Who may read what: the facts about a reader that the access policy needs.

The policy itself is stated once, on the reports' QuerySet and model
(`Report.objects.readable_by(user)` and `report.is_readable_by(user)`); both ask this module
what a user is. A reader's rank is the highest rank among the tiers they hold today: their own
active subscriptions, the institutions they are confirmed members of, and the institution whose
network they are reading from (as `reports.signed_in` notes their address on the user), each
counted only while its term, grace days included, runs. Desk staff read everything.

What a signed-in reader holds is kept in the cache for the day, until a subscription or
membership (the access generation) or anything pages show (the page generation) changes; only
when every process shares the cache (SHARED_CACHE), since a change seen by one must hold in all.
"""
import ipaddress
import logging

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

ACCESS_CACHE_ATTRIBUTE = "_reader_access"


def is_desk_staff(user):
    """Staff of the desk: they read every report and preview drafts, scheduled and withdrawn ones."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("reports.view_report")
    )


def network_institution(ip):
    """
    The active institution one of whose networks holds this address, the highest tier first.

    Most visitors are on no institution's network: the networks known to the page cache for its
    current generation (a save of a network starts a new one) tell so without asking the database.
    Only an address inside one of them, or a cache that cannot be asked or is not shared by every
    process (SHARED_CACHE), costs a query.
    """
    if not ip:
        return None
    from reports.models import InstitutionNetwork

    address = ipaddress.ip_address(ip)
    known = known_networks() if settings.SHARED_CACHE else None
    holding = None if known is None else [cidr for cidr, network in known if address in network]
    if holding == []:
        return None
    networks = InstitutionNetwork.objects.filter(institution__in=active_institutions())
    if holding is not None:
        networks = networks.filter(cidr__in=holding)
    ranked = networks.select_related("institution__tier").order_by("-institution__tier__rank", "cidr")
    return next(
        (network.institution for network in ranked if address in ipaddress.ip_network(network.cidr, strict=False)),
        None,
    )


_parsed_networks = (None, ())  # (generation, ((cidr, network), ...)): parsed once per generation


def known_networks():
    """Every institution's networks, active or not, as (cidr, parsed network); None when the cache cannot be asked."""
    global _parsed_networks
    from reports.caching import NETWORKS_KEY, generation, institution_networks, read_many

    try:
        token = generation()
        if _parsed_networks[0] != token:
            cidrs = institution_networks(token, read_many([NETWORKS_KEY]).get(NETWORKS_KEY))
            _parsed_networks = (token, tuple((cidr, ipaddress.ip_network(cidr, strict=False)) for cidr in cidrs))
    except Exception:  # a cache server that is down costs a query, never an answer
        logger.warning("Institution networks not read through the cache: asking the database", exc_info=True)
        return None
    return _parsed_networks[1]


def active_institutions():
    from reports.models import Institution

    return Institution.objects.active()


def reader_access(user):
    """
    (rank, institution): the highest rank the user holds today, and the institution giving it, if
    one does. An institution a signed-in user is a member of comes with its pk only: its other
    fields are read when first used.
    """
    if user is None:
        return None, None
    if not hasattr(user, ACCESS_CACHE_ATTRIBUTE):
        setattr(user, ACCESS_CACHE_ATTRIBUTE, _reader_access(user))
    return getattr(user, ACCESS_CACHE_ATTRIBUTE)


def holdings_key(user):
    """The cache key of what a signed-in reader holds today; None for anyone else."""
    if user.is_authenticated and user.is_active:
        return user_holdings_key(user.pk)
    return None


def user_holdings_key(user_pk):
    return f"reader-access:{user_pk}:{timezone.localdate()}"


def expect_reader_access(user_pk):
    """Tell the request's next read from the cache to bring what it keeps of this signed-in user's access."""
    from reports.caching import ACCESS_GENERATION_KEY, GENERATION_KEY, expect

    expect(GENERATION_KEY, ACCESS_GENERATION_KEY, user_holdings_key(user_pk))


def _reader_access(user):
    from reports.caching import ACCESS_GENERATION_KEY, GENERATION_KEY, remembered
    from reports.models import Institution, Tier

    holdings = []  # (rank, institution or None)
    key = holdings_key(user)
    if key is not None:
        held = remembered(
            key,
            lambda: Tier.objects.held_by(user).order_by("-rank").values_list("rank", "through_institution").first(),
            timeout=24 * 60 * 60,
            generations=(GENERATION_KEY, ACCESS_GENERATION_KEY),
        )
        if held:
            rank, institution_pk = held
            institution = None
            if institution_pk is not None:
                institution = Institution.from_db(Institution.objects.db, ["id"], [institution_pk])
            holdings.append((rank, institution))
    network = network_institution(getattr(user, "client_ip", None))
    if network:
        holdings.append((network.tier.rank, network))
    # The highest rank wins; at equal rank, an institution's access (so its usage report counts the read).
    return max(holdings, key=lambda holding: (holding[0], holding[1] is not None), default=(None, None))


def reader_rank(user):
    """The highest tier rank the user holds today, or None when they hold none."""
    return reader_access(user)[0]


class Audience:
    """
    A stand-in reader for the desk's previews: asked by the same policy as a real user, it has no
    account rights of its own and the rank of the tier it stands for (or none).
    """

    is_active = True
    is_staff = False

    def __init__(self, label, *, is_authenticated, rank=None):
        self.label = label
        self.is_authenticated = is_authenticated
        setattr(self, ACCESS_CACHE_ATTRIBUTE, (rank, None))

    def has_perm(self, permission):
        return False

    def get_username(self):
        return self.label


def preview_audiences():
    """The audiences a report can be previewed as, by key: anonymous, registered, then each tier."""
    from reports.models import Tier

    audiences = {
        "anonymous": Audience("an anonymous visitor", is_authenticated=False),
        "registered": Audience("a reader without subscription", is_authenticated=True),
    }
    for tier in Tier.objects.all():
        audiences[tier.slug] = Audience(f"a {tier.name} subscriber", is_authenticated=True, rank=tier.rank)
    return audiences
