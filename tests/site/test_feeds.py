"""
The feeds validate as RSS 2.0 and Atom 1.0 and follow the access policy (a complimentary report in
full, any other as its title and summary); only published, due reports appear in feeds and in the
sitemap; robots.txt points at the sitemap.
"""
import datetime as dt
import email.utils
import io
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest
import time_machine
from django.urls import reverse

from reports.models import Report
from tests.factories import OrganizationFactory, ReportFactory, SeriesFactory, tier

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FREE_BODY = "FREE-BODY-MARKER-2c9e"
GATED_BODY = "GATED-BODY-MARKER-b41d"
GATED_SUMMARY = "GATED-SUMMARY-MARKER-88af"
RFC_822_DATE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} "
    r"\d{2}:\d{2}:\d{2} ([+-]\d{4}|GMT|UT)"
)
SCOPES = {
    "site": ("feed", []),
    "series": ("series_feed", ["dispatch"]),
    "tag": ("tag_feed", ["drones"]),
    "organization": ("organization_feed", ["brigade"]),
}
FEEDS = [(scope, kind) for scope in SCOPES for kind in ("rss", "atom")]
RSS_FEEDS = [feed for feed in FEEDS if feed[1] == "rss"]
ATOM_FEEDS = [feed for feed in FEEDS if feed[1] == "atom"]


def feed_id(feed):
    return "-".join(feed)


def feed_url(feed):
    scope, kind = feed
    name, args = SCOPES[scope]
    return reverse(f"{name}_{kind}", args=args)


@pytest.fixture
def brigade():
    return OrganizationFactory(slug="brigade", name="The Brigade")


@pytest.fixture
def file_report(brigade):
    """Makes a report filed under the series, tag and organization whose feeds these tests read."""

    def make(**fields):
        report = ReportFactory(series=SeriesFactory(slug="dispatch", name="Special Dispatch"), **fields)
        report.tags.add("Drones")
        report.organizations.add(brigade)
        return report

    return make


@pytest.fixture
def frozen():
    """The clock stands still at NOW, so that a report due in one second stays scheduled however slow the test."""
    with time_machine.travel(NOW, tick=False):
        yield NOW


@pytest.fixture
def reports(frozen, file_report):
    """A complimentary and a gated report, published; a draft, a withdrawn and a scheduled one."""
    now = frozen
    return {
        "free": file_report(
            title="Free report", body=f"Free text {FREE_BODY}.", published_at=now - dt.timedelta(hours=2)
        ),
        "gated": file_report(
            title="Gated report",
            summary=f"Gated summary {GATED_SUMMARY}.",
            body=f"Gated text {GATED_BODY}.",
            required_tier=tier("jttm"),
            published_at=now - dt.timedelta(hours=1),
        ),
        "draft": file_report(title="Draft report", status=Report.Status.DRAFT, published_at=None),
        "withdrawn": file_report(title="Withdrawn report", status=Report.Status.WITHDRAWN),
        "scheduled": file_report(title="Scheduled report", published_at=now + dt.timedelta(seconds=1)),
    }


def fetch(client, feed):
    response = client.get(feed_url(feed))
    assert response.status_code == 200, feed_url(feed)
    return response


def parse(response):
    """feedparser's reading of a feed response, given its Content-Type as a feed reader would get it."""
    return feedparser.parse(io.BytesIO(response.content), response_headers={"content-type": response["Content-Type"]})


def titles(client, feed):
    return {entry.title for entry in parse(fetch(client, feed)).entries}


@pytest.mark.parametrize("feed", FEEDS, ids=feed_id)
def test_the_feed_parses_without_error_as_its_format(client, reports, feed):
    """feedparser reads the feed with no error (bozo 0) as RSS 2.0 or Atom 1.0, with both published reports."""
    parsed = parse(fetch(client, feed))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == {"rss": "rss20", "atom": "atom10"}[feed[1]]
    assert len(parsed.entries) == 2


