"""Signing up with a confirmed address, free trials (their last day, one per person and per domain), and requests granted."""
import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from reports.models import Subscription, SubscriptionRequest, Trial
from reports.subscriptions import payments
from reports.subscriptions.grants import grant_request
from reports.subscriptions.accounts import finish_background_mail
from reports.subscriptions.trials import TRIAL_PERIOD_DAYS, TrialRefused, start_trial, status_for
from tests.factories import ReportFactory, UserFactory, institution
from tests.rendered_forms import RenderedForm

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual passphrase"
BODY = "The full analysis, for subscribers."


def sign_up(client, username="newreader", email="new.reader@agency.example"):
    form = RenderedForm.of(client, reverse("signup"), form_id="signup-form")
    return form.fill(username=username, email=email, password1=PASSWORD, password2=PASSWORD).submit(client)


def confirm(client, path):
    """The confirmation page's one button, pressed."""
    return RenderedForm.of(client, path, form_id="confirm-form").submit(client)


def start_trial_from_the_page(client, tier, **kwargs):
    """The subscription options' "Try … free" button of the tier."""
    page = client.get(reverse("subscribe")).content.decode()
    form = RenderedForm.in_page(page, reverse("subscribe"), action=reverse("start_trial", args=[tier.slug]))
    return form.submit(client, **kwargs)


def link_path(message):
    """The path of the one link of the site in an e-mail (the site's address comes from SITE_URL)."""
    return re.search(r"https?://[^/\s]+(/\S*)", message.body).group(1)


def local_moment(day, hour=0, minute=0, second=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute, second)))


@pytest.fixture
def trying(premium):
    premium.trial_days = 7
    premium.save()
    return premium


class TestSignUp:
    def test_a_new_account_waits_for_its_address_and_the_link_opens_it(self, client):
        response = sign_up(client, email="New.Reader@agency.example")
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert "Check your e-mail" in page and "New.Reader@agency.example" in page
        user = get_user_model().objects.get(username="newreader")
        assert not user.is_active
        login_page = client.get(reverse("login")).content.decode()
        login_form = RenderedForm.in_page(login_page, reverse("login"), action=reverse("login"))
        refused = login_form.fill(username="newreader", password=PASSWORD).submit(client)
        assert refused.status_code == 200  # no logging in before the address is confirmed
        [message] = mail.outbox
        assert message.to == ["New.Reader@agency.example"]
        path = link_path(message)
        assert "Confirm my address" in client.get(path).content.decode()  # opening the link changes nothing
        assert not get_user_model().objects.get(pk=user.pk).is_active
        button = RenderedForm.of(client, path, form_id="confirm-form")
        response = button.submit(client)
        assert response.status_code == 302 and response["Location"] == reverse("subscribe")
        assert get_user_model().objects.get(pk=user.pk).is_active
        assert client.get(reverse("account")).status_code == 200  # logged in
        assert button.submit(client).status_code == 400  # once only: the same page's button again

    def test_an_address_in_use_is_refused_on_the_form(self, client, reader):
        response = sign_up(client, email=reader.email.upper())
        assert response.status_code == 200
        assert "An account already uses this address" in response.content.decode()
        assert not mail.outbox

    def test_a_forged_link_is_refused_with_a_page_that_says_so(self, client):
        sign_up(client)
        user = get_user_model().objects.get(username="newreader")
        path = link_path(mail.outbox[0])
        forged = path.rsplit("/", 2)[0] + "/" + "x" * 20 + "/"
        button = RenderedForm.of(client, path, form_id="confirm-form")
        button.action = forged  # the real page's button, sent to a forged link
        for response in (client.get(forged), button.submit(client), client.get("/accounts/confirm/garbage/token/")):
            assert response.status_code == 400
            assert "This link does not work" in response.content.decode()
        assert not get_user_model().objects.get(pk=user.pk).is_active

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the new link is sent by another thread
    def test_an_expired_link_is_refused_and_a_new_one_can_be_had(self, client, settings):
        sign_up(client)
        path = link_path(mail.outbox[0])
        button = RenderedForm.of(client, path, form_id="confirm-form")
        with time_machine.travel(timezone.now() + dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 1)):
            assert button.submit(client).status_code == 400
            resend = RenderedForm.of(client, reverse("resend_activation"), form_id="resend-form")
            response = resend.fill(email="new.reader@agency.example").submit(client)
        assert response.status_code == 200
        finish_background_mail()
        assert len(mail.outbox) == 2
        assert confirm(client, link_path(mail.outbox[1])).status_code == 302

    @pytest.mark.django_db(transaction=True, serialized_rollback=True)
    def test_no_new_link_for_an_account_the_desk_switched_off(self, client, reader):
        reader.is_active = False
        reader.last_login = timezone.now()
        reader.save()
        RenderedForm.of(client, reverse("resend_activation"), form_id="resend-form").fill(email=reader.email).submit(client)
        finish_background_mail()
        assert not mail.outbox


