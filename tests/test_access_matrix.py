"""
The access rule on every surface, for every kind of visitor.

A premium report carries unique markers in its body, a footnote and a quote (translation and
original). They must appear exactly where the visitor may read the report: on its page and print
view, and (for the quote) on the profiles of its speaker, organization and outlet; nowhere else,
for nobody else. Reports that are not published (draft, scheduled, withdrawn) must not surface at
all, except to desk staff on their own page.
"""
import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from reports.models import Report
from tests.factories import (
    FootnoteFactory,
    OrganizationFactory,
    OutletFactory,
    PersonFactory,
    QuoteFactory,
    ReportFactory,
    ReportQuoteFactory,
    SeriesFactory,
    make_visitor,
    tier,
)

pytestmark = pytest.mark.django_db

BODY = "MARKER-BODY-4c1d"
NOTE = "MARKER-FOOTNOTE-9e27"
QUOTE = "MARKER-QUOTE-b83f"
ORIGINAL = "MARKER-ORIGINAL-0a5c"
TITLE = "MARKER-TITLE-77d2"
GATED_MARKERS = {BODY, NOTE, QUOTE, ORIGINAL}

VISITORS = ["anonymous", "registered", "expired", "lower_tier", "active", "institutional", "staff"]
READERS = {"active", "institutional", "staff"}

# Where the gated text may be shown to a reader, and which part of it.
SHOWN_TO_READERS = {
    "detail": GATED_MARKERS,
    "print": GATED_MARKERS,
    "organization": {QUOTE, ORIGINAL},
    "person": {QUOTE, ORIGINAL},
    "outlet": {QUOTE, ORIGINAL},
}


class Desk:
    """A premium report with every kind of gated text, and everything that points at it."""

    def __init__(self, **report_fields):
        self.series = SeriesFactory()
        self.organization = OrganizationFactory()
        self.person = PersonFactory()
        self.outlet = OutletFactory()
        self.report = ReportFactory(
            series=self.series,
            title=f"Gated report {TITLE}",
            summary="The public summary of the gated report.",
            body=f"Gated analysis {BODY}.[1]",
            required_tier=tier("premium"),
            **report_fields,
        )
        self.report.tags.add("militias")
        self.report.organizations.add(self.organization)
        self.report.people.add(self.person)
        self.report.outlets.add(self.outlet)
        FootnoteFactory(report=self.report, position=1, text=f"Source {NOTE}")
        quote = QuoteFactory(
            person=self.person, organization=self.organization, outlet=self.outlet,
            translation=f"We will strike {QUOTE}", original_text=f"سنضرب {ORIGINAL}",
        )
        ReportQuoteFactory(report=self.report, quote=quote)
        self.free_report = ReportFactory(series=self.series, title="A free report on the same militias")
        self.free_report.tags.add("militias")
        self.free_report.related_reports.add(self.report)

    def surfaces(self):
        slug = self.report.slug
        return {
            "detail": f"/reports/{slug}/",
            "print": f"/reports/{slug}/print/",
            "home": "/",
            "list": "/reports/",
            "list_filtered": f"/reports/?organization={self.organization.slug}&tag=militias",
            "related": self.free_report.get_absolute_url(),
            "series": self.series.get_absolute_url(),
            "tag": "/tags/militias/",
            "organization": self.organization.get_absolute_url(),
            "person": self.person.get_absolute_url(),
            "outlet": self.outlet.get_absolute_url(),
            "feed_rss": "/feeds/rss/",
            "feed_atom": "/feeds/atom/",
            "series_feed": f"/series/{self.series.slug}/rss/",
            "tag_feed": "/tags/militias/atom/",
            "organization_feed": f"/organizations/{self.organization.slug}/rss/",
            "sitemap": "/sitemap.xml",
        }


SURFACES = [
    "detail", "print", "home", "list", "list_filtered", "related", "series", "tag", "organization",
    "person", "outlet", "feed_rss", "feed_atom", "series_feed", "tag_feed", "organization_feed", "sitemap",
]


