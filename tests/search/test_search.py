"""Search: spellings, syntax, the paywall, snippets, the index kept current, and a fixed query count."""
import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports.models import Report
from reports.models.reports import tags_in_use
from reports.search.engine import search_reports
from reports.site import forms
from tests.factories import (
    FootnoteFactory,
    OrganizationAliasFactory,
    OrganizationFactory,
    PersonAliasFactory,
    PersonFactory,
    ProgrammeFactory,
    QuoteFactory,
    ReportFactory,
    ReportQuoteFactory,
    StaffFactory,
    SubscriptionFactory,
    UserFactory,
    tier,
)

pytestmark = pytest.mark.django_db
GATED_WORD = "zanzibarite"
BODY_MARKER = "BODYMARKER"


def found(query, user=None):
    return [report.slug for report in search_reports(query, user or AnonymousUser())]


@pytest.fixture
def desk():
    """A free report naming a commander and a party; a premium one with a word only in its gated text."""
    hizbullah = OrganizationFactory(name="Hizbullah", slug="hizbullah")
    for alias in ("Hezbollah", "Hizballah"):
        OrganizationAliasFactory(organization=hizbullah, name=alias)
    karawi = PersonFactory(name="'Adel Al-Kar'awi", slug="karawi")
    PersonAliasFactory(person=karawi, name="Adil al-Karawi")
    free = ReportFactory(
        slug="free", title="Militia commanders threaten to resume attacks",
        summary="Commanders of Iraqi militias threatened U.S. bases.",
        body="The militias said they would resume attacks on the bases if the war went on.",
    )
    free.organizations.add(hizbullah)
    free.people.add(karawi)
    free.tags.add("threats")
    gated = ReportFactory(
        slug="gated", title="A militia statement on shipping", summary="The statement's public summary.",
        body=f"Gated analysis {BODY_MARKER}: the {GATED_WORD} doctrine of the militia.", required_tier=tier("premium"),
    )
    return free, gated


class TestSpellings:
    @pytest.mark.parametrize("query", ["Hizbullah", "Hezbollah", "Hizballah", "HIZBALLAH", "hezbollah's"])
    def test_every_spelling_of_an_organization_finds_its_reports(self, desk, query):
        assert found(query) == ["free"]

    @pytest.mark.parametrize(
        "query",
        ["'Adel Al-Kar'awi", "Adil al-Karawi", "Kar`awi", "Kar’awi", "ʿAdel al-Karʿawi", "Karawi", "el-Karawi", "ad-Karawi"],
    )
    def test_every_transliteration_of_a_person_finds_their_reports(self, desk, query):
        assert found(query) == ["free"]

    def test_diacritics_and_case_are_folded(self, desk):
        assert found("MILÍTIA commanders") == ["free"]

    def test_an_alias_added_later_finds_the_reports_at_once(self, desk):
        OrganizationAliasFactory(organization=desk[0].organizations.get(), name="Hizb Allah")
        assert found('"Hizb Allah"') == ["free"]


class TestSyntax:
    def test_a_phrase_matches_only_the_words_in_that_order(self, desk):
        assert found('"resume attacks"') == ["free"]
        assert found('"attacks resume"') == []

    def test_a_minus_word_excludes_reports_holding_it(self, desk):
        assert set(found("militia")) == {"free", "gated"}
        assert found("militia -shipping") == ["free"]

    def test_or_finds_either(self, desk):
        assert set(found("shipping OR commanders")) == {"free", "gated"}
        assert found("shipping commanders") == []

    def test_words_are_stemmed(self, desk):
        assert found("threatening bases") == ["free"]

    @pytest.mark.parametrize("query", ["", "   ", '"', "OR", "-militia", "al-", "\x00", "ا" * 600, '"unclosed phrase'])
    def test_odd_queries_answer_a_page_not_an_error(self, client, desk, query):
        response = client.get(reverse("search"), {"q": query})
        assert response.status_code == 200


