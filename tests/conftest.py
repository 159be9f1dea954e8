import pytest
from django.core.cache import cache
from django.test import Client

from reports.subscriptions.accounts import finish_background_mail
from tests.factories import StaffFactory, SubscriptionFactory, UserFactory, tier


@pytest.fixture(autouse=True)
def fresh_cache():
    """No test sees what another kept in the cache (pages, users): their rows have been rolled back since."""
    cache.clear()


@pytest.fixture(autouse=True)
def mail_sent_before_the_next_test():
    """Mail handed to a thread of its own (reports.subscriptions.accounts) is sent before the test's database goes."""
    yield
    finish_background_mail()


@pytest.fixture
def jttm():
    return tier("jttm")


@pytest.fixture
def premium():
    return tier("premium")


@pytest.fixture
def analyst(db):
    return StaffFactory(username="analyst", group="Analysts")


@pytest.fixture
def editor(db):
    return StaffFactory(username="editor", group="Editors")


@pytest.fixture
def subscription_manager(db):
    return StaffFactory(username="manager", group="Subscription managers")


@pytest.fixture
def reader(db):
    """Registered, with no subscription."""
    return UserFactory(username="reader")


@pytest.fixture
def jttm_subscriber(db, jttm):
    return SubscriptionFactory(user__username="jttm-subscriber", tier=jttm).user


@pytest.fixture
def premium_subscriber(db, premium):
    return SubscriptionFactory(user__username="premium-subscriber", tier=premium).user


@pytest.fixture
def client_for():
    """A test client of its own (its own cookies), signed in as the user given."""

    def signed_in(user):
        client = Client()
        client.force_login(user)
        return client

    return signed_in
