"""Subscriptions: terms and grace, institutions by domain and network, seats, usage, follows and alerts."""
import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reports.models import (
    AlertState,
    Follow,
    Institution,
    InstitutionDomain,
    InstitutionMembership,
    InstitutionNetwork,
    Read,
    Report,
    Subscription,
)
from reports.models.readers import reader_rank
from reports.subscriptions.accounts import finish_background_mail
from reports.subscriptions.alerts import send_digests, unsubscribe_token
from reports.subscriptions.services import (
    MembershipRefused,
    confirm_membership,
    membership_token,
)
from tests.factories import (
    OrganizationFactory,
    ReportFactory,
    SubscriptionFactory,
    UserFactory,
    tier,
)
from tests.rendered_forms import RenderedForm

pytestmark = pytest.mark.django_db
SITE_ZONE = ZoneInfo("America/New_York")
GATED = "GATED-TEXT-MARKER-5ee1"


def fresh(user):
    """The user as a new request would load it: nothing remembered about their access."""
    return type(user).objects.get(pk=user.pk)


def at(day, hour=12):
    return time_machine.travel(dt.datetime.combine(day, dt.time(hour), tzinfo=SITE_ZONE), tick=False)


@pytest.fixture
def agency():
    institution = Institution.objects.create(
        name="Agency of Examples", slug="agency", tier=tier("premium"),
        starts_on=dt.date(2020, 1, 1), ends_on=dt.date(2099, 1, 1), seat_limit=2,
    )
    InstitutionDomain.objects.create(institution=institution, domain="agency.example")
    InstitutionNetwork.objects.create(institution=institution, cidr="198.51.100.0/24")
    return institution


class TestTerms:
    @pytest.fixture
    def subscription(self):
        return SubscriptionFactory(
            tier=tier("jttm"), starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 3, 1), grace_days=5
        )

    @pytest.mark.parametrize(
        "day, hour, reads",
        [
            (dt.date(2026, 3, 1), 23, True),  # the last paid day
            (dt.date(2026, 3, 3), 12, True),  # in grace
            (dt.date(2026, 3, 6), 23, True),  # the last grace day
            (dt.date(2026, 3, 7), 0, False),  # the day after grace
        ],
    )
    def test_access_runs_through_the_last_day_and_the_grace_days(self, subscription, day, hour, reads):
        report = ReportFactory(required_tier=tier("jttm"))
        with at(day, hour):
            assert report.is_readable_by(fresh(subscription.user)) is reads
            assert Report.objects.readable_by(fresh(subscription.user)).filter(pk=report.pk).exists() is reads
            assert subscription.in_grace() is (reads and day > subscription.ends_on)

    def test_the_highest_tier_wins_across_own_and_institutional_access(self, agency):
        user = SubscriptionFactory(tier=tier("jttm"), user=UserFactory(email="dana@agency.example")).user
        assert reader_rank(fresh(user)) == tier("jttm").rank
        InstitutionMembership.objects.create(institution=agency, user=user, email=user.email)
        assert reader_rank(fresh(user)) == tier("premium").rank

    def test_an_institution_whose_term_ended_grants_nothing(self, agency):
        user = UserFactory(email="dana@agency.example")
        InstitutionMembership.objects.create(institution=agency, user=user, email=user.email)
        agency.ends_on = timezone.localdate() - dt.timedelta(days=1)
        agency.save()
        assert reader_rank(fresh(user)) is None


