"""
The content cache (reports/cache/content.py): pages kept as made for an audience and a kind of
visitor (anonymous, signed in, staff) and served to every visitor of both, with the visitor's own
CSRF token put in for each request; a visitor with messages gets a page of their own.

Gated text reaches exactly the readers the access policy names, whatever the order of requests;
no visitor gets another's header, token or messages; a change shows at once.
"""
import datetime as dt
import itertools
import re

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.cache.content import SharedPage
from reports.cache.store import MISSING
from reports.models import Institution, InstitutionNetwork, Report
from tests.cookies import message_cookie
from tests.factories import (
    ReportFactory,
    StaffFactory,
    SubscriptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BODY = "MARKER-CONTENT-CACHE-GATED-7d41"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    """Every visitor reaches the view, as signed-in readers always do: the page cache answers only the public."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def gated(premium):
    return ReportFactory(title="A report for premium readers", required_tier=premium, body=f"Gated: {BODY}.")


@pytest.fixture
def visitors(premium, jttm, client_for):
    """Every kind of visitor, each with their own client."""
    expired = UserFactory(username="expired")
    SubscriptionFactory(user=expired, tier=premium, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2021, 1, 1))
    lower = UserFactory(username="lower")
    SubscriptionFactory(user=lower, tier=jttm)
    readers = []
    for name in ("reader-one", "reader-two"):
        reader = UserFactory(username=name)
        SubscriptionFactory(user=reader, tier=premium)
        readers.append(reader)
    agency = Institution.objects.create(
        name="Agency", slug="agency", tier=premium, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2099, 1, 1)
    )
    InstitutionNetwork.objects.create(institution=agency, cidr="198.51.100.0/24")
    return {
        "anonymous": Client(),
        "institutional": Client(REMOTE_ADDR="198.51.100.23"),
        "registered": client_for(UserFactory(username="registered")),
        "expired": client_for(expired),
        "lower tier": client_for(lower),
        "reader one": client_for(readers[0]),
        "reader two": client_for(readers[1]),
        "staff": client_for(StaffFactory(group="Analysts")),
    }


MAY_READ = {"institutional", "reader one", "reader two", "staff"}


def cache_state(response):
    return response.get("X-Content-Cache")


class TestPaywall:
    @pytest.mark.parametrize("first", ["anonymous", "registered", "lower tier", "institutional", "reader one", "staff"])
    def test_gated_text_reaches_exactly_its_readers_whoever_came_first(self, visitors, gated, first):
        url = gated.get_absolute_url()
        for name in [first, *visitors]:
            page = visitors[name].get(url)
            assert page.status_code == 200
            assert (BODY in page.content.decode()) == (name in MAY_READ), name

    def test_every_order_of_a_reader_and_a_teaser_visitor(self, visitors, gated):
        url = gated.get_absolute_url()
        for order in itertools.permutations(["anonymous", "registered", "reader one"]):
            gated.save()  # a fresh start: the next requests make the pages again
            for name in order:
                assert (BODY in visitors[name].get(url).content.decode()) == (name in MAY_READ), (order, name)

    def test_readers_share_the_page_but_not_their_header(self, visitors, gated):
        url = gated.get_absolute_url()
        first = visitors["reader one"].get(url)
        second = visitors["reader two"].get(url)
        assert (cache_state(first), cache_state(second)) == ("miss", "hit")
        assert BODY in second.content.decode() and "My account" in second.content.decode()
        anonymous = visitors["anonymous"].get(url)
        assert cache_state(anonymous) == "miss" and "My account" not in anonymous.content.decode()
        assert "Log in to read on" in anonymous.content.decode()

    def test_a_subscription_that_ends_changes_the_page_at_once(self, premium, gated, client_for):
        reader = UserFactory()
        subscription = SubscriptionFactory(user=reader, tier=premium)
        client = client_for(reader)
        assert BODY in client.get(gated.get_absolute_url()).content.decode()
        subscription.ends_on = timezone.localdate() - dt.timedelta(days=subscription.grace_days + 1)
        subscription.save()
        page = client.get(gated.get_absolute_url())
        assert BODY not in page.content.decode() and "Your account does not include this tier" in page.content.decode()

    def test_gated_pages_stay_private_when_served_from_the_content_cache(self, visitors, gated):
        visitors["reader one"].get(gated.get_absolute_url())
        page = visitors["reader two"].get(gated.get_absolute_url())
        assert cache_state(page) == "hit" and "private" in page["Cache-Control"]

    def test_staff_previews_are_made_every_time(self, visitors, gated):
        staff = visitors["staff"]
        for _ in range(2):
            preview = staff.get(gated.get_absolute_url(), {"as": "anonymous"})
            assert cache_state(preview) is None and BODY not in preview.content.decode()
            assert "You see this page as an anonymous visitor would" in preview.content.decode()


class TestPersonalParts:
    def test_each_visitor_gets_a_csrf_token_that_logs_them_out(self, premium, gated):
        url = gated.get_absolute_url()
        readers = []
        for _ in range(2):
            reader = UserFactory()
            SubscriptionFactory(user=reader, tier=premium)
            client = Client(enforce_csrf_checks=True)
            client.force_login(reader)
            readers.append(client)
        pages = [client.get(url) for client in readers]
        assert [cache_state(page) for page in pages] == ["miss", "hit"]
        tokens = [CSRF_INPUT.search(page.content.decode()).group(1) for page in pages]
        assert tokens[0] != tokens[1]
        for client, token in zip(readers, tokens):
            assert client.post(reverse("logout"), {"csrfmiddlewaretoken": token}).status_code == 302
            assert "_auth_user_id" not in client.session

    def test_a_visitor_with_a_message_gets_a_page_of_their_own_that_is_not_kept(self, client):
        url = reverse("home")
        with_message = Client()
        with_message.cookies[CookieStorage.cookie_name] = message_cookie("MARKER-CONTENT-MESSAGE-90aa")
        page = with_message.get(url)
        assert cache_state(page) is None and "MARKER-CONTENT-MESSAGE-90aa" in page.content.decode()
        first = client.get(url)
        assert cache_state(first) == "miss" and "MARKER-CONTENT-MESSAGE-90aa" not in first.content.decode()

    def test_a_message_shows_though_the_page_is_kept(self, client):
        url = reverse("home")
        assert cache_state(client.get(url)) == "miss"
        with_message = Client()
        with_message.cookies[CookieStorage.cookie_name] = message_cookie("MARKER-CONTENT-MESSAGE-51c2")
        assert "MARKER-CONTENT-MESSAGE-51c2" in with_message.get(url).content.decode()
        assert cache_state(client.get(url)) == "hit"

    @pytest.mark.parametrize("url_name", ["home", "report_list"])
    @pytest.mark.parametrize("order", list(itertools.permutations(["anonymous", "registered", "staff"])))
    def test_each_kind_of_visitor_gets_their_own_header_whoever_came_first(self, visitors, url_name, order):
        headers = {
            "anonymous": ("Log in</a>", ["My account", "csrfmiddlewaretoken", "Desk</a>"]),
            "registered": ("My account", ["Log in</a>", "Desk</a>"]),
            "staff": ("Desk</a>", ["Log in</a>"]),
        }
        for name in order:
            page = visitors[name].get(reverse(url_name)).content.decode()
            shown, not_shown = headers[name]
            assert shown in page and not any(text in page for text in not_shown), (order, name)

    def test_the_log_in_link_brings_each_visitor_back_to_their_page(self, client):
        url = reverse("report_list")
        client.get(url)
        page = client.get(url, {"page": "1"})
        assert f'href="{reverse("login")}?next=/reports/%3Fpage%3D1"' in page.content.decode()


class TestWhatIsKept:
    def test_a_kept_page_costs_no_query_for_the_list(self, client, django_assert_num_queries):
        ReportFactory.create_batch(3)
        first = client.get(reverse("report_list"))
        with django_assert_num_queries(0):
            second = client.get(reverse("report_list"))
        assert cache_state(second) == "hit" and second.content == first.content

    def test_not_found_is_not_kept(self, client):
        assert client.get(reverse("report_list"), {"page": "99"}).status_code == 404
        assert cache_state(client.get(reverse("report_list"), {"page": "99"})) is None

    def test_a_page_that_holds_the_visitors_own_csrf_token_is_not_kept(self, rf):
        def visit():
            request = rf.get("/")
            request.user = AnonymousUser()
            return request

        with_token = visit()
        made = HttpResponse(f'<input name="csrfmiddlewaretoken" value="{get_token(with_token)}">')
        SharedPage(with_token, "everyone").keep(made)
        assert SharedPage(visit(), "everyone").kept is MISSING
        SharedPage(visit(), "everyone").keep(HttpResponse("<p>The same for every visitor.</p>"))
        assert SharedPage(visit(), "everyone").kept is not MISSING

    def test_off_when_content_cache_seconds_is_0(self, client, gated, settings):
        settings.CONTENT_CACHE_SECONDS = 0
        client.get(gated.get_absolute_url())
        page = client.get(gated.get_absolute_url())
        assert cache_state(page) is None and "Log in to read on" in page.content.decode()


class TestInvalidation:
    def test_an_edit_shows_at_once_to_readers(self, visitors, gated):
        url = gated.get_absolute_url()
        visitors["reader one"].get(url)
        gated.title = "A corrected title for readers"
        gated.save()
        assert "A corrected title for readers" in visitors["reader two"].get(url).content.decode()

    def test_withdrawing_hides_at_once(self, visitors, gated):
        url = gated.get_absolute_url()
        visitors["reader one"].get(url)
        gated.status = Report.Status.WITHDRAWN
        gated.save()
        assert visitors["reader two"].get(url).status_code == 404

    def test_a_scheduled_report_shows_when_due_though_nothing_was_saved(self, visitors):
        due = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=5)
        scheduled = ReportFactory(title="Due in five minutes", published_at=due)
        reader = visitors["reader one"]
        with time_machine.travel(due - dt.timedelta(seconds=1), tick=False):
            for url in [reverse("home"), reverse("report_list")]:
                reader.get(url)
                page = reader.get(url)
                assert cache_state(page) == "hit" and scheduled.slug not in page.content.decode()
        with time_machine.travel(due, tick=False):
            for url in [reverse("home"), reverse("report_list")]:
                assert scheduled.slug in reader.get(url).content.decode()
