from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .base import Timestamped


class Tier(models.Model):
    """A level of subscription. A report for subscribers names the lowest tier that may read it."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=50, unique=True)
    rank = models.PositiveSmallIntegerField(
        unique=True,
        help_text="Higher ranks open everything lower ranks open, and more.",
    )
    description = models.TextField(blank=True, help_text="What this tier opens, shown to visitors.")

    class Meta:
        ordering = ["rank"]

    def __str__(self):
        return self.name


class SubscriptionQuerySet(models.QuerySet):
    def active(self, on=None):
        """Subscriptions in force on the given day (today in the site's time zone by default)."""
        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class Subscription(Timestamped):
    """A reader's subscription to a tier. It grants access from its first to its last day, inclusive."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="subscriptions")
    starts_on = models.DateField(default=timezone.localdate)
    ends_on = models.DateField(
        help_text="The last day of access, inclusive. Access ends at midnight, site time, after it."
    )
    note = models.CharField(max_length=200, blank=True, help_text="Invoice or order reference.")

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-ends_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="subscription_ends_after_it_starts",
                violation_error_message="A subscription cannot end before it starts.",
            )
        ]

    def __str__(self):
        return f"{self.user} – {self.tier} until {self.ends_on:%Y-%m-%d}"

    def is_active(self, on=None):
        day = on or timezone.localdate()
        return self.starts_on <= day <= self.ends_on
