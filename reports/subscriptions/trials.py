"""
Free trials: a tier that offers one (Tier.trial_days, set by subscription managers) opens to a
confirmed reader for that many days, its first and last day included, by a Subscription like any
other, so the one access policy reads it and the holdings cache hears of it through the model's signals.

One trial per person and per e-mail domain within TRIAL_PERIOD_DAYS: a trial started on day D
refuses another until D + TRIAL_PERIOD_DAYS - 1 inclusive, whatever the tier, for the same account
or anyone at the same domain, and allows one on day D + TRIAL_PERIOD_DAYS. Addresses at a free-mail
provider (FREE_MAIL_DOMAINS) are counted per person only: a domain shared by millions of strangers
must not let one of them use up everyone's trial. The list is short on purpose: it is the largest
providers, and a domain missing from it only means its people share one trial a year, the rule for
an organization's domain.

`status_for(user)` is what a reader's account page shows of their trial and request.
"""
import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from reports.models import Subscription, SubscriptionRequest, Tier, Trial

TRIAL_PERIOD_DAYS = 365
FREE_MAIL_DOMAINS = frozenset({
    "aol.com", "gmail.com", "googlemail.com", "gmx.com", "gmx.de", "gmx.net", "hotmail.com", "icloud.com",
    "live.com", "mail.com", "mail.ru", "me.com", "msn.com", "outlook.com", "proton.me", "protonmail.com",
    "web.de", "yahoo.com", "yandex.com", "yandex.ru", "zoho.com",
})
TRIAL_NOTE = "Free trial"


class TrialRefused(Exception):
    """No trial for this reader now; the message says why, for the reader."""


def email_domain(email):
    return email.rpartition("@")[2].strip().lower()


def day(date):
    return date_format(date, "j F Y")


def trials_within_period(today):
    return Trial.objects.filter(starts_on__gt=today - dt.timedelta(days=TRIAL_PERIOD_DAYS))


def next_trial_on(trial):
    return trial.starts_on + dt.timedelta(days=TRIAL_PERIOD_DAYS)


@transaction.atomic
def start_trial(*, user, tier: Tier) -> Trial:
    """Start the user's trial of tier, from today to its last day inclusive; TrialRefused says why not."""
    today = timezone.localdate()
    if not tier.trial_days:
        raise TrialRefused(f"{tier} offers no free trial. You can ask for a subscription instead.")
    # One at a time per person: the account's row is locked until the trial is made.
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if Tier.objects.held_by(user).filter(rank__gte=tier.rank).exists():
        raise TrialRefused(f"You can already read everything in {tier}: no trial is needed.")
    earlier = trials_within_period(today)
    own = earlier.filter(user=user).first()
    if own:
        raise TrialRefused(
            f"You have had a free trial already (from {day(own.starts_on)}): one trial a year per person. "
            f"You can have another from {day(next_trial_on(own))}, or ask for a subscription now."
        )
    domain = email_domain(user.email)
    # An address at a free-mail provider (or none) is counted per person only.
    colleague = None if not domain or domain in FREE_MAIL_DOMAINS else earlier.filter(domain=domain).first()
    if colleague:
        raise TrialRefused(
            f"Someone with an address at {domain} has had a free trial already: one trial a year per "
            f"organization. Ask for a subscription, for yourself or for your organization."
        )
    subscription = Subscription(
        user=user, tier=tier, starts_on=today, ends_on=today + dt.timedelta(days=tier.trial_days - 1),
        grace_days=0, note=TRIAL_NOTE,
    )
    subscription.full_clean()
    subscription.save()
    return Trial.objects.create(
        user=user, tier=tier, subscription=subscription, email=user.email, domain=domain,
        starts_on=subscription.starts_on, ends_on=subscription.ends_on,
    )


@dataclass(frozen=True)
class ReaderStatus:
    """A reader's latest trial and request, and sentences saying where they stand, for the account page."""

    trial: Trial | None = None
    request: SubscriptionRequest | None = None
    lines: list[str] = field(default_factory=list)


def status_for(user) -> ReaderStatus:
    """What the account page shows of the user's free trial (the latest within the period) and latest request."""
    today = timezone.localdate()
    trial = trials_within_period(today).filter(user=user).select_related("tier").first()
    request = user.subscription_requests.select_related("tier").order_by("-created_at", "-pk").first()
    lines = []
    if trial and trial.ends_on >= today:
        lines.append(f"Your free trial of {trial.tier} runs until {day(trial.ends_on)}, that day included.")
    elif trial:
        lines.append(
            f"Your free trial of {trial.tier} ended on {day(trial.ends_on)}. "
            f"Another trial is possible from {day(next_trial_on(trial))}."
        )
    if request and request.status == SubscriptionRequest.Status.PENDING:
        lines.append(
            f"Your request for {request.tier}, sent on {day(timezone.localdate(request.created_at))}, "
            "is waiting for the subscriptions desk."
        )
    elif request:
        lines.append(
            f"Your request for {request.tier} was {request.get_status_display().lower()} "
            f"on {day(timezone.localdate(request.decided_at))}."
        )
    return ReaderStatus(trial=trial, request=request, lines=lines)
