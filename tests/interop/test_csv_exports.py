"""
CSV downloads: a speaker's quotes (only those the visitor may read) and the report list with the
page's filters (teaser columns only), readable by spreadsheets and safe to open in them.
"""
import csv
import datetime as dt
import io

import pytest

from tests.factories import (
    OrganizationFactory,
    OutletFactory,
    PersonFactory,
    QuoteFactory,
    ReportFactory,
    ReportQuoteFactory,
    SeriesFactory,
    SubscriptionFactory,
    tier,
)

pytestmark = pytest.mark.django_db


def table(response):
    """The rows of a CSV download, header first."""
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    content = b"".join(response.streaming_content).decode("utf-8")
    assert content.startswith("\ufeff"), "a byte-order mark, so that spreadsheets read Arabic as UTF-8"
    return list(csv.reader(io.StringIO(content[1:])))


@pytest.fixture
def speaker():
    """An organization with a quote in a free report and another in a premium one."""
    organization = OrganizationFactory(name="Kataib Example", slug="kataib-example")
    person = PersonFactory(name="Abu Example")
    outlet = OutletFactory(name="Al-Example Daily", slug="al-example-daily")
    free = ReportFactory(title="Free report", slug="free-report")
    gated = ReportFactory(title="Gated report", slug="gated-report", required_tier=tier("premium"))
    ReportQuoteFactory(report=free, quote=QuoteFactory(
        person=person, organization=organization, outlet=outlet, said_on=dt.date(2024, 3, 1),
        original_text="سنرد", translation="We will answer.",
    ))
    ReportQuoteFactory(report=gated, quote=QuoteFactory(
        person=person, organization=organization, said_on=dt.date(2024, 2, 1), translation="Premium words.",
    ))
    return organization


def test_quotes_csv_has_the_columns_and_the_quotes_the_public_may_read(client, speaker):
    header, *rows = table(client.get(f"/organizations/{speaker.slug}/quotes.csv"))
    assert header == [
        "date", "speaker", "organization", "outlet", "original_language", "original_text", "translation", "reports",
    ]
    assert rows == [[
        "2024-03-01", "Abu Example", "Kataib Example", "Al-Example Daily", "ar", "سنرد", "We will answer.",
        "http://testserver/reports/free-report/",
    ]]


def test_quotes_csv_gives_a_subscriber_the_gated_quotes_too(client, speaker):
    client.force_login(SubscriptionFactory(tier=tier("premium")).user)
    rows = table(client.get(f"/organizations/{speaker.slug}/quotes.csv"))[1:]
    assert [row[6] for row in rows] == ["We will answer.", "Premium words."]
    assert rows[1][7] == "http://testserver/reports/gated-report/"


def test_quotes_csv_of_a_person_and_an_outlet(client, speaker):
    person_rows = table(client.get(f"/people/{speaker.quotes.first().person.slug}/quotes.csv"))[1:]
    outlet_rows = table(client.get("/outlets/al-example-daily/quotes.csv"))[1:]
    assert [row[6] for row in person_rows] == [row[6] for row in outlet_rows] == ["We will answer."]


def test_a_cell_that_looks_like_a_formula_is_defused(client):
    """Quotes come from hostile media: '=HYPERLINK(…)' must stay text in a spreadsheet."""
    organization = OrganizationFactory()
    ReportQuoteFactory(report=ReportFactory(), quote=QuoteFactory(organization=organization, translation='=HYPERLINK("x")'))
    (row,) = table(client.get(f"/organizations/{organization.slug}/quotes.csv"))[1:]
    assert row[6] == "'=HYPERLINK(\"x\")"


def test_unknown_profiles_have_no_csv(client):
    assert client.get("/organizations/nobody/quotes.csv").status_code == 404


@pytest.fixture
def listed():
    dispatch = SeriesFactory(name="Special Dispatch", slug="special-dispatch")
    match = ReportFactory(
        title="Matching report", series=dispatch, number=11032, required_tier=tier("jttm"),
        published_at=dt.datetime(2024, 6, 15, 16, tzinfo=dt.UTC), body="GATED-BODY",
    )
    match.tags.add("Drones", "Iraq")
    match.organizations.add(OrganizationFactory(slug="brigade"))
    ReportFactory(title="Other report", published_at=dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC))
    return match


def test_report_list_csv_follows_the_filters_and_shows_teaser_columns(client, listed):
    header, *rows = table(client.get("/reports/export.csv?organization=brigade"))
    assert header == ["title", "reference", "date", "series", "access", "tags", "url"]
    assert rows == [[
        "Matching report", "Special Dispatch No. 11032", "2024-06-15", "Special Dispatch", "JTTM", "Drones, Iraq",
        f"http://testserver/reports/{listed.slug}/",
    ]]


def test_report_list_csv_never_holds_gated_text_even_for_readers(client, listed):
    client.force_login(SubscriptionFactory(tier=tier("premium")).user)
    rows = table(client.get("/reports/export.csv"))
    assert [row[0] for row in rows[1:]] == ["Matching report", "Other report"]
    assert "GATED-BODY" not in str(rows)
    assert rows[2][4] == "Free"


@pytest.mark.parametrize("query", ["series=nothing", "since=not-a-date", "page=-1", "access=everything", "tag=%ff"])
def test_report_list_csv_drops_filters_that_make_no_sense(client, listed, query):
    """As on the page: a bad filter is left out, never a 500."""
    assert len(table(client.get(f"/reports/export.csv?{query}"))) == 3
