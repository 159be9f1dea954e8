"""
Bad query parameters (page numbers, dates, unknown filters) give a 404 or a corrected page, never
a 500; unknown addresses give a 404; a tag in Arabic script breaks no page; the subscription form
answers bad input with form errors.
"""
import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from reports.models import Country
from tests.factories import (
    OrganizationFactory,
    OutletFactory,
    PersonFactory,
    ReportFactory,
    SeriesFactory,
    tier,
)

pytestmark = pytest.mark.django_db
LONG = "x" * 10_000
NOTICE = re.compile(r"could not be used and were left out: (.*?)\.</p>", re.DOTALL)


@pytest.fixture
def client(client):
    """A client that answers a 500 like a browser would see it, instead of raising the error."""
    client.raise_request_exception = False
    return client


@pytest.fixture
def reports():
    """`match` is filed under everything the filters can name; `other` under none of it."""
    match = ReportFactory(
        title="Matching report",
        series=SeriesFactory(slug="dispatch"),
        published_at=dt.datetime(2024, 6, 15, 12, tzinfo=dt.UTC),
    )
    match.tags.add("Drones")
    match.organizations.add(OrganizationFactory(slug="brigade"))
    match.people.add(PersonFactory(slug="commander"))
    match.outlets.add(OutletFactory(slug="daily"))
    match.countries.add(Country.objects.create(name="Iraq", slug="iraq"))
    other = ReportFactory(
        title="Other report",
        series=SeriesFactory(slug="inquiry"),
        required_tier=tier("jttm"),
        published_at=dt.datetime(2022, 1, 10, 12, tzinfo=dt.UTC),
    )
    return match, other


def report_list(client, query):
    """The report list for a raw query string, which is sent as it is (percent-escapes included)."""
    return client.get(f"{reverse('report_list')}?{query}")


def listed(response):
    return [report.title for report in response.context["reports"]]


def ignored(response):
    """The filters the page says it dropped, as it lists them; [] when it says nothing."""
    found = NOTICE.search(response.content.decode())
    return found.group(1).split(", ") if found else []


class TestPageNumbers:
    @pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999999", "1.5", "%00", "%ff%fe", "9" * 10_000])
    def test_a_malformed_page_number_answers_404_or_the_only_page(self, client, reports, page):
        """Zero, negative, non-numeric and huge page numbers: a 404 or the corrected page, never a 500."""
        response = report_list(client, f"page={page}")
        assert response.status_code in (200, 404)
        if response.status_code == 200:
            assert listed(response) == ["Matching report", "Other report"]

    def test_a_page_past_the_end_answers_404(self, client, reports):
        """Page 2 of a list that fits on one page is no page: 404."""
        assert report_list(client, "page=2").status_code == 404

    @pytest.mark.parametrize("query", ["page=", "page=1", "page=last", "page=1&page=", "page=2&page=1"])
    def test_an_empty_first_or_last_page_number_shows_the_only_page(self, client, reports, query):
        """An empty page number means the first page; of repeated ones the last counts."""
        response = report_list(client, query)
        assert response.status_code == 200
        assert listed(response) == ["Matching report", "Other report"]

    def test_a_page_past_the_end_of_a_filtered_list_answers_404(self, client, reports):
        """The end is that of the filtered list: page 2 of a one-report list is no page."""
        assert report_list(client, "series=dispatch&page=2").status_code == 404

    @pytest.mark.parametrize("page", ["abc", "0", "2"])
    def test_a_bad_sitemap_page_answers_404(self, client, reports, page):
        """sitemap.xml has one page; ?p= anything else is no page."""
        assert client.get(f"{reverse('sitemap')}?p={page}").status_code == 404


