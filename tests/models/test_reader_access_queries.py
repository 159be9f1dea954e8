"""
What the access policy asks the database about a reader (reports/models/readers.py, through reports.cache.readers), and where its rules end.

A signed-in reader's own subscriptions and memberships cost one query. An address on no
institution's network costs none: the networks the page cache keeps for its generation tell so.
An address on one costs one more; a cache that cannot be asked costs that query, never an answer.
"""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.cache.readers import cached_reader_access
from reports.cache.store import pages_changed
from reports.models import (
    InstitutionDomain,
    InstitutionMembership,
)
from reports.models.readers import reader_access
from reports.subscriptions.services import confirm_membership, membership_token
from tests.factories import (
    ReportFactory,
    SubscriptionFactory,
    UserFactory,
    institution,
    tier,
)
from tests.processes import free_port

pytestmark = pytest.mark.django_db

SITE_ZONE = ZoneInfo("America/New_York")
TODAY = dt.date(2026, 3, 10)
NETWORK, ON_NETWORK, ELSEWHERE = "198.51.100.0/24", "198.51.100.23", "203.0.113.9"
GATED = "GATED-TEXT-MARKER-9d4c"


def member(user, of):
    InstitutionMembership.objects.create(institution=of, user=user, email=f"{user.username}@{of.slug}.example")
    return user


def visitor(user=None, ip=None):
    """
    The visitor as a new request from `ip` gets it (reports.cache.signed_in): loaded afresh, nothing
    remembered, its address noted, and what it holds learnt through the cache.
    """
    fresh = AnonymousUser() if user is None else type(user).objects.get(pk=user.pk)
    fresh.client_ip = ip
    fresh.find_reader_access = cached_reader_access
    return fresh


def access_and_queries(user=None, ip=None):
    """What the policy finds for the visitor, and how many queries it took once the networks are in the cache."""
    reader_access(visitor(user, ip))  # the first request of a generation reads the networks into the cache
    fresh = visitor(user, ip)
    with CaptureQueriesContext(connection) as queries:
        access = reader_access(fresh)
    return access, len(queries)


def rank(slug):
    return tier(slug).rank


@pytest.fixture
def agency():
    return institution("Agency", "premium", network=NETWORK)


class TestQueries:
    def test_an_anonymous_visitor_on_no_network_costs_none(self, agency):
        assert access_and_queries(ip=ELSEWHERE) == ((None, None), 0)

    def test_an_anonymous_visitor_on_a_network_costs_one(self, agency):
        assert access_and_queries(ip=ON_NETWORK) == ((rank("premium"), agency), 1)

    def test_a_signed_in_readers_holdings_cost_one_query_then_are_kept(self, agency, django_assert_num_queries):
        subscriber = SubscriptionFactory(tier=tier("jttm")).user
        reader_access(visitor(ip=ELSEWHERE))  # the networks, into the cache
        first, expected = visitor(subscriber, ELSEWHERE), (rank("jttm"), None)
        with django_assert_num_queries(1):
            assert reader_access(first) == expected
        assert access_and_queries(subscriber, ELSEWHERE) == ((rank("jttm"), None), 0)
        assert access_and_queries(member(subscriber, agency), ELSEWHERE) == ((rank("premium"), agency), 0)
        assert access_and_queries(UserFactory(), ELSEWHERE) == ((None, None), 0)

    def test_kept_holdings_follow_a_change_of_subscription_or_membership_at_once(self, agency):
        subscription = SubscriptionFactory(tier=tier("jttm"))
        reader = subscription.user
        assert access_and_queries(reader, ELSEWHERE)[0] == (rank("jttm"), None)
        membership = InstitutionMembership.objects.create(
            institution=agency, user=reader, email=f"{reader.username}@agency.example"
        )
        assert access_and_queries(reader, ELSEWHERE)[0] == (rank("premium"), agency)
        membership.delete()
        subscription.ends_on = subscription.starts_on
        subscription.save()
        assert access_and_queries(reader, ELSEWHERE)[0] == (None, None)

    def test_kept_holdings_end_with_the_day(self):
        with at(TODAY):
            subscriber = SubscriptionFactory(tier=tier("premium"), ends_on=TODAY).user
            assert access_and_queries(subscriber, ELSEWHERE)[0] == (rank("premium"), None)
        with at(TODAY + dt.timedelta(days=1)):
            assert access_and_queries(subscriber, ELSEWHERE)[0] == (None, None)

    def test_a_signed_in_reader_on_a_network_costs_the_network_query(self, agency):
        subscriber = SubscriptionFactory(tier=tier("jttm")).user
        assert access_and_queries(subscriber, ON_NETWORK) == ((rank("premium"), agency), 1)

    def test_the_networks_are_read_once_per_generation(self, agency, django_assert_num_queries):
        pages_changed()
        with django_assert_num_queries(1):
            reader_access(visitor(ip=ELSEWHERE))
        with django_assert_num_queries(0):
            reader_access(visitor(ip=ELSEWHERE))

    def test_the_institution_given_is_the_one_giving_access_with_its_fields(self, agency):
        (_, given), _ = access_and_queries(member(UserFactory(), agency), ELSEWHERE)
        assert (given.pk, given.name, given.tier) == (agency.pk, "Agency", tier("premium"))


