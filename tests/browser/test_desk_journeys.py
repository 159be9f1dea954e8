"""
The desk in a browser: analysts and editors at work in the Django admin, and what readers then get.

Each journey is walked by people in browsers of their own (an analyst, an editor, an anonymous
visitor, a subscriber), each in a separate browser context, so that one person's session never
leaks into another's page. Every page anyone reaches goes through `Walk.arrived` (200, nothing
broken, axe-core at phone and desktop widths); the few pages expected to be 404 are opened with
`expect_not_found`.
"""
import datetime as dt
import io
import re
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import time_machine
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from reports.models import Quote, Report, Review
from tests.browser import conftest
from tests.browser.conftest import (
    COMPLIMENTARY,
    VIEWPORTS,
    Walk,
    local_part,
    report_path,
)

DRAFT = "nasrallah-truce-messaging-draft"
HOUTHI = "houthi-leader-ships-legitimate-targets"
PAYWALL_HEADING = "This report is for subscribers"
# A sentence of the demo's complimentary report (reports/demo/content.py, KARAWI_BODY), which journeys edit.
KARAWI_SENTENCE = "The truce collapsed on December 1."


# --- Accessibility, noted on every page and judged at the end of the journey --------------------


class Accessibility(list):
    """The serious and critical axe-core violations met on the way, one message per page and width."""

    judged = False


@pytest.fixture(autouse=True)
def accessibility(monkeypatch):
    """
    axe-core runs on every page as `Walk.arrived` has it, but a serious or critical violation is
    noted instead of stopping the journey there: the journey goes on to check what it is about,
    and `expect_accessible_throughout` fails it at its end with every violation met on the way.
    """
    found = Accessibility()
    strict = conftest.assert_accessible

    def noting(page, where):
        try:
            strict(page, where)
        except pytest.fail.Exception as failure:
            found.append(str(failure))

    monkeypatch.setattr(conftest, "assert_accessible", noting)
    yield found
    if found and not found.judged:  # the journey failed before its end: shown with its failure
        print("\n\n".join(found))


def expect_accessible_throughout(found):
    found.judged = True
    if found:
        pytest.fail("\n\n".join(found), pytrace=False)


# --- People in browsers of their own -----------------------------------------------------------


def second_tab(walk):
    """Another tab of the same browser (same cookies, same session) as walk's."""
    return Walk(walk.page.context.new_page(), walk.screenshots_dir)


# --- Steps ---------------------------------------------------------------------------------------


def submit(walk, button, path, name):
    """
    Press a form's button and land on path: the same as `walk.follow`, but also when the answer
    is at the address the page already has (a form shown again with its errors, a list action).
    """
    with walk.page.expect_navigation():
        button.click()
    landed = local_part(walk.page.url)
    if landed != unquote(path):
        errors = walk.page.locator(".errornote, .errorlist").all_inner_texts()
        pytest.fail(f"{name}: pressing {button} led to {landed}, not {path}; errors on the page: {errors}")
    walk.arrived(name)


def desk_log_in(walk, username, name):
    """Log in at the admin's own login page and land on the admin's home page."""
    walk.visit("/admin/login/", f"{name}-admin-login")
    walk.log_in(username, "/admin/", f"{name}-admin-home")


def public_log_in(walk, username, then_path, name):
    """Log in at the public login page, coming back to then_path."""
    walk.visit(f"/accounts/login/?next={then_path}", f"{name}-login")
    walk.log_in(username, then_path, name)


def expect_not_found(walk, path):
    """The page answers 404 (opened without `arrived`, which wants 200)."""
    response = walk.page.goto(path)
    assert response.status == 404, f"{path} answered {response.status}, not 404"


def change_path(report):
    return f"/admin/reports/report/{report.pk}/change/"


def choose(page, select_id, typed, option):
    """
    Pick `option` in a select2 autocomplete of the admin, as a person does: open it, type, click.
    Each search is let finish before the next starts (select2 aborts a search still under way,
    which `Walk` would count as a broken request).
    """
    select = page.locator(f"#{select_id}")
    box = select.locator("xpath=following-sibling::span[contains(@class,'select2')][1]").locator(".select2-selection")

    def searching(response):
        return "/admin/autocomplete/" in response.url

    with page.expect_response(searching):
        box.click()
    with page.expect_response(lambda response: searching(response) and "term=" in response.url):
        page.locator(".select2-container--open .select2-search__field").first.fill(typed)
    page.locator(".select2-results__option", has_text=re.compile(rf"^\s*{re.escape(option)}\s*$")).first.click()
    expect(select.locator("option:checked", has_text=option)).to_have_count(1)
    if page.locator(".select2-container--open").count():
        page.keyboard.press("Escape")


def place_cursor(textarea, before):
    """Click into the textarea just before the text `before` (the cursor of the person writing)."""
    textarea.evaluate(
        """(area, before) => {
            const at = area.value.indexOf(before);
            if (at < 0) { throw new Error('not in the text: ' + before); }
            area.focus();
            area.setSelectionRange(at, at);
        }""",
        before,
    )


def body_text(page):
    return page.locator("#id_body").input_value()


def expect_body_input(page, has=(), has_not=()):
    """The text in the report form's body field contains each of `has` and none of `has_not`."""
    for text in has:
        expect(page.locator("#id_body")).to_have_value(re.compile(re.escape(text)))
    for text in has_not:
        expect(page.locator("#id_body")).not_to_have_value(re.compile(re.escape(text)))


def paragraphs(*texts):
    return "\n\n".join(texts) + "\n"


def expect_public_text(visitor, slug, name, has, has_not):
    """The report's page, as the visitor opens it, has one text in its body and not the other."""
    visitor.visit(report_path(slug), name)
    expect(visitor.page.locator(".report-body")).to_contain_text(has)
    expect(visitor.page.locator(".report-body")).not_to_contain_text(has_not)


