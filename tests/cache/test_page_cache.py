"""
The page cache (reports/cache/pages.py), on the cache the suite runs with: the disk cache, or
Redis when REDIS_URL is set (the PostgreSQL pass of scripts/run-tests).

Gated text never reaches an anonymous visitor through the cache, whatever the order of requests;
readers (signed in, or on an institution's network) never get the public's cached page; a change
to anything a page shows, or a scheduled report becoming due, shows at once; and a page served
from the cache, before most of the middleware run, still gets the https redirect, the host check
and the security headers of the moment.
"""
import datetime as dt
import logging
from urllib.parse import urlsplit

import pytest
import time_machine
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone
from taggit.models import Tag

from reports.cache.pages import KEPT_WHEN_ASKED_AGAIN
from reports.models import Institution, InstitutionNetwork, Report
from reports.search.engine import index_pending
from tests.cookies import message_cookie
from tests.factories import (
    OrganizationFactory,
    QuoteFactory,
    ReportFactory,
    ReportQuoteFactory,
    SeriesFactory,
    StaffFactory,
)

pytestmark = pytest.mark.django_db

BODY = "MARKER-GATED-BODY-5f1e"
QUOTE = "MARKER-GATED-QUOTE-c02a"
GATED = (BODY, QUOTE)
NETWORK_ADDRESS, PUBLIC_ADDRESS = "198.51.100.23", "203.0.113.9"


@pytest.fixture
def gated(premium):
    """A premium report with a marked body, filed under an organization that a marked quote of it names."""
    organization = OrganizationFactory(name="Brigade of the Cache")
    report = ReportFactory(title="The gated report", required_tier=premium, body=f"Only for subscribers: {BODY}.")
    report.organizations.add(organization)
    ReportQuoteFactory(report=report, quote=QuoteFactory(organization=organization, translation=f"We say {QUOTE}."))
    # Its search documents made, as after the commit: a first search would make them, and a page
    # it kept would be of the search generation that making them replaces.
    index_pending()
    return report


def surfaces(report):
    """Where the gated report appears: its page and print view, lists, a feed, its organization's profile."""
    organization = report.organizations.get()
    return {
        "detail": report.get_absolute_url(),
        "print": reverse("report_print", args=[report.slug]),
        "home": reverse("home"),
        "list": reverse("report_list"),
        "feed": reverse("feed_rss"),
        "organization": organization.get_absolute_url(),
        "organization_feed": reverse("organization_feed_atom", args=[organization.slug]),
        "search": reverse("search") + "?q=subscribers",  # a word of the gated body: its snippet shows the marker
    }


def shows_gated_text(response):
    content = response.content.decode()
    return any(marker in content for marker in GATED)


def served_from_cache(response):
    return response.get("X-Page-Cache") == "hit"


def asks_to_keep(url):
    """How many times a page is asked for before the page cache keeps it: a search page, twice (KEPT_WHEN_ASKED_AGAIN)."""
    return 2 if resolve(urlsplit(url).path).url_name in KEPT_WHEN_ASKED_AGAIN else 1


@pytest.fixture
def subscriber_client(premium_subscriber):
    client = Client()
    client.force_login(premium_subscriber)
    return client


@pytest.fixture
def agency(premium):
    institution = Institution.objects.create(
        name="Agency", slug="agency", tier=premium, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2099, 1, 1)
    )
    InstitutionNetwork.objects.create(institution=institution, cidr="198.51.100.0/24")
    return institution


SURFACES = ["detail", "print", "home", "list", "feed", "organization", "organization_feed", "search"]
READS_GATED_TEXT = {"detail", "print", "organization", "search"}
WITH_SITE_HEADER = {"detail", "home", "list", "organization", "search"}


