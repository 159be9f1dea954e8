"""
Search results kept per reader class (reports/cache/results.py): the matches, count, profile cards
and snippets of a search are made once for every visitor the access policy answers alike (the
public: anonymous visitors and readers without a tier; the readers of each tier rank) and served
to them; staff never share. Gated text reaches exactly the readers the policy names, whatever the
order of requests; the page around the kept part stays the visitor's own; a change shows at once.
"""
import datetime as dt
import re

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.cache.pages import HEADER as PAGE_HEADER
from reports.cache.results import HEADER
from reports.cache.store import made_here
from reports.models import Institution, InstitutionNetwork, Report
from reports.search import engine as search_engine
from reports.search.engine import index_reports
from tests.factories import (
    OrganizationAliasFactory,
    OrganizationFactory,
    ReportFactory,
    StaffFactory,
    SubscriptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

GATED_WORD = "zanzibarite"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Saves made in it are committed, as far as the cache and the index can tell (the test's transaction never is)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def gated(premium, committed):
    with committed():
        return ReportFactory(
            title="A militia statement for premium readers", summary="The public summary.",
            body=f"The {GATED_WORD} doctrine of the militia.", required_tier=premium,
        )


@pytest.fixture
def visitors(premium, jttm, client_for):
    """A visitor of each kind, with their own client, by the reader class the cache files them under."""
    agency = Institution.objects.create(
        name="Agency", slug="agency", tier=premium, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2099, 1, 1)
    )
    InstitutionNetwork.objects.create(institution=agency, cidr="198.51.100.0/24")
    expired = SubscriptionFactory(tier=premium, starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2021, 1, 1)).user
    return {
        "anonymous": ("public", Client()),
        "registered": ("public", client_for(UserFactory(username="registered"))),
        "expired": ("public", client_for(expired)),
        "lower tier": (f"rank-{jttm.rank}", client_for(SubscriptionFactory(tier=jttm).user)),
        "reader": (f"rank-{premium.rank}", client_for(SubscriptionFactory(tier=premium).user)),
        "institutional": (f"rank-{premium.rank}", Client(REMOTE_ADDR="198.51.100.23")),
        "staff": (None, client_for(StaffFactory(group="Analysts"))),
    }


MAY_READ = {"reader", "institutional", "staff"}


def search(client, query, **params):
    response = client.get(reverse("search"), {"q": query, **params})
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_second_visitor_of_a_class_is_served_what_the_first_was_made(visitors, gated):
    _, anonymous = visitors["anonymous"]
    _, registered = visitors["registered"]
    search(anonymous, "militia")  # asked once: made, not kept (most searches never come again)
    made, first = search(anonymous, "militia")
    kept, second = search(registered, "militia")
    assert (made[HEADER], kept[HEADER]) == ("miss", "hit")
    assert kept.context["kept_results"] == made.context["kept_results"] and "1 report<" in second
    assert 'action="/accounts/logout/"' in second and 'action="/accounts/logout/"' not in first, "the header stays theirs"
    _, reader = visitors["reader"]
    assert search(reader, "militia")[0][HEADER] == "first", "another class: made for it"
    _, staff = visitors["staff"]
    assert search(staff, "militia")[0][HEADER] == search(staff, "militia")[0][HEADER] == "off"



def test_a_search_is_kept_once_it_is_asked_again(visitors, gated, committed):
    """Most searches never come again: asked once, a search is made and nothing kept; asked again, kept."""
    _, registered = visitors["registered"]
    _, anonymous = visitors["anonymous"]
    assert [search(registered, "militia")[0][HEADER] for _ in range(3)] == ["first", "miss", "hit"]
    pages = [search(anonymous, "statement")[0] for _ in range(3)]
    assert [page[PAGE_HEADER] for page in pages] == ["miss", "miss", "hit"], "the page cache too"
    assert [page.get(HEADER) for page in pages] == ["first", "miss", None]
    with committed():
        gated.title = "A militia statement, edited"
        gated.save()
    assert search(registered, "militia")[0][HEADER] == "first", "asked anew as of the edit"

