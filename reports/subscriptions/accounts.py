"""
What keeps accounts safe beyond the login's lockout (django-axes): a password reset that tells
nothing of who has an account and cannot flood an inbox, and a password change that stops guessing.

Mail that would tell whether an address is known (a password reset, an institution's confirmation
link) is looked up, written and sent off the request path (`in_background`): the answer takes the
same time and says the same words whatever the address.
"""
import hashlib
import logging
import threading

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connections

logger = logging.getLogger(__name__)

RESETS_PER_ADDRESS = 3  # in RESET_WINDOW_SECONDS: then the address gets nothing more for a while
RESET_WINDOW_SECONDS = 60 * 60

_sending = []


def in_background(work, *args, **kwargs):
    """Do `work` (mail) in a thread of its own: the response does not wait for it, nor tell what it found."""

    def run():
        try:
            work(*args, **kwargs)
        except Exception:
            logger.exception("Mail sent in the background failed")
        finally:
            connections.close_all()  # the thread's own database connections

    thread = threading.Thread(target=run, name="background-mail", daemon=True)
    _sending.append(thread)
    thread.start()


def finish_background_mail(timeout=30):
    """Wait until the mail handed to `in_background` is sent (tests, and a worker about to stop)."""
    while _sending:
        _sending.pop().join(timeout)


def count_within(key, limit, seconds):
    """Count one more event under `key` in the shared cache; True while the count stays within `limit`."""
    cache.add(key, 0, timeout=seconds)
    try:
        return cache.incr(key) <= limit
    except ValueError:  # expired between add and incr: this is the first of a new window
        cache.set(key, 1, timeout=seconds)
        return True


def address_key(prefix, email):
    return f"{prefix}:{hashlib.sha256(email.strip().lower().encode()).hexdigest()}"


class QuietPasswordResetForm(PasswordResetForm):
    """Django's reset form, whose mail is looked up and sent in the background, at most a few times an hour per address."""

    def save(self, **kwargs):
        email = self.cleaned_data["email"]
        if count_within(address_key("password-resets", email), RESETS_PER_ADDRESS, RESET_WINDOW_SECONDS):
            in_background(super().save, **kwargs)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QuietPasswordResetForm


class GuardedPasswordChangeForm(PasswordChangeForm):
    """After as many wrong old passwords as the login allows, the form refuses to check more for a while."""

    locked_message = (
        "Too many wrong passwords: changing it is paused for {minutes} minutes. "
        "If you have forgotten your password, log out and set a new one by e-mail."
    )

    def failures_key(self):
        return f"password-change-failures:{self.user.pk}"

    def clean_old_password(self):
        cooloff = settings.AXES_COOLOFF_TIME.total_seconds()
        if (cache.get(self.failures_key()) or 0) >= settings.AXES_FAILURE_LIMIT:
            raise ValidationError(self.locked_message.format(minutes=round(cooloff / 60)), code="locked")
        try:
            return super().clean_old_password()
        except ValidationError:
            count_within(self.failures_key(), settings.AXES_FAILURE_LIMIT, int(cooloff))
            raise

    def save(self, commit=True):
        cache.delete(self.failures_key())
        return super().save(commit)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = GuardedPasswordChangeForm
