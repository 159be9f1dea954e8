"""
Public pages. Every view that shows reports starts from the access policy on `Report.objects`
(`published()`, `viewable_by()`, `readable_by()`, `is_readable_by()`); none filters by hand.
"""
from urllib.parse import urlencode

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.generic import DetailView, ListView, TemplateView
from taggit.models import Tag

from reports.cache.content import SharedContentMixin
from reports.cache.privacy import for_no_one
from reports.cache.reads import expect_read_claim, record_read
from reports.cache.results import HEADER as RESULTS_HEADER
from reports.cache.results import (
    expect_search,
    kept_entity_cards,
    kept_filters,
    kept_result_parts,
    kept_results,
    kept_search_part,
    kept_spellings,
)
from reports.cache.signed_in import claimed_user_pk
from reports.models import (
    Follow,
    Organization,
    Outlet,
    Person,
    Programme,
    Quote,
    Report,
    Series,
    Tier,
)
from reports.models.media import media_for_page, reader_text_parts
from reports.models.readers import is_desk_staff, preview_audiences
from reports.models.reports import tags_in_use, with_tag_lists
from reports.search.engine import (
    ENTITY_KINDS,
    BadKey,
    PageKey,
    entity_spellings,
    highlight,
    matching_entities,
    parse_query,
    result_line_reports,
    search_page,
    snippet,
)
from reports.site.forms import ReportFilterForm
from reports.site.structured_data import news_article
from reports.text.reading import reader_text

PROFILE_REPORTS = 20
PROFILE_QUOTES = 20


class HomeView(SharedContentMixin, ListView):
    template_name = "reports/home.html"
    context_object_name = "reports"

    def get_queryset(self):
        # Built per request: "published" is judged against the clock now, not when the module loaded.
        return Report.objects.published().for_listing()[:12]

    def get_context_data(self, **kwargs):
        return super().get_context_data(series_list=Series.objects.all(), **kwargs)


class ReportListView(SharedContentMixin, ListView):
    """All published reports, newest first, with the list filters and pagination."""

    context_object_name = "reports"
    paginate_by = 20

    def get_queryset(self):
        self.filters = ReportFilterForm(self.request.GET)
        return self.filters.filter(Report.objects.published().for_listing())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filters=self.filters, **kwargs)
        if self.filters.ignored:
            context["ignored_filters"] = self.filters.ignored
        return context


