"""Tiers, and who holds them: readers by subscription, institutions for their members and networks."""
import datetime as dt
import ipaddress

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from reports.models.base import Timestamped


class TierQuerySet(models.QuerySet):
    def held_by(self, user):
        """
        The tiers the user holds today, by their own subscriptions or through the institutions they
        are members of, each with `through_institution`: the pk of such an institution holding it, or
        None when only their own subscriptions do. One query, however it is filtered or ordered.
        """
        own = Subscription.objects.active().filter(user=user)
        member_of = Institution.objects.active().filter(memberships__user=user)
        return self.filter(Q(pk__in=own.values("tier")) | Q(pk__in=member_of.values("tier"))).annotate(
            through_institution=Subquery(member_of.filter(tier=OuterRef("pk")).values("pk")[:1])
        )


class Tier(models.Model):
    """A level of subscription. A report for subscribers names the lowest tier that may read it."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    rank = models.PositiveSmallIntegerField(
        unique=True,
        help_text="Higher ranks open everything lower ranks open, and more.",
    )
    description = models.TextField(blank=True, help_text="What this tier opens, shown to visitors.")
    trial_days = models.PositiveSmallIntegerField(
        "free trial (days)",
        default=0,
        help_text="How many days a free trial of this tier lasts, its first and last day included. 0: no trial.",
    )

    objects = TierQuerySet.as_manager()

    class Meta:
        ordering = ["rank"]

    def __str__(self):
        return self.name


class TermQuerySet(models.QuerySet):
    def active(self, on=None):
        """In force on the given day (today in the site's time zone by default), grace days included."""
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day, access_ends_on__gte=day)

    def ending_within(self, days, on=None):
        day = on or timezone.localdate()
        return self.filter(ends_on__gte=day, ends_on__lte=day + dt.timedelta(days=days))


class Term(Timestamped):
    """
    A paid term of access to a tier: from its first day to its last day inclusive, plus any grace
    days after it, in the site's time zone. Access ends at midnight after the last grace day.
    """

    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(help_text="The last paid day, inclusive.")
    grace_days = models.PositiveSmallIntegerField(
        default=0, help_text="Days of access after the last paid day, e.g. while a renewal is processed."
    )
    access_ends_on = models.DateField(editable=False, db_index=True, help_text="The last day of access.")

    objects = TermQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-ends_on"]

    def save(self, *args, **kwargs):
        self.access_ends_on = self.ends_on + dt.timedelta(days=self.grace_days)
        super().save(*args, **kwargs)

    def is_active(self, on=None):
        day = on or timezone.localdate()
        return self.starts_on <= day <= self.ends_on + dt.timedelta(days=self.grace_days)

    def in_grace(self, on=None):
        day = on or timezone.localdate()
        return self.is_active(day) and day > self.ends_on


class Subscription(Term):
    """A reader's own subscription to a tier."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="subscriptions")
    note = models.CharField(max_length=200, blank=True, help_text="Invoice or order reference.")

    class Meta(Term.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="subscription_ends_after_it_starts",
                violation_error_message="A subscription cannot end before it starts.",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.tier} until {self.ends_on:%Y-%m-%d}"


class Institution(Term):
    """
    An agency, university or newsroom that buys access for its people: members (users with a
    confirmed address at one of its e-mail domains, up to the seat limit) and anyone reading from
    one of its networks, without logging in.
    """

    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="institutions")
    seat_limit = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many members may join. Empty: no limit. Network readers take no seat."
    )
    contact_email = models.EmailField(blank=True)

    class Meta(Term.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="institution_term_ends_after_it_starts",
                violation_error_message="A term cannot end before it starts.",
            )
        ]

    def __str__(self):
        return self.name

    def seats_used(self):
        return self.memberships.count()

    def has_free_seat(self):
        return self.seat_limit is None or self.seats_used() < self.seat_limit


class InstitutionDomain(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(max_length=253, unique=True, help_text="e.g. agency.gov: addresses ending @agency.gov.")

    class Meta:
        ordering = ["domain"]

    def __str__(self):
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().removeprefix("@")
        super().save(*args, **kwargs)


def validate_network(value):
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise ValidationError("Give a network in CIDR form, such as 192.0.2.0/24 or 2001:db8::/48.")


class InstitutionNetwork(models.Model):
    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="networks")
    cidr = models.CharField("network (CIDR)", max_length=64, validators=[validate_network])

    class Meta:
        ordering = ["cidr"]

    def __str__(self):
        return self.cidr

    def save(self, *args, **kwargs):
        self.cidr = str(ipaddress.ip_network(self.cidr, strict=False))
        super().save(*args, **kwargs)


class InstitutionMembership(Timestamped):
    """A member of an institution: a user who confirmed an address at one of its domains."""

    institution = models.ForeignKey(Institution, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    email = models.EmailField(help_text="The confirmed address at the institution's domain.")

    class Meta:
        ordering = ["institution", "email"]
        constraints = [models.UniqueConstraint(fields=["institution", "user"], name="one_membership_per_institution")]

    def __str__(self):
        return f"{self.email} at {self.institution}"

    def clean(self):
        super().clean()
        if self._state.adding and self.institution_id and not self.institution.has_free_seat():
            raise ValidationError(
                f"{self.institution} has used all its {self.institution.seat_limit} seats: "
                "free one, or raise the seat limit, before adding a member."
            )


class Trial(Timestamped):
    """
    A free trial a reader started: the subscription it granted (what the access policy reads) and the
    address it was started from, kept after the subscription ends or goes, since one person and one
    e-mail domain get one trial within a period (reports.subscriptions.trials).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="trials")
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="trials")
    subscription = models.OneToOneField(
        Subscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="trial"
    )
    email = models.EmailField(help_text="The reader's address when the trial started.")
    domain = models.CharField(max_length=253, db_index=True, help_text="The address's domain, in lower case.")
    starts_on = models.DateField()
    ends_on = models.DateField(help_text="The last day of the trial, inclusive.")

    class Meta:
        ordering = ["-starts_on", "-pk"]

    def __str__(self):
        return f"{self.user} – {self.tier} trial until {self.ends_on:%Y-%m-%d}"


class SubscriptionRequest(Timestamped):
    """A reader asks for a subscription, for themselves or their institution; a subscription manager grants it or declines."""

    class Kind(models.TextChoices):
        INDIVIDUAL = "individual", "For myself"
        INSTITUTIONAL = "institutional", "For my agency, university or newsroom"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        GRANTED = "granted", "Granted"
        DECLINED = "declined", "Declined"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscription_requests"
    )
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="requests")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.INDIVIDUAL)
    institution = models.CharField(
        "institution's name", max_length=200, blank=True, help_text="For an institutional request."
    )
    readers = models.PositiveIntegerField("how many readers", null=True, blank=True)
    message = models.TextField(blank=True, max_length=5000)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    subscription = models.ForeignKey(
        Subscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The subscription granted for an individual request.",
    )
    granted_institution = models.ForeignKey(
        Institution, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        help_text="The institution set up for an institutional request.",
    )

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(status="pending"), name="one_pending_request_per_user",
                violation_error_message="You already have a request waiting for an answer.",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.tier} for {self.institution or self.user}"
