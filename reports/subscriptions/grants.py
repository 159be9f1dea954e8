"""
Readers' requests for a subscription, and their answer: a subscription manager grants one (in the
admin's queue, reports.subscriptions.admin) or declines it, and the reader is told by e-mail.

Granting goes through the existing writes: an individual request through `grant_subscription`
(the reader's subscription to the tier, until the day the manager chose); an institutional one
sets up an Institution for that term, with the requester's e-mail domain (unless it is a free-mail
one, or another institution's) and the requester as its first member. Both are saved through the
models, so the holdings cache hears of them at once (reports.signals).
"""
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from reports.models import (
    Institution,
    InstitutionDomain,
    InstitutionMembership,
    SubscriptionRequest,
)
from reports.subscriptions.alerts import absolute
from reports.subscriptions.services import grant_subscription
from reports.subscriptions.trials import FREE_MAIL_DOMAINS, day, email_domain


@transaction.atomic
def grant_request(subscription_request, *, until, by=None, note="") -> SubscriptionRequest:
    """Grant a pending request until `until` (its last day, inclusive); ValidationError says why not."""
    pending = SubscriptionRequest.objects.select_for_update().get(pk=subscription_request.pk)
    refusal = why_not_grant(pending, until)
    if refusal:
        raise ValidationError(refusal)
    if pending.kind == SubscriptionRequest.Kind.INSTITUTIONAL:
        pending.granted_institution = set_up_institution(pending, until)
    else:
        pending.subscription = grant_subscription(user=pending.user, tier=pending.tier, until=until)
        pending.subscription.note = note or f"Granted on request {pending.pk}"
        pending.subscription.save()
    decide(pending, SubscriptionRequest.Status.GRANTED, by)
    transaction.on_commit(lambda: tell_requester(pending), robust=True)  # a mail server down does not undo the decision
    return pending


def why_not_grant(pending, until):
    """Why the request cannot be granted until that day, for the manager; None when it can."""
    if pending.status != SubscriptionRequest.Status.PENDING:
        return f"This request was {pending.get_status_display().lower()} already."
    if until < timezone.localdate():
        return "Choose a last day from today on."
    name = institution_name(pending)
    if pending.kind == SubscriptionRequest.Kind.INSTITUTIONAL and Institution.objects.filter(name__iexact=name).exists():
        return f"An institution named {name} exists already: extend its term in Institutions and decline this request."
    return None


def institution_name(pending):
    return pending.institution.strip() or str(pending.user)


@transaction.atomic
def decline_request(subscription_request, *, by=None) -> SubscriptionRequest:
    pending = SubscriptionRequest.objects.select_for_update().get(pk=subscription_request.pk)
    if pending.status != SubscriptionRequest.Status.PENDING:
        raise ValidationError(f"This request was {pending.get_status_display().lower()} already.")
    decide(pending, SubscriptionRequest.Status.DECLINED, by)
    transaction.on_commit(lambda: tell_requester(pending), robust=True)  # a mail server down does not undo the decision
    return pending


def decide(pending, status, by):
    pending.status = status
    pending.decided_at = timezone.now()
    pending.decided_by = by
    pending.save()


def set_up_institution(pending, until):
    name = institution_name(pending)
    institution = Institution(
        name=name, slug=unique_slug(name), tier=pending.tier, starts_on=timezone.localdate(), ends_on=until,
        seat_limit=pending.readers, contact_email=pending.user.email,
    )
    institution.full_clean()
    institution.save()
    domain = email_domain(pending.user.email)
    if domain not in FREE_MAIL_DOMAINS and not InstitutionDomain.objects.filter(domain=domain).exists():
        InstitutionDomain.objects.create(institution=institution, domain=domain)
    InstitutionMembership.objects.create(institution=institution, user=pending.user, email=pending.user.email)
    return institution


def unique_slug(name):
    base = slugify(name)[:190] or "institution"
    slug, n = base, 1
    while Institution.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def tell_requester(decided):
    if not decided.user.email:
        return
    if decided.status == SubscriptionRequest.Status.GRANTED:
        term = decided.granted_institution or decided.subscription
        subject = f"Your {decided.tier} subscription is ready"
        what = (
            f"for {decided.granted_institution}, with you as its first member"
            if decided.granted_institution else "for you"
        )
        body = (
            f"Your request for {decided.tier} is granted {what}. You can read everything in {decided.tier} "
            f"until {day(term.ends_on)}, that day included.\n\nLog in and read: {absolute(reverse('home'))}"
        )
    else:
        subject = f"Your request for {decided.tier}"
        body = (
            f"We could not grant your request for {decided.tier}. Reply to this message, or write to the "
            "subscriptions desk, and we will tell you what we can offer."
        )
    send_mail(subject=subject, message=body, from_email=None, recipient_list=[decided.user.email])
