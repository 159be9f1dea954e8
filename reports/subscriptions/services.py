"""Writes that span several models: granting subscriptions and joining institutions."""
import datetime as dt

from django.core import signing
from django.db import transaction
from django.utils import timezone

from reports.models import Institution, InstitutionMembership, Subscription, Tier

MEMBERSHIP_SALT = "reports.institution-membership"
MEMBERSHIP_LINK_DAYS = 3


class MembershipRefused(Exception):
    """The address cannot join an institution; the message says why, for the reader."""


@transaction.atomic
def grant_subscription(*, user, tier: Tier, until: dt.date) -> Subscription:
    """
    Create or update the user's subscription to `tier` so that its last day is `until`. A day in
    the past ends it (with no grace days left).
    """
    subscription = Subscription.objects.select_for_update().filter(user=user, tier=tier).order_by("-ends_on").first()
    if subscription is None:
        subscription = Subscription(user=user, tier=tier, starts_on=min(timezone.localdate(), until))
    subscription.ends_on = until
    subscription.starts_on = min(subscription.starts_on, until)
    if until < timezone.localdate():
        subscription.grace_days = 0
    subscription.full_clean()
    subscription.save()
    return subscription


def institution_for_address(email: str) -> Institution | None:
    domain = email.rpartition("@")[2].strip().lower()
    return Institution.objects.active().filter(domains__domain=domain).order_by("-tier__rank").first()


def membership_token(*, user, email: str) -> str:
    return signing.dumps({"user": user.pk, "email": email.strip().lower()}, salt=MEMBERSHIP_SALT)


@transaction.atomic
def confirm_membership(*, user, token: str) -> InstitutionMembership:
    """Join the institution of the address the token was sent to; refuse past the seat limit."""
    try:
        data = signing.loads(token, salt=MEMBERSHIP_SALT, max_age=dt.timedelta(days=MEMBERSHIP_LINK_DAYS))
    except signing.SignatureExpired:
        raise MembershipRefused("This confirmation link has expired. Ask for a new one from your account page.")
    except signing.BadSignature:
        raise MembershipRefused("This confirmation link is not valid.")
    if data.get("user") != user.pk:
        raise MembershipRefused("This confirmation link was sent for another account. Log in with that account.")
    institution = institution_for_address(data["email"])
    if institution is None:
        raise MembershipRefused("No institution with current access uses that e-mail domain.")
    # Locked so that two members confirming at once cannot both take the last seat.
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    membership = InstitutionMembership.objects.filter(institution=institution, user=user).first()
    if membership:
        return membership
    if not institution.has_free_seat():
        raise MembershipRefused(
            f"{institution} has no free seat: all {institution.seat_limit} are taken. "
            "Ask your institution's contact to free a seat or add more."
        )
    return InstitutionMembership.objects.create(institution=institution, user=user, email=data["email"])
