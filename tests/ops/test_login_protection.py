"""
Login protection: repeated failures lock out one username from one address for a cool-off
(django-axes), which forged X-Forwarded-For headers neither dodge nor aim at someone else; the
session id changes at login; a password change ends the user's other sessions; desk staff need a
second factor for the admin when STAFF_REQUIRE_2FA is on (django-otp).
"""
import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.rendered_forms import RenderedForm

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
ATTACKER, VICTIM, PROXY = "203.0.113.66", "198.51.100.7", "10.0.0.2"


def log_in(client, username, password, address, forwarded=None):
    """POST the login form from `address` (REMOTE_ADDR), with an X-Forwarded-For header if given."""
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address, headers=headers)


def fail_until_locked(client, username, address, forwarded=None):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, username, "wrong guess", address, forwarded)


def logged_in(response):
    return response.status_code == 302


class TestLockout:
    def test_the_failures_up_to_the_limit_are_answered_with_the_form(self, client, reader):
        """Each failed attempt before the limit shows the login form again (200), not a lockout."""
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert log_in(client, reader.username, "wrong guess", ATTACKER).status_code == 200
        assert logged_in(log_in(client, reader.username, PASSWORD, ATTACKER))

    def test_after_the_limit_even_the_right_password_is_refused_with_429(self, client, reader):
        """Once locked, the username from that address gets the lockout page (429), right password or not."""
        fail_until_locked(client, reader.username, ATTACKER)
        response = log_in(client, reader.username, PASSWORD, ATTACKER)
        assert response.status_code == 429
        assert "Too many failed logins" in response.content.decode()
        assert "_auth_user_id" not in client.session

    def test_the_lockout_ends_after_the_cool_off(self, client, reader):
        """When the cool-off has passed, the right password logs in again from the same address."""
        fail_until_locked(client, reader.username, ATTACKER)
        with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1), tick=False):
            assert logged_in(log_in(client, reader.username, PASSWORD, ATTACKER))

    def test_the_lockout_lasts_until_the_cool_off_ends(self, client, reader):
        """A minute before the cool-off ends, the pair is still locked."""
        fail_until_locked(client, reader.username, ATTACKER)
        with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME - dt.timedelta(minutes=1), tick=False):
            assert log_in(client, reader.username, PASSWORD, ATTACKER).status_code == 429

    def test_an_attacker_cannot_lock_the_real_user_out(self, client, reader):
        """Failures from the attacker's address lock that pair only: the user logs in from their own address."""
        fail_until_locked(client, reader.username, ATTACKER)
        assert logged_in(log_in(Client(), reader.username, PASSWORD, VICTIM))

    def test_a_locked_address_can_still_log_in_as_another_user(self, client, reader, editor):
        """The lockout is per username and address: a colleague behind the same address is not locked out."""
        fail_until_locked(client, reader.username, ATTACKER)
        assert logged_in(log_in(Client(), editor.username, PASSWORD, ATTACKER))

    @pytest.mark.parametrize("username", ["x" * 300, "y" * 100_000])
    def test_an_overlong_username_is_counted_and_locked_not_a_500(self, client, username):
        """A username longer than any account's is refused, its failures counted (cut to fit), and it locks out."""
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            assert log_in(client, username, "wrong guess", ATTACKER).status_code == 200
        assert log_in(client, username, "wrong guess", ATTACKER).status_code == 429

    def test_the_admin_login_is_protected_too(self, client, editor):
        """Failures on the admin's login form count and lock out like those on the site's."""
        form = RenderedForm.of(client, reverse("admin:login"), form_id="login-form")
        for _ in range(settings.AXES_FAILURE_LIMIT):
            form.fill(username=editor.username, password="wrong guess").submit(client, REMOTE_ADDR=ATTACKER)
        assert form.fill(password=PASSWORD).submit(client, REMOTE_ADDR=ATTACKER).status_code == 429


class TestForgedForwardedFor:
    def test_a_forged_header_does_not_dodge_the_lockout(self, client, reader):
        """Without trusted proxies, an attacker changing X-Forwarded-For on every try is still one address, and locked."""
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            log_in(client, reader.username, "wrong guess", ATTACKER, forwarded=f"192.0.2.{attempt}")
        assert log_in(client, reader.username, PASSWORD, ATTACKER, forwarded="192.0.2.200").status_code == 429

    def test_a_forged_header_does_not_lock_out_the_address_it_names(self, client, reader):
        """Failures sent with X-Forwarded-For naming the victim's address lock out the attacker, not the victim."""
        fail_until_locked(client, reader.username, ATTACKER, forwarded=VICTIM)
        assert logged_in(log_in(Client(), reader.username, PASSWORD, VICTIM))

    def test_behind_a_trusted_proxy_the_entry_it_added_counts_not_the_forged_one(self, client, reader, settings):
        """Behind one proxy of ours, the attacker's forged left-hand entries are ignored: the victim's traffic is not locked."""
        settings.TRUSTED_PROXY_COUNT = 1
        fail_until_locked(client, reader.username, PROXY, forwarded=f"{VICTIM}, {ATTACKER}")
        assert log_in(client, reader.username, PASSWORD, PROXY, forwarded=f"{VICTIM}, {ATTACKER}").status_code == 429
        assert logged_in(log_in(Client(), reader.username, PASSWORD, PROXY, forwarded=VICTIM))