class TestPaywall:
    @pytest.mark.parametrize("surface", SURFACES)
    def test_subscriber_first_then_anonymous(self, client, subscriber_client, gated, surface):
        url = surfaces(gated)[surface]
        theirs = subscriber_client.get(url)
        assert theirs.status_code == 200 and not served_from_cache(theirs)
        assert shows_gated_text(theirs) == (surface in READS_GATED_TEXT)
        for _ in range(asks_to_keep(url) + 1):
            public = client.get(url, REMOTE_ADDR=PUBLIC_ADDRESS)
            assert public.status_code == 200 and not shows_gated_text(public)
        assert served_from_cache(public)

    @pytest.mark.parametrize("surface", SURFACES)
    def test_anonymous_first_then_subscriber(self, client, subscriber_client, gated, surface):
        url = surfaces(gated)[surface]
        for _ in range(asks_to_keep(url)):
            client.get(url, REMOTE_ADDR=PUBLIC_ADDRESS)
        assert served_from_cache(client.get(url, REMOTE_ADDR=PUBLIC_ADDRESS))
        theirs = subscriber_client.get(url)
        assert not served_from_cache(theirs)
        assert shows_gated_text(theirs) == (surface in READS_GATED_TEXT)
        if surface in WITH_SITE_HEADER:
            assert "My account" in theirs.content.decode(), "a reader gets their own page, not the public's"
        public = client.get(url, REMOTE_ADDR=PUBLIC_ADDRESS)
        assert served_from_cache(public) and not shows_gated_text(public)

    @pytest.mark.parametrize("surface", ["detail", "organization", "search"])
    def test_network_reader_first_then_public(self, client, agency, gated, surface):
        url = surfaces(gated)[surface]
        theirs = client.get(url, REMOTE_ADDR=NETWORK_ADDRESS)
        assert shows_gated_text(theirs) and "private" in theirs["Cache-Control"]
        public = client.get(url, REMOTE_ADDR=PUBLIC_ADDRESS)
        assert not shows_gated_text(public)

    @pytest.mark.parametrize("surface", ["detail", "organization", "list", "search"])
    def test_public_first_then_network_reader(self, client, agency, gated, surface):
        """A reader on an institution's network may read more than the public: never the public's cached page."""
        url = surfaces(gated)[surface]
        for _ in range(asks_to_keep(url)):
            client.get(url, REMOTE_ADDR=PUBLIC_ADDRESS)
        assert served_from_cache(client.get(url, REMOTE_ADDR=PUBLIC_ADDRESS))
        theirs = client.get(url, REMOTE_ADDR=NETWORK_ADDRESS)
        assert not served_from_cache(theirs) and "X-Page-Cache" not in theirs
        assert shows_gated_text(theirs) == (surface in READS_GATED_TEXT)

    def test_a_network_added_later_stops_the_public_page_at_once(self, client, gated, premium):
        url = gated.get_absolute_url()
        client.get(url, REMOTE_ADDR=NETWORK_ADDRESS)
        assert served_from_cache(client.get(url, REMOTE_ADDR=NETWORK_ADDRESS))
        institution = Institution.objects.create(
            name="Agency", slug="agency", tier=premium, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2099, 1, 1)
        )
        InstitutionNetwork.objects.create(institution=institution, cidr="198.51.100.0/24")
        assert shows_gated_text(client.get(url, REMOTE_ADDR=NETWORK_ADDRESS))

    def test_staff_get_their_own_pages_and_previews(self, client, gated):
        draft = ReportFactory(status=Report.Status.DRAFT)
        client.get(reverse("home"))
        staff = Client()
        staff.force_login(StaffFactory(group="Analysts"))
        home = staff.get(reverse("home"))
        assert not served_from_cache(home) and reverse("admin:index") in home.content.decode()
        assert staff.get(draft.get_absolute_url()).status_code == 200
        preview = staff.get(gated.get_absolute_url(), {"as": "anonymous"})
        assert not served_from_cache(preview) and not shows_gated_text(preview)
        assert client.get(draft.get_absolute_url()).status_code == 404


class TestWhatIsKept:
    def test_a_second_anonymous_request_is_served_from_the_cache_without_queries(
        self, client, gated, django_assert_num_queries
    ):
        first = client.get(gated.get_absolute_url())
        assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
        with django_assert_num_queries(0):
            second = client.get(gated.get_absolute_url())
        assert served_from_cache(second) and second.content == first.content
        assert second["Content-Type"] == first["Content-Type"] and "Cookie" in second["Vary"]

    def test_the_query_string_is_part_of_the_key_in_any_order(self, client):
        first, second = SeriesFactory(name="First series"), SeriesFactory(name="Second series")
        ReportFactory(title="Filed under the first", series=first)
        ReportFactory(title="Filed under the second", series=second)
        url = reverse("report_list")
        page = client.get(url, {"series": first.slug, "page": 1}).content.decode()
        assert "Filed under the first" in page and "Filed under the second" not in page
        other = client.get(url, {"series": second.slug, "page": 1})
        assert not served_from_cache(other) and "Filed under the second" in other.content.decode()
        assert served_from_cache(client.get(f"{url}?page=1&series={first.slug}"))

    def test_not_found_is_not_kept(self, client):
        client.get("/reports/no-such-report/")
        assert client.get("/reports/no-such-report/")["X-Page-Cache"] == "miss"

    def test_a_page_showing_a_visitors_message_is_neither_served_nor_kept(self, client, gated):
        client.get(reverse("home"))
        with_message = Client()
        with_message.cookies[CookieStorage.cookie_name] = message_cookie("MARKER-MESSAGE-31b7")
        page = with_message.get(reverse("home"))
        assert "MARKER-MESSAGE-31b7" in page.content.decode() and not served_from_cache(page)
        later = client.get(reverse("home"))
        assert served_from_cache(later) and "MARKER-MESSAGE-31b7" not in later.content.decode()

    def test_forms_with_a_csrf_token_are_not_kept(self, client):
        for _ in range(2):
            page = client.get(reverse("login"))
            assert "csrfmiddlewaretoken" in page.content.decode() and "X-Page-Cache" not in page

    def test_off_when_page_cache_seconds_is_0(self, client, gated, settings):
        settings.PAGE_CACHE_SECONDS = 0
        client.get(gated.get_absolute_url())
        assert "X-Page-Cache" not in client.get(gated.get_absolute_url())