class SearchView(TemplateView):
    """
    /search/?q=…: reports the visitor may find, with highlighted snippets, the list filters and
    pages (each after the key of the one before: `after`, signed; a key this site did not make
    gives the first page); organizations, people and outlets whose names match come first, as cards.
    The matches, their count, the cards and the results are made once per reader class and search
    (reports.cache.results), the rest of the page for each request.
    """

    template_name = "reports/search.html"
    paginate_by = 20
    SORTS = {"relevance": "Relevance", "date": "Newest first"}

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response[RESULTS_HEADER] = self.kept
        return response

    def get_context_data(self, **kwargs):
        query = self.request.GET.get("q", "")[:500]
        parsed = parse_query(query)
        sort = self.request.GET.get("sort") if self.request.GET.get("sort") in self.SORTS else "relevance"
        filters = ReportFilterForm.given_in(self.request.GET)
        try:
            key = PageKey.read(self.request.GET["after"], sort) if self.request.GET.get("after") else PageKey(sort)
        except BadKey:
            key = PageKey(sort)
        # Everything the kept part is made from (reports.cache.results), the visitor's reader class aside.
        search = (parsed, filters.applied(), key, self.paginate_by)
        # The form's fields show its choices and the parameters as given (an ignored one too).
        given = tuple((name, self.request.GET.getlist(name)) for name in filters.fields)
        expect_search(self.request, search, given)
        made, self.kept = kept_results(self.request.user, search, lambda: self.results(parsed, filters, key))
        filter_fields = kept_filters(given, lambda: render_to_string(
            "includes/filter_fields.html", {"filters": ReportFilterForm(self.request.GET)}
        ))
        context = super().get_context_data(
            filter_fields=mark_safe(filter_fields), filters_given=any(value for _, values in given for value in values),
            query=query, sort=sort, sorts=self.SORTS, page=made["page"],
            next_page=made["page"].next_key.token() if made["page"].next_key else None,
            kept_profiles=mark_safe(made["profiles"]), kept_results=mark_safe(made["results"]), **kwargs,
        )
        if filters.ignored:
            context["ignored_filters"] = filters.ignored
        return context

    def results(self, parsed, filters, key):
        """
        The page of matches for the visitor, and its profile cards and results as HTML made from
        that alone (no request, nothing of the visitor but what the access policy lets them find).
        """
        applied = filters.applied()

        def keep(part, make):
            return kept_search_part((applied, part), make)

        page = search_page(
            parsed, self.request.user, sort=key.sort, reports=filters.filter(Report.objects.all()), key=key,
            size=self.paginate_by, keep=keep,
        )
        # Not the bodies: a snippet is made from a bounded excerpt of each the visitor may read.
        reports = result_line_reports(page, self.request.user, keep=keep)
        parts = kept_result_parts(reports, result_line_parts)
        results = [
            {
                "report": report,
                "parts": parts[report.pk],
                "title": highlight(report.title, parsed),
                "snippet": snippet(report, parsed, excerpt=report.excerpt),
            }
            for report in reports
            if report.pk in parts  # not one deleted since the page was found
        ]
        named = matching_entities(parsed, kept_spellings(entity_spellings)) if parsed else {}
        entities = [(kind, pk) for kind, ids in named.items() for pk in ids]
        cards = kept_entity_cards(entities, entity_cards)
        return {
            "page": page,
            "profiles": render_to_string("includes/search_profiles.html", {"cards": [cards[entity] for entity in entities if entity in cards]}),
            "results": render_to_string("includes/search_results.html", {"page": page, "results": results}),
        }


def result_line_parts(ids):
    """
    {id: ((id, access tier's id), its parts)}: the parts of the reports' search result lines that
    no search changes (the kicker, with the access badge, and the tags) as HTML, from the reports
    read afresh, and the access they were made for.
    """
    teasers = with_tag_lists(list(Report.objects.for_result_line_parts().filter(pk__in=ids).order_by()))
    return {
        report.pk: ((report.pk, report.access_tier_id), {
            "kicker": render_to_string("includes/result_kicker.html", {"report": report}),
            "tags": render_to_string("includes/tag_list.html", {"tags": report.tag_list}),
        })
        for report in teasers
    }


def entity_cards(entities):
    """{(kind, id): ((kind, id), its card)}: the profile cards of organizations, people and outlets, as HTML."""
    cards = {}
    for kind, model in ENTITY_KINDS.items():
        ids = [pk for entity_kind, pk in entities if entity_kind == kind]
        for entity in model.objects.filter(pk__in=ids).prefetch_related("aliases") if ids else []:
            label = "Person" if kind == "people" else entity.get_kind_display()
            card = render_to_string("includes/entity_card.html", {"entity": entity, "kind": label})
            cards[(kind, entity.pk)] = ((kind, entity.pk), card)
    return cards


