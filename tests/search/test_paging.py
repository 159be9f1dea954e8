"""
Every match reachable: pages after the key of the page before, a count exact up to COUNT_LIMIT and
estimated past it, keys this site did not make, the paywall across pages, and a fixed query count.
The limits are made small here (COUNT_LIMIT 3, RANKED 4, pages of 2) so that their edges are cheap.
"""
import datetime as dt
import html
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.models import Report
from reports.search import engine as search
from reports.search.engine import PageKey, search_page
from reports.site.views import SearchView
from tests.factories import ReportFactory, SubscriptionFactory, tier

pytestmark = pytest.mark.django_db
GATED_WORD = "zanzibarite"
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')
SORTS = ["relevance", "date"]


@pytest.fixture(autouse=True)
def small_limits(monkeypatch):
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    monkeypatch.setattr(search, "ESTIMATE_OVER", 9)
    # The estimate's sample is then the whole table, whatever its statistics: the number itself.
    monkeypatch.setattr(search, "SAMPLE_ROWS", 10**9)
    monkeypatch.setattr(search, "RANKED", 4)
    # Bands: the newest 4 reports, then two spans as long as theirs, then the rest.
    monkeypatch.setattr(search, "FIRST_BAND", 1)
    monkeypatch.setattr(search, "NEXT_BAND", 1)
    monkeypatch.setattr(SearchView, "paginate_by", 2)


def reports(count, title="The militia report", days_ago=1, **fields):
    """`count` reports (`title` and a number), newest first, one day apart, the newest `days_ago` days old."""
    now = timezone.now()
    return [
        ReportFactory(title=f"{title} {n}", published_at=now - dt.timedelta(days=days_ago + n), **fields)
        for n in range(count)
    ]


def counted(queries):
    """
    Whether the captured queries counted the matches (count_matches: its estimate from a sample,
    prepared on the connection and run there, or a COUNT(*) of them).
    """
    return any(
        query["sql"].startswith(("SELECT COUNT(*)", "EXECUTE search_estimate_")) for query in queries.captured_queries
    )


def search_get(client, url=None, **params):
    response = client.get(url or reverse("search"), None if url else {"q": "militia", **params})
    assert response.status_code == 200
    return response


def walk(client, **params):
    """Every page of a search, by its next links: [(ids shown, page text)], and the count line of the first."""
    pages, response = [], search_get(client, **params)
    while True:
        text = response.content.decode()
        pages.append((response.context["page"].ids, text))
        link = NEXT_LINK.search(text)
        if not link:
            return pages
        assert len(pages) < 50, "the next links go round"
        response = search_get(client, reverse("search") + html.unescape(link.group(1)))


def shown(pages):
    return [pk for ids, _ in pages for pk in ids]


def tier_reader():
    return SubscriptionFactory(tier=tier("premium")).user


def count_line(response):
    return re.search(r'<p class="count">(.*?)</p>', response.content.decode()).group(1)