KINDS = ["anonymous", "lower tier", "reader", "institutional", "expired"]
# Every kind first and every kind after every other: the rotations of KINDS, forwards and backwards.
ORDERS = [KINDS[start:] + KINDS[:start] for start in range(len(KINDS))]
ORDERS += [list(reversed(order)) for order in ORDERS]


@pytest.mark.parametrize("order", ORDERS)
def test_gated_words_reach_exactly_the_readers_whatever_the_order(visitors, gated, order):
    for kind in order:
        _, client = visitors[kind]
        for _ in range(2):  # made, then kept
            _, page = search(client, GATED_WORD)
            assert (f"<mark>{GATED_WORD}</mark>" in page) is (kind in MAY_READ), kind
            assert ("1 report<" in page) is (kind in MAY_READ) and ("0 reports" in page) is (kind not in MAY_READ)
            _, page = search(client, "militia statement")
            assert (GATED_WORD in page) is (kind in MAY_READ), "a reader's snippet shows the body; no one else's"


def test_a_visitor_gets_their_own_csrf_token_and_query_around_the_kept_results(visitors, gated):
    _, reader = visitors["reader"]
    _, other = visitors["institutional"]
    search(reader, "Militia")  # kept when asked again
    _, first = search(reader, "Militia")
    response, second = search(other, "militia")
    assert response[HEADER] == "hit", "the same parsed query, typed otherwise"
    assert "Search results for “Militia”" in first and "Search results for “militia”" in second
    tokens = [CSRF_INPUT.search(page) for page in (first, second)]
    assert tokens[0] and tokens[0].group(1) != (tokens[1] and tokens[1].group(1))


def test_publishing_withdrawing_and_changing_access_show_at_once(visitors, gated, premium, committed):
    _, anonymous = visitors["anonymous"]
    _, reader = visitors["reader"]

    def shown(client, query=GATED_WORD):
        _, page = search(client, query)
        return re.search(r'<p class="count">(\d+) report', page).group(1)

    assert (shown(anonymous), shown(reader)) == ("0", "1")
    with committed():
        gated.access_tier = None
        gated.save()
    assert (shown(anonymous), shown(reader)) == ("1", "1"), "complimentary: the public finds it by its body"
    with committed():
        gated.status = Report.Status.WITHDRAWN
        gated.save()
    assert (shown(anonymous), shown(reader)) == ("0", "0")
    with committed():
        ReportFactory(title=f"A new {GATED_WORD} statement", required_tier=premium)
    assert (shown(anonymous), shown(reader)) == ("1", "1"), "published: found by its title"


def test_an_entity_renamed_shows_at_once_in_the_profile_cards(visitors, gated, committed):
    _, anonymous = visitors["anonymous"]
    organization = OrganizationFactory(name="Kataib Militia", slug="kataib")
    assert "Kataib Militia</a></h3>" in search(anonymous, "militia")[1]
    with committed():
        organization.name = "Kataib Hizbullah Militia"
        organization.save()
    assert "Kataib Hizbullah Militia</a></h3>" in search(anonymous, "militia")[1]


def test_an_alias_added_brings_its_profile_card_up_at_once(visitors, gated, committed):
    # The names searched for profiles are kept in each process (kept_spellings) as of the pages generation.
    _, anonymous = visitors["anonymous"]
    organization = OrganizationFactory(name="Kataib Militia", slug="kataib")
    assert "Kataib Militia</a></h3>" not in search(anonymous, "Sayyid Shuhada")[1]
    with committed():
        OrganizationAliasFactory(organization=organization, name="Kataib Sayyid al-Shuhada")
    assert "Kataib Militia</a></h3>" in search(anonymous, "Sayyid Shuhada")[1]


