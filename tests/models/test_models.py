"""The domain model's rules: slugs, footnote order, tiers, subscription terms, publication, aliases."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.models import Footnote, Organization, Person, Report
from tests.factories import (
    FootnoteFactory,
    OrganizationAliasFactory,
    OrganizationFactory,
    PersonAliasFactory,
    PersonFactory,
    ReportFactory,
    SubscriptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
SITE_ZONE = ZoneInfo("America/New_York")


class TestSlug:
    def test_two_reports_cannot_share_a_slug(self):
        ReportFactory(slug="militias-threaten")
        with pytest.raises(IntegrityError), transaction.atomic():
            ReportFactory(slug="militias-threaten")

    def test_a_report_saved_without_slug_gets_a_free_one_from_its_title(self):
        first = ReportFactory(title="Militias threaten U.S. bases", slug="")
        second = ReportFactory(title="Militias threaten U.S. bases", slug="")
        assert first.slug == "militias-threaten-us-bases"
        assert second.slug == "militias-threaten-us-bases-2"

    def test_the_slug_stays_when_the_title_changes(self):
        report = ReportFactory(title="First title", slug="")
        report.title = "A better title"
        report.save()
        report.refresh_from_db()
        assert report.slug == "first-title"


class TestFootnotes:
    def test_footnotes_come_in_their_numbered_order_whatever_the_order_of_entry(self):
        report = ReportFactory()
        for position in (3, 1, 2):
            FootnoteFactory(report=report, position=position, text=f"note {position}")
        assert [note.text for note in report.footnotes.all()] == ["note 1", "note 2", "note 3"]

    def test_two_footnotes_of_one_report_cannot_share_a_number(self):
        report = ReportFactory()
        FootnoteFactory(report=report, position=1)
        with pytest.raises(IntegrityError), transaction.atomic():
            Footnote.objects.create(report=report, position=1, text="again")

    def test_body_markers_link_to_their_footnotes(self):
        report = ReportFactory(body="The militias threatened to resume attacks.[2]")
        assert '<sup id="fnref-2"><a href="#fn-2" class="footnote-ref"' in report.body_html
        assert ">[2]</a></sup>" in report.body_html


class TestTiers:
    def test_premium_ranks_above_jttm(self, jttm, premium):
        assert premium.rank > jttm.rank

    def test_a_higher_tier_reads_reports_of_a_lower_one_but_not_the_reverse(
        self, jttm, premium, jttm_subscriber, premium_subscriber
    ):
        jttm_report = ReportFactory(required_tier=jttm)
        premium_report = ReportFactory(required_tier=premium)
        assert jttm_report.is_readable_by(premium_subscriber)
        assert premium_report.is_readable_by(premium_subscriber)
        assert jttm_report.is_readable_by(jttm_subscriber)
        assert not premium_report.is_readable_by(jttm_subscriber)
        assert set(Report.objects.readable_by(jttm_subscriber)) == {jttm_report}
        assert set(Report.objects.readable_by(premium_subscriber)) == {jttm_report, premium_report}

    def test_the_highest_of_several_active_subscriptions_counts(self, jttm, premium):
        user = SubscriptionFactory(tier=jttm).user
        SubscriptionFactory(user=user, tier=premium)
        assert ReportFactory(required_tier=premium).is_readable_by(user)

    def test_new_reports_are_gated_at_the_lowest_tier_until_an_editor_decides(self, jttm):
        report = Report(title="Fresh draft", body="text", summary="teaser")
        assert report.required_tier == jttm


class TestSubscriptionTerm:
    """A subscription ending on 1 March grants access through 1 March, site time, and not after."""

    @pytest.fixture
    def gated_report_and_reader(self, jttm):
        subscription = SubscriptionFactory(tier=jttm, starts_on=dt.date(2026, 2, 1), ends_on=dt.date(2026, 3, 1))
        return ReportFactory(required_tier=jttm), subscription

    def reads(self, report, subscription):
        user = type(subscription.user).objects.get(pk=subscription.user_id)  # fresh: no remembered rank
        return report.is_readable_by(user), Report.objects.readable_by(user).filter(pk=report.pk).exists()

    def test_active_on_its_last_day_until_midnight_site_time(self, gated_report_and_reader):
        report, subscription = gated_report_and_reader
        with time_machine.travel(dt.datetime(2026, 3, 1, 23, 59, 59, tzinfo=SITE_ZONE), tick=False):
            assert subscription.is_active()
            assert self.reads(report, subscription) == (True, True)

    def test_ended_the_day_after(self, gated_report_and_reader):
        report, subscription = gated_report_and_reader
        with time_machine.travel(dt.datetime(2026, 3, 2, 0, 0, 0, tzinfo=SITE_ZONE), tick=False):
            assert not subscription.is_active()
            assert self.reads(report, subscription) == (False, False)

    def test_not_yet_active_the_day_before_it_starts(self, gated_report_and_reader):
        report, subscription = gated_report_and_reader
        with time_machine.travel(dt.datetime(2026, 1, 31, 12, 0, tzinfo=SITE_ZONE), tick=False):
            assert self.reads(report, subscription) == (False, False)

    def test_a_subscription_cannot_end_before_it_starts(self, jttm):
        with pytest.raises(IntegrityError), transaction.atomic():
            SubscriptionFactory(tier=jttm, starts_on=dt.date(2026, 3, 2), ends_on=dt.date(2026, 3, 1))


class TestPublication:
    def test_a_report_due_one_second_from_now_is_scheduled_and_hidden_then_shown(self):
        now = timezone.now()
        with time_machine.travel(now, tick=False):
            report = ReportFactory(published_at=now + dt.timedelta(seconds=1))
            assert report.state == Report.SCHEDULED
            assert not report.is_published()
            assert not Report.objects.published().filter(pk=report.pk).exists()
        with time_machine.travel(now + dt.timedelta(seconds=1), tick=False):
            assert report.state == Report.Status.PUBLISHED
            assert report.is_published()
            assert Report.objects.published().filter(pk=report.pk).exists()

    @pytest.mark.parametrize("status", [Report.Status.DRAFT, Report.Status.WITHDRAWN])
    def test_drafts_and_withdrawn_reports_are_not_published(self, status):
        report = ReportFactory(status=status)
        assert not report.is_published()
        assert not Report.objects.published().exists()

    def test_a_published_report_needs_a_publication_time(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReportFactory(status=Report.Status.PUBLISHED, published_at=None)

    def test_the_reference_names_series_and_number(self):
        report = ReportFactory(series__name="Special Dispatch", number=11032)
        assert report.reference == "Special Dispatch No. 11032"


class TestAliasLookup:
    @pytest.fixture
    def hizbullah(self):
        organization = OrganizationFactory(name="Hizbullah", slug="hizbullah")
        for alias in ("Hezbollah", "Hizballah"):
            OrganizationAliasFactory(organization=organization, name=alias)
        OrganizationFactory(name="Kata'ib Hizbullah", slug="kataib-hizbullah")
        return organization

    @pytest.mark.parametrize("spelling", ["Hizbullah", "Hezbollah", "HIZBALLAH", "hizballah"])
    def test_an_organization_is_found_by_any_recorded_spelling(self, hizbullah, spelling):
        assert list(Organization.objects.named(spelling)) == [hizbullah]

    @pytest.mark.parametrize(
        "spelling", ["'Adel Al-Kar'awi", "Adel al-Kar’awi", "ʿAdel Al-Karʿawi", "Adil al-Karawi", "adil AL-KARAWI"]
    )
    def test_a_person_is_found_by_any_transliteration(self, spelling):
        person = PersonFactory(name="'Adel Al-Kar'awi")
        PersonAliasFactory(person=person, name="Adil al-Karawi")
        PersonFactory(name="Muhammad Al-Basri")
        assert list(Person.objects.named(spelling)) == [person]

    def test_an_english_possessive_is_not_part_of_the_name(self, hizbullah):
        assert list(Organization.objects.named("Hezbollah’s")) == [hizbullah]

    def test_an_unknown_name_finds_nothing(self, hizbullah):
        assert not Organization.objects.named("Hamas").exists()
        assert not Organization.objects.named("  ").exists()


def test_an_inactive_user_reads_nothing_gated(jttm):
    user = SubscriptionFactory(tier=jttm, user=UserFactory(is_active=False)).user
    assert not ReportFactory(required_tier=jttm).is_readable_by(user)