def expect_paywall(page):
    expect(page.get_by_role("heading", name=PAYWALL_HEADING)).to_be_visible()
    expect(page.locator(".report-body")).to_have_count(0)


def open_review_from_home(editor, report, name):
    """From the admin's home page, through 'N awaiting your review', to the review of report."""
    waiting = editor.page.get_by_role("link", name=re.compile(r"^\d+ awaiting your review$"))
    editor.follow(waiting, "/admin/reports/review/?status__exact=pending", f"{name}-review-queue")
    review = Review.objects.open().get(report=report)
    link = editor.page.locator("#result_list").get_by_role("link", name=str(report))
    # The admin keeps the list's filters in the link: …/change/?_changelist_filters=…
    href = link.get_attribute("href")
    assert href.startswith(f"/admin/reports/review/{review.pk}/change/"), href
    editor.follow(link, href, f"{name}-review")
    return review


# --- 1. From an analyst's draft to the public page ---------------------------------------------

TITLE = "Militia Commanders In Iraq Say Strikes On U.S. Troops Will Restart If Gaza Fighting Goes On"
SUMMARY = (
    "With the Gaza ceasefire over, commanders of Iraq's Iran-backed militias told a Beirut daily that "
    "their strikes on American forces would start again, and set out what would trigger them."
)
PARAGRAPH_1 = (
    "The Iran-backed militias of Iraq halted their strikes on American bases in Iraq and Syria once the "
    "Gaza ceasefire between Hamas and Israel took hold on November 24, 2023, and promised to keep quiet "
    "for as long as it held.[1]"
)
PARAGRAPH_2 = (
    "That ceasefire broke down on December 1. On the same day Al-Akhbar, the Beirut daily aligned with "
    "Hizbullah, printed warnings by militia commanders that the strikes would start again.[2]"
)
PARAGRAPH_3 = (
    "Another commander, Muhammad Al-Basri of the Popular Mobilization Units, spoke of operations of a new "
    "kind timed to American and Israeli moves, and named a U.S. attack on the Houthis of Yemen as a trigger."
)
NEW_QUOTE = (
    "Should the Americans keep trampling on Iraq's sovereignty and killing our fighters, we will hit "
    "their bases once more."
)
NEW_QUOTE_ARABIC = "إذا واصل الأمريكيون انتهاك سيادة العراق وقتل مقاتلينا فسنضرب قواعدهم من جديد."
NOTE_1 = "Statement by the Islamic Resistance in Iraq on the Gaza ceasefire, Telegram, November 24, 2023."
NOTE_2 = "Al-Akhbar (Beirut), December 1, 2023."


