"""
Search results kept per reader class, in browsers: a subscriber's search of a word in a gated
report's body, made and kept for premium readers, is not what the public gets for the same
search, nor what the same browser gets once its reader has logged out.
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils.html import strip_tags
from playwright.sync_api import expect

from reports.models import Report
from reports.search.engine import search_reports
from tests.browser.conftest import GATED

NO_MATCH = "No reports match. Try fewer words, or another spelling."


def body_only_word(report):
    """A word of the report's body that finds it for a premium reader alone."""
    subscriber = get_user_model().objects.get(username="subscriber")
    for word in dict.fromkeys(strip_tags(report.body_html).split()):
        word = word.strip(".,;:!?\"'()[]“”’")
        if len(word) > 5 and word.isalpha() and not search_reports(word, AnonymousUser()).exists():
            if list(search_reports(word, subscriber)) == [report]:
                return word
    raise AssertionError("the demo's gated report has no word of its own in its body")


def test_a_subscribers_kept_results_reach_no_one_else(walk, person):
    report = Report.objects.get(slug=GATED)
    word = body_only_word(report)

    walk.visit(f"/accounts/login/?next=/search/%3Fq%3D{word}", "search-kept-login")
    walk.log_in("subscriber", f"/search/?q={word}", "search-kept-subscriber")
    result = walk.page.locator("article.result")
    expect(result).to_have_count(1)
    expect(result.get_by_role("link", name=report.title)).to_be_visible()
    expect(result.locator(".snippet mark").first).to_have_text(word)

    visitor = person()
    visitor.visit(f"/search/?q={word}", "search-kept-public")
    expect(visitor.page.locator("article.result")).to_have_count(0)
    expect(visitor.page.locator("p.empty")).to_have_text(NO_MATCH)
    expect(visitor.page.locator("p.count")).to_have_text("0 reports")

    walk.follow(walk.page.get_by_role("button", name="Log out"), "/", "search-kept-logged-out")
    walk.visit(f"/search/?q={word}", "search-kept-after-logout")
    expect(walk.page.locator("article.result")).to_have_count(0)
    expect(walk.page.get_by_role("link", name="Log in")).to_be_visible()
