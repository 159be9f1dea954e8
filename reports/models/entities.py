"""The organizations, people and outlets that reports quote and cite, and what they said."""
from django.conf import global_settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language_info

from reports.models.base import Timestamped, address
from reports.models.places import Country
from reports.search.names import normalize_name

LANGUAGE_CHOICES = sorted(global_settings.LANGUAGES, key=lambda choice: choice[1])


def is_right_to_left(language_code):
    try:
        return get_language_info(language_code)["bidi"]
    except KeyError:
        return False


class NamedEntityQuerySet(models.QuerySet):
    def named(self, text):
        """Entities whose name or any recorded alias matches `text`, however it is transliterated."""
        folded = normalize_name(text)
        if not folded:
            return self.none()
        return self.filter(Q(normalized_name=folded) | Q(aliases__normalized_name=folded)).distinct()


class NamedEntity(Timestamped):
    name = models.CharField(max_length=200, help_text="The spelling the desk uses in its reports.")
    slug = models.SlugField(max_length=200, unique=True)
    normalized_name = models.CharField(max_length=200, editable=False, db_index=True)
    description = models.TextField(blank=True)

    objects = NamedEntityQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)


class Alias(models.Model):
    """Another spelling or transliteration under which an entity appears in the sources."""

    name = models.CharField(max_length=200)
    normalized_name = models.CharField(max_length=200, editable=False, db_index=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.normalized_name = normalize_name(self.name)
        super().save(*args, **kwargs)


class Organization(NamedEntity):
    """A militia, movement, party or state body."""

    class Kind(models.TextChoices):
        MILITIA = "militia", "Militia"
        UMBRELLA = "umbrella", "Umbrella group or coalition"
        MOVEMENT = "movement", "Movement"
        PARTY = "party", "Political party"
        JIHADI_GROUP = "jihadi_group", "Jihadi group"
        STATE_BODY = "state_body", "State body"
        MEDIA_WING = "media_wing", "Media wing"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
        verbose_name="parent or umbrella organization",
    )
    state_sponsor = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="sponsored_organizations"
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="organizations", verbose_name="countries of operation"
    )

    class Meta(NamedEntity.Meta):
        pass

    def get_absolute_url(self):
        return address("organization_detail", self.slug)


class OrganizationAlias(Alias):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="aliases")

    class Meta(Alias.Meta):
        verbose_name_plural = "organization aliases"
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "normalized_name"], name="unique_organization_alias"
            )
        ]


class Designation(models.Model):
    """A listing of an organization by a government or international body (e.g. as an FTO)."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="designations")
    authority = models.CharField(max_length=200, help_text="Who designated it, e.g. U.S. Department of State.")
    designation = models.CharField(max_length=200, help_text="e.g. Foreign Terrorist Organization.")
    designated_on = models.DateField()
    revoked_on = models.DateField(null=True, blank=True)
    url = models.URLField("source URL", blank=True)

    class Meta:
        ordering = ["designated_on"]

    def __str__(self):
        return f"{self.designation} ({self.authority}, {self.designated_on:%Y})"


class Person(NamedEntity):
    class Meta(NamedEntity.Meta):
        verbose_name_plural = "people"

    def get_absolute_url(self):
        return address("person_detail", self.slug)


class PersonAlias(Alias):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")

    class Meta(Alias.Meta):
        verbose_name_plural = "person aliases"
        constraints = [
            models.UniqueConstraint(fields=["person", "normalized_name"], name="unique_person_alias")
        ]


class Role(models.Model):
    """A position a person held, e.g. commander of Ansar Allah Al-Awfiya', over a span of time."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="roles"
    )
    title = models.CharField(max_length=200)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True, help_text="Leave empty while the role is held.")

    class Meta:
        ordering = ["-started_on", "title"]

    def __str__(self):
        return f"{self.title}, {self.organization}" if self.organization_id else self.title


class Outlet(NamedEntity):
    """Where statements appear: a daily, a Telegram channel, a TV channel, a website."""

    class Kind(models.TextChoices):
        NEWSPAPER = "newspaper", "Newspaper"
        TELEGRAM = "telegram", "Telegram channel"
        TV = "tv", "TV channel"
        RADIO = "radio", "Radio station"
        WEBSITE = "website", "Website"
        NEWS_AGENCY = "news_agency", "News agency"
        SOCIAL = "social", "Social media account"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.SET_NULL, related_name="outlets")
    language = models.CharField(max_length=10, choices=LANGUAGE_CHOICES, default="ar")
    stance = models.CharField(
        "stance or affiliation", max_length=200, blank=True, help_text="e.g. pro-Hizbullah."
    )
    url = models.URLField("URL", blank=True)

    class Meta(NamedEntity.Meta):
        pass

    def get_absolute_url(self):
        return address("outlet_detail", self.slug)


class OutletAlias(Alias):
    outlet = models.ForeignKey(Outlet, on_delete=models.CASCADE, related_name="aliases")

    class Meta(Alias.Meta):
        verbose_name_plural = "outlet aliases"
        constraints = [
            models.UniqueConstraint(fields=["outlet", "normalized_name"], name="unique_outlet_alias")
        ]


class QuoteQuerySet(models.QuerySet):
    def readable_by(self, user):
        """Quotes carried by at least one published report the user may read in full."""
        carriers = self.model._meta.get_field("reports").related_model  # Report, whose module imports this one
        return self.filter(reports__in=carriers.objects.published().readable_by(user)).distinct()

    def with_speakers_and_reports(self):
        """With their speakers and outlet, and the published reports carrying them (`published_reports`), in a fixed number of queries."""
        carriers = self.model._meta.get_field("reports").related_model
        return self.select_related("person", "organization", "outlet").prefetch_related(
            models.Prefetch("reports", queryset=carriers.objects.published().select_related("series"), to_attr="published_reports")
        )


class Quote(Timestamped):
    """
    A statement by a person or an organization, in its original language and in translation.

    A quote is part of the gated text of every report that carries it: it is shown only to those
    who may read one of those reports.
    """

    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.PROTECT, related_name="quotes")
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="quotes"
    )
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes")
    said_on = models.DateField("date", null=True, blank=True)
    url = models.URLField("source URL", blank=True)
    original_language = models.CharField(max_length=10, choices=LANGUAGE_CHOICES, default="ar")
    original_text = models.TextField(blank=True)
    translation = models.TextField("English translation")

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["-said_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(organization__isnull=False),
                name="quote_has_a_speaker",
                violation_error_message="A quote needs a speaker: a person, an organization or both.",
            )
        ]

    def __str__(self):
        speaker = self.person or self.organization
        excerpt = self.translation if len(self.translation) <= 60 else f"{self.translation[:57]}…"
        return f"{speaker}: “{excerpt}”"

    @property
    def original_is_right_to_left(self):
        return is_right_to_left(self.original_language)
