"""
The account page in a reader's words: what they read and until when (grace days included, at the
boundaries), by which way (their own subscription, an institution's membership or network), the
follows with their unfollow buttons, and the e-mail preferences that `send_alerts` honours.
"""
import datetime as dt
import html
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from reports.models import (
    AlertState,
    Follow,
    Institution,
    InstitutionMembership,
    InstitutionNetwork,
)
from reports.subscriptions.alerts import send_digests
from tests.factories import OrganizationFactory, ReportFactory, SubscriptionFactory, UserFactory, tier
from tests.rendered_forms import RenderedForm

pytestmark = pytest.mark.django_db
SITE_ZONE = ZoneInfo("America/New_York")
# A reader's example: a JTTM term whose last paid day is February 24, 2027, with 7 days of grace.
PAID_UNTIL = dt.date(2027, 2, 24)
LAST_DAY = dt.date(2027, 3, 3)


def at(moment):
    """The clock stopped at moment (a naive datetime in the site's time zone)."""
    return time_machine.travel(moment.replace(tzinfo=SITE_ZONE), tick=False)


def section_text(page, section):
    """The text of one section of a page, as a reader reads it: no tags, spaces collapsed."""
    found = re.search(rf'<section[^>]*aria-labelledby="{section}-heading".*?</section>', page, flags=re.S)
    assert found, f"the page has no {section} section"
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))).split())
    return text.replace(" ,", ",").replace(" .", ".").replace(" :", ":")


def words(client, section="reading", **request):
    """The text of one section of the account page."""
    return section_text(client.get(reverse("account"), **request).content.decode(), section)


def words_on(moment, user, section="reading"):
    """The section's text as the user reads it at that moment (signed in then: sessions end)."""
    client = Client()
    with at(moment):
        client.force_login(user)
        return words(client, section)


@pytest.fixture
def jttm_reader():
    subscription = SubscriptionFactory(
        tier=tier("jttm"), starts_on=dt.date(2026, 3, 1), ends_on=PAID_UNTIL, grace_days=7,
        user=UserFactory(username="dana", email="dana@example.org"),
    )
    return subscription.user


@pytest.fixture
def agency():
    return Institution.objects.create(
        name="Agency of Examples", slug="agency", tier=tier("premium"),
        starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2099, 1, 1),
    )


