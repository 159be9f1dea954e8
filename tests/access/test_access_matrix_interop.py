"""
The access matrix, extended to the interop surfaces: STIX bundles, CSV downloads and the JSON API.

The same premium report as in tests/access/test_access_matrix.py carries unique markers in its body, a
footnote and a quote; each must appear in an export or API answer exactly when the visitor may
read the report, for every kind of visitor, whether they come with their session or (for the API)
with a token of their own. The teaser (the title) stays public wherever reports are listed.
"""
import datetime as dt

import pytest
from django.utils import timezone

from reports.models import APIToken, Institution, InstitutionNetwork
from tests.access_matrix import (
    BODY,
    GATED_MARKERS,
    NOTE,
    ORIGINAL,
    QUOTE,
    READERS,
    TITLE,
    VISITORS,
    Desk,
    fetch,
    premium_now,
)
from tests.factories import ReportFactory, UserFactory, make_visitor, tier

pytestmark = pytest.mark.django_db

SPOKEN = {QUOTE, ORIGINAL}


def surfaces(desk):
    """name: (address, the markers a reader gets there, whether the teaser (title) is listed for everyone)."""
    report, organization, person, outlet = desk.report, desk.organization, desk.person, desk.outlet
    quote = report.quotes.get()
    return {
        "report_stix": (f"/reports/{report.slug}/stix.json", GATED_MARKERS, False),
        "organization_stix": (f"/organizations/{organization.slug}/stix.json", SPOKEN, False),
        "person_stix": (f"/people/{person.slug}/stix.json", SPOKEN, False),
        "organization_quotes_csv": (f"/organizations/{organization.slug}/quotes.csv", SPOKEN, False),
        "person_quotes_csv": (f"/people/{person.slug}/quotes.csv", SPOKEN, False),
        "outlet_quotes_csv": (f"/outlets/{outlet.slug}/quotes.csv", SPOKEN, False),
        "report_list_csv": ("/reports/export.csv", set(), True),
        "report_list_csv_filtered": (f"/reports/export.csv?organization={organization.slug}&tag=militias", set(), True),
        "api_reports": ("/api/v1/reports/", set(), True),
        "api_reports_filtered": (f"/api/v1/reports/?person={person.slug}&access=subscribers", set(), True),
        "api_report": (f"/api/v1/reports/{report.slug}/", GATED_MARKERS, True),
        "api_quotes": ("/api/v1/quotes/", SPOKEN, False),
        "api_quotes_filtered": (f"/api/v1/quotes/?outlet={outlet.slug}", SPOKEN, False),
        "api_quote": (f"/api/v1/quotes/{quote.pk}/", SPOKEN, False),
        "api_organizations": ("/api/v1/organizations/", set(), False),
        "api_organization": (f"/api/v1/organizations/{organization.slug}/", set(), False),
        "api_person": (f"/api/v1/people/{person.slug}/", set(), False),
        "api_outlet": (f"/api/v1/outlets/{outlet.slug}/", set(), False),
    }


SURFACES = [
    "report_stix", "organization_stix", "person_stix", "organization_quotes_csv", "person_quotes_csv",
    "outlet_quotes_csv", "report_list_csv", "report_list_csv_filtered", "api_reports", "api_reports_filtered",
    "api_report", "api_quotes", "api_quotes_filtered", "api_quote", "api_organizations", "api_organization",
    "api_person", "api_outlet",
]
# What those who may not read get instead of a 200, where the surface is the gated thing itself.
REFUSED = {"report_stix": {"anonymous": 302, None: 403}, "api_quote": {None: 404}}


def cases():
    for surface in SURFACES:
        for kind in VISITORS:
            yield pytest.param(surface, kind, "session", "premium", id=f"{surface}-{kind}")
            yield pytest.param(surface, kind, "session", "premium_since_a_change", id=f"{surface}-{kind}-since-a-change")
            if surface.startswith("api_") and kind != "anonymous":
                yield pytest.param(surface, kind, "token", "premium", id=f"{surface}-{kind}-token")


@pytest.mark.parametrize("surface, kind, via, history", list(cases()))
def test_gated_text_appears_in_exports_and_the_api_exactly_for_readers(client, surface, kind, via, history):
    desk = Desk(**premium_now(history))
    url, shown_to_readers, lists_teaser = surfaces(desk)[surface]
    response, content = fetch(client, make_visitor(kind), url, via)
    refused = REFUSED.get(surface, {})
    expected_status = 200 if kind in READERS else refused.get(kind, refused.get(None, 200))
    assert response.status_code == expected_status
    expected = shown_to_readers if kind in READERS else set()
    assert {marker for marker in GATED_MARKERS if marker in content} == expected
    if expected_status == 200:
        assert "private" in response["Cache-Control"], "what one caller may read must not be cached for another"
    if lists_teaser:
        assert TITLE in content


@pytest.mark.parametrize("kind", VISITORS)
def test_api_search_finds_gated_words_only_for_readers(client, kind):
    """A word only in the gated body finds the report for readers; for others it finds nothing."""
    desk = Desk()
    visitor = make_visitor(kind)
    response, _ = fetch(client, visitor, f"/api/v1/reports/?q={BODY}", "session")
    assert [report["slug"] for report in response.json()["results"]] == ([desk.report.slug] if kind in READERS else [])
    response, _ = fetch(client, visitor, f"/api/v1/reports/?q={NOTE}", "session")
    assert response.json()["count"] == (1 if kind in READERS else 0)


@pytest.mark.parametrize("via", ["anonymous", "token of a reader without subscription"])
def test_readers_on_an_institutions_network_read_through_the_api_and_exports(client, via):
    """The policy gives an institution's network its access; the API passes the caller's address on to it."""
    desk = Desk()
    today = timezone.localdate()
    institution = Institution.objects.create(
        name="Agency", slug="agency", tier=tier("premium"), starts_on=today, ends_on=today + dt.timedelta(days=30)
    )
    InstitutionNetwork.objects.create(institution=institution, cidr="10.20.0.0/16")
    headers = {"REMOTE_ADDR": "10.20.1.2"}
    if via != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {APIToken.issue(user=UserFactory(), name='x')[1]}"
    api = client.get(f"/api/v1/reports/{desk.report.slug}/", **headers).json()
    assert api["readable"] is True and BODY in api["body_html"]
    assert client.get(f"/api/v1/reports/{desk.report.slug}/", REMOTE_ADDR="192.0.2.1").json()["readable"] is False
    assert BODY in client.get(f"/reports/{desk.report.slug}/stix.json", **headers).content.decode()


@pytest.mark.parametrize("kind", VISITORS)
def test_unpublished_reports_reach_no_export_or_api(client, kind):
    """Drafts, withdrawn and scheduled reports: not listed, no bundle, no API object, for anyone."""
    visitor = make_visitor(kind)
    if visitor is not None:
        client.force_login(visitor)
    for fields in (
        {"status": "draft", "published_at": None},
        {"status": "withdrawn"},
        {"published_at": timezone.now() + dt.timedelta(days=1)},
    ):
        report = ReportFactory(title=f"Unreleased {TITLE}", required_tier=None, **fields)
        assert client.get(f"/reports/{report.slug}/stix.json").status_code == 404
        assert client.get(f"/api/v1/reports/{report.slug}/").status_code == 404
        for url in ["/api/v1/reports/", "/reports/export.csv"]:
            response = client.get(url)
            content = b"".join(response.streaming_content) if response.streaming else response.content
            assert TITLE not in content.decode()
