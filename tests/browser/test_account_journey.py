"""
The account page in a browser, as the demo subscriber uses it on a phone: it fits 390 px without
scrolling sideways, shows every section, and its real buttons unfollow and keep the digest frequency.
"""
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from reports.models import AlertState, APIToken, Follow, Organization, Series
from tests.browser.conftest import VIEWPORTS

PHONE = VIEWPORTS["phone"]
SECTIONS = ["What I read", "Institutional access", "What I follow", "E-mail preferences", "API tokens", "Password"]


def assert_fits_a_phone(walk, where):
    """At 390 px the page scrolls only downwards; every section is shown."""
    walk.page.set_viewport_size(PHONE)
    width = walk.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where}: the page is {width} px wide on a {PHONE['width']} px phone"
    for heading in SECTIONS:
        expect(walk.page.get_by_role("heading", level=2, name=heading)).to_be_visible()


def test_the_subscriber_manages_their_account_on_a_phone(walk):
    subscriber = get_user_model().objects.get(username="subscriber")
    organization = Organization.objects.get(slug="ansar-allah")
    series = Series.objects.get(slug="jttm")
    Follow.objects.create(user=subscriber, organization=organization)
    Follow.objects.create(user=subscriber, series=series)
    APIToken.issue(user=subscriber, name="OpenCTI connector on the analysts' platform")

    walk.visit("/accounts/login/?next=/account/", "login-for-account")
    walk.log_in("subscriber", "/account/", "account-subscriber")
    assert_fits_a_phone(walk, "the account page")
    reading = walk.page.locator("section.account-reading")
    expect(reading).to_contain_text("You read Premium reports until")
    expect(reading).to_contain_text("by your own subscription")
    expect(reading).to_contain_text("What Premium includes:")

    follows = walk.page.locator("section", has=walk.page.get_by_role("heading", name="What I follow"))
    expect(follows.get_by_role("link", name=organization.name)).to_be_visible()
    walk.follow(follows.get_by_role("button", name=f"Unfollow {organization.name}"), "/account/", "account-unfollowed")
    expect(walk.page.get_by_role("status")).to_contain_text(
        f"You no longer follow {organization.name}"
    )
    expect(follows.get_by_role("link", name=organization.name)).to_have_count(0)
    expect(follows.get_by_role("link", name=series.name)).to_be_visible()
    assert not Follow.objects.filter(user=subscriber, organization=organization).exists()

    walk.page.set_viewport_size(PHONE)  # the form used as a phone user would
    walk.page.get_by_role("radio", name="Once a week").check()
    walk.follow(walk.page.get_by_role("button", name="Save e-mail preferences"), "/account/", "account-weekly")
    expect(walk.page.get_by_role("radio", name="Once a week")).to_be_checked()
    expect(walk.page.get_by_role("checkbox", name="E-mail me new reports on what I follow")).to_be_checked()
    assert AlertState.objects.get(user=subscriber).frequency == "weekly"
    assert_fits_a_phone(walk, "the account page after saving")

    walk.page.reload()
    expect(walk.page.get_by_role("radio", name="Once a week")).to_be_checked()

    walk.page.get_by_label("What is the token for?").fill("A script")
    walk.follow(walk.page.get_by_role("button", name="Make a token"), "/account/api-tokens/", "account-new-token")
    expect(walk.page.locator("code.new-token")).to_be_visible()
    assert_fits_a_phone(walk, "the account page showing a new token")
