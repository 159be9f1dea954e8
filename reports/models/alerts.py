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
    def followed_url(self):
        if self.tag_id:
            return reverse("tag_detail", args=[self.tag.slug])
        return self.followed.get_absolute_url()


class AlertState(models.Model):
    """Whether a reader wants e-mail alerts (the unsubscribe link turns them off)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_state")
    enabled = models.BooleanField(default=True)

    def __str__(self):
        return f"Alerts for {self.user}"


class SentAlert(models.Model):
    """A report sent to a reader in a digest: each report goes to each follower once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sent_alerts")
    report = models.ForeignKey("Report", on_delete=models.CASCADE, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "report"], name="alert_sent_once")]
