"""
The parts a report's page keeps with the report (the reader's text, what it is filed under): the
page shows them only while they are current, they are exactly what the page would make afresh, and
every change to what they hold (the report, its notes and quotes, the names in them, its links)
makes them again when it commits, so no page shows an old text or an old name.
"""
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from reports.models import Country, Footnote, Report
from reports.search.engine import index_left_over
from tests.factories import (
    FootnoteFactory,
    OrganizationFactory,
    OutletFactory,
    PersonFactory,
    QuoteFactory,
    ReportFactory,
    ReportQuoteFactory,
    archived_source,
    make_visitor,
    report_document,
    report_image,
    tier,
)
from tests.media_files import jpeg, pdf, png

pytestmark = pytest.mark.django_db

CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture(autouse=True)
def pages_made_on_each_request(settings):
    """What is compared is how the page is made, not what the page and content caches kept."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.CONTENT_CACHE_SECONDS = 0


def build_report(**fields):
    """A report with a placed and an unplaced quote, notes citing an outlet, and links of every kind."""
    person, organization, outlet = PersonFactory(name="Abu Test"), OrganizationFactory(name="Test Brigades"), OutletFactory(name="Test Daily")
    report = ReportFactory(body="Opening words.[1]\n\n[quote 1]\n\nClosing words.[2]", **fields)
    ReportQuoteFactory(report=report, position=1, quote=QuoteFactory(person=person, organization=organization, outlet=outlet, translation="Placed quote."))
    ReportQuoteFactory(report=report, position=2, quote=QuoteFactory(person=person, translation="Unplaced quote."))
    FootnoteFactory(report=report, position=1, text="First note.", outlet=outlet, url="https://example.org/a")
    FootnoteFactory(report=report, position=2, text="Second note.")
    report.tags.add("zeta topic", "Alpha topic", "militias")
    report.organizations.add(organization)
    report.people.add(person)
    report.outlets.add(outlet)
    report.countries.add(Country.objects.create(name="Iraq", slug="iraq"))
    report_image(report, jpeg(), position=9, credit_outlet=OutletFactory(name="Credit Daily").pk)
    report_document(report, pdf())
    related = ReportFactory(title="A related report")
    related.tags.add("related topic")
    report.related_reports.add(related)
    return report


def page(client, report):
    response = client.get(report.get_absolute_url())
    assert response.status_code == 200
    return CSRF_TOKEN.sub("", response.content.decode())


def keep_parts():
    index_left_over()


def forget_parts(report):
    Report.objects.filter(pk=report.pk).update(derived_pending=True)


@pytest.mark.parametrize("reader", ["anonymous", "staff"])
@pytest.mark.parametrize("access", ["complimentary", "premium"])
def test_the_kept_parts_make_the_same_page_as_made_afresh(client, reader, access):
    report = build_report(required_tier=tier("premium") if access == "premium" else None)
    if reader == "staff":
        client.force_login(make_visitor("staff"))
    keep_parts()
    assert Report.objects.get(pk=report.pk).stored_parts_current
    kept = page(client, report)
    forget_parts(report)
    afresh = page(client, report)
    assert kept == afresh
    assert ("Placed quote." in kept) == (reader == "staff" or access == "complimentary")


def test_the_page_shows_the_kept_text_only_while_it_is_current(client):
    report = build_report()
    keep_parts()
    Report.objects.filter(pk=report.pk).update(reader_text_html="<p>KEPT-TEXT</p>")
    assert "KEPT-TEXT" in page(client, report)
    forget_parts(report)
    shown = page(client, report)
    assert "KEPT-TEXT" not in shown and "Opening words." in shown


def test_a_page_with_kept_parts_needs_two_queries_whatever_it_shows(client):
    report = build_report()
    for position in range(3, 30):
        FootnoteFactory(report=report, position=position)
        report.tags.add(f"topic {position}")
    keep_parts()
    page(client, report)
    with CaptureQueriesContext(connection) as queries:
        shown = page(client, report)
    assert "Source number" in shown and "topic 29" in shown
    # The report and its related reports: the kept parts say it has no public cover to look for.
    assert len(queries) == 2, "\n".join(query["sql"] for query in queries.captured_queries)


def test_tags_are_listed_by_name_however_the_page_is_made(client):
    report = build_report()
    for made in (forget_parts, lambda report: keep_parts()):
        made(report)
        shown = page(client, report)
        assert shown.index("Alpha topic") < shown.index("militias") < shown.index("zeta topic")


def rename(thing, name):
    thing.name = name
    thing.save()


def rewrite_body(report):
    report.body = "Rewritten body."
    report.save()


def edit_note(report):
    note = Footnote.objects.get(report=report, position=2)
    note.text = "Edited note."
    note.save()


def edit_quote(report):
    quote = report.quotes.get(translation="Placed quote.")
    quote.translation = "Edited quote."
    quote.save()


# What changes on a report made by build_report: (the change, words the page then shows, words it no longer shows).
CHANGES = {
    "body rewritten": (rewrite_body, "Rewritten body.", "Opening words."),
    "note added": (lambda report: FootnoteFactory(report=report, position=3, text="Added note."), "Added note.", None),
    "note edited": (edit_note, "Edited note.", "Second note."),
    "note deleted": (lambda report: Footnote.objects.get(report=report, position=2).delete(), None, "Second note."),
    "quote edited": (edit_quote, "Edited quote.", "Placed quote."),
    "quote taken out": (lambda report: report.report_quotes.get(position=2).delete(), None, "Unplaced quote."),
    "speaker renamed": (lambda report: rename(report.people.get(), "Abu Renamed"), "Abu Renamed", "Abu Test"),
    "organization renamed": (lambda report: rename(report.organizations.get(), "Renamed Brigades"), "Renamed Brigades", "Test Brigades"),
    "outlet renamed": (lambda report: rename(report.outlets.get(), "Renamed Daily"), "Renamed Daily", "Test Daily"),
    "outlet deleted": (lambda report: report.outlets.get().delete(), None, "Test Daily"),
    "country renamed": (lambda report: rename(report.countries.get(), "Mesopotamia"), "Mesopotamia", None),
    "country deleted": (lambda report: report.countries.get().delete(), None, "?country=iraq"),
    "country linked": (lambda report: report.countries.add(Country.objects.create(name="Syria", slug="syria")), "Syria", None),
    "tag renamed": (lambda report: rename(Tag.objects.get(name="militias"), "armed groups"), "armed groups", ">militias<"),
    "tag deleted": (lambda report: Tag.objects.get(name="militias").delete(), None, ">militias<"),
    "tag taken off": (lambda report: report.tags.remove("militias"), None, ">militias<"),
    "organization unlinked": (lambda report: report.organizations.clear(), None, 'href="/organizations/'),
    "image added": (lambda report: report_image(report, jpeg(), alt_text="A convoy at dusk"), 'alt="A convoy at dusk"', None),
    "archived copy added": (lambda report: archived_source(report, png(), number=1), "archived copy", None),
    "image made the public cover": (
        lambda report: report_image(report, jpeg(), position=5, alt_text="The cover", public_cover=True),
        '<meta property="og:image:alt" content="The cover">', None,
    ),
    "document deleted": (lambda report: report.documents.get().delete(), None, "The original statement"),
    "image's credited outlet renamed": (lambda report: rename(report.images.get().credit_outlet, "Credit Renamed"), "Credit Renamed", "Credit Daily"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_to_what_the_parts_hold_is_on_the_page_once_committed(client, django_capture_on_commit_callbacks, change):
    report = build_report()
    keep_parts()
    before = page(client, report)
    make, shown, gone = CHANGES[change]
    with django_capture_on_commit_callbacks(execute=True):
        make(Report.objects.get(pk=report.pk))
    report.refresh_from_db()
    assert report.stored_parts_current, "made again when the change committed"
    after = page(client, report)
    forget_parts(report)
    assert after == page(client, report), "the kept parts are what the page would make afresh"
    assert after != before
    if shown:
        assert shown in after
    if gone:
        assert gone not in after
