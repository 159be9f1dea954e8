"""The analysts' workflow: safe text, revisions, no lost edits, scheduling, previews, entity suggestions."""
import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from reports.models import Report
from tests.desk_forms import change_url, new_report_form, report_form, run_action
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
from tests.rendered_forms import RenderedForm

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
        """A report written through the admin with a first text, then saved with a second one."""
        new_report_form(admin_client, body="First text of the analysis.").submit(admin_client, "_save")
        report = Report.objects.get()
        report_form(admin_client, report).fill(body="Second text, rewritten.").submit(admin_client, "_save")
        report.refresh_from_db()
        assert report.body == "Second text, rewritten."
        return report

    def test_every_save_keeps_a_revision_listed_in_the_history(self, admin_client, edited_twice):
        versions = Version.objects.get_for_object(edited_twice)
        assert len(versions) == 2
        history = RenderedForm.of(admin_client, reverse("admin:reports_report_history", args=[edited_twice.pk]))
        assert (history["from"], history["to"]) == (str(versions[1].pk), str(versions[0].pk))

    def test_two_revisions_are_compared_line_by_line(self, admin_client, edited_twice):
        history = RenderedForm.of(admin_client, reverse("admin:reports_report_history", args=[edited_twice.pk]))
        page = admin_client.get(history.action, history.payload()).content.decode()
        assert "<del>− First text of the analysis.</del>" in page
        assert "<ins>+ Second text, rewritten.</ins>" in page

    @pytest.mark.parametrize("query", [{}, {"from": "abc", "to": "1"}, {"from": "99999999999999999999999", "to": "1"}])
    def test_comparing_without_two_valid_versions_is_a_404(self, admin_client, edited_twice, query):
        response = admin_client.get(reverse("admin:reports_report_compare", args=[edited_twice.pk]), query)
        assert response.status_code == 404

    def test_a_revision_restores_the_earlier_text(self, admin_client, edited_twice):
        older = Version.objects.get_for_object(edited_twice).last()
        revision_url = reverse("admin:reports_report_revision", args=[edited_twice.pk, older.pk])
        form = RenderedForm.of(admin_client, revision_url, form_id="report_form")
        assert form["body"] == "First text of the analysis."
        edited_twice.refresh_from_db()
        assert edited_twice.body == "Second text, rewritten.", "looking at a revision changes nothing"
        assert form.submit(admin_client, "_save").status_code == 302
        edited_twice.refresh_from_db()
        assert edited_twice.body == "First text of the analysis."
        assert "First text" in edited_twice.body_html

    def test_a_restore_is_refused_when_someone_saved_after_it_was_opened(self, admin_client, edited_twice):
        older = Version.objects.get_for_object(edited_twice).last()
        opened = RenderedForm.of(
            admin_client, reverse("admin:reports_report_revision", args=[edited_twice.pk, older.pk]), form_id="report_form"
        )
        report_form(admin_client, edited_twice).fill(body="Third text, by a colleague.").submit(admin_client, "_save")
        response = opened.submit(admin_client, "_save")
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
        form = report_form(admin_client, report).fill(body="Text.[1]")
        form.add_row("footnotes", position=1, text="Kept source")
        assert form.submit(admin_client, "_save").status_code == 302
        form = report_form(admin_client, report).fill(body="Text.")
        form.check("footnotes-0-DELETE")
        assert form.submit(admin_client, "_save").status_code == 302
        assert not report.footnotes.exists()
        with_note = Version.objects.get_for_object(report)[1]
        restore = RenderedForm.of(
            admin_client, reverse("admin:reports_report_revision", args=[report.pk, with_note.pk]), form_id="report_form"
        )
        assert restore.submit(admin_client, "_save").status_code == 302
        assert [note.text for note in report.footnotes.all()] == ["Kept source"]

    def test_entities_keep_revisions_too(self, admin_client):
        person = PersonFactory(name="Muhammad Al-Basri")
        form = RenderedForm.of(admin_client, change_url(person), form_id="person_form")
        assert form.fill(description="A PMU commander.").submit(admin_client, "_save").status_code == 302
        assert Version.objects.get_for_object(person).get().field_dict["description"] == "A PMU commander."