def test_analyst_writes_a_report_an_editor_publishes_it_and_the_public_reads_it(walk, person, accessibility):
    analyst, page = walk, walk.page
    desk_log_in(analyst, "analyst", "desk-write-analyst")
    analyst.follow(
        page.locator('#content-main a.addlink[href="/admin/reports/report/add/"]'),
        "/admin/reports/report/add/",
        "desk-write-add-form",
    )

    page.locator("#id_title").fill(TITLE)
    choose(page, "id_series", "JTTM", "Jihad and Terrorism Threat Monitor")
    page.locator("#id_summary").fill(SUMMARY)
    body = page.locator("#id_body")
    body.fill(paragraphs(PARAGRAPH_1, PARAGRAPH_2, PARAGRAPH_3))

    # Quote 1: a new one, its speaker found through the autocomplete.
    page.get_by_role("button", name="Add a quote").click()
    expect(
        page.locator('input[name="quotes-0-position"]'), "report_form.js numbers a new row: is the script running?"
    ).to_have_value("1")
    choose(page, "id_quotes-0-person", "Karawi", "'Adel Al-Kar'awi")
    choose(page, "id_quotes-0-organization", "Awfiya", "Ansar Allah Al-Awfiya'")
    choose(page, "id_quotes-0-outlet", "Akhbar", "Al-Akhbar")
    page.locator("#id_quotes-0-said_on").fill("2023-12-01")
    page.locator("#id_quotes-0-original_language").select_option("ar")
    page.locator("#id_quotes-0-original_text").fill(NEW_QUOTE_ARABIC)
    page.locator("#id_quotes-0-translation").fill(NEW_QUOTE)
    # … placed in the text where the cursor is, before the third paragraph.
    place_cursor(body, PARAGRAPH_3)
    page.locator("#quotes-0").get_by_role("button", name="Put [quote N] in the text at the cursor").click()
    expect(body).to_have_value(paragraphs(PARAGRAPH_1, PARAGRAPH_2, "[quote 1]", PARAGRAPH_3))

    # Quote 2: one the desk has recorded, picked as it is.
    page.get_by_role("button", name="Add a quote").click()
    expect(page.locator('input[name="quotes-1-position"]')).to_have_value("2")
    recorded = Quote.objects.get(translation__startswith="Our coming operations")
    choose(page, "id_quotes-1-quote", "Basri", str(recorded))

    # Two notes, the first one's outlet found by the kind of outlet it is.
    page.get_by_role("button", name="Add a note").click()
    expect(page.locator('input[name="footnotes-0-position"]')).to_have_value("1")
    choose(page, "id_footnotes-0-outlet", "Telegram", "Sabereen News")
    page.locator("#id_footnotes-0-text").fill(NOTE_1)
    page.get_by_role("button", name="Add a note").click()
    expect(page.locator('input[name="footnotes-1-position"]')).to_have_value("2")
    choose(page, "id_footnotes-1-outlet", "Akhbar", "Al-Akhbar")
    page.locator("#id_footnotes-1-url").fill("https://www.al-akhbar.com/")
    page.locator("#id_footnotes-1-text").fill(NOTE_2)

    choose(page, "id_tags", "Iraqi", "Iraqi militias")
    choose(page, "id_tags", "Gaza", "Gaza war")

    # The text names Hizbullah, which the report does not link yet: one click links it.
    mentions = page.locator("#entity-mentions")
    expect(mentions.get_by_role("heading", name="Mentioned in the text but not linked")).to_be_visible()
    mentions.get_by_role("button", name="Link Hizbullah").click()
    expect(page.locator("#id_organizations option:checked", has_text="Hizbullah")).to_have_count(1)
    expect(mentions.get_by_role("button", name="Link Hizbullah")).to_have_count(0)
    expect(mentions.get_by_role("button", name="Link Hamas")).to_be_visible()

    submit(analyst, page.get_by_role("button", name="Submit for review"), "/admin/reports/report/", "desk-write-submitted")
    expect(page.locator(".messagelist")).to_contain_text("is submitted for review")
    report = Report.objects.get(title=TITLE)
    assert report.status == Report.Status.DRAFT and len(report.slug) <= 80

    # Not public until an editor publishes it.
    visitor = person()
    expect_not_found(visitor, report_path(report.slug))

    editor = person()
    desk_log_in(editor, "editor", "desk-write-editor")
    expect(editor.page.get_by_role("link", name="1 awaiting your review")).to_be_visible()
    open_review_from_home(editor, report, "desk-write-editor")
    decision = editor.page.locator("form.review-decision")
    expect(editor.page.locator(".change-body")).to_contain_text(PARAGRAPH_2.replace("[2]", ""))
    decision.locator("#id_published_at_0").fill("")
    decision.locator(".datetimeshortcuts").first.get_by_role("link", name="Today").click()
    decision.locator("#id_published_at_1").fill("")
    decision.locator(".datetimeshortcuts").nth(1).get_by_role("link", name="Now").click()
    decision.get_by_label("Access").select_option(label="Complimentary (free to read)")
    submit(
        editor,
        decision.get_by_role("button", name="Approve"),
        "/admin/reports/review/?status__exact=pending",
        "desk-write-approved",
    )
    expect(editor.page.locator(".messagelist")).to_contain_text("Approved")

    visitor.visit(report_path(report.slug), "desk-write-public-report")
    reader = visitor.page
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(reader.locator(".badge-free")).to_be_visible()
    text = reader.locator(".report-body")
    expect(text).to_contain_text("The Iran-backed militias of Iraq halted their strikes")
    expect(text).to_contain_text("Another commander, Muhammad Al-Basri")
    expect(text.locator("a.footnote-ref")).to_have_count(2)
    # Quote 1 stands where its marker was: after the second paragraph, before the third.
    placed = text.locator("figure.quote")
    expect(placed).to_have_count(1)
    expect(placed).to_contain_text(NEW_QUOTE)
    expect(placed).to_contain_text("'Adel Al-Kar'awi")
    expect(placed.locator("blockquote.original")).to_have_attribute("dir", "rtl")
    expect(placed.locator("xpath=preceding-sibling::p[1]")).to_contain_text("That ceasefire broke down")
    expect(placed.locator("xpath=following-sibling::p[1]")).to_contain_text("Another commander")
    expect(text).not_to_contain_text("[quote 1]")
    # Quote 2 has no marker: it follows the text.
    expect(reader.locator("section.quotes figure.quote")).to_contain_text("Our coming operations")
    notes = reader.locator("section.footnotes")
    expect(notes.locator("#fn-1")).to_contain_text(NOTE_1)
    expect(notes.locator("#fn-1")).to_contain_text("Sabereen News")
    expect(notes.locator("#fn-2")).to_contain_text(NOTE_2)
    expect(notes.locator("#fn-2").get_by_role("link", name="Source")).to_have_attribute("href", "https://www.al-akhbar.com/")
    expect(reader.locator(".entity-links").get_by_role("link", name="Hizbullah")).to_be_visible()
    for tag in ("Iraqi militias", "Gaza war"):
        expect(reader.locator("ul.tags").get_by_role("link", name=tag)).to_be_visible()
    expect(reader.locator(".report-header")).to_contain_text("Jihad and Terrorism Threat Monitor")
    expect_accessible_throughout(accessibility)


# --- 2. References to notes are checked ---------------------------------------------------------


def add_note(page, index, text):
    page.get_by_role("button", name="Add a note").click()
    page.locator(f"#id_footnotes-{index}-position").fill(str(index + 1))
    page.locator(f"#id_footnotes-{index}-text").fill(text)