class TestPaywall:
    """A word only in gated text is found only by those who may read it."""

    @pytest.mark.parametrize(
        "visitor, finds",
        [("anonymous", False), ("registered", False), ("lower_tier", False), ("premium", True), ("staff", True)],
    )
    def test_a_gated_word_is_found_only_by_readers(self, client, desk, visitor, finds):
        user = {
            "anonymous": None,
            "registered": UserFactory(),
            "lower_tier": SubscriptionFactory(tier=tier("jttm")).user,
            "premium": SubscriptionFactory(tier=tier("premium")).user,
            "staff": StaffFactory(group="Analysts"),
        }[visitor]
        assert (found(GATED_WORD, user) == ["gated"]) is finds
        if user:
            client.force_login(user)
        page = client.get(reverse("search"), {"q": GATED_WORD}).content.decode()
        assert ("1 report<" in page) is finds
        assert ("0 reports" in page) is not finds

    def test_excluding_a_gated_word_does_not_reveal_it(self, desk):
        assert set(found(f"militia -{GATED_WORD}")) == {"free", "gated"}
        premium = SubscriptionFactory(tier=tier("premium")).user
        assert found(f"militia -{GATED_WORD}", premium) == ["free"]

    def test_gated_text_does_not_change_the_public_ranking(self, desk):
        free, gated = desk
        before = found("militia")
        gated.body = "militia " * 50
        gated.save()
        assert found("militia") == before

    def test_the_snippet_of_a_gated_report_holds_no_body_text(self, client, desk):
        page = client.get(reverse("search"), {"q": "militia statement"}).content.decode()
        assert "The statement&#x27;s public summary." in page or "public summary" in page
        assert BODY_MARKER not in page and GATED_WORD not in page

    def test_a_reader_sees_a_highlighted_snippet_from_the_text(self, client, desk):
        client.force_login(SubscriptionFactory(tier=tier("premium")).user)
        page = client.get(reverse("search"), {"q": GATED_WORD}).content.decode()
        assert f"<mark>{GATED_WORD}</mark>" in page


class TestIndexKeptCurrent:
    def test_an_edited_body_is_found_by_its_new_words(self, desk):
        free, _ = desk
        free.body = "A new paragraph about drones."
        free.save()
        assert found("drones") == ["free"]
        assert found("bases if the war") == []

    def test_footnotes_tags_and_quotes_are_searched(self, desk):
        free, _ = desk
        FootnoteFactory(report=free, position=9, text="Broadcast on Al-Masirah")
        free.tags.add("Red Sea")
        ReportQuoteFactory(report=free, quote=QuoteFactory(translation="We will close the strait"))
        assert found("masirah") == ["free"]
        assert found('"red sea"') == ["free"]
        assert found("strait") == ["free"]

    def test_a_withdrawn_report_is_no_longer_found(self, desk):
        free, _ = desk
        free.status = Report.Status.WITHDRAWN
        free.save()
        assert found("commanders") == []