class TestNoLostEdits:
    def test_the_second_of_two_concurrent_edits_is_refused_and_keeps_its_text(self, client, editor):
        second = StaffFactory(username="second-editor", group="Editors")
        report = ReportFactory(status=Report.Status.DRAFT, published_at=None, body="Original text.")
        client.force_login(editor)
        first_tab = report_form(client, report)
        client.force_login(second)
        second_tab = report_form(client, report)
        client.force_login(editor)
        assert first_tab.fill(body="The first editor's text.").submit(client, "_save").status_code == 302
        client.force_login(second)
        response = second_tab.fill(body="The second editor's text.").submit(client, "_save")
        assert response.status_code == 200
        page = response.content.decode()
        assert "editor saved this report" in page and "NOT" in page
        assert "The second editor&#x27;s text." in page, "the refused text is still in the form"
        report.refresh_from_db()
        assert report.body == "The first editor's text."

    def test_an_editorial_action_in_between_also_refuses_a_stale_form(self, client, editor):
        report = ReportFactory(status=Report.Status.DRAFT, published_at=None)
        client.force_login(editor)
        stale = report_form(client, report)
        run_action(client, "publish", report)
        response = stale.submit(client, "_save")
        assert response.status_code == 200
        report.refresh_from_db()
        assert report.is_published(), "the stale form did not silently unpublish the report"


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


class TestEntityMentions:
    """While an analyst writes, the form asks which entities the text names but the report does not link."""

    @pytest.fixture
    def entities(self):
        hizbullah = OrganizationFactory(name="Hizbullah")
        OrganizationAliasFactory(organization=hizbullah, name="Hezbollah")
        karawi = PersonFactory(name="'Adel Al-Kar'awi")
        PersonAliasFactory(person=karawi, name="Adil al-Karawi")
        OrganizationFactory(name="Hamas")
        return hizbullah, karawi

    def ask(self, client, text, **linked):
        return client.post(reverse("admin:reports_report_mentions"), {"text": text, **linked})

    def test_entities_named_by_any_spelling_are_suggested(self, client, analyst, entities):
        hizbullah, karawi = entities
        client.force_login(analyst)
        answer = self.ask(client, "Hezbollah's allies in Iraq answered. Adil al-Karawi said: we will answer.").json()
        assert answer["mentions"] == [
            {"relation": "organizations", "id": hizbullah.pk, "name": "Hizbullah", "spelling": "Hezbollah"},
            {"relation": "people", "id": karawi.pk, "name": "'Adel Al-Kar'awi", "spelling": "Adil al-Karawi"},
        ]

    def test_entities_already_linked_are_not_suggested(self, client, analyst, entities):
        hizbullah, _ = entities
        client.force_login(analyst)
        assert self.ask(client, "Hezbollah answered.", organizations=[hizbullah.pk, "junk"]).json() == {"mentions": []}

    def test_an_entity_deleted_while_the_mentions_are_found_is_left_out(self, client, analyst, entities):
        hizbullah, karawi = entities
        client.force_login(analyst)
        deleted = []

        def delete_after_its_spellings_are_read(execute, sql, params, many, context):
            result = execute(sql, params, many, context)
            if not deleted and "reports_organizationalias" in sql:
                deleted.append(sql)
                hizbullah.delete()  # by another editor, between the spellings and the entities
            return result

        with connection.execute_wrapper(delete_after_its_spellings_are_read):
            answer = self.ask(client, "Hezbollah's allies answered. Adil al-Karawi said so.")
        assert deleted and answer.status_code == 200
        assert answer.json()["mentions"] == [
            {"relation": "people", "id": karawi.pk, "name": "'Adel Al-Kar'awi", "spelling": "Adil al-Karawi"},
        ]

    def test_the_mentions_are_asked_with_a_post(self, client, analyst):
        client.force_login(analyst)
        assert client.get(reverse("admin:reports_report_mentions")).status_code == 405

    def test_only_those_who_write_reports_may_ask(self, client, subscription_manager, entities):
        client.force_login(subscription_manager)
        assert self.ask(client, "Hezbollah answered.").status_code == 403

    def test_the_form_has_the_place_the_suggestions_go(self, client, analyst):
        client.force_login(analyst)
        page = client.get(reverse("admin:reports_report_add")).content.decode()
        assert f'data-url="{reverse("admin:reports_report_mentions")}"' in page
        assert "reports/desk/report_form.js" in page
