"""
Creating an account, e-mail address first.

A new account is made inactive and gets a link at its address; until the link is followed it cannot
log in, start a trial or ask for anything. The link carries Django's own kind of token
(`ActivationTokenGenerator`, a PasswordResetTokenGenerator with its own salt), valid for
PASSWORD_RESET_TIMEOUT (three days by default) and only until it is used: the token's hash covers
whether the account is active. An account whose link expired asks for another one (`ResendActivationView`);
an inactive account that has logged in before (one the desk switched off) gets no link.
"""
from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.views import View
from django.views.generic import FormView

from reports.subscriptions.accounts import (
    RESET_WINDOW_SECONDS,
    RESETS_PER_ADDRESS,
    address_key,
    count_within,
    in_background,
)
from reports.subscriptions.alerts import absolute

LOGIN_BACKEND = "django.contrib.auth.backends.ModelBackend"
SIGNED_UP_SESSION_KEY = "signed_up_email"


class ActivationTokenGenerator(PasswordResetTokenGenerator):
    """A password reset token of its own salt, that stops working once the account is active."""

    key_salt = "reports.subscriptions.signup.ActivationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.is_active}"


activation_tokens = ActivationTokenGenerator()


class SignUpForm(UserCreationForm):
    """Django's own form (username, two passwords, its password rules), with an address no other account uses."""

    email = forms.EmailField(
        label="E-mail address", help_text="We send a link there to confirm it before the account can be used."
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ["username", "email"]

    def clean_email(self):
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"]).strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                "An account already uses this address. Log in, or set a new password if you have forgotten it.",
                code="duplicate_email",
            )
        return email

    def save(self, commit=True):
        user = super().save(commit=False)
        user.is_active = False
        if commit:
            user.save()
        return user


def activation_link(user):
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    return absolute(reverse("activate_account", args=[uidb64, activation_tokens.make_token(user)]))


def send_activation_link(user):
    send_mail(
        subject="Confirm your e-mail address",
        message=(
            f"Someone, we hope you, made an account named {user.get_username()} with this address.\n\n"
            f"Follow this link to confirm the address and start using the account:\n{activation_link(user)}\n\n"
            "The link works for three days and once. If you did not ask for an account, ignore this message: "
            "nothing will be done with it."
        ),
        from_email=None,
        recipient_list=[user.email],
    )


def awaiting_confirmation(user):
    """An account never used and not yet active: its address has not been confirmed."""
    return user is not None and not user.is_active and user.last_login is None


class SignUpView(FormView):
    form_class = SignUpForm
    template_name = "registration/signup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("subscribe")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.save()
        count_within(address_key("activation-links", user.email), RESETS_PER_ADDRESS, RESET_WINDOW_SECONDS)
        send_activation_link(user)
        self.request.session[SIGNED_UP_SESSION_KEY] = user.email
        return redirect("signup_done")


class SignUpDoneView(View):
    """Where the sign-up form leads: the address the link went to, from this browser's session."""

    def get(self, request):
        return render(request, "registration/signup_done.html", {"email": request.session.get(SIGNED_UP_SESSION_KEY)})


def user_for_link(uidb64, token):
    """The account the link is for, if its token is good; None for a forged, used or expired link."""
    try:
        pk = urlsafe_base64_decode(uidb64).decode()
        user = get_user_model()._default_manager.get(pk=pk)
    except (TypeError, ValueError, OverflowError, ValidationError, get_user_model().DoesNotExist):
        return None
    if not awaiting_confirmation(user) or not activation_tokens.check_token(user, token):
        return None
    return user


class ActivateAccountView(View):
    """The link in the e-mail: a page with one button (mail scanners that open links confirm nothing)."""

    template_name = "registration/activate.html"

    def get(self, request, uidb64, token):
        if user_for_link(uidb64, token) is None:
            return invalid_link(request)
        return render(request, self.template_name)

    def post(self, request, uidb64, token):
        user = user_for_link(uidb64, token)
        if user is None:
            return invalid_link(request)
        user.is_active = True
        user.save(update_fields=["is_active"])
        login(request, user, backend=LOGIN_BACKEND)
        messages.success(
            request,
            "Your address is confirmed and you are logged in. Start a free trial or ask for a subscription below.",
        )
        return redirect("subscribe")


def invalid_link(request):
    return render(request, "registration/activation_invalid.html", status=400)


class ResendActivationForm(forms.Form):
    email = forms.EmailField(label="The address you signed up with")


class ResendActivationView(FormView):
    """A new link for an account not yet confirmed; the same words whatever the address, sent off the request path."""

    form_class = ResendActivationForm
    template_name = "registration/activation_resend.html"

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        if count_within(address_key("activation-links", email), RESETS_PER_ADDRESS, RESET_WINDOW_SECONDS):
            in_background(resend_activation_link, email=email)
        return render(self.request, "registration/signup_done.html", {"email": email, "again": True})


def resend_activation_link(*, email):
    for user in get_user_model().objects.filter(email__iexact=email, is_active=False, last_login=None):
        send_activation_link(user)