def test_a_reference_to_a_missing_note_and_a_note_never_referred_to_are_refused(walk, accessibility):
    analyst, page = walk, walk.page
    desk_log_in(analyst, "analyst", "desk-notes-analyst")
    analyst.visit("/admin/reports/report/add/", "desk-notes-add-form")
    reports = Report.objects.count()
    title = "Kata'ib Hizbullah Warns Of Strikes Beyond Iraq"
    page.locator("#id_title").fill(title)
    choose(page, "id_series", "JTTM", "Jihad and Terrorism Threat Monitor")
    page.locator("#id_summary").fill("A militia's warning, as its Telegram channel carried it.")
    page.locator("#id_body").fill(paragraphs(
        "Kata'ib Hizbullah said on its channel that its fighters would strike beyond Iraq.[1]",
        "The statement was picked up by a Lebanese daily the next morning.[4]",
    ))
    add_note(page, 0, "Statement of Kata'ib Hizbullah, Telegram, November 30, 2023.")

    # [4] has no note 4.
    submit(analyst, page.get_by_role("button", name="Save", exact=True), "/admin/reports/report/add/", "desk-notes-missing-note")
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-body .errorlist")).to_have_text("The text refers to note [4], but there is no note 4.")
    assert Report.objects.count() == reports
    # The form keeps what was written.
    expect(page.locator("#id_footnotes-0-text")).to_have_value("Statement of Kata'ib Hizbullah, Telegram, November 30, 2023.")

    # Note 2 is never referred to.
    body = body_text(page).replace("[4]", "")
    page.locator("#id_body").fill(body)
    add_note(page, 1, "Al-Akhbar (Beirut), December 1, 2023.")
    submit(analyst, page.get_by_role("button", name="Save", exact=True), "/admin/reports/report/add/", "desk-notes-unreferred-note")
    expect(page.locator("#footnotes-1 .errorlist")).to_contain_text(
        "Note 2 is not referred to in the text: add [2] where it belongs, or remove the note."
    )
    expect(page.locator(".field-body .errorlist")).to_have_count(0)
    assert Report.objects.count() == reports

    # Referred to, the note is taken and the report saved.
    page.locator("#id_body").fill(body.rstrip("\n").removesuffix(".") + ".[2]\n")
    submit(analyst, page.get_by_role("button", name="Save", exact=True), "/admin/reports/report/", "desk-notes-saved")
    report = Report.objects.get(title=title)
    assert list(report.footnotes.values_list("position", flat=True)) == [1, 2]
    expect_accessible_throughout(accessibility)


# --- 3. An editor schedules, gates and withdraws demo reports -----------------------------------


def list_row(page, report):
    return page.locator("#result_list tbody tr", has=page.get_by_role("link", name=report.title, exact=True))


def run_action(editor, reports, action, name):
    """On the report list: tick the reports, choose the action, press Go."""
    page = editor.page
    for report in reports:
        list_row(page, report).locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label=action)
    submit(editor, page.get_by_role("button", name="Go"), "/admin/reports/report/", name)


def test_editor_schedules_the_draft_gates_a_report_and_withdraws_another(walk, person, accessibility):
    editor, page = walk, walk.page
    draft = Report.objects.get(slug=DRAFT)
    free = Report.objects.get(slug=COMPLIMENTARY)
    houthi = Report.objects.get(slug=HOUTHI)
    visitor = person()
    visitor.visit(report_path(COMPLIMENTARY), "desk-editor-free-report-before")
    expect(visitor.page.locator(".report-body")).to_contain_text(KARAWI_SENTENCE)
    visitor.visit(report_path(HOUTHI), "desk-editor-houthi-report-before")

    desk_log_in(editor, "editor", "desk-editor")
    editor.follow(page.locator("#content-main").get_by_role("link", name="Reports", exact=True), "/admin/reports/report/", "desk-editor-list")

    # The draft, published with a publication time two days ahead: scheduled.
    editor.follow(list_row(page, draft).get_by_role("link", name=draft.title), change_path(draft), "desk-editor-draft-form")
    page.locator("#id_status").select_option("published")
    ahead = timezone.localtime() + dt.timedelta(days=2)
    page.locator("#id_published_at_0").fill(ahead.strftime("%Y-%m-%d"))
    page.locator("#id_published_at_1").fill("09:30:00")
    submit(editor, page.get_by_role("button", name="Save", exact=True), "/admin/reports/report/", "desk-editor-scheduled")
    expect(list_row(page, draft).locator(".field-state_label")).to_have_text("Scheduled")
    draft.refresh_from_db()
    assert draft.status == Report.Status.PUBLISHED and draft.published_at > timezone.now()
    expect_not_found(visitor, report_path(DRAFT))

    # The complimentary report, now for Premium subscribers.
    run_action(editor, [free], "Change access: subscribers of Premium and above", "desk-editor-gated")
    expect(page.locator(".messagelist")).to_contain_text("1 report(s) now require the Premium tier.")
    visitor.visit(report_path(COMPLIMENTARY), "desk-editor-free-report-gated")
    expect_paywall(visitor.page)
    expect(visitor.page.locator("main")).not_to_contain_text(KARAWI_SENTENCE)
    subscriber = person()
    public_log_in(subscriber, "subscriber", report_path(COMPLIMENTARY), "desk-editor-gated-report-subscriber")
    expect(subscriber.page.locator(".report-body")).to_contain_text(KARAWI_SENTENCE)

    # The Houthi report, withdrawn.
    run_action(editor, [houthi], "Withdraw from the public", "desk-editor-withdrawn")
    expect(page.locator(".messagelist")).to_contain_text("1 report(s) withdrawn.")
    expect(list_row(page, houthi).locator(".field-state_label")).to_have_text("Withdrawn")
    expect_not_found(visitor, report_path(HOUTHI))
    expect_not_found(subscriber, report_path(HOUTHI))
    expect_accessible_throughout(accessibility)


# --- 4. An analyst's change to a live report waits for an editor -------------------------------

CHANGED_SENTENCE = "The truce broke down on the morning of December 1."
SENT_BACK_SENTENCE = "The truce was over by December 1."
SEND_BACK_COMMENT = "Say who announced the end of the truce, and cite it."


def edit_body(page, old, new):
    body = body_text(page)
    assert old in body, f"{old!r} is not in the body"
    page.locator("#id_body").fill(body.replace(old, new))