class TestResultsPage:
    def test_matching_profiles_come_first_as_cards(self, client, desk):
        page = client.get(reverse("search"), {"q": "Karawi"}).content.decode()
        assert page.index("entity-card") < page.index('class="teaser result"')
        assert "/people/karawi/" in page

    def test_a_name_among_other_words_still_brings_up_its_profile(self, client, desk):
        page = client.get(reverse("search"), {"q": "Adil militias threats"}).content.decode()
        assert re.findall(r'<h3><a href="([^"]+)">', page) == ["/people/karawi/"]

    def test_sorting_by_date_puts_the_newest_first(self, client, desk):
        response = client.get(reverse("search"), {"q": "militia", "sort": "date"})
        newest_first = sorted(desk, key=lambda report: report.published_at, reverse=True)
        assert response.context["page"].ids == [report.pk for report in newest_first]

    def test_filters_narrow_the_results(self, client, desk):
        response = client.get(reverse("search"), {"q": "militia", "access": "free"})
        assert response.context["page"].ids == [desk[0].pk]

    def test_a_tag_joins_the_filter_choices_when_its_first_report_is_published(self, client, desk):
        due = timezone.now().replace(microsecond=0) + dt.timedelta(minutes=5)
        ReportFactory(title="Militia report to come", published_at=due).tags.add("Coastal drones")

        def tag_choices():
            page = client.get(reverse("search"), {"q": "militia"}).content.decode()
            return re.findall(r'<option value="([^"]*)"', page[page.index('name="tag"'):].split("</select>")[0])

        with time_machine.travel(due - dt.timedelta(seconds=1), tick=False):
            assert "coastal-drones" not in tag_choices()
        with time_machine.travel(due, tick=False):
            assert "coastal-drones" in tag_choices(), "the choices are the tags in use as of the request"

    def test_a_search_without_a_tag_does_not_build_the_query_of_the_tags_in_use(self, desk, monkeypatch):
        asked = []
        monkeypatch.setattr(forms, "tags_in_use", lambda: asked.append("tags in use") or tags_in_use())
        form = forms.ReportFilterForm({"q": "militia", "series": ""})
        form.filter(Report.objects.all())
        assert asked == [], "a form that neither is given a tag nor shows its choices"
        form = forms.ReportFilterForm({"tag": "threats"})
        assert [report.slug for report in form.filter(Report.objects.all())] == ["free"]
        assert asked == ["tags in use"]

    def test_a_search_given_no_filter_answers_as_its_form_would_without_making_one(self, desk):
        params = QueryDict("q=militia&sort=date")
        none_given, form = forms.ReportFilterForm.given_in(params), forms.ReportFilterForm(params)
        assert not isinstance(none_given, forms.ReportFilterForm)
        assert (none_given.applied(), none_given.ignored) == (form.applied(), form.ignored) == ((), [])
        assert list(none_given.fields) == list(form.fields)
        assert str(none_given.filter(Report.objects.all()).query) == str(form.filter(Report.objects.all()).query)
        assert isinstance(forms.ReportFilterForm.given_in(QueryDict("q=militia&series=")), forms.ReportFilterForm)

    def test_the_filter_panel_opens_where_a_filter_was_chosen(self, client, desk):
        def panel(params):
            page = client.get(reverse("search"), params).content.decode()
            return page, re.search(r'<details class="filters"( open)?>', page).group(1) is not None

        page, opened = panel({"q": "militia"})
        assert not opened
        form = page[page.index('<form method="get" class="filter-form">'):]
        form = form[:form.index("</form>")]
        # The form sent as the page shows it: every field at its first choice, empty.
        sent = {name: "" for name in re.findall(r'<(?:select|input)[^>]* name="([^"]+)"', form)}
        sent.update(q="militia", sort="relevance")
        assert {"series", "programme", "tag", "access", "since", "until"} <= sent.keys()
        assert not panel(sent)[1], "nothing chosen"
        programme = ProgrammeFactory(name="Jihad and Terrorism Threat Monitor", slug="jttm-programme")
        assert panel({**sent, "programme": programme.slug})[1]
        page, opened = panel({**sent, "since": "not a date"})
        assert opened and "Some filters could not be used" in page

    def test_the_query_count_is_the_same_for_one_result_and_twenty(self, client, desk, settings):
        settings.CONTENT_CACHE_SECONDS = 0  # the results made every time, not kept (reports.cache.results)

        def count_queries():
            client.get(reverse("search"), {"q": "militia"})
            with CaptureQueriesContext(connection) as queries:
                client.get(reverse("search"), {"q": "militia"})
            return len(queries)

        few = count_queries()
        for number in range(20):
            report = ReportFactory(title=f"Militia report {number}")
            report.tags.add(f"tag {number}", f"other {number}")
        assert count_queries() == few


def test_rebuilding_the_index_finds_reports_loaded_without_signals(desk):
    from django.core.management import call_command

    assert found("commanders") == ["free"]
    Report.objects.filter(slug="free").update(search_public="", search_full="", search_vector_public=None, search_vector_full=None)
    assert found("commanders") == []
    call_command("rebuild_search_index", verbosity=0)
    assert found("commanders") == ["free"]


def test_a_save_is_indexed_when_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = ReportFactory(title="Drone strike claimed")
        report.tags.add("drones")
    report.refresh_from_db()
    assert " drone strike claim " in report.search_public
    assert " drone " in report.search_full
