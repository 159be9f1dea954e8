"""
What a reader reads today and until when, for the account page to say in a reader's words.

Nothing here decides access: the tiers are those the access policy finds the reader holding
(Tier.objects.held_by, and the institution whose network they read from: reports.models.readers),
and each comes with the terms in force that give it (the terms' own `active()`), so that the page
can say by which way, until which last day (grace days included) and whether that is soon.
"""
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from reports.models import Institution, Subscription, Tier
from reports.models.readers import network_institution

# A term whose access ends within this many days "ends soon" on the account page.
ENDS_SOON_DAYS = 30


@dataclass(frozen=True)
class Holding:
    """One way the reader holds a tier today: their own subscription, a membership or a network."""

    SUBSCRIPTION, MEMBERSHIP, NETWORK = "subscription", "membership", "network"

    tier: Tier
    term: Subscription | Institution
    way: str
    today: dt.date
    email: str = ""  # the confirmed address a membership holds through
    next_term: Subscription | None = None  # the reader's own term of the tier or higher that takes over from this one

    @property
    def institution(self):
        return None if self.way == self.SUBSCRIPTION else self.term

    @property
    def last_day(self):
        """The last day of access, inclusive, grace days included."""
        return self.term.access_ends_on

    @property
    def paid_until(self):
        return self.term.ends_on

    @property
    def grace_days(self):
        return self.term.grace_days

    @property
    def in_grace(self):
        return self.term.in_grace(self.today)

    @property
    def days_left(self):
        """Days of access after today: 0 on the last day."""
        return (self.last_day - self.today).days

    @property
    def ends_today(self):
        return self.days_left == 0

    @property
    def ends_soon(self):
        return self.days_left <= ENDS_SOON_DAYS


def holdings(user):
    """The reader's holdings today, the highest tier first and, within a tier, the longest first."""
    today = timezone.localdate()
    held = list(Tier.objects.held_by(user))
    upcoming = list(user.subscriptions.filter(starts_on__gt=today).select_related("tier").order_by("starts_on"))
    found = [
        Holding(subscription.tier, subscription, Holding.SUBSCRIPTION, today,
                next_term=taking_over(subscription, upcoming))
        for subscription in Subscription.objects.active(today).filter(user=user, tier__in=held).select_related("tier")
    ]
    members_of = Institution.objects.active(today).filter(memberships__user=user, tier__in=held)
    found += [
        Holding(membership.institution.tier, membership.institution, Holding.MEMBERSHIP, today, email=membership.email)
        for membership in user.memberships.filter(institution__in=members_of).select_related("institution__tier")
    ]
    network = network_institution(getattr(user, "client_ip", None))
    if network is not None:
        found.append(Holding(network.tier, network, Holding.NETWORK, today))
    return sorted(found, key=lambda holding: (-holding.tier.rank, -holding.days_left))


def taking_over(subscription, upcoming):
    """The first of the reader's upcoming terms, of the same tier or a higher one, that starts by the day after this one's access ends."""
    return next(
        (
            term for term in upcoming
            if term.tier.rank >= subscription.tier.rank
            and term.starts_on <= subscription.access_ends_on + dt.timedelta(days=1)
        ),
        None,
    )
