"""
What the access policy asks the database about a reader (reports/access.py), and where its rules end.

A signed-in reader's own subscriptions and memberships cost one query.
"""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.text import slugify

from reports.access import reader_access
from reports.models import Institution, InstitutionDomain, InstitutionMembership, InstitutionNetwork
from reports.services import confirm_membership, membership_token
from tests.factories import SubscriptionFactory, UserFactory, tier

pytestmark = pytest.mark.django_db

SITE_ZONE = ZoneInfo("America/New_York")
TODAY = dt.date(2026, 3, 10)
NETWORK, ON_NETWORK, ELSEWHERE = "198.51.100.0/24", "198.51.100.23", "203.0.113.9"


def institution(name, tier_slug, *, ends_on=dt.date(2099, 1, 1), network=None, grace_days=0):
    created = Institution.objects.create(
        name=name, slug=slugify(name), tier=tier(tier_slug),
        starts_on=dt.date(2020, 1, 1), ends_on=ends_on, grace_days=grace_days,
    )
    if network:
        InstitutionNetwork.objects.create(institution=created, cidr=network)
    return created


def member(user, of):
    InstitutionMembership.objects.create(institution=of, user=user, email=f"{user.username}@{of.slug}.example")
    return user


def visitor(user=None, ip=None):
    """The visitor as a new request from `ip` gets it: loaded afresh, nothing remembered, its address noted."""
    fresh = AnonymousUser() if user is None else type(user).objects.get(pk=user.pk)
    fresh.client_ip = ip
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
    def test_a_signed_in_reader_costs_one(self, agency):
        subscriber = SubscriptionFactory(tier=tier("jttm")).user
        assert access_and_queries(subscriber) == ((rank("jttm"), None), 1)
        assert access_and_queries(member(subscriber, agency)) == ((rank("premium"), agency), 1)
        assert access_and_queries(UserFactory()) == ((None, None), 1)

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