class TestServedFirst:
    """A hit is served right inside the request log, SecurityMiddleware and CSPMiddleware."""

    def test_a_hit_carries_the_security_headers_of_the_moment(self, client, gated, settings):
        url = gated.get_absolute_url()
        first, second = client.get(url), client.get(url)
        assert served_from_cache(second)
        for header in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
            assert second[header] == first[header], header
        assert second["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in second["Content-Security-Policy"]
        policy = {"default-src": ["'self'"], "img-src": ["'self'", "images.example"]}
        settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": policy}
        third = client.get(url)
        assert served_from_cache(third) and "img-src 'self' images.example" in third["Content-Security-Policy"]
        assert second["X-Request-ID"] != third["X-Request-ID"], "each response names its own request"

    def test_plain_http_is_redirected_to_https_before_the_cache(self, client, gated, settings):
        url = gated.get_absolute_url()
        client.get(url)
        assert served_from_cache(client.get(url))
        settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS = True, 3600
        https_only = Client()  # the security middleware reads its settings when it is built
        response = https_only.get(url)
        assert response.status_code == 301 and response["Location"] == f"https://testserver{url}"
        assert "X-Page-Cache" not in response
        https_only.get(url, secure=True)
        secure = https_only.get(url, secure=True)
        assert served_from_cache(secure) and secure["Strict-Transport-Security"].startswith("max-age=3600")

    def test_an_unknown_host_is_a_bad_request(self, client, gated, caplog):
        url = gated.get_absolute_url()
        client.get(url)
        assert served_from_cache(client.get(url))
        with caplog.at_level(logging.WARNING, logger="reports.cache.pages"):
            response = client.get(url, HTTP_HOST="evil.example")
        assert response.status_code == 400 and "We could not understand that request" in response.content.decode()
        assert "X-Page-Cache" not in response and "Page cache unavailable" not in caplog.text

    @pytest.mark.parametrize("signed_in_first", [True, False])
    def test_a_signed_in_visitor_never_gets_the_public_page(self, client, subscriber_client, gated, signed_in_first):
        url = gated.get_absolute_url()
        visitors = [subscriber_client, client] if signed_in_first else [client, subscriber_client]
        for visitor in visitors * 2:
            page = visitor.get(url)
            if visitor is subscriber_client:
                assert not served_from_cache(page) and not served_from_cache(visitor.head(url))
                assert "My account" in page.content.decode() and shows_gated_text(page)
            else:
                assert "My account" not in page.content.decode() and not shows_gated_text(page)
        assert served_from_cache(client.get(url))

    def test_head_is_served_from_what_a_get_kept(self, client, gated, django_assert_num_queries):
        url = gated.get_absolute_url()
        assert client.head(url)["X-Page-Cache"] == "miss"
        page = client.get(url)
        assert page["X-Page-Cache"] == "miss", "a HEAD keeps nothing"
        with django_assert_num_queries(0):
            head = client.head(url)
        assert served_from_cache(head) and head.content == b""
        assert int(head["Content-Length"]) == len(page.content)

    def test_a_network_moved_to_another_range_moves_who_gets_the_public_page(self, client, agency, gated):
        url = gated.get_absolute_url()
        assert shows_gated_text(client.get(url, REMOTE_ADDR=NETWORK_ADDRESS))
        network = agency.networks.get()
        network.cidr = "192.0.2.0/24"
        network.save()
        client.get(url, REMOTE_ADDR=NETWORK_ADDRESS)
        assert served_from_cache(client.get(url, REMOTE_ADDR=NETWORK_ADDRESS))
        theirs = client.get(url, REMOTE_ADDR="192.0.2.7")
        assert not served_from_cache(theirs) and shows_gated_text(theirs)

    def test_addresses_that_are_not_pages_reach_the_rest_of_the_site(self, client):
        response = client.get("/reports")
        assert response.status_code == 301 and response["Location"] == reverse("report_list")
        assert "X-Page-Cache" not in response


class TestInvalidation:
    """The next anonymous request after a change sees it, on every page that was cached before."""

    @pytest.fixture
    def cached(self, client, gated):
        urls = surfaces(gated)
        for url in urls.values():
            for _ in range(asks_to_keep(url)):
                client.get(url)
            assert served_from_cache(client.get(url)), url
        return urls

    def test_publishing_shows_at_once(self, client, cached):
        draft = ReportFactory(title="Fresh from the desk", status=Report.Status.DRAFT)
        assert "Fresh from the desk" not in client.get(cached["list"]).content.decode()
        draft.status = Report.Status.PUBLISHED
        draft.save()
        for surface in ["home", "list", "feed"]:
            assert "Fresh from the desk" in client.get(cached[surface]).content.decode(), surface

    def test_an_edit_shows_at_once(self, client, cached, gated):
        gated.title = "A corrected title"
        gated.save()
        for surface in ["detail", "home", "list", "feed", "organization"]:
            assert "A corrected title" in client.get(cached[surface]).content.decode(), surface

    def test_withdrawing_hides_at_once(self, client, cached, gated):
        gated.status = Report.Status.WITHDRAWN
        gated.save()
        assert client.get(cached["detail"]).status_code == 404
        for surface in ["home", "list", "feed", "organization"]:
            assert gated.slug not in client.get(cached[surface]).content.decode(), surface

    def test_renaming_an_organization_shows_on_its_reports(self, client, cached, gated):
        organization = gated.organizations.get()
        organization.name = "Brigade Renamed"
        organization.save()
        for surface in ["detail", "organization"]:
            assert "Brigade Renamed" in client.get(cached[surface]).content.decode(), surface

    def test_tagging_a_report_shows_on_the_tag_page(self, client, gated):
        tag = Tag.objects.create(name="Drones", slug="drones")
        ReportFactory().tags.add(tag)  # a tag page is there while a published report carries the tag
        url = reverse("tag_detail", args=[tag.slug])
        client.get(url)
        assert served_from_cache(client.get(url)) and gated.slug not in client.get(url).content.decode()
        gated.tags.add(tag)
        assert gated.slug in client.get(url).content.decode()

    def test_gating_a_free_report_hides_its_text_at_once(self, client, premium):
        free = ReportFactory(body=f"Free for now: {BODY}.")
        client.get(free.get_absolute_url())
        cached = client.get(free.get_absolute_url())
        assert served_from_cache(cached) and shows_gated_text(cached)
        free.required_tier = premium
        free.save()
        assert not shows_gated_text(client.get(free.get_absolute_url()))

    def test_a_scheduled_report_shows_when_due_though_nothing_was_saved(self, client):
        due = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=5)
        scheduled = ReportFactory(title="Due in five minutes", published_at=due)
        pages = [reverse("home"), reverse("report_list"), reverse("feed_atom"), reverse("sitemap")]
        with time_machine.travel(due - dt.timedelta(seconds=1), tick=False):
            for url in pages:
                client.get(url)
                page = client.get(url)
                assert served_from_cache(page) and scheduled.slug not in page.content.decode(), url
        with time_machine.travel(due, tick=False):
            for url in pages:
                assert scheduled.slug in client.get(url).content.decode(), url
            assert client.get(scheduled.get_absolute_url()).status_code == 200

    def test_a_report_scheduled_sooner_than_the_last_shows_when_due(self, client):
        # The next moment pages change by themselves is kept (pages.next_access_change) until a save.
        now = timezone.now().replace(microsecond=0)
        ReportFactory(title="Due in ten minutes", published_at=now + dt.timedelta(minutes=10))
        client.get(reverse("home"))
        sooner = ReportFactory(title="Due in five minutes", published_at=now + dt.timedelta(minutes=5))
        url = reverse("report_list")
        with time_machine.travel(sooner.published_at - dt.timedelta(seconds=1), tick=False):
            client.get(url)
            page = client.get(url)
            assert served_from_cache(page) and sooner.slug not in page.content.decode()
        with time_machine.travel(sooner.published_at, tick=False):
            assert sooner.slug in client.get(url).content.decode()

    def test_pages_kept_between_two_saves_look_the_next_scheduled_moment_up_once(self, client):
        ReportFactory(published_at=timezone.now() + dt.timedelta(minutes=10))
        client.get(reverse("home"))
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("report_list"))
        assert page["X-Page-Cache"] == "miss"
        assert not [query for query in queries.captured_queries if "soonest_publication" in query["sql"]]
