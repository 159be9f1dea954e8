"""What a visitor, a subscriber and a registered reader without a subscription meet in a browser."""
from django.conf import settings
from playwright.sync_api import expect

from reports.models import Report
from tests.browser.conftest import COMPLIMENTARY, GATED, report_path

PAYWALL_HEADING = "This report is for subscribers"
PAYWALL_LOGIN_LINK = "Log in to read on"


def expect_body(page):
    expect(page.locator(".report-body")).to_be_visible()
    expect(page.locator(".report-body")).not_to_be_empty()
    expect(page.locator("section.paywall")).to_have_count(0)


def expect_paywall(page):
    paywall = page.locator("section.paywall")
    expect(paywall).to_be_visible()
    expect(paywall.get_by_role("heading", name=PAYWALL_HEADING)).to_be_visible()
    expect(page.locator(".report-body")).to_have_count(0)


def log_in_from_paywall(walk, username):
    """Open the gated report, follow the paywall's login link, log in, and land back on the report."""
    walk.visit(report_path(GATED), "report-gated-anonymous")
    walk.follow(
        walk.page.get_by_role("link", name=PAYWALL_LOGIN_LINK),
        f"/accounts/login/?next={report_path(GATED)}",
        "login-from-paywall",
    )
    walk.log_in(username, report_path(GATED), f"report-gated-{username}")
    expect(walk.page.get_by_role("button", name="Log out")).to_be_visible()


def test_stylesheet_is_served(walk):
    """The live server serves the site's CSS, and the page is drawn with it."""
    walk.visit("/", "home-anonymous")
    rules = walk.page.evaluate("document.querySelector('link[rel=stylesheet]').sheet.cssRules.length")
    assert rules > 0
    # --paper, the body's background in static/css/site.css
    expect(walk.page.locator("body")).to_have_css("background-color", "rgb(253, 252, 249)")


def test_visitor_reads_complimentary_report_from_home_page(walk):
    """An anonymous visitor follows the home page's link to the complimentary report and reads it."""
    walk.visit("/", "home-anonymous")
    title = Report.objects.get(slug=COMPLIMENTARY).title
    walk.follow(walk.page.get_by_role("link", name=title), report_path(COMPLIMENTARY), "report-complimentary-anonymous")
    expect(walk.page.get_by_role("heading", level=1)).to_have_text(title)
    expect_body(walk.page)


def test_visitor_meets_paywall_on_gated_report(walk):
    """An anonymous visitor opening a report for subscribers sees its paywall, not its body."""
    walk.visit(report_path(GATED), "report-gated-anonymous")
    expect_paywall(walk.page)
    expect(walk.page.get_by_role("link", name=PAYWALL_LOGIN_LINK)).to_be_visible()


def test_subscriber_logs_in_from_paywall_and_reads_on(walk):
    """The paywall's login link brings a subscriber back to the report, which now shows its body."""
    log_in_from_paywall(walk, "subscriber")
    expect_body(walk.page)


def test_reader_without_subscription_still_meets_paywall(walk):
    """A reader with no subscription, logged in the same way, still meets the paywall."""
    log_in_from_paywall(walk, "reader")
    expect_paywall(walk.page)
    expect(walk.page.get_by_role("link", name=PAYWALL_LOGIN_LINK)).to_have_count(0)


def test_login_page_names_the_site(walk):
    """The login page's header names the site, as every other page's does."""
    walk.visit("/accounts/login/", "login-direct")
    assert walk.page.locator(".site-header .brand").inner_text() == settings.SITE_NAME


def test_visitor_reads_the_seed_like_report_with_its_complimentary_line_and_programme_box(walk):
    """
    The demo's seed-like report: for JTTM subscribers first, complimentary since, opened by the
    series' line and closed by the Cyber & Jihad Lab's box, whose link leads to the programme's page.
    """
    walk.visit(report_path(COMPLIMENTARY), "report-seed-like-anonymous")
    page = walk.page
    line = page.locator(".complimentary-line")
    expect(line).to_contain_text("JTTM reports are written for subscribers")
    expect(line).to_contain_text("It is free to read since January 15, 2024, after a time for JTTM subscribers.")
    expect(line.get_by_role("link", name="Subscription information for the JTTM")).to_be_visible()
    expect_body(page)
    box = page.get_by_role("complementary", name="Cyber & Jihad Lab")
    expect(box).to_contain_text("The Lab tracks how jihadi groups and militias use Telegram")
    walk.follow(box.get_by_role("link", name="More from the Cyber & Jihad Lab"), "/programmes/cyber-jihad-lab/", "programme-page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cyber & Jihad Lab")
    expect(page.get_by_role("link", name=Report.objects.get(slug=COMPLIMENTARY).title)).to_be_visible()
    expect(page.locator("main").get_by_role("link", name="RSS")).to_have_attribute("href", "/programmes/cyber-jihad-lab/rss/")
