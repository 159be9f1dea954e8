"""
Review before anything goes live, and roles on every path that writes a report.

Each test goes through the pages as the desk does (forms built from what the page rendered) and
then checks what readers get: the public page, the feed, search and the API keep the approved text
until an editor approves a change.
"""
import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from reports.models import Quote, Report, ReportSnapshot, Review
from tests.desk_forms import change_url, new_report_form, report_form, run_action
from tests.factories import (
    FootnoteFactory,
    OrganizationFactory,
    OutletFactory,
    PersonFactory,
    QuoteFactory,
    ReportFactory,
    ReportQuoteFactory,
    SeriesFactory,
    StaffFactory,
)
from tests.rendered_forms import RenderedForm, errors_in

pytestmark = pytest.mark.django_db

# Words of their own, so that search finds them or not.
LIVE_TEXT = "Zeppelinbrigade: the approved analysis"
CHANGED_TEXT = "Quokkabattalion: the change awaiting an editor"


def review_page(client, review):
    return RenderedForm.of(client, reverse("admin:reports_review_change", args=[review.pk]), form_id=None)


def decide(client, review, decision, **values):
    form = review_page(client, review).fill(**values)
    return form.submit(client, "decision", decision)


def public_text(client, report):
    """What an anonymous reader gets of the report: its page (through the page cache), the feed, the API and search."""
    client.logout()
    page = client.get(report.get_absolute_url()).content.decode()
    feed = client.get(reverse("feed_rss")).content.decode()
    api = client.get(f"/api/v1/reports/{report.slug}/").content.decode()
    for word in ("Zeppelinbrigade", "Quokkabattalion"):
        results = client.get(reverse("search"), {"q": word}).content.decode().split('class="count"', 1)[-1]
        if report.title in results:
            page += f" search finds {word}"
    return page + feed + api


def revisions(report):
    return Version.objects.get_for_object(report)


@pytest.fixture
def live(db):
    """A published, complimentary report an analyst may change only through review."""
    return ReportFactory(body=f"{LIVE_TEXT} [1]", title="The live report")


@pytest.fixture
def live_with_note(live):
    FootnoteFactory(report=live, position=1, text="A first source.")
    return live


def propose(client, analyst, report, body=f"{CHANGED_TEXT} [1]", submit=True):
    client.force_login(analyst)
    form = report_form(client, report).fill(body=body)
    response = form.submit(client, "_submit" if submit else "_save")
    assert response.status_code == 302, errors_in(response)
    return Review.objects.open().get(report=report)


