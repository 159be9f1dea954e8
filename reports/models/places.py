import datetime as dt

from django.db import models
from django.db.models import F

from reports.models.base import address


class Country(models.Model):
    """A country or a wider region (the Levant, the Gulf) that reports and organizations concern."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    iso_code = models.CharField(
        "ISO code",
        max_length=2,
        blank=True,
        help_text="Two-letter ISO 3166 code; leave empty for a region that is not a country.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "country or region"
        verbose_name_plural = "countries and regions"

    def __str__(self):
        return self.name


class Series(models.Model):
    """A publication line of the desk, such as the Jihad and Terrorism Threat Monitor."""

    name = models.CharField(max_length=150, unique=True)
    short_name = models.CharField(
        max_length=30, blank=True, help_text="What the desk calls it for short, e.g. JTTM; pickers find it by this too."
    )
    slug = models.SlugField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    complimentary_line = models.TextField(
        blank=True,
        help_text="Opens each complimentary report of this series in the series' own words, e.g. \"This "
        "report of the Jihad and Terrorism Threat Monitor is offered free of charge.\" Empty: a plain line "
        "naming the series. Shown when the series has its own line or the report became complimentary.",
    )
    complimentary_after_days = models.PositiveSmallIntegerField(
        "complimentary after (days)",
        null=True,
        blank=True,
        help_text="Optional: reports of this series for subscribers become complimentary this many days after "
        "their publication, by themselves. Applies to every report without an access change of its own; to keep "
        "one for subscribers, give it a change to its own tier.",
    )
    subscription_url = models.URLField(
        "subscription information",
        blank=True,
        help_text="Where the complimentary line sends readers to learn about subscribing; empty: this site's "
        "subscription options.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("series_detail", self.slug)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.apply_complimentary_rule()

    def apply_complimentary_rule(self, reports=None):
        """
        Give the series' reports for subscribers that have no access change of their own (all, or
        `reports`) the change its rule sets: complimentary `complimentary_after_days` after publication.
        """
        if self.complimentary_after_days is None:
            return
        reports = self.reports.all() if reports is None else reports
        reports.filter(access_changes_at__isnull=True, required_tier__isnull=False, published_at__isnull=False).update(
            access_changes_at=F("published_at") + dt.timedelta(days=self.complimentary_after_days), access_after=None
        )

    @property
    def subscription_info_url(self):
        return self.subscription_url or address("subscribe")


class Programme(models.Model):
    """
    A lab, project or monitor of the desk that reports belong to, across series (the Cyber & Jihad
    Lab): its standing description closes each of its reports, for every reader.
    """

    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    description = models.TextField(
        help_text="What the programme does and for whom, in a few sentences: the closing box of each of its "
        "reports and the head of its page. Public, shown to everyone."
    )
    website = models.URLField(blank=True, help_text="Optional: the programme's own site, linked from its page and box.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("programme_detail", self.slug)
