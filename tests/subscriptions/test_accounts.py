"""Logging in and out, the account page, and password change and reset by e-mail."""
import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from reports.subscriptions.accounts import RESETS_PER_ADDRESS, finish_background_mail
from tests.factories import ReportFactory, SubscriptionFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def test_logging_in_returns_the_reader_to_the_report_they_were_reading(client, premium_subscriber, premium):
    report = ReportFactory(required_tier=premium, body="The full analysis.")
    response = client.post(
        reverse("login"), {"username": premium_subscriber.username, "password": PASSWORD, "next": report.get_absolute_url()}
    )
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert "The full analysis." in client.get(report.get_absolute_url()).content.decode()


def test_a_wrong_password_is_refused_with_a_message(client, reader):
    response = client.post(reverse("login"), {"username": reader.username, "password": "wrong"})
    assert response.status_code == 200
    assert "did not match" in response.content.decode()


def test_login_never_redirects_to_another_site(client, reader):
    response = client.post(
        reverse("login"), {"username": reader.username, "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_logging_out_ends_the_session(client, reader):
    client.force_login(reader)
    client.post(reverse("logout"))
    assert client.get(reverse("account")).status_code == 302


def test_the_account_page_asks_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("account"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_account_page_shows_the_current_tier_and_its_last_day(client, premium):
    ends_on = timezone.localdate() + dt.timedelta(days=10)
    user = SubscriptionFactory(tier=premium, ends_on=ends_on).user
    client.force_login(user)
    page = client.get(reverse("account")).content.decode()
    assert "You read <strong>Premium</strong> reports until" in page
    assert f"{ends_on:%B} {ends_on.day}, {ends_on:%Y}" in page


def test_the_account_page_of_a_reader_without_subscription_offers_one(client, reader):
    client.force_login(reader)
    assert "You have no active subscription" in client.get(reverse("account")).content.decode()


def test_a_reader_changes_their_password(client, reader):
    client.force_login(reader)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert response.status_code == 302
    reader.refresh_from_db()
    assert reader.check_password("a new long passphrase")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the mail is looked up and sent by another thread
def test_a_forgotten_password_is_reset_through_the_link_sent_by_email(client):
    user = UserFactory(email="analyst@agency.example")
    client.post(reverse("password_reset"), {"email": "analyst@agency.example"})
    finish_background_mail()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["analyst@agency.example"]
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    assert "Set my password" in form_page.content.decode()
    client.post(form_page.redirect_chain[-1][0], {"new_password1": "brand new passphrase", "new_password2": "brand new passphrase"})
    user.refresh_from_db()
    assert user.check_password("brand new passphrase")


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    finish_background_mail()
    assert "If an account has that address" in response.content.decode()
    assert not mail.outbox


@pytest.mark.parametrize("email", ["analyst@agency.example", "nobody@example.org"])
def test_a_reset_does_the_same_work_on_the_request_path_for_any_address(client, django_assert_num_queries, email):
    """Who has an account is looked up off the request path: the answer cannot take longer for a known address."""
    UserFactory(email="analyst@agency.example")
    with django_assert_num_queries(0):
        response = client.post(reverse("password_reset"), {"email": email})
    finish_background_mail()
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_resets_for_one_address_stop_after_a_few_an_hour(client):
    UserFactory(email="analyst@agency.example")
    for _ in range(RESETS_PER_ADDRESS + 2):
        assert client.post(reverse("password_reset"), {"email": "Analyst@Agency.example"}).status_code == 302
    finish_background_mail()
    assert len(mail.outbox) == RESETS_PER_ADDRESS


def test_wrong_old_passwords_pause_the_password_change(client, reader, settings):
    client.force_login(reader)
    wrong = {"old_password": "a guess", "new_password1": "a new long passphrase", "new_password2": "a new long passphrase"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        assert "Your old password was entered incorrectly" in client.post(reverse("password_change"), wrong).content.decode()
    right = {**wrong, "old_password": PASSWORD}
    response = client.post(reverse("password_change"), right)
    assert response.status_code == 200 and "Too many wrong passwords" in response.content.decode()
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD), "even the right password changes nothing while paused"
