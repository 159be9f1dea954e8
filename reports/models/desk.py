"""
The desk's own records: a report put before an editor, and what each saved revision of a report held.

Readers never see these; pages are not made from them (reports.signals leaves them out of the
page cache's generations).
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from reversion.models import Revision

from reports.models.base import Timestamped
from reports.models.reports import Report


class ReviewQuerySet(models.QuerySet):
    def open(self):
        """Reviews not yet decided for good: in progress, awaiting an editor, or sent back to the analyst."""
        return self.filter(status__in=Review.OPEN)

    def awaiting(self):
        return self.filter(status=Review.Status.PENDING)


class Review(Timestamped):
    """
    A report put before an editor: a draft to publish, or a change to a released report.

    An analyst's change to a report an editor has released (published, scheduled or withdrawn) is
    kept here, as the whole content it proposes (`content`), and readers keep the approved text
    until an editor approves it. A report has at most one open review: the change everyone who
    edits the report works on, analysts and editors alike, until it is approved or discarded.
    """

    class Kind(models.TextChoices):
        PUBLICATION = "publication", "Draft to publish"
        CHANGE = "change", "Change to a released report"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "Not submitted yet"
        PENDING = "pending", "Awaiting review"
        SENT_BACK = "sent_back", "Sent back"
        APPROVED = "approved", "Approved"
        DISCARDED = "discarded", "Discarded"

    OPEN = (Status.IN_PROGRESS, Status.PENDING, Status.SENT_BACK)

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reviews")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS, db_index=True)
    content = models.JSONField(
        null=True, blank=True, editable=False, help_text="For a change: the report's whole content as proposed."
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    comment = models.TextField(blank=True, help_text="The editor's word to the analyst on the last decision.")

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(status__in=["in_progress", "pending", "sent_back"]),
                name="one_open_review_per_report",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.report}"

    @property
    def is_open(self):
        return self.status in self.OPEN


class ReportSnapshot(models.Model):
    """
    A report's whole content and state as one revision left it, for the desk's compare and restore:
    django-reversion keeps the report's own row; this also holds its notes, quotes, tags and links.
    """

    revision = models.ForeignKey(Revision, on_delete=models.CASCADE, related_name="report_snapshots")
    report_id = models.PositiveBigIntegerField()
    data = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["revision", "report_id"], name="one_snapshot_per_report_and_revision")
        ]

    def __str__(self):
        return f"Report {self.report_id} in revision {self.revision_id}"
