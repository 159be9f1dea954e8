"""
A new reader's way in, in a browser: sign up from the paywall, confirm the address from the e-mail,
start a free trial and read; the trial ends after its last day (a frozen clock), they ask for a
subscription, a subscription manager grants it in the admin's queue, and they read again.
"""
import datetime as dt
import re

import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from reports.models import SubscriptionRequest, Tier, Trial
from tests.browser.conftest import GATED, report_path

USERNAME = "new-analyst"
EMAIL = "new.analyst@think-tank.example"
PASSWORD = "a long and unusual passphrase"
QUEUE = "/admin/reports/subscriptionrequest/"


def expect_body(page):
    expect(page.locator(".report-body")).to_be_visible()
    expect(page.locator("section.paywall")).to_have_count(0)


def expect_paywall(page):
    expect(page.locator("section.paywall")).to_be_visible()
    expect(page.locator(".report-body")).to_have_count(0)


def sign_up_from_the_paywall(walk):
    walk.visit(report_path(GATED), "signup-report-gated-anonymous")
    expect_paywall(walk.page)
    walk.follow(walk.page.get_by_role("link", name="Create an account"), "/accounts/signup/", "signup-form")
    walk.page.locator("#id_username").fill(USERNAME)
    walk.page.locator("#id_email").fill(EMAIL)
    walk.page.locator("#id_password1").fill(PASSWORD)
    walk.page.locator("#id_password2").fill(PASSWORD)
    walk.follow(walk.page.get_by_role("button", name="Create the account"), "/accounts/signup/done/", "signup-done")
    expect(walk.page.get_by_text(f"We have sent a link to {EMAIL}")).to_be_visible()


def confirm_from_the_email(walk):
    [message] = [message for message in mail.outbox if message.to == [EMAIL]]
    path = re.search(r"https?://[^/\s]+(/accounts/confirm/\S+)", message.body).group(1)
    walk.visit(path, "signup-confirm-address")
    walk.follow(walk.page.get_by_role("button", name="Confirm my address"), "/subscribe/", "signup-confirmed")
    expect(walk.page.get_by_text("Your address is confirmed")).to_be_visible()


def ask_for_a_subscription_at_the_paywall(walk):
    walk.visit(report_path(GATED), "signup-report-gated-after-trial")
    expect_paywall(walk.page)
    walk.follow(walk.page.get_by_role("link", name="See subscription options"), "/subscribe/", "signup-options-after-trial")
    walk.follow(
        walk.page.get_by_role("link", name="Ask for a Premium subscription"),
        "/subscribe/request/?tier=premium",
        "signup-request-form",
    )
    expect(walk.page.locator("#id_tier")).to_have_value(str(Tier.objects.get(slug="premium").pk))
    walk.page.locator("#id_message").fill("For my work on militias in Iraq.")
    walk.follow(walk.page.get_by_role("button", name="Send the request"), "/subscribe/", "signup-request-sent")
    expect(walk.page.get_by_text("Your request for Premium is with the subscriptions desk")).to_be_visible()


def grant_in_the_queue(manager):
    manager.visit("/admin/login/", "signup-manager-login")
    manager.log_in("manager", "/admin/", "signup-manager-admin-home")
    manager.follow(
        manager.page.get_by_role("link", name="Subscription requests"), QUEUE, "signup-manager-queue"
    )
    pending = SubscriptionRequest.objects.get(user__username=USERNAME)
    manager.follow(
        manager.page.locator("#result_list").get_by_role("link", name=str(pending)),
        f"/admin/reports/subscriptionrequest/{pending.pk}/change/",
        "signup-manager-request",
    )
    manager.page.locator("#id_decision").select_option("grant")
    manager.follow(manager.page.get_by_role("button", name="Save", exact=True), QUEUE, "signup-manager-granted")
    expect(manager.page.get_by_text("Request granted")).to_be_visible()


def test_a_visitor_signs_up_tries_a_tier_and_is_granted_a_subscription(walk, person):
    sign_up_from_the_paywall(walk)
    confirm_from_the_email(walk)

    walk.follow(walk.page.get_by_role("button", name="Try Premium free for 7 days"), "/reports/", "signup-trial-started")
    expect(walk.page.get_by_text("Your free trial of Premium has started")).to_be_visible()
    walk.visit(report_path(GATED), "signup-report-gated-on-trial")
    expect_body(walk.page)

    trial = Trial.objects.get(user__username=USERNAME)
    last_day = timezone.make_aware(dt.datetime.combine(trial.ends_on, dt.time(23, 59)))
    with time_machine.travel(last_day, tick=False):
        walk.visit(report_path(GATED), "signup-report-gated-trial-last-day")
        expect_body(walk.page)
    with time_machine.travel(last_day + dt.timedelta(minutes=2), tick=False):
        ask_for_a_subscription_at_the_paywall(walk)
        grant_in_the_queue(person())
        walk.visit(report_path(GATED), "signup-report-gated-granted")
        expect_body(walk.page)
    assert [message.subject for message in mail.outbox if message.to == [EMAIL]][-1] == "Your Premium subscription is ready"
