"""
Access that changes over time: a report's `access_changes_at` hands its access from `required_tier`
to `access_after`, by itself, at that second, on every surface and through every cache.

The premium report of the access matrix (tests/access_matrix.py) is set to become complimentary at
noon today (a time of day that no subscription boundary crosses): one second before, its gated
markers appear only for readers; one second after, for every visitor, with the complimentary line.
"""
import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from reports.models import Report
from tests.access_matrix import BODY, GATED_MARKERS, READERS, TITLE, VISITORS, Desk, fetch
from tests.factories import ReportFactory, SeriesFactory, make_visitor, tier

pytestmark = pytest.mark.django_db

NOON = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(12)))
BEFORE, AFTER = NOON - dt.timedelta(seconds=1), NOON + dt.timedelta(seconds=1)
BODY_WORD = BODY.rsplit("-", 1)[1]  # the one word of the body's marker: search finds the report by its body alone

# Surface: (address, what a visitor who may read the report finds there).
SURFACES = {
    "page": (lambda desk: desk.report.get_absolute_url(), GATED_MARKERS),
    "print": (lambda desk: f"/reports/{desk.report.slug}/print/", GATED_MARKERS),
    "feed": (lambda desk: "/feeds/rss/", {BODY}),
    "search": (lambda desk: f"/search/?q={BODY_WORD}", {TITLE, BODY}),
    "api": (lambda desk: f"/api/v1/reports/{desk.report.slug}/", GATED_MARKERS),
    "stix": (lambda desk: f"/reports/{desk.report.slug}/stix.json", GATED_MARKERS),
}
REFUSED_TO_OTHERS = {"stix"}  # the others get the teaser (or nothing) with a 200
OPEN_ONCE_COMPLIMENTARY = {"feed"}  # feeds carry the text of complimentary reports alone, to no one else


def found(client, visitor, url):
    """The markers (the title among them) an answer holds; None when it is not a 200."""
    client.logout()
    response, content = fetch(client, visitor, url, "session")
    return {marker for marker in (*GATED_MARKERS, TITLE) if marker in content} if response.status_code == 200 else None


@pytest.mark.parametrize("kind", VISITORS)
def test_a_report_becoming_complimentary_is_gated_a_second_before_and_open_a_second_after_everywhere(client, kind):
    with time_machine.travel(BEFORE - dt.timedelta(hours=1), tick=False):
        desk = Desk(access_changes_at=NOON, access_after=None)
        visitor = make_visitor(kind)
    for moment, complimentary in ((BEFORE, False), (AFTER, True)):
        may_read = complimentary or kind in READERS
        with time_machine.travel(moment, tick=False):
            for surface, (address, shown) in SURFACES.items():
                answer = found(client, visitor, address(desk))
                if surface in REFUSED_TO_OTHERS and not may_read:
                    assert answer is None, (moment, surface)
                    continue
                opens = complimentary if surface in OPEN_ONCE_COMPLIMENTARY else may_read
                assert answer - {TITLE} == (shown - {TITLE} if opens else set()), (moment, surface)
                if surface == "search":
                    assert (TITLE in answer) is may_read, "a body-only match finds the report for its readers alone"


@pytest.mark.parametrize("kind", VISITORS)
def test_the_page_kept_for_anonymous_visitors_changes_at_the_second(client, kind):
    """The page and content caches keep a page no longer than until the next access change."""
    with time_machine.travel(BEFORE - dt.timedelta(minutes=5), tick=False):
        desk = Desk(access_changes_at=NOON, access_after=None)
        visitor = make_visitor(kind)
        if visitor is not None:
            client.force_login(visitor)
        client.get(desk.report.get_absolute_url())  # kept for its audience
    with time_machine.travel(BEFORE, tick=False):
        page = client.get(desk.report.get_absolute_url()).content.decode()
        assert (BODY in page) is (kind in READERS)
        assert "Free to read from" in page
    with time_machine.travel(AFTER, tick=False):
        page = client.get(desk.report.get_absolute_url()).content.decode()
        assert BODY in page
        assert "It is free to read since" in page and "after a time for Premium subscribers" in page


def test_the_complimentary_line_speaks_in_the_series_words_and_links_its_subscription_information(client):
    series = SeriesFactory(
        name="Jihad and Terrorism Threat Monitor", short_name="JTTM",
        complimentary_line="Open to all readers this week, courtesy of the JTTM.",
        subscription_url="https://subscriptions.example/jttm",
    )
    free_from_start = ReportFactory(series=series, required_tier=None)
    page = client.get(free_from_start.get_absolute_url()).content.decode()
    assert "Open to all readers this week, courtesy of the JTTM." in page
    assert '<a href="https://subscriptions.example/jttm">Subscription information for the JTTM</a>' in page
    assert "free to read since" not in page, "complimentary from the start: no date to tell"