class TestTrials:
    def test_a_trial_reads_through_its_last_day_and_not_the_day_after(self, client, reader, trying):
        report = ReportFactory(required_tier=trying, body=BODY)
        start = dt.date(2030, 3, 1)
        with time_machine.travel(local_moment(start, 9), tick=False):
            client.force_login(reader)
            response = start_trial_from_the_page(client, trying)
            assert response.status_code == 302
            trial = Trial.objects.get(user=reader)
        assert trial.ends_on == start + dt.timedelta(days=6)  # seven days, the first and last included
        assert trial.subscription.note == "Free trial"
        with time_machine.travel(local_moment(trial.ends_on, 23, 59, 59), tick=False):
            assert BODY in client.get(report.get_absolute_url()).content.decode()
        with time_machine.travel(local_moment(trial.ends_on + dt.timedelta(days=1)), tick=False):
            page = client.get(report.get_absolute_url()).content.decode()
            assert BODY not in page and "This report is for subscribers" in page

    def test_a_new_trial_is_read_at_once(self, client, reader, trying):
        report = ReportFactory(required_tier=trying, body=BODY)
        client.force_login(reader)
        assert BODY not in client.get(report.get_absolute_url()).content.decode()  # now in the cache
        start_trial_from_the_page(client, trying)
        assert BODY in client.get(report.get_absolute_url()).content.decode()

    def test_one_trial_per_person_within_the_period(self, reader, trying, jttm):
        jttm.trial_days = 14
        jttm.save()
        start = dt.date(2030, 3, 1)
        with time_machine.travel(local_moment(start, 9), tick=False):
            start_trial(user=reader, tier=trying)
        last_refused = start + dt.timedelta(days=TRIAL_PERIOD_DAYS - 1)
        with time_machine.travel(local_moment(last_refused, 23), tick=False):
            with pytest.raises(TrialRefused, match="one trial a year per person"):
                start_trial(user=reader, tier=jttm)  # any tier
        with time_machine.travel(local_moment(last_refused + dt.timedelta(days=1)), tick=False):
            assert start_trial(user=reader, tier=jttm).tier == jttm

    def test_one_trial_per_domain_within_the_period(self, trying):
        first = UserFactory(email="one@agency.example")
        colleague = UserFactory(email="two@AGENCY.example")
        start = dt.date(2030, 3, 1)
        with time_machine.travel(local_moment(start, 9), tick=False):
            start_trial(user=first, tier=trying)
        with time_machine.travel(local_moment(start + dt.timedelta(days=TRIAL_PERIOD_DAYS - 1), 23), tick=False):
            with pytest.raises(TrialRefused, match="agency.example"):
                start_trial(user=colleague, tier=trying)
        with time_machine.travel(local_moment(start + dt.timedelta(days=TRIAL_PERIOD_DAYS)), tick=False):
            start_trial(user=colleague, tier=trying)

    def test_free_mail_addresses_do_not_block_each_other(self, trying):
        start_trial(user=UserFactory(email="someone@gmail.com"), tier=trying)
        start_trial(user=UserFactory(email="someone.else@gmail.com"), tier=trying)
        assert Trial.objects.filter(domain="gmail.com").count() == 2

    def test_a_second_trial_is_refused_with_a_message(self, client, reader, trying):
        client.force_login(reader)
        again = RenderedForm.in_page(
            client.get(reverse("subscribe")).content.decode(), reverse("subscribe"), action=reverse("start_trial", args=[trying.slug])
        )
        again.submit(client)
        response = again.submit(client, follow=True)  # the same page's button, pressed twice
        assert response.status_code == 200
        assert "You can already read everything in Premium" in response.content.decode()
        Subscription.objects.filter(user=reader).delete()  # the trial record stays: still one a year
        response = start_trial_from_the_page(client, trying, follow=True)
        assert "You have had a free trial already" in response.content.decode()
        assert Trial.objects.filter(user=reader).count() == 1

    def test_a_tier_without_trial_and_an_unknown_tier(self, client, reader, jttm):
        client.force_login(reader)
        assert reverse("start_trial", args=[jttm.slug]) not in client.get(reverse("subscribe")).content.decode()
        # Crafted requests: the page has no such button.
        response = client.post(reverse("start_trial", args=[jttm.slug]), follow=True)
        assert "offers no free trial" in response.content.decode()
        assert client.post(reverse("start_trial", args=["no-such-tier"])).status_code == 404
        assert not Trial.objects.exists()

    def test_anonymous_visitors_are_asked_to_log_in(self, client, trying):
        assert reverse("start_trial", args=[trying.slug]) not in client.get(reverse("subscribe")).content.decode()
        response = client.post(reverse("start_trial", args=[trying.slug]))  # crafted: no button for anonymous visitors
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    def test_status_for_says_where_the_reader_stands(self, reader, trying):
        assert status_for(reader).lines == []
        trial = start_trial(user=reader, tier=trying)
        status = status_for(reader)
        assert status.trial == trial and "runs until" in status.lines[0]
        pending = SubscriptionRequest.objects.create(user=reader, tier=trying)
        assert "is waiting for the subscriptions desk" in status_for(reader).lines[1]
        grant_request(pending, until=timezone.localdate() + dt.timedelta(days=30))
        assert "was granted on" in status_for(reader).lines[1]
        with time_machine.travel(local_moment(trial.ends_on + dt.timedelta(days=1)), tick=False):
            assert "ended on" in status_for(reader).lines[0]


    def test_the_account_page_shows_the_trial_and_the_request(self, client, reader, trying):
        client.force_login(reader)
        assert "My trial and requests" not in client.get(reverse("account")).content.decode()
        start_trial(user=reader, tier=trying)
        SubscriptionRequest.objects.create(user=reader, tier=trying)
        page = client.get(reverse("account")).content.decode()
        assert "My trial and requests" in page
        assert f"Your free trial of {trying} runs until" in page and "is waiting for the subscriptions desk" in page