class TestWhatIRead:
    def test_a_term_with_grace_days_names_its_last_day_of_access(self, jttm_reader):
        text = words_on(dt.datetime(2026, 12, 1, 12), jttm_reader)
        assert "You read JTTM reports until March 3, 2027, including 7 days of grace, by your own subscription." in text
        assert "Its last paid day is February 24, 2027." in text
        assert "What JTTM includes: The Jihad and Terrorism Threat Monitor" in text
        assert "That is in" not in text, "nothing ends soon three months ahead"

    def test_thirty_days_ahead_it_ends_soon(self, jttm_reader):
        text = words_on(dt.datetime(2027, 2, 1, 12), jttm_reader)
        assert "That is in 30 days. To read on, renew: subscription options." in text

    def test_in_grace_the_page_says_the_paid_term_ended(self, jttm_reader):
        text = words_on(dt.datetime(2027, 2, 26, 12), jttm_reader)
        assert "You read JTTM reports until March 3, 2027, including 7 days of grace" in text
        assert "Its paid term ended on February 24, 2027: these are its days of grace." in text
        assert "That is in 5 days." in text

    def test_on_the_last_day_it_says_today_until_the_last_minute(self, jttm_reader):
        text = words_on(dt.datetime(2027, 3, 3, 23, 59, 59), jttm_reader)
        assert "You read JTTM reports until March 3, 2027" in text
        assert "Today is the last day." in text

    def test_the_day_after_it_offers_a_subscription_and_lists_the_term_as_ended(self, jttm_reader):
        text = words_on(dt.datetime(2027, 3, 4, 0, 0), jttm_reader)
        assert "You read JTTM reports" not in text
        assert "You have no active subscription" in text
        assert "JTTM, March 1, 2026 to February 24, 2027, then 7 days of grace: ended." in text

    def test_a_subscription_ending_today_without_grace(self, client):
        today = timezone.localdate()
        client.force_login(SubscriptionFactory(tier=tier("premium"), ends_on=today).user)
        text = words(client)
        assert f"You read Premium reports until {today:%B} {today.day}, {today:%Y}, by your own subscription." in text
        assert "grace" not in text
        assert "Today is the last day." in text

    def test_a_renewal_that_takes_over_is_named_instead_of_a_warning(self, jttm_reader):
        SubscriptionFactory(user=jttm_reader, tier=tier("premium"), starts_on=dt.date(2027, 3, 4), ends_on=dt.date(2028, 3, 3))
        text = words_on(dt.datetime(2027, 2, 20, 12), jttm_reader)
        assert "Your Premium subscription takes over on March 4, 2027." in text
        assert "renew" not in text
        assert "Premium, March 4, 2027 to March 3, 2028: starts on March 4, 2027." in text

    def test_an_institutions_access_names_the_institution_and_the_address(self, client, agency):
        member = UserFactory(email="dana@agency.example")
        InstitutionMembership.objects.create(institution=agency, user=member, email=member.email)
        client.force_login(member)
        text = words(client)
        assert "You read Premium reports until January 1, 2099, through Agency of Examples, as dana@agency.example." in text
        assert "What Premium includes: Everything in JTTM" in text

    def test_an_institutions_access_ending_soon_points_to_the_institution(self, agency):
        member = UserFactory(email="dana@agency.example")
        InstitutionMembership.objects.create(institution=agency, user=member, email=member.email)
        agency.ends_on, agency.grace_days = dt.date(2027, 1, 10), 2
        agency.save()
        text = words_on(dt.datetime(2027, 1, 12, 8), member)
        assert "You read Premium reports until January 12, 2027, including 2 days of grace, through Agency of Examples" in text
        assert "Its paid term ended on January 10, 2027: these are its days of grace." in text
        assert "Today is the last day. Ask Agency of Examples whether it renews." in text

    def test_an_institution_whose_term_ended_gives_no_line(self, client, agency):
        member = UserFactory(email="dana@agency.example")
        InstitutionMembership.objects.create(institution=agency, user=member, email=member.email)
        agency.ends_on = timezone.localdate() - dt.timedelta(days=1)
        agency.save()
        client.force_login(member)
        assert "You have no active subscription" in words(client)
        assert "not active now" in words(client, "institution")

    def test_reading_from_an_institutions_network_says_so(self, client, agency):
        InstitutionNetwork.objects.create(institution=agency, cidr="198.51.100.0/24")
        client.force_login(UserFactory())
        text = words(client, REMOTE_ADDR="198.51.100.23")
        assert "You read Premium reports until January 1, 2099, through the network of Agency of Examples, while you read from it." in text
        assert "through the network" not in words(client), "elsewhere, the network gives nothing"

    def test_desk_staff_are_told_they_read_everything(self, client, analyst):
        client.force_login(analyst)
        assert "As a member of the desk you read every report" in words(client)

    def test_own_and_institutional_access_are_both_told_highest_tier_first(self, agency, jttm_reader):
        InstitutionMembership.objects.create(institution=agency, user=jttm_reader, email="dana@agency.example")
        text = words_on(dt.datetime(2026, 12, 1, 12), jttm_reader)
        assert text.index("You read Premium reports") < text.index("You read JTTM reports")


class TestFollows:
    @pytest.fixture
    def follower(self):
        user = UserFactory(email="follower@example.org")
        Follow.objects.create(user=user, organization=OrganizationFactory(name="Brigade of Examples", slug="brigade"))
        Follow.objects.create(user=user, tag=Tag.objects.create(name="Drones", slug="drones"))
        ReportFactory().tags.add("Drones")  # a tag is followable while a report carries it
        return user

    def test_each_follow_has_an_unfollow_button_that_brings_the_reader_back(self, follower):
        browser = Client(enforce_csrf_checks=True)  # the form must carry its CSRF token
        browser.force_login(follower)
        page = browser.get(reverse("account")).content.decode()
        assert page.count(">Unfollow<") == 2
        form = RenderedForm.in_page(page, "/account/", action=reverse("follow", args=["organization", "brigade"]))
        assert form["action"] == "unfollow" and form["next"] == reverse("account")
        response = form.submit(browser)
        assert response.status_code == 302 and response["Location"] == reverse("account")
        assert list(follower.follows.values_list("tag__slug", flat=True)) == ["drones"]
        text = words(browser, "follows")
        assert "Brigade of Examples" not in text and "Drones" in text
        RenderedForm.in_page(browser.get(reverse("account")).content.decode(), "/account/",
                             action=reverse("follow", args=["tag", "drones"])).submit(browser)
        assert "You follow nothing yet." in words(browser, "follows")


