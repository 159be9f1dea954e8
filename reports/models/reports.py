"""Reports, their footnotes and the quotes they carry; and the one policy of who may read them."""
import operator
from functools import reduce
from operator import attrgetter

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery, prefetch_related_objects
from django.db.models.lookups import In
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from taggit.managers import TaggableManager
from taggit.models import Tag

from reports.models.base import Timestamped, address
from reports.models.entities import Organization, Outlet, Person, Quote
from reports.models.places import Country, Programme, Series
from reports.models.readers import is_desk_staff, reader_rank
from reports.models.subscriptions import Tier
from reports.text.rendering import render_markdown


def access_parts(open_to, at=None):
    """
    A report's access is `required_tier` until its `access_changes_at` passes, `access_after` from
    then on: judged against the clock now (or the moment `at`), like publication, so that the
    change needs no one to make it. `open_to(field)` is the condition on the tier named by `field`.
    The condition in its two parts, which no report meets both of: before the change, and after it.
    """
    now = timezone.now() if at is None else at
    before_change = Q(access_changes_at__isnull=True) | Q(access_changes_at__gt=now)
    # "IS NOT NULL" first: for a report with no change the part is then false, not null, and a
    # condition joined to it with AND (a search's match on the full document) is never evaluated.
    after_change = Q(access_changes_at__isnull=False) & Q(access_changes_at__lte=now)
    return [before_change & open_to("required_tier"), after_change & open_to("access_after")]


def access_condition(open_to):
    return reduce(operator.or_, access_parts(open_to))


def access_is(tier):
    """Reports whose access now is `tier` (None: complimentary)."""
    return access_condition(lambda field: Q(**{field: tier}))


def readable_condition(user):
    """The policy's condition as a Q, for queries that must tell readable rows from the rest (search)."""
    return reduce(operator.or_, readable_parts(user))


def readable_parts(user, at=None):
    """
    `readable_condition` in parts that no report meets two of (Qs), for queries that answer each
    from its own index: before and after an access change, for everyone but desk staff. As of the
    moment `at` (default now): a time, or an expression that stands for one in SQL compiled once
    and run at many moments (reports.search.engine.Slot).
    """
    if is_desk_staff(user):
        return [Q(pk__isnull=False)]
    rank = reader_rank(user)
    if rank is None:
        return access_parts(lambda field: Q(**{field: None}), at)
    # By the ids of the tiers above the reader's, not by a join to the tier table, and as an
    # expression (which Django negates as written, without an "OR required_tier_id IS NULL"):
    # the planner can then tell how many rows each side of a search covers, none for a reader
    # of every tier, and answer each side from its own index.
    above = list(Tier.objects.filter(rank__gt=rank).values_list("pk", flat=True))
    return access_parts(lambda tier: Q(**{f"{tier}__isnull": True}) | ~Q(In(F(tier), above)), at)


SLUG_LENGTH = 80


def short_slug(title, max_length=SLUG_LENGTH):
    """The title as an address, cut after the last whole word that fits."""
    slug = slugify(title)
    if len(slug) > max_length:
        slug = slug[: max_length + 1].rsplit("-", 1)[0] or slug[:max_length]
    return slug or "report"


def lowest_tier():
    """New reports are for subscribers of the lowest tier until an editor decides otherwise."""
    return Tier.objects.order_by("rank").values_list("pk", flat=True).first()