class ReportDetailView(SharedContentMixin, DetailView):
    """
    A report: the teaser for everyone who may see it, the full text for those who may read it.
    Desk staff also open drafts, scheduled and withdrawn reports, marked as a preview, and see
    any report as another audience would (`?as=anonymous`, `?as=registered`, `?as=<tier slug>`).
    """

    context_object_name = "report"
    kept_object_prefix = "published-report"
    counts_as_read = True  # a read of gated text counts in institutions' usage reports

    def get_queryset(self):
        return Report.objects.viewable_by(self.request.user).for_page()

    def get_object(self, queryset=None):
        """The report (looked up once per request), who the page is rendered for, and whether they may read it."""
        if not hasattr(self, "object"):
            self.object = self.kept_object(lambda: super(ReportDetailView, self).get_object(queryset))
            self.audiences = preview_audiences() if is_desk_staff(self.request.user) else {}
            self.viewer = self.audiences.get(self.request.GET.get("as"), self.request.user)
            self.can_read = self.object.is_readable_by(self.viewer)
        return self.object

    def likely_audiences(self):
        # Anonymous visitors mostly get the teaser; a signed-in visitor's holdings are not known yet.
        return ["reader", "signed-in"] if claimed_user_pk(self.request) is not None else ["anonymous"]

    def content_audience(self):
        """The readers of its text, or the signed-in or anonymous visitors who get the teaser; desk previews are not kept."""
        report = self.get_object()
        if self.audiences or not report.is_published():
            return None
        if self.can_read:
            return "reader"
        return "signed-in" if self.viewer.is_authenticated else "anonymous"

    def announce_reads(self):
        super().announce_reads()
        expect_read_claim(self.request, self.kwargs[self.slug_url_kwarg])

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        if self.audiences or not self.object.is_published():
            return for_no_one(response)
        if self.counts_as_read and self.can_read and not self.object.is_complimentary:
            record_read(request, self.object)
        return response

    def get_context_data(self, **kwargs):
        report = self.object
        context = super().get_context_data(
            viewer=self.viewer,
            can_read=self.can_read,
            audiences=self.audiences,
            audience=self.request.GET.get("as") if self.request.GET.get("as") in self.audiences else None,
            structured_data=news_article(report, self.request),
            related=with_tag_lists(list(report.related_reports.published().for_teasers())),
            tiers=Tier.objects.all(),
            **kwargs,
        )
        if report.may_have_public_cover():
            context.update(media_for_page(report, can_read=False))  # the public cover, which link previews show to everyone
        if self.can_read:
            context["reader_text"] = report.stored_reader_text() or reader_text(report, reader_text_parts(report))
        return context


class ReportPrintView(ReportDetailView):
    template_name = "reports/report_print.html"
    counts_as_read = False


class ProfileView(DetailView):
    """
    A page about one thing that reports are filed under (series, tag, organization, person,
    outlet): the latest reports on it, and for speakers the quotes the visitor may read.
    """

    reports_relation = None
    filter_name = None
    quotes_relation = None
    follow_kind = None  # what a reader follows this as (tag, series, organization, person), if they can

    def get_context_data(self, **kwargs):
        on_this = {self.reports_relation: self.object}
        reports = Report.objects.published().filter(**on_this)
        context = super().get_context_data(
            reports=reports.for_listing()[:PROFILE_REPORTS],
            report_count=reports.count(),
            all_reports_url=f"{reverse('report_list')}?{urlencode({self.filter_name: self.object.slug})}",
            **kwargs,
        )
        if self.follow_kind:
            context["follow_kind"] = self.follow_kind
            context["following"] = (
                self.request.user.is_authenticated
                and Follow.objects.filter(user=self.request.user, **{self.follow_kind: self.object}).exists()
            )
        if self.quotes_relation:
            context["quotes"] = (
                Quote.objects.readable_by(self.request.user)
                .filter(**{self.quotes_relation: self.object})
                .with_speakers_and_reports()[:PROFILE_QUOTES]
            )
        return context


class SeriesDetailView(ProfileView):
    model = Series
    reports_relation = filter_name = follow_kind = "series"


class ProgrammeDetailView(ProfileView):
    model = Programme
    reports_relation = filter_name = "programme"


class TagDetailView(ProfileView):
    model = Tag
    template_name = "reports/tag_detail.html"
    reports_relation = "tags"
    filter_name = follow_kind = "tag"

    def get_queryset(self):
        return tags_in_use()


class OrganizationDetailView(ProfileView):
    queryset = Organization.objects.select_related("parent", "state_sponsor").prefetch_related(
        "aliases", "countries", "designations", "members", "roles__person"
    )
    reports_relation = "organizations"
    filter_name = quotes_relation = follow_kind = "organization"


class PersonDetailView(ProfileView):
    queryset = Person.objects.prefetch_related("aliases", "roles__organization")
    reports_relation = "people"
    filter_name = quotes_relation = follow_kind = "person"


class OutletDetailView(ProfileView):
    queryset = Outlet.objects.select_related("country").prefetch_related("aliases")
    reports_relation = "outlets"
    filter_name = quotes_relation = "outlet"