def test_analyst_changes_a_live_report_and_an_editor_approves_or_sends_it_back(walk, person, accessibility):
    analyst, page = walk, walk.page
    report = Report.objects.get(slug=COMPLIMENTARY)
    visitor = person()

    desk_log_in(analyst, "analyst", "desk-change-analyst")
    analyst.visit("/admin/reports/report/", "desk-change-list")
    analyst.follow(list_row(page, report).get_by_role("link", name=report.title), change_path(report), "desk-change-form")
    edit_body(page, KARAWI_SENTENCE, CHANGED_SENTENCE)
    submit(analyst, page.get_by_role("button", name="Submit for review"), "/admin/reports/report/", "desk-change-submitted")
    expect(page.locator(".messagelist")).to_contain_text("is submitted for review")
    expect(list_row(page, report).locator(".field-review_label")).to_have_text("Awaiting review")

    # Readers keep the published text.
    expect_public_text(visitor, COMPLIMENTARY, "desk-change-public-before", has=KARAWI_SENTENCE, has_not=CHANGED_SENTENCE)

    editor = person()
    desk_log_in(editor, "editor", "desk-change-editor")
    open_review_from_home(editor, report, "desk-change-editor")
    differences = editor.page.locator(".change-body")
    expect(differences.locator("del")).to_contain_text(KARAWI_SENTENCE)
    expect(differences.locator("ins")).to_contain_text(CHANGED_SENTENCE)
    submit(
        editor,
        editor.page.get_by_role("button", name="Approve"),
        "/admin/reports/review/?status__exact=pending",
        "desk-change-approved",
    )
    expect(editor.page.locator(".messagelist")).to_contain_text("Approved")

    expect_public_text(visitor, COMPLIMENTARY, "desk-change-public-after", has=CHANGED_SENTENCE, has_not=KARAWI_SENTENCE)

    # A second change, sent back with a word for the analyst.
    analyst.visit(change_path(report), "desk-change-form-again")
    edit_body(page, CHANGED_SENTENCE, SENT_BACK_SENTENCE)
    submit(analyst, page.get_by_role("button", name="Submit for review"), "/admin/reports/report/", "desk-change-resubmitted")
    editor.visit("/admin/", "desk-change-editor-home-again")
    review = open_review_from_home(editor, report, "desk-change-editor-again")
    decision = editor.page.locator("form.review-decision")
    # Not without a comment.
    submit(editor, decision.get_by_role("button", name="Send back"), local_part(editor.page.url), "desk-change-send-back-refused")
    expect(editor.page.locator(".field-comment .errorlist")).to_contain_text("Say what the analyst should change")
    review.refresh_from_db()
    assert review.status == Review.Status.PENDING
    decision.get_by_label("Comment").fill(SEND_BACK_COMMENT)
    submit(
        editor,
        decision.get_by_role("button", name="Send back"),
        "/admin/reports/review/?status__exact=pending",
        "desk-change-sent-back",
    )

    analyst.visit("/admin/", "desk-change-analyst-home")
    expect(page.get_by_role("link", name="1 sent back to you")).to_be_visible()
    analyst.visit(change_path(report), "desk-change-form-sent-back")
    notice = page.locator(".desk-notice")
    expect(notice).to_contain_text("Sent back")
    expect(notice.locator(".review-comment")).to_have_text(SEND_BACK_COMMENT)
    expect_body_input(page, has=[SENT_BACK_SENTENCE])
    # Readers still have the approved text.
    expect_public_text(visitor, COMPLIMENTARY, "desk-change-public-sent-back", has=CHANGED_SENTENCE, has_not=SENT_BACK_SENTENCE)
    expect_accessible_throughout(accessibility)


# --- 5. Two tabs on one report: the second save is refused --------------------------------------

FIRST_TAB_SENTENCE = "The truce ended on December 1, as the first tab has it."
SECOND_TAB_SENTENCE = "The truce ended on December 1, as the second tab has it."


def test_the_second_of_two_tabs_cannot_overwrite_the_first(walk, person, accessibility):
    report = Report.objects.get(slug=COMPLIMENTARY)
    first = walk
    desk_log_in(first, "editor", "desk-tabs-editor")
    second = second_tab(first)
    first.visit(change_path(report), "desk-tabs-first")
    second.visit(change_path(report), "desk-tabs-second")

    edit_body(first.page, KARAWI_SENTENCE, FIRST_TAB_SENTENCE)
    submit(first, first.page.get_by_role("button", name="Save", exact=True), "/admin/reports/report/", "desk-tabs-first-saved")
    expect(first.page.locator(".messagelist")).to_contain_text("was changed successfully")

    edit_body(second.page, KARAWI_SENTENCE, SECOND_TAB_SENTENCE)
    submit(second, second.page.get_by_role("button", name="Save", exact=True), change_path(report), "desk-tabs-second-refused")
    refusal = second.page.locator(".errornote, .errorlist.nonfield")
    expect(refusal.filter(has_text="saved this report")).to_contain_text("NOT saved")
    expect(refusal.filter(has_text="saved this report")).to_contain_text("editor saved this report")
    expect_body_input(second.page, has=[SECOND_TAB_SENTENCE], has_not=[FIRST_TAB_SENTENCE])
    # Pressing Save again on the refused form does not push it through either.
    submit(second, second.page.get_by_role("button", name="Save", exact=True), change_path(report), "desk-tabs-second-refused-again")
    expect(second.page.locator(".errornote, .errorlist.nonfield").filter(has_text="saved this report")).to_contain_text("NOT saved")

    report.refresh_from_db()
    assert FIRST_TAB_SENTENCE in report.body and SECOND_TAB_SENTENCE not in report.body
    visitor = person()
    expect_public_text(visitor, COMPLIMENTARY, "desk-tabs-public", has=FIRST_TAB_SENTENCE, has_not=SECOND_TAB_SENTENCE)
    expect_accessible_throughout(accessibility)


# --- 6. History: compare two versions, restore an older one -------------------------------------

OLDER_SENTENCE = "The truce ended abruptly on December 1."
NEWER_SENTENCE = "The truce gave way to renewed fighting on December 1."
OLDER_NOTE = "Al-Akhbar (Lebanon), December 1, 2023."  # the demo report's note 2
NEWER_NOTE = "Al-Akhbar (Beirut), December 1, 2023, page 3."