def test_documents_rebuilt_after_a_bulk_load_show_at_once(visitors, gated):
    """search_index_changed: a load that sends no save signals, then rebuild_search_index."""
    _, registered = visitors["registered"]  # kept results (the public's class)
    _, anonymous = visitors["anonymous"]  # the page cache
    for client in (registered, anonymous, registered, anonymous):  # kept when asked again
        assert "0 reports" in search(client, "rebuilt")[1]
    assert search(registered, "rebuilt")[0][HEADER] == "hit"
    kept_page = search(anonymous, "rebuilt")[0]
    assert kept_page[PAGE_HEADER] == "hit" and HEADER not in kept_page, "a stored page says nothing of how it was made"
    Report.objects.filter(pk=gated.pk).update(title="Rebuilt title", required_tier=None, published_at=timezone.now())
    call_command("rebuild_search_index", verbosity=0)
    response, page = search(registered, "rebuilt")
    assert response[HEADER] == "first" and "1 report<" in page, "asked anew: the documents changed"
    response, page = search(anonymous, "rebuilt")
    assert response[PAGE_HEADER] == "miss" and "1 report<" in page


def test_a_search_page_kept_for_the_public_is_not_served_once_the_documents_change(visitors, gated, committed):
    """The pages generation alone would not do: the documents are made again after the save's commit."""
    _, anonymous = visitors["anonymous"]
    for _ in range(2):  # kept when asked again
        assert "0 reports" in search(anonymous, "renamed")[1]
    assert search(anonymous, "renamed")[0][PAGE_HEADER] == "hit"
    Report.objects.filter(pk=gated.pk).update(title="Renamed militia report", required_tier=None, published_at=timezone.now())
    index_reports(Report.objects.filter(pk=gated.pk))  # new documents, and no save to replace the pages generation
    response, page = search(anonymous, "renamed")
    assert response[PAGE_HEADER] == "miss" and "1 report<" in page


def test_a_result_page_is_kept_no_longer_than_until_a_report_becomes_due(visitors, gated, committed):
    due = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=5)
    with committed():
        ReportFactory(title="A militia report to come", published_at=due)
    _, anonymous = visitors["anonymous"]
    assert "1 report<" in search(anonymous, "militia")[1]
    with time_machine.travel(due + dt.timedelta(seconds=1), tick=False):
        assert "2 reports" in search(anonymous, "militia")[1]


def test_filters_sort_and_pages_each_have_their_own_results(visitors, gated, committed):
    _, anonymous = visitors["anonymous"]
    with committed():
        ReportFactory(title="A free militia report", required_tier=None)
    for _ in range(2):  # kept when asked again
        assert "2 reports" in search(anonymous, "militia")[1]
    assert "1 report<" in search(anonymous, "militia", access="free")[1]
    assert "1 report<" in search(anonymous, "militia", access="subscribers")[1]
    response, _ = search(anonymous, "militia", access="nonsense")
    assert response[HEADER] == "hit", "a filter left out narrows nothing: the results of none"


def badge(page):
    return re.search(r'<span class="badge[^"]*">([^<]+)</span>', page).group(1)


def opens_to_everyone(report, committed):
    """Make the report complimentary five minutes from now (an access change that comes due by itself); return when."""
    due = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=5)
    with committed():
        report.access_changes_at, report.access_after = due, None
        report.save()
    return due


def test_an_access_change_that_comes_due_shows_on_the_result_lines_of_new_searches(visitors, gated, committed):
    # A result line's parts (its kicker, with the access badge, and its tags) are kept in each
    # process; the access a report has now is part of what they are kept by, as no save replaces
    # the pages generation when a change comes due.
    due = opens_to_everyone(gated, committed)
    _, anonymous = visitors["anonymous"]
    assert badge(search(anonymous, "militia")[1]) == "For Premium subscribers"
    with time_machine.travel(due + dt.timedelta(seconds=1), tick=False):
        assert badge(search(anonymous, "militia statement")[1]) == "Free to read"