class ReportQuerySet(models.QuerySet):
    """
    The access policy, stated once.

    - `published()`: reports the public may see at all: released by an editor and due
      (publication time not in the future). Drafts, scheduled and withdrawn reports are not.
    - `readable_by(user)`: reports whose full text (body, footnotes, quotes) the user may read:
      complimentary reports; reports whose access tier ranks at or below the user's active
      subscriptions; everything for desk staff. Others see the teaser only. A report's access is
      `required_tier`, or `access_after` once its `access_changes_at` has passed (`access_condition`).
    - `viewable_by(user)`: reports whose page the user may open: published ones, and every
      report for desk staff (who preview the rest).

    `Report.is_published()`, `is_readable_by()` and `is_viewable_by()` say the same of one report.
    """

    def published(self, at=None):
        """As of now, or of the moment `at` (as `readable_parts` takes it)."""
        return self.filter(status=Report.Status.PUBLISHED, published_at__lte=timezone.now() if at is None else at)

    def readable_by(self, user):
        return self.filter(readable_condition(user))

    def with_access_now(self, tier):
        """Reports whose access now is `tier`; None: the complimentary ones, whose text everyone may read."""
        return self.filter(access_is(tier))

    def gated_now(self):
        return self.exclude(access_is(None))

    def next_access_change(self):
        """The next moment a report's access changes by itself (a publication or an access change to come), or None."""
        now = timezone.now()
        scheduled = Q(status=Report.Status.PUBLISHED, published_at__gt=now)
        changing = Q(access_changes_at__gt=now)
        # The soonest of each kind read off its index, whatever the number to come (a thousand
        # scheduled reports aggregated cost 3 ms a page); both in one query, on the first report
        # by key (none: nothing is to come), which the primary key's index finds at once.
        soonest = {
            "soonest_publication": self.filter(scheduled).order_by("published_at").values("published_at")[:1],
            "soonest_access_change": self.filter(changing).order_by("access_changes_at").values("access_changes_at")[:1],
        }
        found = (
            self.model.objects.order_by("pk")
            .annotate(**{name: Subquery(query) for name, query in soonest.items()}).values_list(*soonest)[:1]
        )
        return min((moment for moment in next(iter(found), ()) if moment is not None), default=None)

    def viewable_by(self, user):
        return self if is_desk_staff(user) else self.published()

    def for_listing(self):
        """With what a teaser shows (series, access, tags, public cover) fetched up front, in a fixed number of queries."""
        # Tags into a list (Report.tag_list): prefetched into taggit's manager, they would cost a
        # queryset built per report, about half a millisecond each.
        images = self.model._meta.get_field("images").related_model  # ReportImage, whose module imports this one
        covers = Prefetch("images", images.objects.covers().prefetch_related("renditions"), to_attr="prefetched_covers")
        return self.for_page().prefetch_related(TAGS, covers)

    def for_page(self):
        """With the series and the access tier, without the search documents (reports.search.engine), which pages never show."""
        return self.select_related("series", "programme", "required_tier", "access_after").defer(*SEARCH_DOCUMENTS)

    def for_teasers(self):
        """For a list of teasers without their tags: what `for_page` has but the full text (see `with_tag_lists`)."""
        return self.for_page().defer("body", "body_html", "reader_text_html")

    def for_result_lines(self):
        """
        What a search's result line shows that the search changes (the title and summary, marked
        where they match), its address, and what its access now depends on: the rest of the line
        is the same for every search and is made from `for_result_line_parts` once (reports.site.views).
        """
        return self.only("slug", "title", "summary", "required_tier_id", "access_after_id", "access_changes_at")

    def for_result_line_parts(self):
        """
        What the rest of a result line shows (reports.site.views.result_line_parts: the kicker, with
        the series, the date and the access badge, and the tags, as `with_tag_lists` gives them) and
        nothing more: a new search makes them for every report it shows that no search showed
        before, and the whole teaser took a third longer to read.
        """
        return self.select_related("series", "required_tier", "access_after").only(
            "number", "published_at", "access_changes_at", "filed_under", "derived_pending",
            "series__name", "series__slug", "required_tier__name", "access_after__name",
        )


SEARCH_DOCUMENTS = ("search_public", "search_full", "search_vector_public", "search_vector_full")
TAGS = Prefetch("tags", to_attr="prefetched_tags")  # taggit takes no queryset here: `tag_list` orders them
# What a report is filed under, as its page lists them (Report.filed_under, Report.links).
LINK_KINDS = {"organizations": Organization, "people": Person, "outlets": Outlet, "countries": Country, "tags": Tag}


def by_name(tags):
    # Tags have no order of their own, and taggit's prefetch takes no ordered queryset.
    return sorted(tags, key=attrgetter("name"))


def filed_under(linked):
    """What a report is filed under as `Report.filed_under` holds it, from {kind: its linked things}."""
    return {
        kind: [[thing.name, thing.slug] for thing in (by_name(things) if kind == "tags" else things)]
        for kind, things in linked.items()
    }