def test_editor_compares_versions_and_restores_an_older_one(walk, person, accessibility):
    editor, page = walk, walk.page
    report = Report.objects.get(slug=COMPLIMENTARY)
    desk_log_in(editor, "editor", "desk-history-editor")
    editor.visit(change_path(report), "desk-history-form")
    edit_body(page, KARAWI_SENTENCE, OLDER_SENTENCE)
    submit(editor, page.get_by_role("button", name="Save and continue editing"), change_path(report), "desk-history-first-save")
    edit_body(page, OLDER_SENTENCE, NEWER_SENTENCE)
    expect(page.locator("#id_footnotes-1-text")).to_have_value(OLDER_NOTE)
    page.locator("#id_footnotes-1-text").fill(NEWER_NOTE)
    page.locator("#id_required_tier").select_option(label="Premium")
    submit(editor, page.get_by_role("button", name="Save and continue editing"), change_path(report), "desk-history-second-save")

    history = f"/admin/reports/report/{report.pk}/history/"
    editor.follow(page.locator(".object-tools").get_by_role("link", name="History"), history, "desk-history")
    rows = page.locator("#change-history tbody tr")
    expect(rows).to_have_count(2)  # newest first
    newer_id = rows.nth(0).get_by_label("Compare to this version").get_attribute("value")
    older_id = rows.nth(1).get_by_label("Compare from this version").get_attribute("value")
    rows.nth(1).get_by_label("Compare from this version").check()
    rows.nth(0).get_by_label("Compare to this version").check()
    page.get_by_role("button", name="Compare the chosen versions").click()
    page.wait_for_url(
        lambda url: urlsplit(url).path == f"{history}compare/"
        and parse_qs(urlsplit(url).query) == {"from": [older_id], "to": [newer_id]}
    )
    editor.arrived("desk-history-compare")
    body_changes = page.locator(".change-body")
    expect(body_changes.locator("del")).to_contain_text(OLDER_SENTENCE)
    expect(body_changes.locator("ins")).to_contain_text(NEWER_SENTENCE)
    note_changes = page.locator(".change-footnotes")
    expect(note_changes.locator("del")).to_contain_text(OLDER_NOTE)
    expect(note_changes.locator("ins")).to_contain_text(NEWER_NOTE)
    # JTTM, complimentary since January 15, 2024 (the demo's), became Premium from now on: the
    # access change that had happened went with it.
    access = page.locator(".change-required_tier")
    expect(access.locator("del")).to_have_text("JTTM")
    expect(access.locator("ins")).to_have_text("Premium")
    expect(page.locator(".change-access_changes_at del")).to_contain_text("2024-01-15")

    # The older version, opened from the history, and saved.
    editor.visit(history, "desk-history-again")
    older = page.locator("#change-history tbody tr").nth(1).get_by_role("link")
    editor.follow(older, f"{history}{older_id}/", "desk-history-restore-form")
    expect(page.locator(".desk-notice").first).to_contain_text("Restoring the version of")
    expect_body_input(page, has=[OLDER_SENTENCE], has_not=[NEWER_SENTENCE])
    expect(page.locator("#id_footnotes-1-text")).to_have_value(OLDER_NOTE)
    expect(page.locator("#id_required_tier option:checked")).to_have_text("Premium")
    expect(page.locator("#id_status")).to_have_value("published")
    submit(editor, page.get_by_role("button", name="Save", exact=True), "/admin/reports/report/", "desk-history-restored")

    report.refresh_from_db()
    assert OLDER_SENTENCE in report.body and NEWER_SENTENCE not in report.body
    assert report.status == Report.Status.PUBLISHED and report.required_tier.slug == "premium"
    visitor = person()
    visitor.visit(report_path(COMPLIMENTARY), "desk-history-public")
    expect_paywall(visitor.page)  # the access of before the restore
    subscriber = person()
    public_log_in(subscriber, "subscriber", report_path(COMPLIMENTARY), "desk-history-subscriber")
    expect(subscriber.page.locator(".report-body")).to_contain_text(OLDER_SENTENCE)
    expect(subscriber.page.locator(".report-body")).not_to_contain_text(NEWER_SENTENCE)
    expect(subscriber.page.locator("#fn-2")).to_contain_text(OLDER_NOTE)
    editor.visit(history, "desk-history-after-restore")
    expect(page.locator("#change-history tbody tr").first).to_contain_text("Restored the version of")
    expect_accessible_throughout(accessibility)


# --- 7. The report form fits the window --------------------------------------------------------


def test_the_report_form_fits_a_desktop_and_a_phone_with_nothing_over_the_title(walk, accessibility):
    """At 1280 px nothing reaches past the window and the buttons above the form leave the title clear; at 390 px it still fits."""
    editor, page = walk, walk.page
    desk_log_in(editor, "editor", "desk-fit-editor")
    report = Report.objects.get(slug=COMPLIMENTARY)  # the demo's longest title, with four quotes and three notes
    editor.visit(change_path(report), "desk-fit-change-form")
    for label, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        # The admin's columns scroll on their own: the document never grows, each element might.
        right = page.evaluate(
            "Math.max(...Array.from(document.querySelectorAll('#content-main *'), e => e.getBoundingClientRect().right))"
        )
        assert right <= size["width"], f"at {label} width the form reaches {right:.0f} px"
    page.set_viewport_size(VIEWPORTS["desktop"])
    title = page.locator("#content h2").first.bounding_box()
    for tool in page.locator(".object-tools a").all():
        box = tool.bounding_box()
        apart = box["y"] >= title["y"] + title["height"] or box["y"] + box["height"] <= title["y"]
        assert apart, f"the {tool.inner_text()!r} button covers the report's title"
    expect_accessible_throughout(accessibility)


