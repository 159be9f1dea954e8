"""
E-mail digests of new reports on what readers follow.

Each reader gets at most one digest per run, listing the published reports filed under a tag,
series, organization or person they follow that they have not been sent yet (from the time they
started following); each report goes to each follower once, however often this runs. A report they may read comes with its link; one they may not
comes as its title and public summary only. A digest never holds a report's body.

A reader chooses how often (AlertState.frequency): daily, at most one digest a day; weekly, at most
one in any seven days of the site's calendar, holding everything since the last. Days are the
site's (TIME_ZONE), counted from the day the last digest went out (the latest SentAlert), so that a
digest due today goes out at the first run today however late yesterday's went.
"""
import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Max, Min, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from reports.models import AlertState, Report, SentAlert

UNSUBSCRIBE_SALT = "reports.subscriptions.alerts.unsubscribe"


def unsubscribe_token(user):
    return signing.dumps(user.pk, salt=UNSUBSCRIBE_SALT)


def user_for_unsubscribe_token(token):
    """The user a token was made for, or None for a forged or damaged one."""
    try:
        user_id = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return get_user_model().objects.filter(pk=user_id).first()


def absolute(path):
    return f"{settings.SITE_URL.rstrip('/')}{path}"


def followed_reports(user, *, after):
    follows = user.follows.all()
    matches = Q(pk__in=[])
    for kind, lookup in (("tag", "tags"), ("series", "series"), ("organization", "organizations"), ("person", "people")):
        ids = [getattr(follow, f"{kind}_id") for follow in follows if getattr(follow, f"{kind}_id")]
        if ids:
            matches |= Q(**{f"{lookup}__in": ids})
    return (
        Report.objects.published()
        .filter(matches, published_at__gte=after)
        .exclude(pk__in=SentAlert.objects.filter(user=user).values("report"))
        .distinct()
        .select_related("series", "required_tier", "access_after")
        .order_by("published_at")
    )


def digest_message(user, reports):
    entries = [
        {"report": report, "readable": report.is_readable_by(user), "url": absolute(report.get_absolute_url())}
        for report in reports
    ]
    context = {
        "user": user,
        "entries": entries,
        "site_title": settings.SITE_NAME,
        "subscribe_url": absolute(reverse("subscribe")),
        "preferences_url": absolute(reverse("account") + "#email-heading"),
        "unsubscribe_url": absolute(reverse("alerts_unsubscribe", args=[unsubscribe_token(user)])),
    }
    message = EmailMultiAlternatives(
        subject=f"{settings.SITE_NAME}: {len(entries)} new report{'s' if len(entries) != 1 else ''} on what you follow",
        body=render_to_string("email/digest.txt", context),
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("email/digest.html", context), "text/html")
    return message


def digest_due(frequency, last_sent_at, today=None):
    """Whether a reader whose last digest went out at last_sent_at (None: never) may get one today."""
    if last_sent_at is None:
        return True
    today = today or timezone.localdate()
    days = AlertState.DAYS_BETWEEN[AlertState.Frequency(frequency or AlertState.Frequency.DAILY)]
    return timezone.localdate(last_sent_at) <= today - dt.timedelta(days=days)


def last_digests(users):
    """{user pk: when their last digest went out} for those of the users who were ever sent one."""
    sent = SentAlert.objects.filter(user__in=users).values("user").annotate(last=Max("sent_at"))
    return {row["user"]: row["last"] for row in sent}


def send_digests(*, dry_run=False):
    """Send each follower whose digest is due their digest; return how many were sent (or would be, with dry_run)."""
    wanting = (
        get_user_model().objects.filter(is_active=True, follows__isnull=False)
        .exclude(email="").exclude(alert_state__enabled=False)
    )
    followers = wanting.annotate(first_follow=Min("follows__created_at"), frequency=F("alert_state__frequency"))
    last_sent = last_digests(wanting.values("pk"))
    sent = 0
    for user in followers:
        if not digest_due(user.frequency, last_sent.get(user.pk)):
            continue
        reports = list(followed_reports(user, after=user.first_follow))
        if reports and not dry_run:
            with transaction.atomic():
                # Recorded first: if sending fails the transaction rolls back and the next run retries.
                SentAlert.objects.bulk_create([SentAlert(user=user, report=report) for report in reports])
                digest_message(user, reports).send()
        sent += bool(reports)
    return sent
