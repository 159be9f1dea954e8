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
from django.test import Client
from django.utils import timezone

from reports.models import Report
from reports.search.engine import index_left_over
from tests.access_matrix import (
    BODY,
    GATED_MARKERS,
    READERS,
    SHOWN_TO_READERS,
    TITLE,
    VISITORS,
    PREMIUM_NOW,
    Desk,
    premium_now,
)
from tests.factories import (
    ReportFactory,
    make_visitor,
    tier,
)

pytestmark = pytest.mark.django_db

SURFACES = [
    "detail", "print", "home", "list", "list_filtered", "related", "series", "tag", "organization",
    "person", "outlet", "feed_rss", "feed_atom", "series_feed", "tag_feed", "organization_feed", "sitemap", "search",
]


def fetch(client, visitor, url):
    if visitor is not None:
        client.force_login(visitor)
    return client.get(url)


# The parts a report page keeps with the report (Report.reader_text_html, filed_under) are made
# after the commit: tests see them only when made, and the pages that show them are rows twice.
PAGES_KEEPING_PARTS = {"detail", "print", "related"}


@pytest.mark.parametrize(
    "surface, parts",
    [(surface, "made_afresh") for surface in SURFACES] + [(surface, "kept") for surface in sorted(PAGES_KEEPING_PARTS)],
)
@pytest.mark.parametrize("history", PREMIUM_NOW)
@pytest.mark.parametrize("kind", VISITORS)
def test_gated_text_appears_exactly_where_the_visitor_may_read_it(client, kind, surface, parts, history):
    desk = Desk(**premium_now(history))
    if parts == "kept":
        index_left_over()
        assert Report.objects.get(pk=desk.report.pk).stored_parts_current
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
def test_search_through_the_cache_shows_gated_text_exactly_to_readers(kind):
    """
    Search results are kept per reader class (reports/cache/results.py): made first for every other
    kind of visitor, by a word of the title (everyone finds the report) and of the body alone (its
    readers do), then asked for by this one.
    """
    desk = Desk()
    searches = [desk.surfaces()["search"], f"/search/?q={BODY.rsplit('-', 1)[1]}"]
    visitors = {other: make_visitor(other) for other in VISITORS}
    for other in [*(other for other in VISITORS if other != kind), kind]:
        client = Client()
        answers = [fetch(client, visitors[other], url) for url in searches]
    by_title, by_body = [answer.content.decode() for answer in answers]
    expected = SHOWN_TO_READERS["search"] if kind in READERS else set()
    assert {marker for marker in GATED_MARKERS if marker in by_title} == expected and TITLE in by_title
    assert {marker for marker in GATED_MARKERS if marker in by_body} == expected
    assert (TITLE in by_body) is (kind in READERS), "a word of the body finds the report for its readers alone"


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
    expected_count = {"anonymous": 1, "registered": 1, "expired": 1, "lower_tier": 2, "active": 3, "institutional": 3, "staff": 3,
                      "trial": 3, "pending_request": 1}[kind]
    assert len(readable) == expected_count
