"""What readers follow, and when they were last sent a digest of it."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from reports.models.base import Timestamped

FOLLOWABLE = ("tag", "series", "organization", "person")


class Follow(Timestamped):
    """A reader follows a tag, a series, an organization or a person: new reports on it come in their digest."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows")
    tag = models.ForeignKey("taggit.Tag", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    series = models.ForeignKey("Series", null=True, blank=True, on_delete=models.CASCADE, related_name="follows")
    organization = models.ForeignKey(
        "Organization", null=True, blank=True, on_delete=models.CASCADE, related_name="follows"
    )
    person = models.ForeignKey("Person", null=True, blank=True, on_delete=models.CASCADE, related_name="follows")

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(tag__isnull=False, series=None, organization=None, person=None)
                    | Q(tag=None, series__isnull=False, organization=None, person=None)
                    | Q(tag=None, series=None, organization__isnull=False, person=None)
                    | Q(tag=None, series=None, organization=None, person__isnull=False)
                ),
                name="follow_exactly_one_thing",
            ),
            *(
                models.UniqueConstraint(fields=["user", kind], name=f"follow_{kind}_once")
                for kind in FOLLOWABLE
            ),
        ]

    def __str__(self):
        return f"{self.user} follows {self.followed}"

    @property
    def followed(self):
        return self.tag or self.series or self.organization or self.person

    @property
    def followed_kind(self):
        """"tag", "series", "organization" or "person": the kind the follow address (follow/<kind>/<slug>/) names."""
        return next(kind for kind in FOLLOWABLE if getattr(self, f"{kind}_id"))

    @property
    def followed_url(self):
        if self.tag_id:
            return reverse("tag_detail", args=[self.tag.slug])
        return self.followed.get_absolute_url()


class AlertState(models.Model):
    """
    A reader's e-mail preferences: whether they want digests (the unsubscribe link turns them off)
    and how often. A reader without one gets daily digests.
    """

    class Frequency(models.TextChoices):
        DAILY = "daily", "Once a day"
        WEEKLY = "weekly", "Once a week"

    # Days of the site's calendar from one digest to the next: a digest goes out on the first run
    # of the day that many days after the day of the last one, holding everything since.
    DAYS_BETWEEN = {Frequency.DAILY: 1, Frequency.WEEKLY: 7}

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_state")
    enabled = models.BooleanField("E-mail me new reports on what I follow", default=True)
    frequency = models.CharField(
        "How often", max_length=10, choices=Frequency.choices, default=Frequency.DAILY,
        help_text="A weekly digest holds every new report of the week.",
    )

    def __str__(self):
        return f"Alerts for {self.user}"


class SentAlert(models.Model):
    """A report sent to a reader in a digest: each report goes to each follower once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_alerts")
    report = models.ForeignKey("Report", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "report"], name="alert_sent_once")]