class TestRequests:
    def ask(self, client, user, **fields):
        client.force_login(user)
        return RenderedForm.of(client, reverse("request_subscription"), form_id="request-form").fill(**fields).submit(client)

    def test_a_granted_request_sends_the_mail_and_opens_the_report(
        self, client, reader, premium, subscription_manager, django_capture_on_commit_callbacks
    ):
        report = ReportFactory(required_tier=premium, body=BODY)
        assert self.ask(client, reader, tier=premium.pk).status_code == 302
        pending = SubscriptionRequest.objects.get(user=reader)
        assert pending.status == "pending" and [m.to for m in mail.outbox] == [["subscriptions@localhost"]]
        assert payments.checkout(pending) is None  # no payment provider: it waits in the queue
        assert BODY not in client.get(report.get_absolute_url()).content.decode()
        until = timezone.localdate() + dt.timedelta(days=30)
        with django_capture_on_commit_callbacks(execute=True):
            grant_request(pending, until=until, by=subscription_manager)
        pending.refresh_from_db()
        assert pending.status == "granted" and pending.subscription.ends_on == until
        assert mail.outbox[-1].to == [reader.email] and "is granted" in mail.outbox[-1].body
        assert BODY in client.get(report.get_absolute_url()).content.decode()

    def test_a_second_pending_request_is_refused_on_the_form(self, client, reader, premium):
        self.ask(client, reader, tier=premium.pk)
        response = self.ask(client, reader, tier=premium.pk)
        assert response.status_code == 200 and "already have a request waiting" in response.content.decode()

    def test_an_institutional_request_needs_its_name_and_readers(self, client, reader, premium):
        response = self.ask(client, reader, tier=premium.pk, kind="institutional")
        page = response.content.decode()
        assert response.status_code == 200 and "Give your agency" in page and "how many people" in page

    def test_an_institutional_request_granted_sets_up_the_institution(self, client, premium, subscription_manager):
        requester = UserFactory(email="chief@ministry.example")
        self.ask(client, requester, tier=premium.pk, kind="institutional", institution="Ministry", readers="5")
        granted = grant_request(
            SubscriptionRequest.objects.get(), until=timezone.localdate() + dt.timedelta(days=10), by=subscription_manager
        )
        ministry = granted.granted_institution
        assert (ministry.seat_limit, list(ministry.domains.values_list("domain", flat=True))) == (5, ["ministry.example"])
        assert ministry.memberships.get().user == requester

    def test_the_manager_grants_in_the_admin_queue(self, client, reader, premium, subscription_manager):
        self.ask(client, reader, tier=premium.pk)
        pending = SubscriptionRequest.objects.get()
        client.force_login(subscription_manager)
        queue = client.get(reverse("admin:reports_subscriptionrequest_changelist"))
        assert queue.status_code == 200 and str(pending) in queue.content.decode()
        until = timezone.localdate() + dt.timedelta(days=20)
        change = reverse("admin:reports_subscriptionrequest_change", args=[pending.pk])
        form = RenderedForm.of(client, change, form_id="subscriptionrequest_form")
        response = form.fill(decision="grant", until=until.isoformat()).submit(client, "_save")
        assert response.status_code == 302
        assert Subscription.objects.get(user=reader).ends_on == until
        assert client.get(reverse("admin:reports_subscriptionrequest_change", args=[pending.pk])).status_code == 200

    def test_the_manager_declines_and_is_told_why_a_grant_cannot_be(self, client, premium, subscription_manager):
        requester = UserFactory(email="chief@ministry.example")
        institution("Ministry", "jttm")
        self.ask(client, requester, tier=premium.pk, kind="institutional", institution="Ministry", readers="5")
        pending = SubscriptionRequest.objects.get()
        client.force_login(subscription_manager)
        change = reverse("admin:reports_subscriptionrequest_change", args=[pending.pk])
        form = RenderedForm.of(client, change, form_id="subscriptionrequest_form")
        response = form.fill(decision="grant", until=timezone.localdate().isoformat()).submit(client, "_save")
        assert response.status_code == 200 and "An institution named Ministry exists already" in response.content.decode()
        response = form.fill(decision="grant", until="2000-01-01").submit(client, "_save")
        assert "Choose a last day from today on" in response.content.decode()
        assert form.fill(decision="decline", until="").submit(client, "_save").status_code == 302
        pending.refresh_from_db()
        assert pending.status == "declined" and pending.decided_by == subscription_manager
        assert client.get(change).status_code == 200  # a decided request's page shows, with nothing to decide