def linked(kind, pairs):
    """Unsaved instances (name and slug) of one kind of what a report is filed under, from `filed_under`'s pairs."""
    return [LINK_KINDS[kind](name=name, slug=slug) for name, slug in pairs[kind]]


def with_tag_lists(reports):
    """
    The reports (from `for_teasers` or `for_result_line_parts`), each with its tags for
    `tag_list`: those whose stored parts are current have them already; the others are read in
    one query for them all.
    """
    prefetch_related_objects([report for report in reports if not report.stored_parts_current], TAGS)
    return reports


def tags_in_use():
    """
    Tags of published reports: the others (a draft's, a withdrawn report's) are the desk's only.
    Asked tag by tag (does one published report have it?), not by joining every tagged report: a
    few milliseconds at 100,000 reports instead of a few hundred.
    """
    return Tag.objects.filter(Exists(Report.objects.published().filter(tags=OuterRef("pk"))))


class Report(Timestamped):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        WITHDRAWN = "withdrawn", "Withdrawn"

    # What readers see of the status: a published report whose time has not come is scheduled.
    SCHEDULED = "scheduled"

    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The report's address. It cannot change once the report has been published.",
    )
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="reports")
    programme = models.ForeignKey(
        Programme,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
        help_text="Optional: the lab or project the report comes from; its box closes the report.",
    )
    number = models.PositiveIntegerField(
        null=True, blank=True, help_text="The number within the series, e.g. 11032 for Special Dispatch No. 11032."
    )
    summary = models.TextField(
        help_text="The public teaser: shown to everyone, in lists, feeds, search results and link previews."
    )
    body = models.TextField(
        help_text="Markdown. Refer to notes as [1], [2], …; show quote 2 where it belongs with a line [quote 2]. "
        'Mark an Arabic paragraph with {: dir="rtl" lang="ar" } on the line after it.'
    )
    body_html = models.TextField(editable=False, default="")
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text="A published report becomes visible at its publication time; until then it is scheduled.",
    )
    published_at = models.DateTimeField(
        "publication time",
        null=True,
        blank=True,
        db_index=True,
        help_text="When the report goes public. A time in the future schedules it.",
    )
    required_tier = models.ForeignKey(
        Tier,
        null=True,
        blank=True,
        default=lowest_tier,
        on_delete=models.PROTECT,
        related_name="reports",
        verbose_name="access",
        help_text="Empty: complimentary, readable in full by everyone once published. A tier: only "
        "staff and readers whose active subscription ranks at least this tier read the body, "
        "footnotes and quotes; everyone else sees the title, summary, tags and linked entities.",
    )
    access_changes_at = models.DateTimeField(
        "access changes at",
        null=True,
        blank=True,
        help_text="Optional: the moment the access below takes over from the one above, by itself and on every "
        "page, feed, search and export, e.g. a report for subscribers that becomes complimentary 90 days on.",
    )
    access_after = models.ForeignKey(
        Tier,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="access from then on",
        help_text="Empty: complimentary from that moment. A tier: for its subscribers and those of higher tiers.",
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="authored_reports", limit_choices_to={"is_staff": True}
    )
    tags = TaggableManager(blank=True)
    countries = models.ManyToManyField(Country, blank=True, related_name="reports", verbose_name="countries and regions")
    organizations = models.ManyToManyField(Organization, blank=True, related_name="reports")
    people = models.ManyToManyField(Person, blank=True, related_name="reports")
    outlets = models.ManyToManyField(Outlet, blank=True, related_name="reports")
    quotes = models.ManyToManyField(Quote, blank=True, through="ReportQuote", related_name="reports")
    related_reports = models.ManyToManyField("self", blank=True)
    # Search documents, kept current by reports.search.engine.index_reports: the folded, stemmed words of
    # what everyone may read (title, summary, tags, entities and their aliases), and of that plus
    # the gated text. PostgreSQL searches the weighted vectors; other databases the words.
    search_public = models.TextField(editable=False, default="")
    search_full = models.TextField(editable=False, default="")
    search_vector_public = SearchVectorField(null=True, editable=False)
    search_vector_full = SearchVectorField(null=True, editable=False)
    # What the report's page shows beside its own columns, made with the search documents so that a
    # page needs no query for them, as djangoproject.com's blog keeps an entry's HTML: the full text
    # as readers see it (the body with its quotes in place, the quotes no marker places, the notes;
    # reports.text.reading), and what the report is filed under ({kind: [[name, slug], …]}, LINK_KINDS).
    reader_text_html = models.TextField(editable=False, default="", db_default="")
    filed_under = models.JSONField(editable=False, default=dict, db_default={})
    # Kept with them: whether one of its images is the public cover, so that a page looks for the
    # cover (reports.models.media) only when there is one.
    has_public_cover = models.BooleanField(editable=False, default=False, db_default=False)
    # Set with the save that changes what the documents and the stored page parts hold, cleared once
    # they are made again: that runs after the commit, and what it could not do then is done later,
    # not lost. While it is set, pages read and render those parts afresh (`stored_parts_current`).
    derived_pending = models.BooleanField(default=False, db_default=False, editable=False)
    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="Goes up by one with every save, so that an edit made on an outdated copy is refused.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        permissions = [("publish_report", "Can publish, schedule and withdraw reports")]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "number"],
                name="unique_number_in_series",
                violation_error_message="Another report in this series already has this number.",
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="published_report_has_publication_time",
                violation_error_message="A published report needs a publication time.",
            ),
        ]
        indexes = [
            # The policy's filter (status, publication time) in the listing's order, the key
            # included: lists, feeds and the sitemap read their page straight off the index,
            # and counts and joins on tags or entities need not visit the table.
            models.Index(fields=["status", "-published_at", "-id"], name="report_published_order"),
            # The same within one series: series pages, feeds and the list filtered by series.
            models.Index(fields=["series", "status", "-published_at", "-id"], name="report_series_published_order"),
            # The complimentary reports in that order: a public visitor's search looks for matches
            # in the text of the newest of them (a few hundred among the newest 2,000 reports),
            # not of all of them (15,000 at 100,000 reports) and then the newest.
            models.Index(
                fields=["status", "-published_at", "-id"], condition=Q(required_tier__isnull=True), name="report_free_published_order"
            ),
            # The few reports whose access changes at a set time (`next_access_change`).
            models.Index(fields=["access_changes_at"], condition=Q(access_changes_at__isnull=False), name="report_access_changes"),
            # The few reports whose search documents are still to be recomputed.
            models.Index(fields=["id"], condition=Q(derived_pending=True), name="report_derived_pending"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.status == self.Status.PUBLISHED and self.published_at is None:
            raise ValidationError({"published_at": "Give the time at which the report goes public."})
        if self.access_after_id is not None and self.access_changes_at is None:
            raise ValidationError({"access_changes_at": "Give the time at which the access changes."})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug(self.title, pk=self.pk)
        if not self._state.adding:
            self.version += 1
        self.body_html = render_markdown(self.body)
        super().save(*args, **kwargs)
        if self.series.complimentary_after_days is not None and self.access_changes_at is None:
            self.series.apply_complimentary_rule(Report.objects.filter(pk=self.pk))
            self.refresh_from_db(fields=["access_changes_at", "access_after"])

    @staticmethod
    def unique_slug(title, pk=None):
        """A short address made from the title that no other report has."""
        base = short_slug(title)
        slug, suffix = base, 2
        while Report.objects.filter(slug=slug).exclude(pk=pk).exists():
            slug = f"{short_slug(title, SLUG_LENGTH - len(str(suffix)) - 1)}-{suffix}"
            suffix += 1
        return slug

    @property
    def stored_parts_current(self):
        """Whether `reader_text_html` and `filed_under` hold what the report's page would show now."""
        return not self.derived_pending and bool(self.filed_under)

    def may_have_public_cover(self):
        """False when the kept parts say that no image of the report is its public cover."""
        return self.has_public_cover or not self.stored_parts_current

    def stored_reader_text(self):
        """The full text as kept with the report (reports.text.reading), or None while it waits to be made again."""
        return mark_safe(self.reader_text_html) if self.stored_parts_current else None  # made by our templates

    def links_now(self):
        """What the report is filed under, read now, as `filed_under` holds it."""
        return filed_under({kind: getattr(self, kind).all() for kind in LINK_KINDS})

    @cached_property
    def links(self):
        """What the report is filed under, by kind, as unsaved instances (name and slug) that pages link to."""
        pairs = self.filed_under if self.stored_parts_current else self.links_now()
        return {kind: linked(kind, pairs) for kind in LINK_KINDS}

    @property
    def tag_list(self):
        """The tags by name, as `ReportQuerySet.for_listing()` prefetched them, or as stored, or else read now."""
        prefetched = getattr(self, "prefetched_tags", None)
        if prefetched is not None:
            return by_name(prefetched)
        # Only the tags made into instances: a list of twenty teasers shows nothing else.
        return linked("tags", self.filed_under) if self.stored_parts_current else by_name(self.tags.all())

    @property
    def teaser_cover(self):
        """The image an editor marked as the public cover, as `for_listing()` prefetched it (else none shown)."""
        covers = getattr(self, "prefetched_covers", None)
        return covers[0] if covers else None

    def get_absolute_url(self):
        return address("report_detail", self.slug)

    @property
    def reference(self):
        """How the desk cites the report: 'Special Dispatch No. 11032'."""
        return f"{self.series} No. {self.number}" if self.number else str(self.series)

    def access_changed(self):
        """Whether `access_after` has taken over from `required_tier` (see `readable_condition`)."""
        return self.access_changes_at is not None and self.access_changes_at <= timezone.now()

    @property
    def access_tier(self):
        """The tier whose subscribers may read the report now; None when it is complimentary."""
        return self.access_after if self.access_changed() else self.required_tier

    @access_tier.setter
    def access_tier(self, tier):
        # A change that has already happened would otherwise keep overruling `required_tier`; the
        # report's history keeps it. A change still to come stays.
        if self.access_changed():
            self.access_changes_at, self.access_after = None, None
        self.required_tier = tier

    @property
    def access_tier_id(self):
        return self.access_after_id if self.access_changed() else self.required_tier_id

    @property
    def is_complimentary(self):
        return self.access_tier_id is None

    @property
    def complimentary_since(self):
        """When a report for subscribers became complimentary by its access change; None otherwise."""
        if self.access_changed() and self.access_after_id is None and self.required_tier_id is not None:
            return self.access_changes_at
        return None

    @property
    def shows_complimentary_line(self):
        """A complimentary report of a series with its own line, or one that became complimentary, says so."""
        return self.is_complimentary and bool(self.series.complimentary_line or self.complimentary_since)

    @property
    def access_change_to_come(self):
        """(when, tier after: None for complimentary) of a change not yet due, for readers to see; else None."""
        if self.access_changes_at is None or self.access_changed():
            return None
        return self.access_changes_at, self.access_after

    @property
    def state(self):
        """draft, scheduled, published or withdrawn, as of now."""
        if self.status == self.Status.PUBLISHED and not self.is_published():
            return self.SCHEDULED
        return self.status

    def is_published(self):
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    def is_readable_by(self, user):
        if self.is_complimentary or is_desk_staff(user):
            return True
        rank = reader_rank(user)
        return rank is not None and self.access_tier.rank <= rank

    def is_viewable_by(self, user):
        return self.is_published() or is_desk_staff(user)


class Footnote(models.Model):
    """A numbered note of a report; the body refers to it as [position]."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="footnotes")
    position = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(999)],
        help_text="The number the body uses: [1], [2], …",
    )
    text = models.TextField()
    url = models.URLField("URL", max_length=500, blank=True)
    outlet = models.ForeignKey(Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="footnotes")

    class Meta:
        ordering = ["report", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "position"],
                name="unique_footnote_position",
                violation_error_message="Two footnotes of this report have the same number.",
            )
        ]

    def __str__(self):
        return f"[{self.position}] {self.text[:60]}"


class ReportQuote(models.Model):
    """A quote as carried by one report, in the order the report presents its quotes."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="report_quotes")
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="report_quotes")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["report", "position", "pk"]
        verbose_name = "quote carried"
        verbose_name_plural = "quotes carried"
        constraints = [models.UniqueConstraint(fields=["report", "quote"], name="unique_quote_per_report")]

    def __str__(self):
        return str(self.quote)