def test_a_complimentary_report_of_a_series_without_a_line_says_nothing_unless_it_became_complimentary(client):
    plain = ReportFactory(required_tier=None)
    assert "complimentary-line" not in client.get(plain.get_absolute_url()).content.decode()
    became = ReportFactory(
        required_tier=tier("jttm"), access_changes_at=timezone.now() - dt.timedelta(days=3), access_after=None
    )
    page = client.get(became.get_absolute_url()).content.decode()
    assert f"This report of the {became.series} is complimentary." in page
    assert '<a href="/subscribe/">Subscription information for the' in page


def test_a_report_can_also_become_gated():
    """The reverse: complimentary until a sensitive follow-up, then for subscribers."""
    report = ReportFactory(required_tier=None, access_changes_at=NOON, access_after=tier("premium"))
    reader = make_visitor("active")
    with time_machine.travel(BEFORE, tick=False):
        assert report in Report.objects.readable_by(AnonymousUser())
        assert report.is_readable_by(AnonymousUser()) and report.is_complimentary
    with time_machine.travel(AFTER, tick=False):
        assert report not in Report.objects.readable_by(AnonymousUser())
        assert not report.is_readable_by(AnonymousUser()) and report.access_tier == tier("premium")
        assert report in Report.objects.readable_by(reader) and report.is_readable_by(reader)
        assert report.complimentary_since is None


ACCESS_STATES = {
    "free": {"required_tier": None},
    "jttm": {"required_tier": "jttm"},
    "premium": {"required_tier": "premium"},
    "free_until_noon": {"required_tier": None, "access_changes_at": NOON, "access_after": "premium"},
    "premium_until_noon": {"required_tier": "premium", "access_changes_at": NOON, "access_after": None},
    "jttm_until_noon_then_premium": {"required_tier": "jttm", "access_changes_at": NOON, "access_after": "premium"},
}


@pytest.mark.parametrize("moment", [BEFORE, NOON, AFTER], ids=["before", "at", "after"])
@pytest.mark.parametrize("kind", VISITORS)
def test_the_queryset_and_the_object_method_agree_on_every_access_and_moment(kind, moment):
    with time_machine.travel(BEFORE - dt.timedelta(hours=1), tick=False):
        visitor = make_visitor(kind) or AnonymousUser()
        reports = {
            name: ReportFactory(**{
                field: tier(value) if field in ("required_tier", "access_after") and value else value
                for field, value in fields.items()
            })
            for name, fields in ACCESS_STATES.items()
        }
    with time_machine.travel(moment, tick=False):
        readable = set(Report.objects.readable_by(visitor))
        assert {report for report in reports.values() if report.is_readable_by(visitor)} == readable
        complimentary = set(Report.objects.with_access_now(None))
        assert complimentary == {report for report in reports.values() if report.is_complimentary}
        assert set(Report.objects.gated_now()) == set(reports.values()) - complimentary
    changed = moment >= NOON
    assert (reports["free_until_noon"] in readable) is (not changed or kind in READERS)
    assert (reports["premium_until_noon"] in readable) is (changed or kind in READERS)
    assert (reports["jttm_until_noon_then_premium"] in readable) is (kind in READERS or (kind == "lower_tier" and not changed))


def test_the_next_access_change_is_the_nearest_publication_or_change_to_come():
    with time_machine.travel(BEFORE - dt.timedelta(hours=1), tick=False):
        ReportFactory(access_changes_at=NOON - dt.timedelta(days=1), access_after=None)  # past: not to come
        assert Report.objects.next_access_change() is None
        ReportFactory(published_at=NOON + dt.timedelta(hours=2))
        assert Report.objects.next_access_change() == NOON + dt.timedelta(hours=2)
        ReportFactory(access_changes_at=NOON, access_after=None)
        assert Report.objects.next_access_change() == NOON


def test_a_series_rule_makes_its_reports_complimentary_as_they_age(client):
    published = timezone.now() - dt.timedelta(days=100)
    series = SeriesFactory()
    old = ReportFactory(series=series, required_tier=tier("jttm"), published_at=published)
    kept_gated = ReportFactory(
        series=series, required_tier=tier("jttm"), published_at=published,
        access_changes_at=published, access_after=tier("jttm"),
    )
    series.complimentary_after_days = 90
    series.save()
    old.refresh_from_db()
    assert old.access_changes_at == published + dt.timedelta(days=90) and old.is_complimentary
    kept_gated.refresh_from_db()
    assert not kept_gated.is_complimentary, "a report with a change of its own keeps it"
    fresh = ReportFactory(series=series, required_tier=tier("jttm"), published_at=timezone.now())
    assert fresh.access_changes_at == fresh.published_at + dt.timedelta(days=90)
    assert not fresh.is_complimentary
    with time_machine.travel(fresh.published_at + dt.timedelta(days=90, seconds=1), tick=False):
        assert fresh in Report.objects.with_access_now(None)