class TestEmailPreferences:
    def form(self, client):
        return RenderedForm.in_page(client.get(reverse("account")).content.decode(), "/account/", action="/account/")

    def test_a_reader_without_preferences_sees_daily_digests_on(self, client, reader):
        client.force_login(reader)
        form = self.form(client)
        assert form["enabled"] == "on" and form["frequency"] == "daily"

    def test_weekly_is_kept_and_shown_checked(self, client, reader):
        client.force_login(reader)
        response = self.form(client).fill(frequency="weekly").submit(client)
        assert response.status_code == 302 and response["Location"] == reverse("account")
        assert AlertState.objects.get(user=reader).frequency == "weekly"
        assert "Saved: new reports on what you follow come once a week." in client.get(reverse("account")).content.decode()
        assert self.form(client)["frequency"] == "weekly"

    def test_turning_digests_off_keeps_the_frequency(self, client, reader):
        client.force_login(reader)
        form = self.form(client).fill(frequency="weekly")
        form.check("enabled", on=False)
        form.submit(client)
        state = AlertState.objects.get(user=reader)
        assert state.enabled is False and state.frequency == "weekly"

    def test_an_unknown_frequency_is_refused_with_a_message(self, client, reader):
        client.force_login(reader)
        response = self.form(client).forge(frequency="hourly").submit(client)
        assert response.status_code == 200
        assert "Select a valid choice" in section_text(response.content.decode(), "email")
        assert not AlertState.objects.exists()


class TestDigestFrequency:
    """`send_alerts` honours the frequency: a weekly reader gets at most one digest in seven days, holding everything since."""

    MONDAY = dt.datetime(2026, 12, 7, 9, 0)

    @pytest.fixture
    def brigade(self):
        return OrganizationFactory(name="Brigade of Examples", slug="brigade")

    def reader(self, brigade, frequency):
        user = UserFactory(email=f"{frequency}@example.org")
        with at(self.MONDAY - dt.timedelta(days=10)):
            Follow.objects.create(user=user, organization=brigade)
        AlertState.objects.create(user=user, frequency=frequency)
        return user

    def report_at(self, brigade, moment, title):
        with at(moment):
            report = ReportFactory(title=title, published_at=timezone.now())
        report.organizations.add(brigade)
        return report

    def run_at(self, moment):
        with at(moment):
            return send_digests()

    def test_a_weekly_reader_gets_one_digest_in_seven_days_holding_everything_since(self, brigade):
        self.reader(brigade, "weekly")
        self.report_at(brigade, self.MONDAY - dt.timedelta(hours=1), "Before the first digest")
        assert self.run_at(self.MONDAY) == 1
        self.report_at(brigade, self.MONDAY + dt.timedelta(days=1), "On Tuesday")
        self.report_at(brigade, self.MONDAY + dt.timedelta(days=5), "On Saturday")
        assert self.run_at(self.MONDAY + dt.timedelta(days=1, hours=1)) == 0
        assert self.run_at(dt.datetime(2026, 12, 13, 23, 59, 59)) == 0, "Sunday night is still within the week"
        assert self.run_at(dt.datetime(2026, 12, 14, 0, 0)) == 1, "the next Monday's first run sends it"
        assert self.run_at(dt.datetime(2026, 12, 14, 23, 0)) == 0
        first, second = mail.outbox
        assert "Before the first digest" in first.body and "On Tuesday" not in first.body
        assert "On Tuesday" in second.body and "On Saturday" in second.body
        assert "Before the first digest" not in second.body
        assert "Daily or weekly:" in second.body and "/account/#email-heading" in second.body

    def test_a_daily_reader_gets_one_digest_a_day(self, brigade):
        self.reader(brigade, "daily")
        self.report_at(brigade, self.MONDAY - dt.timedelta(hours=1), "Monday morning")
        assert self.run_at(self.MONDAY) == 1
        self.report_at(brigade, self.MONDAY + dt.timedelta(hours=2), "Monday noon")
        assert self.run_at(dt.datetime(2026, 12, 7, 23, 59, 59)) == 0
        assert self.run_at(dt.datetime(2026, 12, 8, 0, 0)) == 1
        assert "Monday noon" in mail.outbox[1].body

    def test_a_reader_without_preferences_is_daily(self, brigade):
        user = self.reader(brigade, "daily")
        AlertState.objects.filter(user=user).delete()
        self.report_at(brigade, self.MONDAY - dt.timedelta(hours=1), "One")
        assert self.run_at(self.MONDAY) == 1
        self.report_at(brigade, self.MONDAY + dt.timedelta(hours=1), "Two")
        assert self.run_at(self.MONDAY + dt.timedelta(hours=2)) == 0
        assert self.run_at(self.MONDAY + dt.timedelta(days=1)) == 1

    def test_readers_who_turned_digests_off_get_none(self, brigade):
        user = self.reader(brigade, "weekly")
        AlertState.objects.filter(user=user).update(enabled=False)
        self.report_at(brigade, self.MONDAY - dt.timedelta(hours=1), "One")
        assert self.run_at(self.MONDAY) == 0