class TestFilters:
    @pytest.mark.parametrize(
        "bad, label",
        [
            ("tag=no-such-tag", "Tag"),
            ("organization=no-such-organization", "Organization"),
            ("person=no-such-person", "Person"),
            ("outlet=no-such-outlet", "Outlet"),
            ("country=atlantis", "Country or region"),
            ("since=2023-02-30", "Published from"),
            ("until=abc", "Published until"),
            ("since=2024-13-01", "Published from"),
            ("access=bogus", "Access"),
            (f"tag={LONG}", "Tag"),
            (f"since={LONG}", "Published from"),
            (f"access={LONG}", "Access"),
            ("tag=%00", "Tag"),
            ("tag=drones%00", "Tag"),
            ("until=2024-06-15%00", "Published until"),
            ("access=free%00", "Access"),
            ("tag=%ff%fe", "Tag"),
            ("outlet=%ff%fe", "Outlet"),
            ("since=%ff%fe", "Published from"),
        ],
    )
    def test_a_bad_filter_is_dropped_and_named_and_the_good_one_still_applies(self, client, reports, bad, label):
        """The list answers 200, says which filter it dropped, and still filters by the series."""
        response = report_list(client, f"series=dispatch&{bad}")
        assert response.status_code == 200
        assert ignored(response) == [label]
        assert listed(response) == ["Matching report"]

    def test_an_unknown_series_is_dropped_and_the_tag_still_applies(self, client, reports):
        """The series filter itself can be the bad one; the other filters still apply."""
        response = report_list(client, "series=no-such-series&tag=drones")
        assert response.status_code == 200
        assert ignored(response) == ["Series"]
        assert listed(response) == ["Matching report"]

    def test_several_bad_filters_are_all_named(self, client, reports):
        """Every dropped filter is listed, and the good ones still apply."""
        response = report_list(client, "tag=nope&since=2023-02-30&access=bogus&country=iraq")
        assert response.status_code == 200
        assert sorted(ignored(response)) == ["Access", "Published from", "Tag"]
        assert listed(response) == ["Matching report"]

    @pytest.mark.parametrize(
        "query",
        [
            "series=dispatch&since=2024-06-15&until=2024-06-15",
            "series=dispatch&access=free&since=0001-01-01&until=9999-12-31",
            "organization=brigade&person=commander&outlet=daily&country=iraq&tag=drones",
        ],
    )
    def test_good_filters_are_all_applied_without_a_notice(self, client, reports, query):
        """Valid filters, extreme dates included, narrow the list and the page says nothing is dropped."""
        response = report_list(client, query)
        assert response.status_code == 200
        assert ignored(response) == []
        assert listed(response) == ["Matching report"]

    def test_an_unknown_parameter_is_ignored_silently(self, client, reports):
        """A parameter that is no filter (a tracking tag, a typo) changes nothing and is not reported."""
        response = report_list(client, "utm_source=newsletter&colour=red&series=dispatch")
        assert response.status_code == 200
        assert ignored(response) == []
        assert listed(response) == ["Matching report"]

    @pytest.mark.parametrize(
        "query, dropped, titles",
        [
            ("tag=nope&tag=drones", [], ["Matching report"]),
            ("tag=drones&tag=nope&series=inquiry", ["Tag"], ["Other report"]),
            ("series=inquiry&series=dispatch", [], ["Matching report"]),
        ],
    )
    def test_of_a_repeated_filter_the_last_value_counts(self, client, reports, query, dropped, titles):
        """A filter given twice is read as its last value, like any Django form field."""
        response = report_list(client, query)
        assert response.status_code == 200
        assert ignored(response) == dropped
        assert listed(response) == titles


class TestUnknownAddresses:
    @pytest.mark.parametrize(
        "url",
        [
            "/reports/nope/",
            "/reports/nope/print/",
            "/series/nope/",
            "/tags/nope/",
            "/organizations/nope/",
            "/people/nope/",
            "/outlets/nope/",
            "/series/nope/rss/",
            "/series/nope/atom/",
            "/tags/nope/rss/",
            "/tags/nope/atom/",
            "/organizations/nope/rss/",
            "/organizations/nope/atom/",
            "/people/nope/rss/",
            "/reports/%00/",
            "/reports/%ff%fe/",
            f"/tags/{LONG}/rss/",
        ],
    )
    def test_an_unknown_slug_answers_404(self, client, reports, url):
        """Report, profile and feed addresses with a slug that names nothing: 404."""
        assert client.get(url).status_code == 404

    @pytest.mark.parametrize("status", ["draft", "withdrawn"])
    def test_a_report_the_public_may_not_see_answers_404_in_print_too(self, client, status):
        """The print view follows the report page: no draft or withdrawn text for the public."""
        report = ReportFactory(status=status)
        assert client.get(reverse("report_print", args=[report.slug])).status_code == 404


class TestPreviewParameter:
    """`?as=<audience>` lets desk staff see a report as others would; for anyone else it means nothing."""

    @pytest.fixture
    def gated(self, premium):
        return ReportFactory(required_tier=premium, body="Gated GATED-BODY-MARKER-51c0.")

    @pytest.mark.parametrize("visitor", ["anonymous", "reader", "jttm_subscriber"])
    @pytest.mark.parametrize("audience", ["premium", "registered", "analyst", "staff", "%00", LONG])
    def test_the_preview_parameter_opens_no_gated_text_to_readers(self, client, request, gated, visitor, audience):
        """A reader who asks to see the page as a premium subscriber (or anything else) still sees the teaser."""
        if visitor != "anonymous":
            client.force_login(request.getfixturevalue(visitor))
        response = client.get(f"{gated.get_absolute_url()}?as={audience}")
        assert response.status_code == 200
        assert "GATED-BODY-MARKER-51c0" not in response.content.decode()
        assert "This report is for subscribers" in response.content.decode()

    @pytest.mark.parametrize("audience", ["bogus", "", "%00", "%ff%fe", LONG, "PREMIUM", "premium%00"])
    def test_an_unknown_preview_audience_shows_the_desk_its_own_view(self, client, analyst, gated, audience):
        """An audience the desk does not know: the page opens as desk staff see it, full text included."""
        client.force_login(analyst)
        response = client.get(f"{gated.get_absolute_url()}?as={audience}")
        assert response.status_code == 200
        assert "You see this page as desk staff." in response.content.decode()
        assert "GATED-BODY-MARKER-51c0" in response.content.decode()

    def test_of_a_repeated_preview_audience_the_last_counts(self, client, analyst, gated):
        """`?as=premium&as=anonymous` previews as the anonymous visitor: no gated text."""
        client.force_login(analyst)
        response = client.get(f"{gated.get_absolute_url()}?as=premium&as=anonymous")
        assert response.status_code == 200
        assert "GATED-BODY-MARKER-51c0" not in response.content.decode()