def at(day):
    return time_machine.travel(dt.datetime.combine(day, dt.time(12), tzinfo=SITE_ZONE), tick=False)


class TestTerms:
    """Own subscriptions and institutions' terms, counted the same way: the last paid day, then grace."""

    @pytest.fixture(params=["own subscription", "membership", "network"])
    def holding(self, request):
        """Makes a premium holding with the given term, and answers the visitor who holds it."""

        def make(ends_on, grace_days=0):
            if request.param == "own subscription":
                return visitor(SubscriptionFactory(tier=tier("premium"), ends_on=ends_on, grace_days=grace_days).user)
            held = institution("Agency", "premium", ends_on=ends_on, grace_days=grace_days, network=NETWORK)
            if request.param == "membership":
                return visitor(member(UserFactory(), held))
            return visitor(ip=ON_NETWORK)

        return make

    @pytest.mark.parametrize(
        "ends_on, grace_days, holds",
        [
            (TODAY, 0, True),  # the last paid day
            (TODAY - dt.timedelta(days=1), 0, False),  # ended yesterday, no grace
            (TODAY - dt.timedelta(days=1), 1, True),  # ended yesterday, today is the grace day
            (TODAY - dt.timedelta(days=2), 1, False),  # beyond grace
        ],
    )
    def test_a_term_counts_through_its_last_day_and_grace(self, holding, ends_on, grace_days, holds):
        with at(TODAY):
            assert reader_access(holding(ends_on, grace_days))[0] == (rank("premium") if holds else None)

    def test_a_term_that_has_not_started_grants_nothing(self):
        tomorrow = TODAY + dt.timedelta(days=1)
        user = SubscriptionFactory(tier=tier("premium"), starts_on=tomorrow, ends_on=dt.date(2099, 1, 1)).user
        with at(TODAY):
            assert reader_access(visitor(user)) == (None, None)

    def test_a_network_grants_nothing_once_its_institutions_term_ended(self):
        held = institution("Agency", "premium", ends_on=TODAY, network=NETWORK)
        with at(TODAY):
            assert reader_access(visitor(ip=ON_NETWORK)) == (rank("premium"), held)
        with at(TODAY + dt.timedelta(days=1)):  # no save: the networks the cache knows are unchanged
            assert reader_access(visitor(ip=ON_NETWORK)) == (None, None)


class TestWhoGivesAccess:
    def test_an_unconfirmed_membership_grants_nothing(self, agency):
        InstitutionDomain.objects.create(institution=agency, domain="agency.example")
        user = UserFactory(email="dana@agency.example")
        token = membership_token(user=user, email="dana@agency.example")  # the link is sent, not yet followed
        assert reader_access(visitor(user)) == (None, None)
        confirm_membership(user=user, token=token)
        assert reader_access(visitor(user)) == (rank("premium"), agency)

    @pytest.mark.parametrize(
        "own, through, expected",
        [
            ("premium", "premium", ("premium", True)),  # equal rank: the institution, so its usage counts the read
            ("premium", "jttm", ("premium", False)),
            ("jttm", "premium", ("premium", True)),
        ],
    )
    @pytest.mark.parametrize("way", ["membership", "network"])
    def test_the_highest_rank_wins_and_at_equal_rank_the_institution(self, own, through, expected, way):
        held = institution("Agency", through, network=NETWORK)
        user = SubscriptionFactory(tier=tier(own)).user
        if way == "membership":
            member(user, held)
        expected_rank, through_institution = expected
        access = reader_access(visitor(user, ON_NETWORK if way == "network" else ELSEWHERE))
        assert access == (rank(expected_rank), held if through_institution else None)

    def test_of_two_institutions_the_higher_tier_gives_access(self):
        lower = institution("Lower", "jttm", network="198.51.0.0/16")
        higher = institution("Higher", "premium", network=NETWORK)
        user = member(member(UserFactory(), lower), higher)
        assert reader_access(visitor(user)) == (rank("premium"), higher)
        assert reader_access(visitor(ip=ON_NETWORK)) == (rank("premium"), higher)
        assert reader_access(visitor(ip="198.51.7.7")) == (rank("jttm"), lower)

    def test_a_network_of_an_institution_whose_term_ended_yields_to_an_active_one(self):
        institution("Ended", "premium", ends_on=dt.date(2021, 1, 1), network=NETWORK)
        active = institution("Active", "jttm", network="198.51.0.0/16")
        assert reader_access(visitor(ip=ON_NETWORK)) == (rank("jttm"), active)