class TestChangesToReleasedReports:
    def test_an_analysts_save_is_kept_as_a_change_and_readers_keep_the_approved_text(self, client, analyst, live_with_note):
        public_text(client, live_with_note)  # pages kept in the cache before the change
        version = live_with_note.version
        review = propose(client, analyst, live_with_note, submit=False)
        live_with_note.refresh_from_db()
        assert LIVE_TEXT in live_with_note.body and live_with_note.version == version + 1
        assert review.status == Review.Status.IN_PROGRESS and CHANGED_TEXT in review.content["body"]
        readers_get = public_text(client, live_with_note)
        assert LIVE_TEXT in readers_get and CHANGED_TEXT not in readers_get
        assert "search finds Zeppelinbrigade" in readers_get and "search finds Quokkabattalion" not in readers_get
        assert not revisions(live_with_note).exists(), "the history holds what readers were shown"

    def test_the_analyst_goes_on_with_their_change_where_they_left_it(self, client, analyst, live_with_note):
        propose(client, analyst, live_with_note, submit=False)
        page = client.get(change_url(live_with_note)).content.decode()
        assert CHANGED_TEXT in page and "Not submitted yet" in page
        assert report_form(client, live_with_note)["body"] == f"{CHANGED_TEXT} [1]"

    def test_an_editor_approves_the_change_and_readers_get_it(self, client, analyst, editor, live_with_note):
        assert CHANGED_TEXT not in public_text(client, live_with_note)  # and kept in the cache
        review = propose(client, analyst, live_with_note)
        assert review.status == Review.Status.PENDING
        client.force_login(editor)
        assert "1 awaiting your review" in client.get(reverse("admin:index")).content.decode()
        page = client.get(reverse("admin:reports_review_change", args=[review.pk])).content.decode()
        assert f"<del>− {LIVE_TEXT} [1]</del>" in page and f"<ins>+ {CHANGED_TEXT} [1]</ins>" in page
        assert decide(client, review, "approve", comment="Good.").status_code == 302
        review.refresh_from_db()
        live_with_note.refresh_from_db()
        assert review.status == Review.Status.APPROVED and review.reviewed_by == editor
        assert CHANGED_TEXT in live_with_note.body and live_with_note.updated_by == editor
        readers_get = public_text(client, live_with_note)
        assert CHANGED_TEXT in readers_get and LIVE_TEXT not in readers_get
        assert "search finds Quokkabattalion" in readers_get and "search finds Zeppelinbrigade" not in readers_get
        assert revisions(live_with_note).first().revision.get_comment() == "Approved the change by analyst"

    def test_an_editor_opening_the_report_works_on_the_change_and_saving_publishes_it(self, client, analyst, editor, live_with_note):
        review = propose(client, analyst, live_with_note)
        client.force_login(editor)
        form = report_form(client, live_with_note)
        assert form["body"] == f"{CHANGED_TEXT} [1]"
        assert "Saving publishes it." in client.get(change_url(live_with_note)).content.decode()
        assert form.submit(client, "_save").status_code == 302
        review.refresh_from_db()
        live_with_note.refresh_from_db()
        assert review.status == Review.Status.APPROVED and CHANGED_TEXT in live_with_note.body

    def test_sending_back_needs_a_comment_that_the_analyst_then_reads(self, client, analyst, editor, live_with_note):
        review = propose(client, analyst, live_with_note)
        client.force_login(editor)
        refused = decide(client, review, "send_back")
        assert refused.status_code == 200 and "Say what the analyst should change" in refused.content.decode()
        assert decide(client, review, "send_back", comment="Name the source of the second claim.").status_code == 302
        review.refresh_from_db()
        assert review.status == Review.Status.SENT_BACK
        client.force_login(analyst)
        page = client.get(change_url(live_with_note)).content.decode()
        assert "Sent back" in page and "Name the source of the second claim." in page
        live_with_note.refresh_from_db()
        assert LIVE_TEXT in live_with_note.body

    def test_the_analyst_discards_their_change_and_works_on_the_live_text_again(self, client, analyst, live_with_note):
        review = propose(client, analyst, live_with_note)
        assert decide(client, review, "discard").status_code == 302
        review.refresh_from_db()
        assert review.status == Review.Status.DISCARDED
        assert report_form(client, live_with_note)["body"] == f"{LIVE_TEXT} [1]"

    def test_a_decision_on_a_page_opened_before_another_save_is_refused(self, client, analyst, editor, live_with_note):
        review = propose(client, analyst, live_with_note)
        client.force_login(editor)
        opened = review_page(client, review)
        propose(client, analyst, live_with_note, body="A later change [1]")
        client.force_login(editor)
        response = opened.submit(client, "decision", "approve")
        assert response.status_code == 200 and "saved after you opened this page" in response.content.decode()
        live_with_note.refresh_from_db()
        assert LIVE_TEXT in live_with_note.body

    def test_a_change_of_a_quote_waits_for_review_too(self, client, analyst, editor, live_with_note):
        quote = QuoteFactory(translation="The first translation.")
        ReportQuoteFactory(report=live_with_note, quote=quote, position=1)
        client.force_login(analyst)
        form = report_form(client, live_with_note).fill(**{"quotes-0-translation": "A better translation."})
        assert form.submit(client, "_submit").status_code == 302
        quote.refresh_from_db()
        assert quote.translation == "The first translation."
        client.force_login(editor)
        decide(client, Review.objects.get(report=live_with_note), "approve")
        quote.refresh_from_db()
        assert quote.translation == "A better translation."


