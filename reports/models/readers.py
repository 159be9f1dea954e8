"""
What a reader is and holds: the facts the access policy (reports.models.reports.ReportQuerySet)
asks about a user, read from the database alone.

A reader's rank is the highest rank among the tiers they hold today: their own active
subscriptions, the institutions they are confirmed members of, and the institution whose network
they are reading from (the address the site noted on the user as `client_ip`), each counted only
while its term, grace days included, runs. Desk staff read everything.

Whoever looks a user up may hand over a faster way to what they hold: a function, set on the user
as `find_reader_access`, that answers as `holdings_in_database` does (the site's authentication
does, through the cache: reports.cache.readers.cached_reader_access). What was found is kept on the
user object for the rest of the request. No cache is asked here.
"""
import ipaddress

from reports.models.subscriptions import Institution, InstitutionNetwork, Tier

ACCESS_ATTRIBUTE = "_reader_access"
FINDER_ATTRIBUTE = "find_reader_access"


def is_desk_staff(user):
    """Staff of the desk: they read every report and preview drafts, scheduled and withdrawn ones."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("reports.view_report")
    )


def reader_access(user):
    """
    (rank, institution): the highest rank the user holds today, and the institution giving it, if
    one does; (None, None) for a user who holds no tier, or no user.
    """
    if user is None:
        return None, None
    if not hasattr(user, ACCESS_ATTRIBUTE):
        find = getattr(user, FINDER_ATTRIBUTE, holdings_in_database)
        setattr(user, ACCESS_ATTRIBUTE, find(user))
    return getattr(user, ACCESS_ATTRIBUTE)


def reader_rank(user):
    """The highest tier rank the user holds today, or None when they hold none."""
    return reader_access(user)[0]


def holdings_in_database(user):
    """(rank, institution) as the database tells, the user's own and their network's holdings together."""
    own = None
    if user.is_authenticated and user.is_active:
        own = held_rank(user)
    return best_of(own, network_institution(getattr(user, "client_ip", None)))


def held_rank(user):
    """(rank, institution pk or None) of the best tier the user holds by subscription or membership, or None."""
    return Tier.objects.held_by(user).order_by("-rank").values_list("rank", "through_institution").first()


def best_of(held, network):
    """
    The reader's access from what they hold themselves ((rank, institution pk) or None) and the
    institution whose network they read from (or None): the highest rank wins; at equal rank, an
    institution's (so that its usage report counts the read).
    """
    holdings = []
    if held:
        rank, institution_pk = held
        institution = None
        if institution_pk is not None:  # its pk is enough until another field is read
            institution = Institution.from_db(Institution.objects.db, ["id"], [institution_pk])
        holdings.append((rank, institution))
    if network:
        holdings.append((network.tier.rank, network))
    return max(holdings, key=lambda holding: (holding[0], holding[1] is not None), default=(None, None))


def network_institution(ip, among=None):
    """
    The active institution one of whose networks holds this address, the highest tier first; only
    networks whose CIDR is in `among` are asked about when it is given (what a cache knows).
    """
    if not ip:
        return None
    address = ipaddress.ip_address(ip)
    networks = InstitutionNetwork.objects.filter(institution__in=Institution.objects.active())
    if among is not None:
        networks = networks.filter(cidr__in=among)
    ranked = networks.select_related("institution__tier").order_by("-institution__tier__rank", "cidr")
    return next(
        (network.institution for network in ranked if address in ipaddress.ip_network(network.cidr, strict=False)),
        None,
    )


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
        setattr(self, ACCESS_ATTRIBUTE, (rank, None))

    def has_perm(self, permission):
        return False

    def get_username(self):
        return self.label


def preview_audiences():
    """The audiences a report can be previewed as, by key: anonymous, registered, then each tier."""
    audiences = {
        "anonymous": Audience("an anonymous visitor", is_authenticated=False),
        "registered": Audience("a reader without subscription", is_authenticated=True),
    }
    for tier in Tier.objects.all():
        audiences[tier.slug] = Audience(f"a {tier.name} subscriber", is_authenticated=True, rank=tier.rank)
    return audiences

