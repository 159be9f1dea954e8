"""Reads of gated reports, for institutions' usage reports (in the spirit of COUNTER)."""
import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

# Two requests for one report by one reader this close together are one read (COUNTER's double-click rule).
DOUBLE_CLICK = dt.timedelta(seconds=30)


def double_click_key(report_slug, user_pk=None, ip=None):
    """The cache key standing for a read of the report by the reader (a user, or else an address) within DOUBLE_CLICK."""
    return f"read:{report_slug}:" + (f"user-{user_pk}" if user_pk is not None else f"ip-{ip}")


class ReadQuerySet(models.QuerySet):
    def record(self, *, report, user=None, institution=None, ip=None, first=None):
        """
        Record a read, unless the same reader read the same report within DOUBLE_CLICK: as `first`
        says (whether a shared cache found this the reader's first request, atomically for every
        server; see reports.cache.reads), or, when it could not tell (None), as the reads recorded tell.
        """
        reader = {"user": user} if user is not None else {"user": None, "ip": ip}
        if first is False:
            return None
        if first is None and self.filter(report=report, read_at__gte=timezone.now() - DOUBLE_CLICK, **reader).exists():
            return None
        return self.create(report=report, institution=institution, **{"ip": ip, **reader})


class Read(models.Model):
    """One read of a gated report's full text: who, through which institution (if any), and when."""

    report = models.ForeignKey("Report", on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="reads")
    institution = models.ForeignKey(
        "Institution", null=True, blank=True, on_delete=models.SET_NULL, related_name="reads"
    )
    ip = models.GenericIPAddressField(null=True, blank=True, help_text="Kept for anonymous network readers only.")
    read_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ReadQuerySet.as_manager()

    class Meta:
        ordering = ["-read_at"]
        indexes = [models.Index(fields=["institution", "read_at"], name="read_institution_month")]

    def __str__(self):
        return f"{self.report} read {self.read_at:%Y-%m-%d %H:%M}"