class TestDrafts:
    def test_a_draft_is_its_analysts_own_until_submitted(self, client, analyst):
        colleague = Client()
        colleague.force_login(StaffFactory(username="colleague", group="Analysts"))
        client.force_login(analyst)
        new_report_form(client, title="Notes in progress").submit(client, "_save")
        draft = Report.objects.get(title="Notes in progress")
        assert "Notes in progress" not in colleague.get(reverse("admin:reports_report_changelist")).content.decode()
        assert colleague.get(change_url(draft)).status_code == 302, "another analyst cannot open it"
        assert report_form(client, draft).submit(client, "_submit").status_code == 302
        assert colleague.get(change_url(draft)).status_code == 200

    def test_an_editor_publishes_a_submitted_draft_as_complimentary(self, client, analyst, editor, jttm):
        client.force_login(analyst)
        new_report_form(client, title="Militias renew threats").submit(client, "_submit")
        draft = Report.objects.get(title="Militias renew threats")
        review = Review.objects.get(report=draft, status=Review.Status.PENDING, kind=Review.Kind.PUBLICATION)
        assert draft.required_tier == jttm
        client.force_login(editor)
        now = timezone.localtime()
        response = decide(
            client, review, "approve", required_tier="",
            published_at_0=now.strftime("%Y-%m-%d"), published_at_1=now.strftime("%H:%M:%S"),
        )
        assert response.status_code == 302, errors_in(response)
        draft.refresh_from_db()
        assert draft.is_published() and draft.is_complimentary
        client.logout()
        assert "The body." in client.get(draft.get_absolute_url()).content.decode()

    def test_an_editor_schedules_a_submitted_draft(self, client, analyst, editor):
        client.force_login(analyst)
        new_report_form(client, title="Out tomorrow").submit(client, "_submit")
        draft = Report.objects.get(title="Out tomorrow")
        client.force_login(editor)
        tomorrow = timezone.localtime() + dt.timedelta(days=1)
        decide(client, Review.objects.get(report=draft), "approve",
               published_at_0=tomorrow.strftime("%Y-%m-%d"), published_at_1="09:00:00")
        draft.refresh_from_db()
        assert draft.state == Report.SCHEDULED
        client.logout()
        assert client.get(draft.get_absolute_url()).status_code == 404

    def test_a_draft_an_editor_publishes_from_the_list_leaves_the_queue(self, client, analyst, editor):
        client.force_login(analyst)
        new_report_form(client, title="Ready").submit(client, "_submit")
        draft = Report.objects.get(title="Ready")
        client.force_login(editor)
        run_action(client, "publish", draft)
        assert Review.objects.get(report=draft).status == Review.Status.APPROVED


class TestRolesOnEveryPath:
    """Only editors publish, schedule, withdraw or change access, whichever path an analyst tries, forged fields and all."""

    STATE = {"status": "withdrawn", "published_at_0": "2030-01-01", "published_at_1": "10:00", "required_tier": "1"}

    def state(self, report):
        report.refresh_from_db()
        return report.status, report.published_at, report.required_tier_id

    def test_the_form(self, client, analyst, live_with_note):
        before = self.state(live_with_note)
        client.force_login(analyst)
        report_form(client, live_with_note).forge(**self.STATE).submit(client, "_submit")
        assert self.state(live_with_note) == before
        assert set(Review.objects.get().content) >= {"body"} and "status" not in Review.objects.get().content

    def test_the_restore_of_a_revision_made_when_the_report_was_withdrawn(self, client, analyst, editor, live_with_note):
        client.force_login(editor)
        run_action(client, "withdraw", live_with_note)
        run_action(client, "publish", live_with_note)
        withdrawn = revisions(live_with_note)[1]
        assert withdrawn.revision.get_comment() == "Withdrawn"
        before = self.state(live_with_note)
        client.force_login(analyst)
        url = reverse("admin:reports_report_revision", args=[live_with_note.pk, withdrawn.pk])
        assert RenderedForm.of(client, url, form_id="report_form").forge(**self.STATE).submit(client, "_save").status_code == 302
        assert self.state(live_with_note) == before
        assert Review.objects.open().get(report=live_with_note).kind == Review.Kind.CHANGE

    @pytest.mark.parametrize("who", ["analyst", "editor"])
    def test_the_recovery_of_a_deleted_report_brings_it_back_as_a_draft(self, client, editor, analyst, live_with_note, who):
        client.force_login(editor)
        report_form(client, live_with_note).fill(title="Deleted then recovered").submit(client, "_save")
        delete_url = reverse("admin:reports_report_delete", args=[live_with_note.pk])
        RenderedForm.of(client, delete_url).submit(client)
        assert not Report.objects.exists()
        deleted = Version.objects.get_deleted(Report).get()
        client.force_login(analyst if who == "analyst" else editor)
        recover = RenderedForm.of(client, reverse("admin:reports_report_recover", args=[deleted.pk]), form_id="report_form")
        assert recover["title"] == "Deleted then recovered" and recover["footnotes-0-text"] == "A first source."
        response = recover.forge(**self.STATE).submit(client, "_save")
        assert response.status_code == 302, errors_in(response)
        recovered = Report.objects.get()
        assert recovered.pk == live_with_note.pk, "it comes back under its id, with its history"
        assert recovered.status == Report.Status.DRAFT and not recovered.is_published()
        assert [note.text for note in recovered.footnotes.all()] == ["A first source."]

    def test_review_decisions(self, client, analyst, editor, live_with_note):
        review = propose(client, analyst, live_with_note)
        client.force_login(editor)
        editors_page = review_page(client, review)
        client.force_login(analyst)
        assert 'value="approve"' not in client.get(reverse("admin:reports_review_change", args=[review.pk])).content.decode()
        assert editors_page.submit(client, "decision", "approve").status_code == 403
        live_with_note.refresh_from_db()
        assert LIVE_TEXT in live_with_note.body

    def test_the_quote_admin(self, client, analyst, editor, live):
        quote = QuoteFactory(translation="As published.")
        ReportQuoteFactory(report=live, quote=quote)
        client.force_login(editor)
        editors_form = RenderedForm.of(client, change_url(quote), form_id="quote_form").fill(translation="Changed outside review.")
        client.force_login(analyst)
        assert 'name="translation"' not in client.get(change_url(quote)).content.decode()
        assert editors_form.submit(client, "_save").status_code == 403
        quote.refresh_from_db()
        assert quote.translation == "As published."