def fetch(client, visitor, url):
    if visitor is not None:
        client.force_login(visitor)
    return client.get(url)


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("kind", VISITORS)
def test_gated_text_appears_exactly_where_the_visitor_may_read_it(client, kind, surface):
    desk = Desk()
    response = fetch(client, make_visitor(kind), desk.surfaces()[surface])
    assert response.status_code == 200
    content = response.content.decode()
    expected = SHOWN_TO_READERS.get(surface, set()) if kind in READERS else set()
    assert {marker for marker in GATED_MARKERS if marker in content} == expected
    if expected:
        assert "private" in response["Cache-Control"], "gated text must never be kept by a shared cache"
    # The teaser stays public everywhere: the report is listed, by title (the sitemap: by address).
    assert (desk.report.slug if surface == "sitemap" else TITLE) in content


@pytest.mark.parametrize("kind", VISITORS)
def test_meta_tags_and_structured_data_hold_the_summary_never_the_text(client, kind):
    desk = Desk()
    page = fetch(client, make_visitor(kind), desk.report.get_absolute_url()).content.decode()
    head = page[: page.index("</head>")]
    assert not any(marker in head for marker in GATED_MARKERS)
    assert '<meta property="og:description" content="The public summary of the gated report.">' in head
    assert '"isAccessibleForFree": false' in head
    assert '"cssSelector": ".gated-content"' in head
    if kind in READERS:
        assert re.search(r'class="gated-content[^"]*">\s*<div class="report-body">.*' + BODY, page, re.S)


@pytest.mark.parametrize("kind", VISITORS)
def test_the_paywall_invites_those_who_may_not_read(client, kind):
    desk = Desk()
    page = fetch(client, make_visitor(kind), desk.report.get_absolute_url()).content.decode()
    assert ("This report is for subscribers" in page) is (kind not in READERS)
    assert ("Log in to read on" in page) is (kind == "anonymous")


UNPUBLISHED = {
    "draft": {"status": Report.Status.DRAFT, "published_at": None},
    "withdrawn": {"status": Report.Status.WITHDRAWN},
    "scheduled": {"published_at": timezone.now() + dt.timedelta(days=1)},
}


@pytest.mark.parametrize("state", UNPUBLISHED)
@pytest.mark.parametrize("kind", VISITORS)
def test_unpublished_reports_surface_nowhere_but_in_the_desks_preview(client, kind, state):
    fields = dict(UNPUBLISHED[state])
    if state == "scheduled":
        fields["published_at"] = timezone.now() + dt.timedelta(days=1)
    desk = Desk(**fields)
    visitor = make_visitor(kind)
    for surface, url in desk.surfaces().items():
        response = fetch(client, visitor, url)
        content = response.content.decode()
        if surface in {"detail", "print"}:
            if kind == "staff":
                assert response.status_code == 200
                assert "no-cache" in response["Cache-Control"]
                assert BODY in content
            else:
                assert response.status_code == 404, surface
                assert TITLE not in content
        else:
            assert response.status_code == 200, surface
            assert TITLE not in content and not any(marker in content for marker in GATED_MARKERS), surface


@pytest.mark.parametrize("kind", VISITORS)
def test_a_scheduled_report_appears_everywhere_the_moment_it_is_due(client, kind):
    due = timezone.now().replace(microsecond=0) + dt.timedelta(hours=1)
    desk = Desk(published_at=due)
    visitor = make_visitor(kind)
    public_surfaces = ["home", "list", "series", "tag", "feed_rss", "feed_atom", "sitemap"]
    with time_machine.travel(due - dt.timedelta(seconds=1), tick=False):
        assert fetch(client, visitor, desk.surfaces()["detail"]).status_code == (200 if kind == "staff" else 404)
        for surface in public_surfaces:
            assert desk.report.slug not in fetch(client, visitor, desk.surfaces()[surface]).content.decode(), surface
    with time_machine.travel(due, tick=False):
        assert fetch(client, visitor, desk.surfaces()["detail"]).status_code == 200
        for surface in public_surfaces:
            assert desk.report.slug in fetch(client, visitor, desk.surfaces()[surface]).content.decode(), surface


@pytest.mark.parametrize("kind", VISITORS)
def test_the_queryset_and_the_object_method_agree(kind):
    visitor = make_visitor(kind) or AnonymousUser()
    reports = [ReportFactory(required_tier=None), ReportFactory(required_tier=tier("jttm")), ReportFactory(required_tier=tier("premium"))]
    readable = set(Report.objects.readable_by(visitor))
    assert {report for report in reports if report.is_readable_by(visitor)} == readable
    expected_count = {"anonymous": 1, "registered": 1, "expired": 1, "lower_tier": 2, "active": 3, "institutional": 3, "staff": 3}[kind]
    assert len(readable) == expected_count