class TestCount:
    def test_up_to_the_limit_the_count_is_exact(self, client):
        reports(3)
        assert count_line(search_get(client)) == "3 reports"

    def test_past_the_limit_the_count_is_an_estimate(self, client):
        reports(4)
        response = search_get(client)
        if connection.vendor == "postgresql":
            assert count_line(response).startswith("About 4 reports")
            assert "Page 1 of about 2" in response.content.decode()
        else:
            assert count_line(response).startswith("4 reports")

    def test_a_high_estimate_is_taken_without_counting(self, client):
        reports(9)
        assert count_line(search_get(client)).startswith("About 9" if connection.vendor == "postgresql" else "9 reports")

    def test_the_api_says_when_its_count_is_an_estimate(self, client):
        reports(3)
        answer = client.get("/api/v1/reports/", {"q": "militia"}).json()
        assert (answer["count"], answer["count_is_estimate"]) == (3, False)
        ReportFactory(title="One more militia report")
        answer = client.get("/api/v1/reports/", {"q": "militia"}).json()
        assert (answer["count"], answer["count_is_estimate"]) == (4, connection.vendor == "postgresql")

    @pytest.mark.parametrize("sort", SORTS)
    def test_matches_all_found_by_the_first_look_are_not_counted_again(self, sort):
        """Fewer matches than the first page (or stretch) asked for are all there are: no count query."""
        reports(2)
        reports(1, title="Gated militia", required_tier=tier("premium"), body=f"The {GATED_WORD} doctrine.")
        search_page("militia", AnonymousUser(), sort=sort)  # the new reports indexed first
        with CaptureQueriesContext(connection) as few:
            page = search_page("militia", AnonymousUser(), sort=sort)
        assert (page.found, page.exact) == (3, True)
        assert (search_page(GATED_WORD, AnonymousUser(), sort=sort).found, search_page(GATED_WORD, tier_reader(), sort=sort).found) == (0, 1)
        reports(27, title="Another militia report", days_ago=10)
        search_page("militia", AnonymousUser(), sort=sort)
        with CaptureQueriesContext(connection) as many:
            page = search_page("militia", AnonymousUser(), sort=sort)
        assert (page.found, page.exact) == (30, connection.vendor != "postgresql")
        assert (counted(few), counted(many)) == (False, True)

    @pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is a prepared statement on PostgreSQL only")
    def test_the_estimate_is_prepared_once_a_connection_and_outlives_a_rolled_back_transaction(self):
        reports(12)
        search.prepared_statements.clear()
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")
        with pytest.raises(RuntimeError), transaction.atomic():
            first = search_page("militia", AnonymousUser(), size=2)  # prepares it, in a transaction rolled back
            raise RuntimeError
        with CaptureQueriesContext(connection) as again:
            page = search_page("militia", AnonymousUser(), size=2)
        assert (page.found, page.exact) == (first.found, first.exact) == (12, False)
        assert [query["sql"] for query in again.captured_queries if "search_estimate_" in query["sql"]][0].startswith("EXECUTE")

    def test_the_estimate_counts_only_what_the_visitor_may_find(self):
        """Gated reports matching by their body add nothing to a visitor's estimate; a subscriber's, they do."""
        reports(5, title="Free")
        reports(5, title="Gated", body=f"The {GATED_WORD} doctrine.", required_tier=tier("premium"))
        reports(5, title="Free", body=f"The {GATED_WORD} doctrine in the open.", days_ago=30)
        visitor = search_page(GATED_WORD, AnonymousUser())
        subscriber = search_page(GATED_WORD, SubscriptionFactory(tier=tier("premium")).user)
        exact = connection.vendor != "postgresql"
        assert (visitor.found, visitor.exact, subscriber.found, subscriber.exact) == (5, exact, 10, exact)


class TestPages:
    @pytest.mark.parametrize("sort", SORTS)
    @pytest.mark.parametrize("same_time", [False, True])
    def test_every_match_is_reached_once_by_the_next_links(self, client, sort, same_time):
        made = reports(9)
        quiet = reports(5, title="Quiet")
        if same_time:  # every page's last row shares its time with the next page's first
            Report.objects.update(published_at=made[0].published_at)
            made.sort(key=lambda report: report.pk, reverse=True)
        pages = walk(client, sort=sort)
        assert [len(ids) for ids, _ in pages] == [2, 2, 2, 2, 1]
        assert sorted(shown(pages)) == sorted(report.pk for report in made)
        assert not set(shown(pages)) & {report.pk for report in quiet}
        assert re.search(r"Page 5 of (about )?5<", pages[-1][1]) and 'rel="first"' in pages[-1][1]
        if sort == "date" or connection.vendor != "postgresql":
            assert shown(pages) == [report.pk for report in made]

    def test_relevance_ranks_each_stretch_of_the_newest_matches(self, client):
        made = reports(9)
        for report in (made[2], made[5]):
            report.title = report.summary = "Militia militia militia"
            report.save()
        pages = shown(walk(client))
        # Stretches of RANKED (4): the newest four, the four before them, the last one.
        assert set(pages[:4]) == {report.pk for report in made[:4]}
        assert set(pages[4:8]) == {report.pk for report in made[4:8]} and pages[8] == made[8].pk
        if connection.vendor == "postgresql":
            assert pages[:4] == [made[2].pk, made[0].pk, made[1].pk, made[3].pk]  # equal ranks: newest first
            assert pages[4:8] == [made[5].pk, made[4].pk, made[6].pk, made[7].pk]

    @pytest.mark.parametrize("sort", SORTS)
    def test_a_report_due_one_second_from_now_is_not_found_yet(self, client, sort):
        made = reports(3)
        ReportFactory(title="The militia report to come", published_at=timezone.now() + dt.timedelta(seconds=1))
        pages = walk(client, sort=sort)
        assert sorted(shown(pages)) == sorted(report.pk for report in made)
        assert count_line(search_get(client, sort=sort)).startswith("3 reports")

    def test_a_report_published_while_paging_does_not_shift_the_next_page(self, client):
        reports(5)
        first = search_get(client, sort="date")
        second_before = search_get(client, reverse("search") + html.unescape(NEXT_LINK.search(first.content.decode()).group(1)))
        ReportFactory(title="A militia report just out", published_at=timezone.now())
        second_after = search_get(client, reverse("search") + html.unescape(NEXT_LINK.search(first.content.decode()).group(1)))
        assert second_after.context["page"].ids == second_before.context["page"].ids

    def test_the_filters_narrow_every_page(self, client):
        free = reports(5, title="Free militia")
        reports(5, title="Gated militia", required_tier=tier("jttm"), days_ago=2)
        for sort in SORTS:
            assert sorted(shown(walk(client, sort=sort, access="free"))) == sorted(report.pk for report in free)

    @pytest.mark.parametrize("sort", SORTS)
    def test_the_query_count_is_the_same_on_every_page(self, client, sort, settings):
        # Every page made whole: nothing kept from the pages before (reports.cache.results).
        settings.CONTENT_CACHE_SECONDS = settings.PAGE_CACHE_SECONDS = 0
        reports(9)
        search_get(client, sort=sort)  # the reports' search documents, made by the first search
        url, counts = None, []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                response = search_get(client, url, sort=sort)
            counts.append(len(queries))
            link = NEXT_LINK.search(response.content.decode())
            url = link and reverse("search") + html.unescape(link.group(1))
        assert url is None and len(set(counts)) == 1, counts