@pytest.mark.parametrize("feed", RSS_FEEDS, ids=feed_id)
def test_the_rss_feed_has_the_elements_rss_2_requires(client, reports, feed):
    """
    The channel has title, link and description; each item title, link, guid, an RFC 822 pubDate
    (the publication time) and a description.
    """
    root = ET.fromstring(fetch(client, feed).content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for name in ("title", "link", "description"):
        assert (channel.findtext(name) or "").strip(), name
    assert channel.findtext("link").startswith("http://testserver/")
    items = channel.findall("item")
    assert {item.findtext("title") for item in items} == {"Free report", "Gated report"}
    for item in items:
        for name in ("title", "link", "guid", "pubDate", "description"):
            assert (item.findtext(name) or "").strip(), name
        report = reports["free" if item.findtext("title") == "Free report" else "gated"]
        assert item.findtext("link") == f"http://testserver{report.get_absolute_url()}"
        assert RFC_822_DATE.fullmatch(item.findtext("pubDate")), item.findtext("pubDate")
        assert email.utils.parsedate_to_datetime(item.findtext("pubDate")) == report.published_at.replace(microsecond=0)


@pytest.mark.parametrize("feed", ATOM_FEEDS, ids=feed_id)
def test_the_atom_feed_has_the_elements_atom_1_requires(client, reports, feed):
    """
    In the Atom namespace, the feed has id, title, updated and link; each entry id, title, updated,
    link and a summary (or content).
    """
    root = ET.fromstring(fetch(client, feed).content)
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (root.findtext(f"{ATOM}{name}") or "").strip(), name
    assert dt.datetime.fromisoformat(root.findtext(f"{ATOM}updated")).tzinfo is not None
    assert root.find(f"{ATOM}link").get("href").startswith("http://testserver/")
    entries = root.findall(f"{ATOM}entry")
    assert {entry.findtext(f"{ATOM}title") for entry in entries} == {"Free report", "Gated report"}
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")).tzinfo is not None
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/reports/")
        text = entry.find(f"{ATOM}summary")
        if text is None:
            text = entry.find(f"{ATOM}content")
        assert text is not None and (text.text or "").strip()


@pytest.mark.parametrize("feed", FEEDS, ids=feed_id)
def test_a_feed_carries_complimentary_text_in_full_and_gated_text_never(client, reports, feed):
    """The complimentary report's body is in the feed; of the gated one only title and summary, never its body."""
    response = fetch(client, feed)
    entries = {entry.title: entry for entry in parse(response).entries}
    assert FREE_BODY in entries["Free report"].summary
    assert GATED_SUMMARY in entries["Gated report"].summary
    assert GATED_BODY not in response.content.decode()


@pytest.mark.parametrize("feed", FEEDS, ids=feed_id)
def test_drafts_withdrawn_and_scheduled_reports_are_in_no_feed(client, reports, feed):
    """Only published reports whose time has come are in a feed."""
    assert titles(client, feed) == {"Free report", "Gated report"}


@pytest.mark.parametrize("feed", FEEDS, ids=feed_id)
def test_a_scheduled_report_enters_the_feed_when_it_is_due(client, file_report, feed):
    """Published one second ahead, the report is not in the feed; at its publication time it is."""
    with time_machine.travel(NOW - dt.timedelta(seconds=1), tick=False):
        file_report(title="Scheduled report", published_at=NOW)
        assert titles(client, feed) == set()
    with time_machine.travel(NOW, tick=False):
        assert titles(client, feed) == {"Scheduled report"}


def test_a_scheduled_report_that_comes_due_moves_the_feed_updated_time(client, file_report):
    """When a scheduled report enters the feed, the feed says it changed: updated is not before its publication."""
    with time_machine.travel(NOW - dt.timedelta(days=1), tick=False):
        file_report(title="Scheduled report", published_at=NOW)
    with time_machine.travel(NOW, tick=False):
        response = fetch(client, ("site", "atom"))
    root = ET.fromstring(response.content)
    entry = root.find(f"{ATOM}entry")
    assert dt.datetime.fromisoformat(entry.findtext(f"{ATOM}updated")) >= NOW
    assert dt.datetime.fromisoformat(root.findtext(f"{ATOM}updated")) >= NOW
    assert email.utils.parsedate_to_datetime(response["Last-Modified"]) >= NOW


@pytest.mark.parametrize("kind", ["rss", "atom"])
@pytest.mark.parametrize(
    "fields",
    [
        {"title": "Statement\x0bof the brigade"},
        {"summary": "First line\x0bsecond line", "required_tier": "jttm"},
        {"body": "First line\x0bsecond line"},
    ],
    ids=["title", "summary-of-a-gated-report", "body-of-a-complimentary-report"],
)
def test_a_control_character_in_a_report_does_not_break_the_feed(client, file_report, kind, fields):
    """The feed stays well-formed, and lists the report, when its text holds a character XML 1.0 forbids."""
    client.raise_request_exception = False
    if fields.get("required_tier"):
        fields = {**fields, "required_tier": tier(fields["required_tier"])}
    file_report(**fields)
    response = client.get(feed_url(("site", kind)))
    assert response.status_code == 200
    parsed = parse(response)
    assert parsed.bozo == 0 and len(parsed.entries) == 1


def test_the_sitemap_lists_published_reports_only(client, reports):
    """sitemap.xml has the published reports, complimentary and gated, and no draft, withdrawn or scheduled one."""
    response = client.get(reverse("sitemap"))
    assert response.status_code == 200
    locations = {loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    listed = {name for name, report in reports.items() if f"http://testserver{report.get_absolute_url()}" in locations}
    assert listed == {"free", "gated"}


def test_robots_txt_is_plain_text_and_points_at_the_sitemap(client):
    """robots.txt answers text/plain with an absolute Sitemap line for /sitemap.xml."""
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].split(";")[0] == "text/plain"
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode().splitlines()