def test_a_tag_added_shows_at_once_on_the_result_lines_of_new_searches(visitors, gated, committed):
    _, anonymous = visitors["anonymous"]
    assert "Drone warfare" not in search(anonymous, "militia")[1]
    with committed():
        gated.tags.add("Drone warfare")
    assert "Drone warfare</a></li>" in search(anonymous, "militia statement")[1]


def test_the_result_lines_of_reports_shown_before_are_not_read_again(visitors, gated, committed):
    _, anonymous = visitors["anonymous"]
    search(anonymous, "militia")
    with CaptureQueriesContext(connection) as queries:
        response, page = search(anonymous, "militia statement")
    assert response[PAGE_HEADER] == "miss" and "A <mark>militia</mark> <mark>statement</mark>" in page
    assert not [query for query in queries.captured_queries if "reports_series" in query["sql"]], (
        "a new search's result line for a report shown before: its kicker and tags are kept"
    )


def test_result_lines_made_by_another_process_are_read_from_the_cache(visitors, gated, committed):
    _, anonymous = visitors["anonymous"]
    assert "A <mark>militia</mark> statement" in search(anonymous, "militia")[1]
    made_here("search-result-parts", dict).clear()  # as in another worker, which has kept nothing of its own yet
    with CaptureQueriesContext(connection) as queries:
        response, page = search(anonymous, "militia statement")
    assert response[PAGE_HEADER] == "miss" and "A <mark>militia</mark> <mark>statement</mark>" in page
    assert badge(page) == "For Premium subscribers"
    assert not [query for query in queries.captured_queries if "reports_series" in query["sql"]], (
        "a result line another process made: its kicker and tags are read from the cache"
    )


def test_the_profile_cards_shown_before_are_not_read_again(visitors, gated, committed):
    _, anonymous = visitors["anonymous"]
    with committed():
        organization = OrganizationFactory(name="Kataib Militia", slug="kataib")
        OrganizationAliasFactory(organization=organization, name="Kataib Sayyid al-Shuhada")
    assert "Also written: Kataib Sayyid al-Shuhada" in search(anonymous, "militia")[1]
    with CaptureQueriesContext(connection) as queries:
        response, page = search(anonymous, "militia kataib")
    assert response[PAGE_HEADER] == "miss" and "Kataib Militia</a></h3>" in page
    assert "Also written: Kataib Sayyid al-Shuhada" in page
    assert not [query for query in queries.captured_queries if "reports_organization" in query["sql"]], (
        "a new search naming an organization shown before: its card is kept"
    )


def test_a_new_search_asks_no_edge_of_the_newest_reports_again(visitors, gated):
    _, anonymous = visitors["anonymous"]
    search(anonymous, "militia")
    with CaptureQueriesContext(connection) as queries:
        search(anonymous, "militia statement")
    assert not [query for query in queries.captured_queries if "OFFSET" in query["sql"]], (
        "the edge of the first band (the newest reports) is kept in each process: it does not change with the words"
    )


def test_a_new_search_compiles_none_of_its_statements_again(visitors, gated, monkeypatch):
    """
    The SQL of a search's statements (the branches of its matches, its count, its result lines) is
    compiled once in each process for a reader class and filters, with its moment, words, page key
    and ids left open. On SQLite, where the words are in the SQL, each search compiles its matches.
    """
    compiles = []
    compile_once = search_engine.compiled
    monkeypatch.setattr(search_engine, "compiled", lambda queryset: compiles.append(queryset.model) or compile_once(queryset))
    _, anonymous = visitors["anonymous"]
    search(anonymous, "militia")
    first = len(compiles)
    search(anonymous, "statement militia")
    if connection.vendor == "postgresql":
        assert first > 0 and len(compiles) == first
    else:
        assert first < len(compiles) < 2 * first, "the result lines' statement kept, the matches' compiled again"


