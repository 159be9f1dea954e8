"""The analysts' workflow: safe text, revisions, no lost edits, scheduling, previews, entity suggestions."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from reports.models import Report
from tests.factories import (
    FootnoteFactory,
    OrganizationAliasFactory,
    OrganizationFactory,
    OutletFactory,
    PersonAliasFactory,
    PersonFactory,
    QuoteFactory,
    ReportFactory,
    ReportQuoteFactory,
    StaffFactory,
)
from tests.html_checks import live_html
from tests.test_admin import change_url, report_form

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('body')</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    '<a href=" JaVaScRiPt:alert(1)">spaced</a>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '<p style="x" onmouseover="alert(1)">hover</p>',
    '"><script>alert(2)</script>',
    "<scr<script>ipt>alert(3)</script>",
]


class TestUnsafeText:
    """Script, event-handler and javascript: payloads never reach a page as live HTML."""

    @pytest.fixture
    def hostile_report(self):
        payload = "\n\n".join(PAYLOADS)
        report = ReportFactory(title=f"Title {PAYLOADS[0]}", summary=f"Summary {PAYLOADS[1]}", body=f"Body\n\n{payload}")
        outlet = OutletFactory(url="javascript:alert('outlet')", name=f"Outlet {PAYLOADS[2]}")
        report.outlets.add(outlet)
        FootnoteFactory(report=report, position=1, text=payload, url="javascript:alert('note')", outlet=outlet)
        person = PersonFactory(name=f"Speaker {PAYLOADS[1]}")
        quote = QuoteFactory(person=person, outlet=outlet, translation=payload, original_text=payload)
        ReportQuoteFactory(report=report, quote=quote)
        report.people.add(person)
        return report

    @pytest.mark.parametrize("page", ["detail", "print", "person", "outlet", "home", "feed"])
    def test_no_payload_is_live_on_any_page(self, client, hostile_report, page):
        urls = {
            "detail": hostile_report.get_absolute_url(),
            "print": reverse("report_print", args=[hostile_report.slug]),
            "person": hostile_report.people.get().get_absolute_url(),
            "outlet": hostile_report.outlets.get().get_absolute_url(),
            "home": reverse("home"),
        }
        if page == "feed":
            content = client.get(reverse("feed_rss")).content.decode()
            assert "<script" not in content and "onerror=" not in content.replace("onerror=&amp;", "")
            return
        response = client.get(urls[page])
        assert response.status_code == 200
        assert live_html(response.content.decode()) == []

    def test_the_text_around_the_payloads_survives(self, client, hostile_report):
        page = client.get(hostile_report.get_absolute_url()).content.decode()
        assert "hover" in page and "spaced" in page


class TestRevisions:
    @pytest.fixture
    def edited_twice(self, admin_client):
        """A report saved through the admin with a first text, then a second one."""
        admin_client.post(reverse("admin:reports_report_add"), report_form(body="First text of the analysis."))
        report = Report.objects.get()
        admin_client.post(change_url(report), report_form(report, body="Second text, rewritten."))
        report.refresh_from_db()
        assert report.body == "Second text, rewritten."
        return report

    def test_every_save_keeps_a_revision_listed_in_the_history(self, admin_client, edited_twice):
        versions = Version.objects.get_for_object(edited_twice)
        assert len(versions) == 2
        history = admin_client.get(reverse("admin:reports_report_history", args=[edited_twice.pk])).content.decode()
        assert f'value="{versions[1].pk}"' in history and "Compare the chosen versions" in history

    def test_two_revisions_are_compared_line_by_line(self, admin_client, edited_twice):
        newer, older = Version.objects.get_for_object(edited_twice)
        response = admin_client.get(
            reverse("admin:reports_report_compare", args=[edited_twice.pk]), {"from": older.pk, "to": newer.pk}
        )
        page = response.content.decode()
        assert "<del>− First text of the analysis.</del>" in page
        assert "<ins>+ Second text, rewritten.</ins>" in page

    @pytest.mark.parametrize("query", [{}, {"from": "abc", "to": "1"}, {"from": "99999999999999999999999", "to": "1"}])
    def test_comparing_without_two_valid_versions_is_a_404(self, admin_client, edited_twice, query):
        response = admin_client.get(reverse("admin:reports_report_compare", args=[edited_twice.pk]), query)
        assert response.status_code == 404

    def test_a_revision_restores_the_earlier_text(self, admin_client, edited_twice):
        older = Version.objects.get_for_object(edited_twice).last()
        revision_url = reverse("admin:reports_report_revision", args=[edited_twice.pk, older.pk])
        assert "First text of the analysis." in admin_client.get(revision_url).content.decode()
        edited_twice.refresh_from_db()
        assert edited_twice.body == "Second text, rewritten.", "looking at a revision changes nothing"
        response = admin_client.post(revision_url, report_form(edited_twice, body="First text of the analysis."))
        assert response.status_code == 302
        edited_twice.refresh_from_db()
        assert edited_twice.body == "First text of the analysis."
        assert "First text" in edited_twice.body_html

    def test_a_restore_is_refused_when_someone_saved_after_it_was_opened(self, admin_client, edited_twice):
        older = Version.objects.get_for_object(edited_twice).last()
        revision_url = reverse("admin:reports_report_revision", args=[edited_twice.pk, older.pk])
        opened = report_form(edited_twice, body="First text of the analysis.")
        admin_client.post(change_url(edited_twice), report_form(edited_twice, body="Third text, by a colleague."))
        response = admin_client.post(revision_url, opened)
        assert response.status_code == 200 and "NOT" in response.content.decode()
        edited_twice.refresh_from_db()
        assert edited_twice.body == "Third text, by a colleague."

    @pytest.mark.parametrize("object_id", ["abc", "999999"])
    def test_a_revision_of_an_unknown_report_is_not_an_error(self, admin_client, edited_twice, object_id):
        older = Version.objects.get_for_object(edited_twice).last()
        response = admin_client.get(f"/admin/reports/report/{object_id}/history/{older.pk}/")
        assert response.status_code in (302, 404)

    def test_restoring_a_revision_brings_back_deleted_footnotes(self, admin_client):
        report = ReportFactory()
        data = report_form(report) | {"footnotes-TOTAL_FORMS": "1", "footnotes-0-position": "1", "footnotes-0-text": "Kept source"}
        admin_client.post(change_url(report), data)
        footnote = report.footnotes.get()
        report.refresh_from_db()
        data = report_form(report) | {
            "footnotes-TOTAL_FORMS": "1", "footnotes-INITIAL_FORMS": "1", "footnotes-0-id": footnote.pk,
            "footnotes-0-report": report.pk, "footnotes-0-position": "1", "footnotes-0-text": "Kept source",
            "footnotes-0-DELETE": "on",
        }
        admin_client.post(change_url(report), data)
        assert not report.footnotes.exists()
        Version.objects.get_for_object(report).last().revision.revert(delete=True)
        assert [note.text for note in report.footnotes.all()] == ["Kept source"]

    def test_entities_keep_revisions_too(self, admin_client):
        person = PersonFactory(name="Muhammad Al-Basri")
        data = {"name": person.name, "slug": person.slug, "description": "A PMU commander.",
                "aliases-TOTAL_FORMS": "0", "aliases-INITIAL_FORMS": "0", "roles-TOTAL_FORMS": "0", "roles-INITIAL_FORMS": "0"}
        assert admin_client.post(change_url(person), data).status_code == 302
        assert Version.objects.get_for_object(person).get().field_dict["description"] == "A PMU commander."


class TestNoLostEdits:
    def test_the_second_of_two_concurrent_edits_is_refused_and_keeps_its_text(self, client):
        first, second = StaffFactory(username="first-analyst", group="Analysts"), StaffFactory(username="second-analyst", group="Analysts")
        report = ReportFactory(status=Report.Status.DRAFT, published_at=None, body="Original text.")
        opened = report_form(report)  # both open the same version of the form
        client.force_login(first)
        assert client.post(change_url(report), opened | {"body": "The first analyst's text."}).status_code == 302
        client.force_login(second)
        response = client.post(change_url(report), opened | {"body": "The second analyst's text."})
        assert response.status_code == 200
        page = response.content.decode()
        assert "first-analyst saved this report" in page and "NOT" in page
        assert "The second analyst&#x27;s text." in page, "the refused text is still in the form"
        report.refresh_from_db()
        assert report.body == "The first analyst's text."

    def test_an_editorial_action_in_between_also_refuses_a_stale_form(self, client, editor):
        report = ReportFactory(status=Report.Status.DRAFT, published_at=None)
        stale = report_form(report, status="draft")
        client.force_login(editor)
        client.post(reverse("admin:reports_report_changelist"), {"action": "publish", "_selected_action": [report.pk]})
        response = client.post(change_url(report), stale)
        assert response.status_code == 200
        report.refresh_from_db()
        assert report.is_published(), "the stale form did not silently unpublish the report"

    def test_saving_twice_in_a_row_works(self, admin_client):
        report = ReportFactory()
        assert admin_client.post(change_url(report), report_form(report, body="One")).status_code == 302
        report.refresh_from_db()
        assert admin_client.post(change_url(report), report_form(report, body="Two")).status_code == 302


def test_a_report_scheduled_one_minute_ahead_is_hidden_before_and_shown_after(client):
    now = timezone.now().replace(microsecond=0)
    report = ReportFactory(published_at=now + dt.timedelta(minutes=1))
    with time_machine.travel(now, tick=False):
        assert client.get(report.get_absolute_url()).status_code == 404
        assert report.slug not in client.get(reverse("feed_atom")).content.decode()
    with time_machine.travel(now + dt.timedelta(minutes=1), tick=False):
        assert client.get(report.get_absolute_url()).status_code == 200
        assert report.slug in client.get(reverse("feed_atom")).content.decode()


class TestPreviews:
    """Desk staff see a report as each audience would."""

    BODY = "PREVIEW-MARKER-the-gated-analysis"

    @pytest.fixture
    def premium_report(self, premium):
        return ReportFactory(required_tier=premium, body=self.BODY)

    @pytest.mark.parametrize(
        "audience, reads, invitation",
        [
            ("anonymous", False, "Log in to read on"),
            ("registered", False, "Your account does not include this tier"),
            ("jttm", False, "Your account does not include this tier"),
            ("premium", True, None),
            ("", True, None),
        ],
    )
    def test_previews_show_what_each_audience_sees(self, client, analyst, premium_report, audience, reads, invitation):
        client.force_login(analyst)
        response = client.get(premium_report.get_absolute_url(), {"as": audience})
        page = response.content.decode()
        assert (self.BODY in page) is reads
        if invitation:
            assert invitation in page
        assert "no-cache" in response["Cache-Control"]

    def test_the_preview_bar_offers_every_audience(self, client, analyst, premium_report):
        client.force_login(analyst)
        page = client.get(premium_report.get_absolute_url()).content.decode()
        for key in ("anonymous", "registered", "jttm", "premium"):
            assert f'href="?as={key}"' in page

    def test_readers_cannot_use_previews_to_read(self, client, jttm_subscriber, premium_report):
        client.force_login(jttm_subscriber)
        page = client.get(premium_report.get_absolute_url(), {"as": "premium"}).content.decode()
        assert self.BODY not in page and "Preview" not in page

    def test_the_report_form_links_to_the_previews(self, admin_client, premium_report):
        page = admin_client.get(change_url(premium_report)).content.decode()
        assert f"{premium_report.get_absolute_url()}?as=anonymous" in page


class TestEntitySuggestions:
    @pytest.fixture
    def report_mentioning_aliases(self):
        hizbullah = OrganizationFactory(name="Hizbullah")
        OrganizationAliasFactory(organization=hizbullah, name="Hezbollah")
        karawi = PersonFactory(name="'Adel Al-Kar'awi")
        PersonAliasFactory(person=karawi, name="Adil al-Karawi")
        OrganizationFactory(name="Hamas")
        report = ReportFactory(body="Hezbollah's allies in Iraq answered.")
        ReportQuoteFactory(report=report, quote=QuoteFactory(person=karawi, translation="Adil al-Karawi said: we will answer."))
        return report, hizbullah, karawi

    def test_unlinked_entities_are_suggested_by_any_spelling(self, admin_client, report_mentioning_aliases):
        report, hizbullah, karawi = report_mentioning_aliases
        page = admin_client.get(change_url(report)).content.decode()
        assert f'value="organizations:{hizbullah.pk}"' in page and "written “Hezbollah”" in page
        assert f'value="people:{karawi.pk}"' in page and "written “Adil al-Karawi”" in page
        assert "Hamas" not in page

    def test_one_click_links_the_suggestion(self, admin_client, report_mentioning_aliases):
        report, hizbullah, _ = report_mentioning_aliases
        url = reverse("admin:reports_report_link_entity", args=[report.pk])
        response = admin_client.post(url, {"entity": f"organizations:{hizbullah.pk}"})
        assert response.status_code == 302
        assert list(report.organizations.all()) == [hizbullah]
        assert f'value="organizations:{hizbullah.pk}"' not in admin_client.get(change_url(report)).content.decode()

    @pytest.mark.parametrize("value", ["", "organizations:abc", "weapons:1", "organizations:999999"])
    def test_a_bad_link_request_is_a_404(self, admin_client, report_mentioning_aliases, value):
        report, *_ = report_mentioning_aliases
        response = admin_client.post(reverse("admin:reports_report_link_entity", args=[report.pk]), {"entity": value})
        assert response.status_code == 404

    def test_only_those_who_may_edit_the_report_can_link(self, client, subscription_manager, report_mentioning_aliases):
        report, hizbullah, _ = report_mentioning_aliases
        client.force_login(subscription_manager)
        client.post(reverse("admin:reports_report_link_entity", args=[report.pk]), {"entity": f"organizations:{hizbullah.pk}"})
        assert not report.organizations.exists()
