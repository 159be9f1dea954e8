"""
Who may read what: the facts about a reader that the access policy needs.

The policy itself is stated once, on the reports' QuerySet and model
(`Report.objects.readable_by(user)` and `report.is_readable_by(user)`); both ask this module
what a user is. A reader's rank is the highest rank among the tiers of their subscriptions that
are active today; desk staff read everything.
"""
from django.db.models import Max

RANK_CACHE_ATTRIBUTE = "_reader_rank"


def is_desk_staff(user):
    """Staff of the desk: they read every report and preview drafts, scheduled and withdrawn ones."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and user.has_perm("reports.view_report")
    )


def reader_rank(user):
    """The highest tier rank the user's active subscriptions give, or None when they give none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not hasattr(user, RANK_CACHE_ATTRIBUTE):
        from reports.models import Subscription

        rank = Subscription.objects.active().filter(user=user).aggregate(rank=Max("tier__rank"))["rank"]
        setattr(user, RANK_CACHE_ATTRIBUTE, rank)
    return getattr(user, RANK_CACHE_ATTRIBUTE)


def forget_reader_rank(user):
    """Drop the rank remembered on this user object, after their subscriptions change."""
    if user is not None and hasattr(user, RANK_CACHE_ATTRIBUTE):
        delattr(user, RANK_CACHE_ATTRIBUTE)


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
        setattr(self, RANK_CACHE_ATTRIBUTE, rank)

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