def test_a_search_answers_as_of_its_own_moment_though_its_statements_are_kept(visitors, gated, committed):
    """
    An access change that comes due opens a gated word to the public's searches from that second,
    not before; and its text to their snippets, though the statement of the result lines was
    compiled and kept before.
    """
    due = opens_to_everyone(gated, committed)
    _, anonymous = visitors["anonymous"]
    _, page = search(anonymous, "militia")
    assert "1 report<" in page and "doctrine" not in page
    assert "0 reports" in search(anonymous, GATED_WORD)[1]
    with time_machine.travel(due - dt.timedelta(seconds=1), tick=False):
        assert "0 reports" in search(anonymous, f"{GATED_WORD} doctrine")[1]
    with time_machine.travel(due, tick=False):
        _, page = search(anonymous, f"doctrine {GATED_WORD}")
    assert "1 report<" in page and f"<mark>{GATED_WORD}</mark>" in page


def test_a_report_that_comes_due_after_the_edge_was_kept_is_found(visitors, gated, committed, monkeypatch):
    monkeypatch.setattr(search_engine, "FIRST_BAND", 1)
    monkeypatch.setattr(search_engine, "RANKED", 2)  # the first band: the newest two reports
    monkeypatch.setattr(search_engine, "NEXT_BAND", 1)
    now = timezone.now().replace(microsecond=0)
    due = now + dt.timedelta(minutes=5)
    with committed():
        for days in range(1, 5):
            ReportFactory(title=f"Militia dispatch {days}", required_tier=None, published_at=now - dt.timedelta(days=days))
        ReportFactory(title="Militia dispatch to come", required_tier=None, published_at=due)
    _, anonymous = visitors["anonymous"]
    assert "4 reports" in search(anonymous, "militia dispatch", sort="date")[1]
    with time_machine.travel(due + dt.timedelta(seconds=1), tick=False):
        _, page = search(anonymous, "dispatch militia", sort="date")
    assert "5 reports" in page
    titles = re.findall(r'<h2 class="teaser-title"><a href="[^"]+">(.*?)</a>', page)
    assert re.sub("</?mark>", "", titles[0]) == "Militia dispatch to come"


@pytest.mark.parametrize("kept", [True, False], ids=["cache on", "cache off"])
def test_a_report_and_a_profile_deleted_while_a_search_page_is_made_are_left_out(
    visitors, gated, committed, settings, kept
):
    # Found by the search, gone when its result line and card are made (another request deleted
    # them in between): the page shows the rest, not an error or an empty line.
    settings.CONTENT_CACHE_SECONDS = 600 if kept else 0
    _, anonymous = visitors["anonymous"]
    with committed():
        other = ReportFactory(title="Another militia statement", summary="Its summary.")
        organization = OrganizationFactory(name="Statement Militia Council", slug="council")
    search(anonymous, "nothing")  # with the cache on, the names are kept now; cards and result lines are not
    # The report is deleted once the excerpts are read (SUBSTR); the profile once the names are,
    # which with the cache off is after the excerpts.
    names_read = "SUBSTR" if kept else "normalized_name"
    deleted = []

    def delete_in_between(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if "report" not in deleted and "SUBSTR" in sql:
            deleted.append("report")
            Report.objects.filter(pk=gated.pk).delete()
        if "profile" not in deleted and names_read in sql:
            deleted.append("profile")
            organization.delete()
        return result

    with connection.execute_wrapper(delete_in_between):
        response, page = search(anonymous, "militia statement")
    assert sorted(deleted) == ["profile", "report"]
    assert response.status_code == 200
    assert "Another <mark>militia</mark> <mark>statement</mark>" in page
    assert "for premium readers" not in page and "None" not in page
    assert "Statement Militia Council</a></h3>" not in page
