"""
The signed-in user read through the shared cache (reports/cache/signed_in.py): no query per page, and
never a session that Django's own check would end.

Each test signs a reader in, lets a page keep what the cache holds of them, changes the account
the way the desk or another server would, and asks a page again. The cache is the suite's own
(Redis on the PostgreSQL pass, the disk cache on the SQLite pass).
"""
import pickle

import pytest
from django.contrib.auth import HASH_SESSION_KEY, get_user_model
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.cache.signed_in import SIGNED_IN_AS_COOKIE, kept_user_key
from tests.factories import ReportFactory, SubscriptionFactory, UserFactory, tier

GATED = "GATED-TEXT-MARKER-5e1b"

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


@pytest.fixture
def gated():
    return ReportFactory(required_tier=tier("premium"), body=f"The text. {GATED}")


@pytest.fixture
def subscriber(client):
    """A premium subscriber, signed in, whom a page has just read from the database and kept."""
    user = SubscriptionFactory(tier=tier("premium")).user
    client.force_login(user)
    assert client.get(reverse("account")).status_code == 200
    return user


def signed_in(client):
    return client.get(reverse("account")).status_code == 200


def reads_gated_text(client, report):
    return GATED in client.get(report.get_absolute_url()).content.decode()


def test_a_subscribers_pages_cost_no_query_for_who_they_are(client, subscriber, gated):
    client.get(gated.get_absolute_url())  # the page and the read kept
    with CaptureQueriesContext(connection) as queries:
        response = client.get(gated.get_absolute_url())
    assert GATED in response.content.decode()
    assert response.wsgi_request.user.pk == subscriber.pk
    users_table = get_user_model()._meta.db_table
    assert not [query for query in queries if users_table in query["sql"]]


def test_the_cache_keeps_no_password_hash(client, subscriber):
    entry = cache.get(kept_user_key(subscriber.pk))
    assert entry is not None
    assert subscriber.password not in repr(entry) and subscriber.password.encode() not in pickle.dumps(entry)


def test_a_new_password_ends_the_users_other_sessions_at_once(client, subscriber, gated):
    subscriber.set_password("an entirely new passphrase")
    subscriber.save()  # as the desk, a password reset or another server would
    assert not signed_in(client)
    assert not reads_gated_text(client, gated)


def test_a_deactivated_user_is_signed_out_at_once(client, subscriber, gated):
    subscriber.is_active = False
    subscriber.save()
    assert not reads_gated_text(client, gated)
    assert not signed_in(client)


def test_a_deleted_user_is_signed_out_at_once(client, subscriber):
    subscriber.delete()
    assert not signed_in(client)


def test_a_session_with_another_hash_is_ended(client, subscriber):
    session = client.session
    session[HASH_SESSION_KEY] = "0" * 64
    session.save()
    assert not signed_in(client)
    assert HASH_SESSION_KEY not in client.session


def test_a_new_secret_key_ends_sessions_signed_with_the_old_one(client, subscriber, settings):
    settings.SECRET_KEY = "a brand new secret key " * 3
    assert not signed_in(client)


def test_sessions_signed_with_a_fallback_key_carry_on_and_are_signed_again(client, subscriber, settings):
    old_hash = client.session[HASH_SESSION_KEY]
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a brand new secret key " * 3
    assert signed_in(client)
    assert client.session[HASH_SESSION_KEY] not in ("", old_hash)
    assert signed_in(client)


def test_saving_the_user_a_page_was_given_keeps_their_password(client, subscriber):
    user = client.get(reverse("account")).wsgi_request.user
    user.first_name = "Noor"
    user.save()
    saved = get_user_model().objects.get(pk=subscriber.pk)
    assert saved.first_name == "Noor" and saved.check_password(PASSWORD)
    assert signed_in(client), "the session outlives a change that leaves the password alone"


def test_a_reader_changing_their_password_stays_signed_in_and_reads_on(client, subscriber, gated):
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "a new long passphrase", "new_password2": "a new long passphrase"},
    )
    assert response.status_code == 302
    assert reads_gated_text(client, gated)
    assert get_user_model().objects.get(pk=subscriber.pk).check_password("a new long passphrase")


class TestSignedInCookie:
    """The cookie that names the user, so that their session and the rest come in one round trip."""

    def test_logging_in_sets_it_and_logging_out_drops_it(self, client):
        user = SubscriptionFactory(tier=tier("premium")).user
        response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
        cookie = response.cookies[SIGNED_IN_AS_COOKIE]
        assert cookie.value == str(user.pk) and cookie["httponly"] and cookie["samesite"] == "Lax"
        response = client.post(reverse("logout"))
        assert response.cookies[SIGNED_IN_AS_COOKIE]["max-age"] == 0
        assert SIGNED_IN_AS_COOKIE not in client.cookies or not client.cookies[SIGNED_IN_AS_COOKIE].value

    def test_it_is_secure_only_where_the_session_cookie_is(self, client, settings):
        settings.SESSION_COOKIE_SECURE = True
        user = UserFactory()
        response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, secure=True)
        assert response.cookies[SIGNED_IN_AS_COOKIE]["secure"]

    def test_naming_another_user_reads_nothing_of_theirs(self, client, subscriber, gated):
        registered = UserFactory()
        client.force_login(registered)
        client.cookies[SIGNED_IN_AS_COOKIE] = str(subscriber.pk)  # the subscriber's, as kept by a page
        response = client.get(gated.get_absolute_url())
        assert GATED not in response.content.decode()
        assert response.wsgi_request.user.pk == registered.pk
        assert response.cookies[SIGNED_IN_AS_COOKIE].value == str(registered.pk)

    @pytest.mark.parametrize("claimed", ["", "not-a-number", "99999999999999999999999"])
    def test_nonsense_in_it_is_ignored(self, client, subscriber, gated, claimed):
        client.cookies[SIGNED_IN_AS_COOKIE] = claimed
        assert reads_gated_text(client, gated)

    def test_without_a_session_it_is_dropped(self, client, subscriber):
        client.logout()
        client.cookies[SIGNED_IN_AS_COOKIE] = str(subscriber.pk)
        response = client.get(reverse("account"))
        assert response.status_code == 302 and response.cookies[SIGNED_IN_AS_COOKIE]["max-age"] == 0