class TestSessions:
    def test_the_session_id_changes_at_login(self, client, reader):
        """The session a visitor had before logging in is replaced by a new one (no session fixation)."""
        session = client.session
        session["seen"] = True
        session.save()
        before = session.session_key
        assert logged_in(log_in(client, reader.username, PASSWORD, VICTIM))
        after = client.cookies[settings.SESSION_COOKIE_NAME].value
        assert after and after != before
        assert client.session["seen"] is True  # what it held is carried over

    def test_a_password_change_ends_the_users_other_sessions(self, client, reader):
        """Changing the password on one device logs the user out everywhere else, and keeps this device in."""
        elsewhere = Client()
        elsewhere.force_login(reader)
        client.force_login(reader)
        response = client.post(
            reverse("password_change"),
            {"old_password": PASSWORD, "new_password1": "a new long passphrase 42", "new_password2": "a new long passphrase 42"},
        )
        assert response.status_code == 302
        assert client.get(reverse("account")).status_code == 200
        assert elsewhere.get(reverse("account")).status_code == 302

    @pytest.mark.parametrize(
        "password, error",
        [("short", "too short"), ("password123", "too common"), ("8493028471", "entirely numeric")],
    )
    def test_weak_new_passwords_are_refused(self, client, reader, password, error):
        """The password validators refuse short, common and all-numeric passwords."""
        client.force_login(reader)
        response = client.post(
            reverse("password_change"), {"old_password": PASSWORD, "new_password1": password, "new_password2": password}
        )
        assert response.status_code == 200
        assert error in response.content.decode()


@pytest.fixture
def staff_device(editor):
    """The editor's authenticator app (TOTP), confirmed."""
    return TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)


def admin_log_in(client, user, **otp):
    """The admin's login form, as its page renders it, filled in and sent."""
    form = RenderedForm.of(client, reverse("admin:login"), form_id="login-form", next=reverse("admin:index"))
    return form.fill(username=user.username, password=PASSWORD, **otp).submit(client)


class TestStaffSecondFactor:
    @pytest.fixture
    def required(self, settings):
        settings.STAFF_REQUIRE_2FA = True

    def test_when_off_the_password_opens_the_admin(self, client, editor, settings):
        """With STAFF_REQUIRE_2FA off, staff log in to the admin with their password alone."""
        settings.STAFF_REQUIRE_2FA = False
        assert admin_log_in(client, editor).status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200

    def test_the_admin_shows_the_qr_code_that_sets_up_an_authenticator_app(self, admin_client, staff_device):
        """A superuser setting up a desk member's device gets its QR code as an SVG picture."""
        response = admin_client.get(reverse("admin:otp_totp_totpdevice_qrcode", args=[staff_device.pk]))
        assert response.status_code == 200
        assert response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content

    def test_when_required_the_login_form_asks_for_a_one_time_password(self, client, required):
        """The admin's login form has a field for the one-time password."""
        assert 'name="otp_token"' in client.get(reverse("admin:login")).content.decode()

    def test_when_required_the_password_alone_is_refused(self, client, editor, staff_device, required):
        """Staff who give the right password but no one-time password stay on the login form."""
        response = admin_log_in(client, editor)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session

    def test_when_required_a_session_from_the_sites_login_does_not_open_the_admin(self, client, editor, required):
        """Logged in through the public login (no second factor), staff are sent to the admin's login."""
        client.force_login(editor)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))

    def test_when_required_a_wrong_one_time_password_is_refused(self, client, editor, staff_device, required):
        """A wrong code from the app keeps staff out, with the device chosen as a person would."""
        response = admin_log_in(client, editor, otp_token="000000")
        form = RenderedForm.in_page(response.content.decode(), reverse("admin:login"), form_id="login-form")
        response = form.fill(password=PASSWORD, otp_device=staff_device.persistent_id, otp_token="000000").submit(client)
        assert response.status_code == 200 and "Please select a device." not in response.content.decode()
        assert client.get(reverse("admin:index")).status_code == 302

    def test_when_required_the_password_and_a_valid_code_open_the_admin(self, client, editor, staff_device, required):
        """The password and the app's current code log staff in to the admin."""
        code = f"{totp(staff_device.bin_key):06d}"
        response = admin_log_in(client, editor, otp_token=code)
        # django-otp asks for the device once it knows the user: the page comes back with a list of them.
        assert "Please select a device." in response.content.decode()
        form = RenderedForm.in_page(response.content.decode(), reverse("admin:login"), form_id="login-form")
        assert f'value="{staff_device.persistent_id}"' in response.content.decode()
        response = form.fill(password=PASSWORD, otp_device=staff_device.persistent_id, otp_token=code).submit(client)
        assert response.status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200