class TestNetworkChanges:
    """A network's save starts a new page cache generation: the next request knows of it."""

    @pytest.fixture
    def premium_report(self):
        return ReportFactory(required_tier=tier("premium"), body=f"Gated {GATED}.")

    def test_a_network_added_after_a_page_was_cached_is_honoured_at_once(self, client, premium_report):
        url = premium_report.get_absolute_url()
        client.get(url, REMOTE_ADDR=ON_NETWORK)
        cached = client.get(url, REMOTE_ADDR=ON_NETWORK)
        assert cached["X-Page-Cache"] == "hit" and GATED not in cached.content.decode()
        agency = institution("Agency", "premium", network=NETWORK)
        assert reader_access(visitor(ip=ON_NETWORK)) == (rank("premium"), agency)
        assert GATED in client.get(url, REMOTE_ADDR=ON_NETWORK).content.decode()

    def test_a_network_removed_grants_nothing_at_once(self, agency):
        assert reader_access(visitor(ip=ON_NETWORK)) == (rank("premium"), agency)
        agency.networks.get().delete()
        assert reader_access(visitor(ip=ON_NETWORK)) == (None, None)

    def test_a_network_changed_counts_at_its_new_address(self, agency):
        network = agency.networks.get()
        network.cidr = "192.0.2.0/24"
        network.save()
        assert reader_access(visitor(ip=ON_NETWORK)) == (None, None)
        assert reader_access(visitor(ip="192.0.2.1")) == (rank("premium"), agency)


class TestCacheDown:
    """The networks come from the database when the cache server cannot be reached: the same answers."""

    @staticmethod
    def stop_the_cache(settings):
        """Points the cache at a port nothing listens on; the data is made first, since a save tells the cache."""
        closed = f"redis://127.0.0.1:{free_port()}/0"
        settings.CACHES = {"default": {"BACKEND": "reports.cache.backends.RedisCache", "LOCATION": closed}}

    def test_the_policy_answers_from_the_database(self, agency, settings):
        user = member(SubscriptionFactory(tier=tier("jttm")).user, agency)
        premium = rank("premium")
        self.stop_the_cache(settings)
        assert access_and_queries(ip=ELSEWHERE) == ((None, None), 1)
        assert access_and_queries(ip=ON_NETWORK) == ((premium, agency), 1)
        assert access_and_queries(user, ELSEWHERE) == ((premium, agency), 2)

    def test_readers_on_the_network_still_read_and_others_meet_the_paywall(self, client, agency, settings):
        report = ReportFactory(required_tier=tier("premium"), body=f"Gated {GATED}.")
        self.stop_the_cache(settings)
        on, off = (client.get(report.get_absolute_url(), REMOTE_ADDR=ip) for ip in (ON_NETWORK, ELSEWHERE))
        assert on.status_code == off.status_code == 200
        assert GATED in on.content.decode() and GATED not in off.content.decode()


def test_without_the_cache_the_policy_asks_the_database_and_answers_the_same(agency):
    """A user no request looked up (a command, a script) holds what the database says, the network included."""
    subscriber = SubscriptionFactory(tier=tier("jttm")).user
    plain = type(subscriber).objects.get(pk=subscriber.pk)
    plain.client_ip = ON_NETWORK
    assert reader_access(plain) == (rank("premium"), agency)
    assert reader_access(AnonymousUser()) == (None, None)