# --- 8. An editor sets a gated report to become complimentary at a time -----------------------


BODY_ONLY_WORD = "helicopter"  # in the Houthi report's body, in no public text of the demo


def search(walk, words, name):
    """Search from the site header's box, as a visitor types and presses Enter."""
    walk.page.locator("#site-search").fill(words)
    with walk.page.expect_navigation():
        walk.page.locator("#site-search").press("Enter")
    walk.arrived(name)


def other_surfaces(walk, report):
    """Whether the feed and the API carry the report's text, and how its STIX bundle answers, for this browser's visitor."""
    get = walk.page.context.request.get
    body_sentence = "landed from a helicopter"
    stix = get(f"{report_path(report.slug)}stix.json", max_redirects=0)
    return {
        "feed": body_sentence in get("/feeds/rss/").text(),
        "api": body_sentence in (get(f"/api/v1/reports/{report.slug}/").json()["body_html"] or ""),
        "stix": stix.status,
    }


def test_editor_makes_a_gated_report_complimentary_from_a_time_and_it_opens_at_that_second(walk, person, accessibility):
    editor, page = walk, walk.page
    houthi = Report.objects.get(slug=HOUTHI)
    assert not houthi.is_complimentary
    visitor = person()
    desk_log_in(editor, "editor", "access-change-editor")
    editor.visit("/admin/reports/report/", "access-change-list")

    # The bulk action asks when and to what on a page of its own.
    list_row(page, houthi).locator("input.action-select").check()
    page.locator("select[name=action]").select_option(label="Schedule an access change…")
    submit(editor, page.get_by_role("button", name="Go"), "/admin/reports/report/", "access-change-form")
    expect(page.locator(".access-change-reports")).to_contain_text(houthi.title)
    at = (timezone.localtime() + dt.timedelta(hours=1)).replace(second=0, microsecond=0)
    page.get_by_label("Access changes at: date").fill(at.strftime("%Y-%m-%d"))
    page.get_by_label("Access changes at: time").fill(at.strftime("%H:%M:%S"))
    page.get_by_label("Access from then on").select_option(label="Complimentary (free to read)")
    submit(editor, page.get_by_role("button", name="Schedule the change"), "/admin/reports/report/", "access-change-scheduled")
    expect(page.locator(".messagelist")).to_contain_text("1 report(s) change access: complimentary from")
    expect(list_row(page, houthi).locator(".field-access_now")).to_contain_text("JTTM (until")

    # Until then, the public meets the paywall and is told when the report opens.
    visitor.visit(report_path(HOUTHI), "access-change-public-before")
    expect_paywall(visitor.page)
    expect(visitor.page.locator(".access-change")).to_contain_text("Free to read from")
    with time_machine.travel(at - dt.timedelta(seconds=1), tick=False):
        visitor.visit(report_path(HOUTHI), "access-change-public-a-second-before")
        expect_paywall(visitor.page)
        search(visitor, BODY_ONLY_WORD, "access-change-search-before")
        expect(visitor.page.locator("article.result")).to_have_count(0)
        expect(visitor.page.locator("p.empty")).to_have_text("No reports match. Try fewer words, or another spelling.")
        assert other_surfaces(visitor, houthi) == {"feed": False, "api": False, "stix": 302}
    with time_machine.travel(at + dt.timedelta(seconds=1), tick=False):
        search(visitor, BODY_ONLY_WORD, "access-change-search-after")
        result = visitor.page.locator("article.result")
        expect(result).to_have_count(1)
        expect(result.get_by_role("link", name=houthi.title)).to_be_visible()
        expect(result.locator(".snippet mark")).to_have_text(BODY_ONLY_WORD)
        assert other_surfaces(visitor, houthi) == {"feed": True, "api": True, "stix": 200}
        visitor.visit(report_path(HOUTHI), "access-change-public-a-second-after")
        expect(visitor.page.locator(".report-body")).to_be_visible()
        expect(visitor.page.get_by_role("heading", name=PAYWALL_HEADING)).to_have_count(0)
        line = visitor.page.locator(".complimentary-line")
        expect(line).to_contain_text("It is free to read since")
        expect(line.get_by_role("link", name=re.compile("Subscription information"))).to_have_attribute("href", "/subscribe/")
        visitor.visit(f"{report_path(HOUTHI)}print/", "access-change-public-print")
        expect(visitor.page.locator(".report-body")).to_be_visible()

        # The report's history tells who set the change, and when it took effect.
        editor.visit(f"/admin/reports/report/{houthi.pk}/history/", "access-change-history")
        expect(page.locator("#change-history")).to_contain_text("Access change: complimentary from")
        expect(page.locator(".access-change-history")).to_contain_text("then complimentary: a change that took effect by itself")
    expect_accessible_throughout(accessibility)


# --- 8. Files: an image and an archived Telegram screenshot, seen as the report's text is ---------

MEDIA_TITLE = "Militia Channel Posts Photos Of Drones It Says Will Hit U.S. Bases"
IMAGE_ALT = "A drone on a launcher in a desert, with a militia's flag behind it"
TELEGRAM_POST = "https://t.me/sabereen_news/41873"


def jpeg_file(name, size=(900, 600), color=(90, 120, 60)):
    """A photograph as a browser uploads it: a name, a type and the bytes."""
    image, out = Image.new("RGB", size, color), io.BytesIO()
    image.save(out, format="JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": out.getvalue()}


def png_file(name, size=(400, 700)):
    image, out = Image.new("RGB", size, (240, 240, 240)), io.BytesIO()
    image.save(out, format="PNG")
    return {"name": name, "mimeType": "image/png", "buffer": out.getvalue()}