class TestKeys:
    @pytest.mark.parametrize("after", [
        "garbage", "", "%00", "x" * 5000, "W10:1abcde:forged", PageKey("date", 2, after=(timezone.now(), 1)).token()[:-3] + "AAA",
    ])
    def test_a_key_this_site_did_not_make_gives_the_first_page(self, client, after):
        reports(5)
        first = search_get(client).context["page"].ids
        response = client.get(reverse("search"), {"q": "militia", "after": after})
        assert response.status_code == 200
        assert response.context["page"].ids == first

    def test_a_key_for_another_sort_gives_the_first_page(self, client):
        made = reports(5)
        key = PageKey("date", 2, after=(made[1].published_at, made[1].pk)).token()
        response = search_get(client, sort="relevance", after=key)
        assert re.search(r"Page 1 of (about )?3<", response.content.decode())

    def test_the_api_refuses_a_key_it_did_not_make_and_pages_by_its_own(self, client):
        made = reports(5)
        assert client.get("/api/v1/reports/", {"q": "militia", "after": "garbage"}).status_code == 400
        assert client.get("/api/v1/reports/", {"q": "militia", "page": 2}).status_code == 404
        answer = client.get("/api/v1/reports/", {"q": "militia", "page_size": 2}).json()
        slugs = [report["slug"] for report in answer["results"]]
        while answer["next"]:
            answer = client.get(answer["next"]).json()
            slugs += [report["slug"] for report in answer["results"]]
        assert sorted(slugs) == sorted(report.slug for report in made)


class TestPaywallAcrossPages:
    """A gated report whose only match is in its body: nowhere in a visitor's pages, in a subscriber's."""

    @pytest.fixture
    def gated(self):
        reports(5, title="Free", body=f"The {GATED_WORD} doctrine in the open.")
        # Between the free reports by date, and ranked as a free report would be.
        return ReportFactory(
            title="Free 9", body=f"The {GATED_WORD} doctrine.", required_tier=tier("premium"),
            published_at=timezone.now() - dt.timedelta(days=2, hours=12),
        )

    @pytest.mark.parametrize("sort", SORTS)
    def test_a_visitor_pages_as_if_it_were_not_there(self, client, gated, sort):
        with_gated = walk(client, q=GATED_WORD, sort=sort)
        count = count_line(search_get(client, q=GATED_WORD, sort=sort))
        gated.delete()
        without = walk(client, q=GATED_WORD, sort=sort)
        assert [ids for ids, _ in with_gated] == [ids for ids, _ in without]
        assert count == count_line(search_get(client, q=GATED_WORD, sort=sort)) and "5 reports" in count

    @pytest.mark.parametrize("sort", SORTS)
    def test_a_subscriber_finds_it_in_its_place(self, client, gated, sort):
        client.force_login(SubscriptionFactory(tier=tier("premium")).user)
        pages = shown(walk(client, q=GATED_WORD, sort=sort))
        assert gated.pk in pages and len(pages) == 6
        if sort == "date":
            assert pages.index(gated.pk) == 2