BAD = ["", "\x00", "x" * 5000, "<script>alert(1)</script>", "\r\nBcc: a@b.c", "99999999999999999999", "-1", "é@ü"]


@pytest.mark.parametrize("value", BAD)
def test_bad_input_is_a_form_error_or_a_4xx_never_a_500(client, reader, value):
    client.raise_request_exception = False
    signup_form = RenderedForm.of(client, reverse("signup"), form_id="signup-form")
    assert signup_form.fill(**dict.fromkeys(["username", "email", "password1", "password2"], value)).submit(client).status_code == 200
    assert RenderedForm.of(client, reverse("resend_activation"), form_id="resend-form").fill(email=value).submit(client).status_code == 200
    link = f"/accounts/confirm/{value or 'x'}/{value or 'x'}/"
    assert client.get(link).status_code in {400, 404} and client.post(link).status_code in {400, 404}  # crafted
    client.force_login(reader)
    request_form = RenderedForm.of(client, reverse("request_subscription"), form_id="request-form")
    request_form.fill(**dict.fromkeys(["tier", "kind", "institution", "readers", "message"], value))
    assert request_form.submit(client).status_code == 200
    assert client.post(f"/subscribe/trial/{value or 'x'}/").status_code in {302, 404}  # crafted
    assert not SubscriptionRequest.objects.exists() and not Trial.objects.exists()