def add_inline_row(page, heading, prefix):
    """Press the inline's "Add another …" and return the new row's number."""
    index = int(page.locator(f"#id_{prefix}-TOTAL_FORMS").input_value())
    page.locator(f"#{prefix}-group").get_by_role("button", name=re.compile(rf"^Add another {heading}$", re.I)).click()
    expect(page.locator(f"#id_{prefix}-{index}-file")).to_be_attached()
    return index


def expect_file_status(walk, path, status):
    """What the file's address answers in walk's browser (its cookies): the bytes, or a refusal."""
    response = walk.page.context.request.get(path, max_redirects=0)
    assert response.status == status, f"{path} answered {response.status}, not {status}"


def test_analyst_adds_an_image_and_an_archived_screenshot_readers_see_them_as_the_text(walk, person, accessibility):
    analyst, page = walk, walk.page
    desk_log_in(analyst, "analyst", "media-analyst")
    analyst.visit("/admin/reports/report/add/", "media-add-form")
    page.locator("#id_title").fill(MEDIA_TITLE)
    choose(page, "id_series", "JTTM", "Jihad and Terrorism Threat Monitor")
    page.locator("#id_summary").fill("A militia's Telegram channel showed drones it says are aimed at American bases.")
    page.locator("#id_body").fill(paragraphs("The channel posted the photographs on Monday.", "[image 1]", "[quote 1]",
                                              "The post is archived below the quote."))
    page.get_by_role("button", name="Add a quote").click()
    recorded = Quote.objects.get(translation__startswith="Our coming operations")
    choose(page, "id_quotes-0-quote", "Basri", str(recorded))

    # The image, at first without alt text: the form refuses it and says why.
    image = add_inline_row(page, "image", "images")
    page.locator(f"#id_images-{image}-file").set_input_files(jpeg_file("drone.jpg"))
    submit(analyst, page.get_by_role("button", name="Save and continue editing"), "/admin/reports/report/add/", "media-refused")
    expect(page.locator(f"#images-{image} .errorlist")).to_contain_text("Give the image alt text")
    assert not Report.objects.filter(title=MEDIA_TITLE).exists()

    # Files are not kept by a browser across a refused form: chosen again, with the alt text.
    page.locator(f"#id_images-{image}-file").set_input_files(jpeg_file("drone.jpg"))
    page.locator(f"#id_images-{image}-alt_text").fill(IMAGE_ALT)
    page.locator(f"#id_images-{image}-caption").fill("The drone as the channel showed it.")
    copy = add_inline_row(page, "archived source", "archived_sources")
    page.locator(f"#id_archived_sources-{copy}-file").set_input_files(png_file("telegram-post.png"))
    page.locator(f"#id_archived_sources-{copy}-cites").select_option(label="Quote")
    page.locator(f"#id_archived_sources-{copy}-number").fill("1")
    page.locator(f"#id_archived_sources-{copy}-original_url").fill(TELEGRAM_POST)
    submit(analyst, page.get_by_role("button", name="Submit for review"), "/admin/reports/report/", "media-submitted")
    report = Report.objects.get(title=MEDIA_TITLE)
    stored_image = report.images.get()
    archived = report.archived_sources.get()
    assert (stored_image.width, stored_image.height) == (900, 600)
    assert archived.captured_by.username == "analyst" and archived.original_url == TELEGRAM_POST
    gated_files = [archived.get_absolute_url(), *(rendition.get_absolute_url() for rendition in stored_image.renditions.all())]

    # A draft's files are found by no one but the desk.
    visitor = person()
    for path in gated_files:
        expect_file_status(visitor, path, 404)

    # The editor publishes it for Premium subscribers.
    editor = person()
    desk_log_in(editor, "editor", "media-editor")
    open_review_from_home(editor, report, "media-editor")
    decision = editor.page.locator("form.review-decision")
    decision.get_by_label("Access").select_option(label="Premium")
    submit(editor, decision.get_by_role("button", name="Approve"), "/admin/reports/review/?status__exact=pending", "media-approved")

    # The public: the teaser, neither the image nor the archived copy, and their addresses refused.
    visitor.visit(report_path(report.slug), "media-public-gated")
    expect_paywall(visitor.page)
    expect(visitor.page.locator("main img")).to_have_count(0)
    expect(visitor.page.locator("main")).not_to_contain_text("archived copy")
    expect(visitor.page.locator("main")).not_to_contain_text(archived.sha256)
    for path in gated_files:
        expect_file_status(visitor, path, 403)

    # A subscriber: the image where the text places it, loaded, and the archived copy beside the quote with its hash.
    subscriber = person()
    public_log_in(subscriber, "subscriber", report_path(report.slug), "media-subscriber")
    text = subscriber.page.locator(".report-body")
    picture = text.get_by_role("img", name=IMAGE_ALT)
    expect(picture).to_be_visible()
    assert picture.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(picture).to_have_attribute("width", "900")
    expect(picture).to_have_attribute("height", "600")
    quote = text.locator("figure.quote")
    expect(quote.get_by_role("link", name="archived copy")).to_have_attribute("href", archived.get_absolute_url())
    expect(quote.locator("code.sha256")).to_have_text(archived.sha256)
    for path in gated_files:
        expect_file_status(subscriber, path, 200)

    # The editor makes it complimentary: the public now sees both, at once.
    editor.visit("/admin/reports/report/", "media-editor-list")
    run_action(editor, [report], "Change access: complimentary (free to read)", "media-complimentary")
    visitor.visit(report_path(report.slug), "media-public-complimentary")
    expect(visitor.page.locator(".report-body").get_by_role("img", name=IMAGE_ALT)).to_be_visible()
    expect(visitor.page.locator("figure.quote code.sha256")).to_have_text(archived.sha256)
    for path in gated_files:
        expect_file_status(visitor, path, 200)
    expect_accessible_throughout(accessibility)
