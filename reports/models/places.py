from django.db import models

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

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return address("series_detail", self.slug)