class TestRestoreAndCompare:
    @pytest.fixture
    def changed_in_every_way(self, client, editor, premium):
        """A report saved once, then with other text, notes, quote, tags, links, series and access."""
        client.force_login(editor)
        hizbullah = OrganizationFactory(name="Hizbullah")
        speaker = PersonFactory(name="Muhammad Al-Basri")
        report = ReportFactory(body="First text [1]", title="Restorable")
        FootnoteFactory(report=report, position=1, text="First source.")
        report.tags.add("first tag")
        form = report_form(client, report)
        assert form.submit(client, "_save").status_code == 302
        form = report_form(client, report).fill(
            body="Second text [1]\n\n[quote 1]", series=SeriesFactory(name="Special Dispatch").pk,
            organizations=[hizbullah.pk], tags=[], required_tier=premium.pk,
            **{"footnotes-0-text": "Second source."},
        )
        form.add_row("quotes", position=1, person=speaker.pk, translation="We will answer.", original_language="ar")
        response = form.submit(client, "_save")
        assert response.status_code == 302, errors_in(response)
        report.refresh_from_db()
        return report

    def test_compare_shows_every_field_that_differs_with_who_and_when(self, client, changed_in_every_way):
        newer, older = revisions(changed_in_every_way)[:2]
        page = client.get(
            reverse("admin:reports_report_compare", args=[changed_in_every_way.pk]), {"from": older.pk, "to": newer.pk}
        ).content.decode()
        for label in ("Body", "Series", "Tags", "Organizations", "Notes", "Quotes", "Access"):
            assert f"<h2>{label}</h2>" in page, label
        assert "<del>Complimentary (free to read)</del> → <ins>Premium</ins>" in page
        assert "<del>− [1] First source.</del>" in page and "<ins>+ [1] Second source.</ins>" in page
        assert "Quote 1: Muhammad Al-Basri" in page and "Hizbullah" in page
        assert "by editor" in page

    def test_restore_brings_back_content_not_state(self, client, changed_in_every_way, premium):
        report = changed_in_every_way
        first = revisions(report)[1]
        version = report.version
        restore = RenderedForm.of(client, reverse("admin:reports_report_revision", args=[report.pk, first.pk]), form_id="report_form")
        assert restore["body"] == "First text [1]" and restore["required_tier"] == str(premium.pk)
        assert restore.submit(client, "_save").status_code == 302
        report.refresh_from_db()
        assert report.body == "First text [1]" and report.series.name != "Special Dispatch"
        assert [note.text for note in report.footnotes.all()] == ["First source."]
        assert not report.report_quotes.exists() and not report.organizations.exists()
        assert list(report.tags.names()) == ["first tag"]
        assert report.required_tier == premium and report.is_published(), "access and status stay as they were"
        assert report.version == version + 1, "the lock counter goes on"
        assert revisions(report).first().revision.get_comment().startswith("Restored the version of")

    def test_revisions_made_before_snapshots_still_compare_and_restore(self, client, changed_in_every_way):
        report = changed_in_every_way
        ReportSnapshot.objects.all().delete()
        newer, older = revisions(report)[:2]
        page = client.get(reverse("admin:reports_report_compare", args=[report.pk]), {"from": older.pk, "to": newer.pk})
        assert "<del>− First text [1]</del>" in page.content.decode()
        restore = RenderedForm.of(client, reverse("admin:reports_report_revision", args=[report.pk, older.pk]), form_id="report_form")
        assert restore["body"] == "First text [1]"