class TestTagsInArabicScript:
    @pytest.fixture
    def tagged(self):
        report = ReportFactory(title="Report tagged in Arabic")
        report.tags.add("حزب الله")
        return report

    @pytest.mark.parametrize("page", ["home", "report_list", "report_detail"])
    def test_a_page_listing_a_report_tagged_in_arabic_opens(self, client, tagged, page):
        """The home page, the report list and the report page show the report and its tag."""
        response = client.get(tagged.get_absolute_url() if page == "report_detail" else reverse(page))
        assert response.status_code == 200
        assert "Report tagged in Arabic" in response.content.decode()

    def test_the_link_to_a_tag_in_arabic_leads_to_its_page_and_feed(self, client, tagged):
        """The tag's link on the report page opens the tag's page and its feed, both listing the report."""
        response = client.get(tagged.get_absolute_url())
        assert response.status_code == 200
        tag_url = re.search(r'<ul class="tags".*?href="([^"]+)"', response.content.decode()).group(1)
        for url in (tag_url, f"{tag_url}rss/"):
            page = client.get(url)
            assert page.status_code == 200, url
            assert "Report tagged in Arabic" in page.content.decode()


GOOD_REQUEST = {
    "name": "Dana Analyst",
    "email": "dana@agency.example",
    "institution": "Agency of Examples",
    "readers": "12",
    "message": "We would like access for the whole team.",
}


class TestSubscribeForm:
    @pytest.mark.parametrize(
        "changes, field",
        [
            ({"name": ""}, "name"),
            ({"email": ""}, "email"),
            ({"institution": ""}, "institution"),
            ({"readers": ""}, "readers"),
            ({"email": "not-an-address"}, "email"),
            ({"email": "dana@agency.example\nBcc: victim@example.org"}, "email"),
            ({"readers": "-5"}, "readers"),
            ({"readers": "0"}, "readers"),
            ({"readers": "abc"}, "readers"),
            ({"readers": "1.5"}, "readers"),
            ({"readers": "9" * 10_000}, "readers"),
            ({"name": "Dana\x00"}, "name"),
            ({"institution": "Agency\x00"}, "institution"),
            ({"readers": "12\x00"}, "readers"),
            ({"message": "Hello\x00"}, "message"),
            ({"message": LONG}, "message"),
        ],
    )
    def test_bad_input_answers_with_the_form_and_its_error_and_sends_nothing(self, client, changes, field):
        """A missing or malformed field: 200, the error on that field, no e-mail."""
        response = client.post(reverse("subscribe"), {**GOOD_REQUEST, **changes})
        assert response.status_code == 200
        assert field in response.context["form"].errors
        assert "field-errors" in response.content.decode()
        assert mail.outbox == []

    def test_an_empty_form_answers_with_every_required_field_in_error(self, client):
        """Posting nothing names every required field and sends nothing."""
        response = client.post(reverse("subscribe"), {})
        assert response.status_code == 200
        assert set(response.context["form"].errors) == {"name", "email", "institution", "readers"}
        assert mail.outbox == []

    @pytest.mark.parametrize("institution", ["Agency\nBcc: victim@example.org", "Agency\r\nof Examples"])
    def test_a_line_break_in_the_institution_answers_with_a_form_error(self, client, institution):
        """The institution is one line (it becomes the e-mail's subject): a line break is a form error."""
        response = client.post(reverse("subscribe"), {**GOOD_REQUEST, "institution": institution})
        assert response.status_code == 200
        assert "institution" in response.context["form"].errors
        assert mail.outbox == []

    def test_a_good_request_sends_one_e_mail_to_the_subscriptions_desk_and_redirects(self, client):
        """A valid request: exactly one e-mail to SUBSCRIPTIONS_EMAIL with the request, then back to the page."""
        response = client.post(reverse("subscribe"), GOOD_REQUEST)
        assert response.status_code == 302
        assert response["Location"] == reverse("subscribe")
        assert len(mail.outbox) == 1
        sent = mail.outbox[0]
        assert sent.to == [settings.SUBSCRIPTIONS_EMAIL]
        assert "Agency of Examples" in sent.subject
        assert "dana@agency.example" in sent.body and "12 reader(s)" in sent.body
        assert "Thank you" in client.get(response["Location"]).content.decode()