class TestGrantSubscription:
    def test_it_creates_a_subscription_to_the_tier_until_the_day(self, reader):
        call_command("grant_subscription", reader.username, "premium", "--until", "2099-12-31", verbosity=0)
        subscription = Subscription.objects.get(user=reader)
        assert (subscription.tier.slug, subscription.ends_on) == ("premium", dt.date(2099, 12, 31))
        assert subscription.is_active()

    def test_it_updates_the_existing_one(self, reader):
        SubscriptionFactory(user=reader, tier=tier("premium"))
        call_command("grant_subscription", reader.username, "premium", "--until", "2099-01-31", verbosity=0)
        assert Subscription.objects.get(user=reader).ends_on == dt.date(2099, 1, 31)

    def test_a_past_day_ends_it(self, reader):
        SubscriptionFactory(user=reader, tier=tier("premium"), grace_days=10)
        call_command("grant_subscription", reader.username, "premium", "--until", "2020-01-01", verbosity=0)
        assert not Subscription.objects.get(user=reader).is_active()
        assert reader_rank(fresh(reader)) is None

    @pytest.mark.parametrize(
        "args", [["nobody", "premium", "--until", "2099-01-01"], ["reader", "gold", "--until", "2099-01-01"], ["reader", "premium", "--until", "31/12/2099"]]
    )
    def test_bad_arguments_fail_clearly(self, reader, args):
        with pytest.raises(CommandError):
            call_command("grant_subscription", *args)


class TestInstitutions:
    def test_a_confirmed_address_at_the_domain_grants_the_institutions_tier(self, agency):
        user = UserFactory()
        confirm_membership(user=user, token=membership_token(user=user, email="Dana@Agency.example"))
        assert reader_rank(fresh(user)) == tier("premium").rank

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the link is sent by another thread
    def test_the_join_flow_sends_a_link_that_confirms_the_address(self, client, agency):
        user = UserFactory()
        client.force_login(user)
        client.post(reverse("join_institution"), {"email": "dana@agency.example"})
        finish_background_mail()
        assert mail.outbox[0].to == ["dana@agency.example"]
        link = re.search(r"https?://\S+(/account/institution/\S+/)", mail.outbox[0].body).group(1)
        client.post(link)
        assert InstitutionMembership.objects.get(user=user).institution == agency

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_the_page_does_not_tell_which_domains_belong_to_customers(self, client, agency):
        """The same answer for a customer's domain and any other: only the customer's address gets a link."""
        client.force_login(UserFactory())
        answers = []
        for email in ("dana@agency.example", "dana@elsewhere.example"):
            response = client.post(reverse("join_institution"), {"email": email}, follow=True)
            shown = " ".join(str(message) for message in response.context["messages"])
            answers.append(shown.replace(email.rpartition("@")[2], "DOMAIN"))
        finish_background_mail()
        assert answers[0] == answers[1] and "If DOMAIN belongs to an institution with current access" in answers[0]
        assert [message.to for message in mail.outbox] == [["dana@agency.example"]]

    @pytest.mark.parametrize("token", ["forged", "eyJ1c2VyIjoxfQ:1abc:xyz"])
    def test_a_forged_confirmation_is_refused(self, agency, token):
        with pytest.raises(MembershipRefused):
            confirm_membership(user=UserFactory(), token=token)

    def test_a_link_made_for_another_account_is_refused(self, agency):
        owner, other = UserFactory(), UserFactory()
        with pytest.raises(MembershipRefused):
            confirm_membership(user=other, token=membership_token(user=owner, email="dana@agency.example"))

    def test_the_seat_limit_is_enforced_with_a_clear_message(self, agency):
        for number in range(2):
            user = UserFactory()
            confirm_membership(user=user, token=membership_token(user=user, email=f"m{number}@agency.example"))
        late = UserFactory()
        with pytest.raises(MembershipRefused, match="no free seat: all 2 are taken"):
            confirm_membership(user=late, token=membership_token(user=late, email="late@agency.example"))
        assert agency.seats_used() == 2

    def test_the_admin_refuses_a_member_past_the_seat_limit(self, admin_client, agency):
        for _ in range(2):
            InstitutionMembership.objects.create(institution=agency, user=UserFactory(), email="x@agency.example")
        membership = InstitutionMembership(institution=agency, user=UserFactory(), email="y@agency.example")
        with pytest.raises(Exception, match="used all its 2 seats"):
            membership.full_clean()