class TestWritingComfort:
    def test_quotes_are_written_in_the_form_and_shown_where_the_text_places_them(self, client, editor):
        speaker = PersonFactory(name="'Adel Al-Kar'awi")
        recorded = QuoteFactory(translation="Recorded earlier.", person=speaker)
        client.force_login(editor)
        form = new_report_form(
            client, title="Placed quotes", status="published", published_at_0="2024-01-01", published_at_1="10:00",
            required_tier="", body="Opening paragraph.\n\n[quote 2]\n\nClosing paragraph.",
        )
        form.add_row("quotes", position=1, quote=recorded.pk)
        form.add_row("quotes", position=2, person=speaker.pk, translation="We will strike again.", original_language="ar",
                     original_text="سنضرب مجددا", said_on="2023-12-01")
        response = form.submit(client, "_save")
        assert response.status_code == 302, errors_in(response)
        report = Report.objects.get(title="Placed quotes")
        new_quote = Quote.objects.get(translation="We will strike again.")
        assert [(carried.position, carried.quote) for carried in report.report_quotes.all()] == [(1, recorded), (2, new_quote)]
        client.logout()
        page = client.get(report.get_absolute_url()).content.decode()
        assert page.index("Opening paragraph.") < page.index("We will strike again.") < page.index("Closing paragraph.")
        assert page.index("Closing paragraph.") < page.index('id="quotes-heading"') < page.index("Recorded earlier.")

    @pytest.mark.parametrize(
        "body, note, error",
        [
            ("See [1] and [4].", True, "The text refers to note [4], but there is no note 4."),
            ("No reference.", True, "Note 1 is not referred to in the text"),
            ("[quote 3]", False, "The text places [quote 3], but there is no quote 3."),
        ],
    )
    def test_references_are_checked_on_save(self, client, editor, body, note, error):
        client.force_login(editor)
        form = new_report_form(client, body=body)
        if note:
            form.add_row("footnotes", position=1, text="A source.")
        response = form.submit(client, "_save")
        assert response.status_code == 200
        assert any(error in message for message in errors_in(response)), errors_in(response)
        assert not Report.objects.exists()

    def test_a_generated_address_is_short_and_cut_at_a_word(self, client, analyst):
        title = "'Al-Akhbar' Daily: Commanders Of Iraqi Militias Threaten To Resume Attacks On U.S. Bases And Israel If Gaza War Continues Or U.S. Attacks Houthis"
        client.force_login(analyst)
        for _ in range(2):
            assert new_report_form(client, title=title, slug="").submit(client, "_save").status_code == 302
        first, second = Report.objects.order_by("pk").values_list("slug", flat=True)
        assert first == "al-akhbar-daily-commanders-of-iraqi-militias-threaten-to-resume-attacks-on-us"
        assert len(second) <= 80 and second.endswith("-2") and not second.endswith("-on-u-2")

    @pytest.mark.parametrize(
        "model, field, term, expected",
        [("report", "series", "JTTM", "Jihad and Terrorism Threat Monitor"), ("footnote", "outlet", "Telegram", "Sabereen News")],
    )
    def test_pickers_find_short_names_and_kinds(self, client, analyst, model, field, term, expected):
        SeriesFactory(name="Jihad and Terrorism Threat Monitor", short_name="JTTM")
        OutletFactory(name="Sabereen News", kind="telegram")
        OutletFactory(name="Al-Akhbar", kind="newspaper")
        client.force_login(analyst)
        response = client.get(
            reverse("admin:autocomplete"), {"term": term, "app_label": "reports", "model_name": model, "field_name": field}
        )
        assert [result["text"] for result in response.json()["results"]] == [expected]
