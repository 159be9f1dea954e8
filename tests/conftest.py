import pytest

from reports.caching import new_generation
from tests.factories import StaffFactory, SubscriptionFactory, UserFactory, tier


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """No test sees pages another cached: their rows have been rolled back since."""
    new_generation()


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