class TestNetworks:
    """Readers on an institution's network read without logging in; a forged header grants nothing."""

    @pytest.fixture
    def premium_report(self):
        return ReportFactory(required_tier=tier("premium"), body=f"Gated {GATED}.")

    def test_a_reader_on_the_network_reads_without_logging_in(self, client, agency, premium_report):
        page = client.get(premium_report.get_absolute_url(), REMOTE_ADDR="198.51.100.23").content.decode()
        assert GATED in page

    def test_a_reader_off_the_network_meets_the_paywall(self, client, agency, premium_report):
        page = client.get(premium_report.get_absolute_url(), REMOTE_ADDR="203.0.113.9").content.decode()
        assert GATED not in page

    def test_a_spoofed_forwarded_for_header_grants_nothing(self, client, settings, agency, premium_report):
        settings.TRUSTED_PROXY_COUNT = 0
        page = client.get(
            premium_report.get_absolute_url(), REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="198.51.100.23"
        ).content.decode()
        assert GATED not in page

    def test_behind_a_trusted_proxy_the_address_it_saw_counts_and_a_forged_one_does_not(
        self, client, settings, agency, premium_report
    ):
        settings.TRUSTED_PROXY_COUNT = 1
        real = client.get(premium_report.get_absolute_url(), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.23")
        forged = client.get(
            premium_report.get_absolute_url(), REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.23, 203.0.113.9"
        )
        assert GATED in real.content.decode()
        assert GATED not in forged.content.decode()

    def test_a_network_readers_page_is_private_to_shared_caches(self, client, agency, premium_report):
        response = client.get(premium_report.get_absolute_url(), REMOTE_ADDR="198.51.100.23")
        assert "private" in response["Cache-Control"]


class TestUsage:
    @pytest.fixture
    def premium_report(self):
        return ReportFactory(required_tier=tier("premium"))

    def test_a_members_read_is_recorded_once_with_the_institution(self, client, agency, premium_report):
        user = UserFactory()
        InstitutionMembership.objects.create(institution=agency, user=user, email="m@agency.example")
        client.force_login(user)
        client.get(premium_report.get_absolute_url())
        client.get(premium_report.get_absolute_url())  # a double click: the same read
        read = Read.objects.get()
        assert (read.user, read.institution, read.report) == (user, agency, premium_report)

    def test_a_read_a_minute_later_counts_again(self, client, premium_report, premium_subscriber):
        client.force_login(premium_subscriber)
        now = timezone.now()
        with time_machine.travel(now, tick=False):
            client.get(premium_report.get_absolute_url())
        with time_machine.travel(now + dt.timedelta(minutes=1), tick=False):
            client.get(premium_report.get_absolute_url())
        assert Read.objects.count() == 2

    def test_a_network_read_is_recorded_for_the_institution(self, client, agency, premium_report):
        client.get(premium_report.get_absolute_url(), REMOTE_ADDR="198.51.100.23")
        read = Read.objects.get()
        assert (read.user, read.institution, read.ip) == (None, agency, "198.51.100.23")

    def test_staff_reads_previews_teasers_and_free_reports_are_not_counted(self, client, premium_report, analyst):
        client.get(premium_report.get_absolute_url())  # the public's teaser
        client.get(ReportFactory().get_absolute_url())  # complimentary
        client.force_login(analyst)
        client.get(premium_report.get_absolute_url())
        client.get(premium_report.get_absolute_url(), {"as": "premium"})
        assert not Read.objects.exists()

    def test_the_monthly_csv_sums_reads_and_unique_readers(self, admin_client, agency, premium_report):
        other = ReportFactory(required_tier=tier("premium"), slug="zz-other", title='=HYPERLINK("https://evil.example","Open")')
        alice, bob = UserFactory(), UserFactory()
        when = dt.datetime(2026, 3, 10, 12, tzinfo=SITE_ZONE)
        for user, report, minutes in [(alice, premium_report, 0), (alice, premium_report, 5), (bob, premium_report, 0), (bob, other, 0)]:
            Read.objects.create(report=report, user=user, institution=agency, read_at=when + dt.timedelta(minutes=minutes))
        Read.objects.create(report=other, institution=agency, ip="198.51.100.7", read_at=when + dt.timedelta(days=30))
        Read.objects.create(report=other, user=alice, institution=None, read_at=when)  # not through the agency
        usage_url = reverse("admin:reports_institution_usage", args=[agency.pk])
        institution_page = admin_client.get(reverse("admin:reports_institution_change", args=[agency.pk]))
        assert f'href="{usage_url}"' in institution_page.content.decode(), "the institution's page links its usage"
        response = admin_client.get(usage_url)
        assert response["Content-Type"].startswith("text/csv") and "private" in response["Cache-Control"]
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
        defused = "'" + other.title  # a title that starts like a formula stays text in a spreadsheet
        assert rows == [
            ["month", "report", "title", "reads", "unique readers"],
            ["2026-03", premium_report.slug, premium_report.title, "3", "2"],
            ["2026-03", other.slug, defused, "1", "1"],
            ["2026-03", "", "Total", "4", "2"],
            ["2026-04", other.slug, defused, "1", "1"],
            ["2026-04", "", "Total", "1", "1"],
        ]

    def test_subscription_managers_export_subscribers_and_see_seat_usage(self, client, subscription_manager, agency):
        SubscriptionFactory(user=UserFactory(username="zed", email="zed@example.org"), tier=tier("jttm"))
        SubscriptionFactory(user=UserFactory(username="=cmd|' /C calc'!A0", email="x@example.org"), tier=tier("jttm"))
        client.force_login(subscription_manager)
        subscriptions = RenderedForm.of(client, reverse("admin:reports_subscription_changelist"), form_id="changelist-form")
        subscriptions.fill(action="export_csv", _selected_action=list(Subscription.objects.values_list("pk", flat=True)))
        export = b"".join(subscriptions.submit(client, "index").streaming_content).decode("utf-8-sig")
        assert "zed,zed@example.org,jttm" in export
        assert "\n'=cmd|' /C calc'!A0,x@example.org" in export
        institutions = client.get(reverse("admin:reports_institution_changelist")).content.decode()
        assert "0 / 2" in institutions

    def test_the_ending_soon_filter_lists_terms_ending_within_30_days(self, admin_client):
        today = timezone.localdate()
        SubscriptionFactory(ends_on=today + dt.timedelta(days=20), user__username="soon")
        SubscriptionFactory(ends_on=today + dt.timedelta(days=60), user__username="later")
        page = admin_client.get(reverse("admin:reports_subscription_changelist"), {"ending": "30"}).content.decode()
        assert "soon" in page and "later" not in page


class TestFollowsAndAlerts:
    @pytest.fixture
    def follower(self):
        user = UserFactory(email="follower@example.org")
        return user

    @pytest.fixture
    def militia(self):
        return OrganizationFactory(name="Brigade of Examples", slug="brigade")

    def follow(self, user, organization):
        with time_machine.travel(timezone.now() - dt.timedelta(days=2), tick=False):
            return Follow.objects.create(user=user, organization=organization)

    def file_report(self, organization, **fields):
        report = ReportFactory(published_at=timezone.now() - dt.timedelta(hours=1), **fields)
        report.organizations.add(organization)
        return report

    def test_following_from_the_profile_page(self, client, follower, militia):
        client.force_login(follower)
        client.post(reverse("follow", args=["organization", "brigade"]), {"next": militia.get_absolute_url()})
        assert Follow.objects.filter(user=follower, organization=militia).exists()
        page = client.get(militia.get_absolute_url()).content.decode()
        assert "Following · stop" in page
        client.post(reverse("follow", args=["organization", "brigade"]), {"action": "unfollow"})
        assert not Follow.objects.exists()

    @pytest.mark.parametrize("kind, slug", [("weapon", "brigade"), ("organization", "nope")])
    def test_following_something_unknown_is_a_404(self, client, follower, militia, kind, slug):
        client.force_login(follower)
        assert client.post(reverse("follow", args=[kind, slug])).status_code == 404

    def test_each_new_matching_report_is_sent_once(self, follower, militia):
        self.follow(follower, militia)
        first = self.file_report(militia, title="First report on the brigade")
        ReportFactory(title="A report on something else")
        assert send_digests() == 1
        assert send_digests() == 0, "running it again sends nothing twice"
        second = self.file_report(militia, title="Second report on the brigade")
        with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):  # a daily reader's next digest
            assert send_digests() == 1
        bodies = [message.body for message in mail.outbox]
        assert first.title in bodies[0] and second.title not in bodies[0]
        assert second.title in bodies[1] and first.title not in bodies[1]
        assert "something else" not in "".join(bodies)

    def test_a_digest_has_text_and_html_parts_and_an_unsubscribe_header(self, follower, militia):
        self.follow(follower, militia)
        self.file_report(militia)
        send_digests()
        message = mail.outbox[0]
        assert message.alternatives[0][1] == "text/html"
        assert message.extra_headers["List-Unsubscribe"].startswith("<http")

    def test_gated_text_never_reaches_a_follower_who_cannot_read_it(self, follower, militia):
        self.follow(follower, militia)
        gated = self.file_report(militia, title="Gated brigade report", summary="Its public summary.", body=GATED, required_tier=tier("premium"))
        send_digests()
        message = mail.outbox[0]
        html = message.alternatives[0][0]
        assert GATED not in message.body and GATED not in html
        assert "Its public summary." in message.body
        assert gated.get_absolute_url() not in message.body, "no link to text they cannot read"

    def test_a_reader_who_may_read_gets_the_link(self, follower, militia):
        SubscriptionFactory(user=follower, tier=tier("premium"))
        self.follow(follower, militia)
        gated = self.file_report(militia, required_tier=tier("premium"), body=GATED)
        send_digests()
        assert gated.get_absolute_url() in mail.outbox[0].body
        assert GATED not in mail.outbox[0].body

    def test_reports_from_before_the_follow_are_not_sent(self, follower, militia):
        old = ReportFactory(published_at=timezone.now() - dt.timedelta(days=30))
        old.organizations.add(militia)
        self.follow(follower, militia)
        assert send_digests() == 0

    def test_a_scheduled_report_is_sent_once_it_is_due(self, follower, militia):
        self.follow(follower, militia)
        due = timezone.now() + dt.timedelta(hours=2)
        report = ReportFactory(published_at=due)
        report.organizations.add(militia)
        assert send_digests() == 0
        with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):
            assert send_digests() == 1

    def test_the_unsubscribe_link_works_without_logging_in(self, client, follower, militia):
        self.follow(follower, militia)
        url = reverse("alerts_unsubscribe", args=[unsubscribe_token(follower)])
        assert client.get(url).status_code == 200
        client.post(url)
        assert AlertState.objects.get(user=follower).enabled is False
        self.file_report(militia)
        assert send_digests() == 0

    def test_a_mail_client_unsubscribes_in_one_click(self, follower, militia):
        """RFC 8058: the mail client POSTs List-Unsubscribe=One-Click to the header's address, with no page and no CSRF token."""
        self.follow(follower, militia)
        self.file_report(militia)
        send_digests()
        (digest,) = mail.outbox
        address = digest.extra_headers["List-Unsubscribe"].strip("<>")
        assert digest.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        mail_client = Client(enforce_csrf_checks=True)
        response = mail_client.post(address, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
        assert response.status_code == 200
        assert AlertState.objects.get(user=follower).enabled is False

    @pytest.mark.parametrize("token", ["1", "forged-token", "MQ:1tTzAa:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])
    def test_the_unsubscribe_link_cannot_be_forged(self, client, follower, token):
        assert client.post(reverse("alerts_unsubscribe", args=[token])).status_code == 404
        assert not AlertState.objects.filter(enabled=False).exists()

    def test_a_token_for_one_reader_unsubscribes_only_them(self, client, follower, militia):
        other = UserFactory(email="other@example.org")
        client.post(reverse("alerts_unsubscribe", args=[unsubscribe_token(follower)]))
        assert not AlertState.objects.filter(user=other, enabled=False).exists()


def test_the_account_page_shows_memberships_and_follows(client, agency):
    user = UserFactory()
    InstitutionMembership.objects.create(institution=agency, user=user, email="d@agency.example")
    Follow.objects.create(user=user, organization=OrganizationFactory(name="Brigade of Examples"))
    client.force_login(user)
    page = client.get(reverse("account")).content.decode()
    assert "Agency of Examples" in page and "Brigade of Examples" in page


def test_an_anonymous_reader_has_no_rank_without_a_network(agency):
    assert reader_rank(AnonymousUser()) is None
