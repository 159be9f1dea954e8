"""A reader's own pages: subscription options, the account, follows, e-mail alerts and institutional membership."""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.mail import send_mail
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import FormView, TemplateView
from taggit.models import Tag

from reports.models import AlertState, Follow, Organization, Person, Series, Tier
from reports.models.readers import is_desk_staff
from reports.models.reports import tags_in_use
from reports.subscriptions.accounts import in_background
from reports.subscriptions.alerts import absolute, user_for_unsubscribe_token
from reports.subscriptions.forms import (
    AccessRequestForm,
    APITokenForm,
    EmailPreferencesForm,
    InstitutionEmailForm,
)
from reports.subscriptions.holdings import holdings
from reports.subscriptions.trials import status_for
from reports.subscriptions.services import (
    MembershipRefused,
    confirm_membership,
    institution_for_address,
    membership_token,
)

FOLLOWABLE_MODELS = {"tag": Tag, "series": Series, "organization": Organization, "person": Person}


class FollowView(LoginRequiredMixin, View):
    """POST: follow (or, with action=unfollow, stop following) a tag, series, organization or person."""

    def post(self, request, kind, slug):
        if kind not in FOLLOWABLE_MODELS:
            raise Http404
        followable = tags_in_use() if kind == "tag" else FOLLOWABLE_MODELS[kind].objects.all()
        followed = get_object_or_404(followable, slug=slug)
        if request.POST.get("action") == "unfollow":
            Follow.objects.filter(user=request.user, **{kind: followed}).delete()
            messages.success(request, f"You no longer follow {followed}.")
        else:
            Follow.objects.get_or_create(user=request.user, **{kind: followed})
            AlertState.objects.update_or_create(user=request.user, defaults={"enabled": True})
            messages.success(request, f"You follow {followed}: new reports on it will come in your e-mail digest.")
        return redirect(request.POST.get("next") if url_is_local(request.POST.get("next")) else "account")


def url_is_local(url):
    return bool(url) and url.startswith("/") and not url.startswith("//")


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """
    The link in every digest: stops the reader's alerts, no login needed (the signed token is the key).

    Mail clients unsubscribe in one click by POSTing to it (RFC 8058, List-Unsubscribe-Post) with no
    page and so no CSRF token; the token in the address is what only the reader has, and the worst
    a forged post could do is what the reader's own link does.
    """

    template_name = "reports/unsubscribe.html"

    def get(self, request, token):
        return render(request, self.template_name, {"reader": self.reader(token), "done": False})

    def post(self, request, token):
        reader = self.reader(token)
        AlertState.objects.update_or_create(user=reader, defaults={"enabled": False})
        return render(request, self.template_name, {"reader": reader, "done": True})

    @staticmethod
    def reader(token):
        reader = user_for_unsubscribe_token(token)
        if reader is None:
            raise Http404("This unsubscribe link is not valid.")
        return reader


class JoinInstitutionView(LoginRequiredMixin, FormView):
    """A reader gives their work address; a link to confirm it goes there."""

    form_class = InstitutionEmailForm
    template_name = "reports/join_institution.html"

    def form_valid(self, form):
        email = form.cleaned_data["email"]
        in_background(send_membership_link, user=self.request.user, email=email)
        # The same words whatever the address: the page must not tell who is a customer.
        messages.success(
            self.request,
            f"If {email.rpartition('@')[2]} belongs to an institution with current access, a confirmation link is "
            f"on its way to {email}. Nothing after a few minutes? Ask your institution whether it subscribes.",
        )
        return redirect("account")


def send_membership_link(*, user, email):
    """The confirmation link, sent only where the address's domain belongs to an institution with access."""
    institution = institution_for_address(email)
    if institution is None:
        return
    link = absolute(reverse("confirm_membership", args=[membership_token(user=user, email=email)]))
    send_mail(
        subject=f"Confirm your access through {institution}",
        message=(
            f"Follow this link to read with {institution}'s access, as {user.get_username()}:\n"
            f"{link}\n\nThe link works for three days. If you did not ask for this, ignore this message."
        ),
        from_email=None,
        recipient_list=[email],
    )


class ConfirmMembershipView(LoginRequiredMixin, View):
    def get(self, request, token):
        return render(request, "reports/confirm_membership.html", {"token": token})

    def post(self, request, token):
        try:
            membership = confirm_membership(user=request.user, token=token)
        except MembershipRefused as refusal:
            messages.error(request, str(refusal))
        else:
            messages.success(request, f"You now read with {membership.institution}'s access.")
        return redirect("account")


class SubscribeView(FormView):
    """The tiers and what each opens; institutions ask for access through the form."""

    template_name = "reports/subscribe.html"
    form_class = AccessRequestForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(tiers=Tier.objects.all(), **kwargs)

    def form_valid(self, form):
        form.send()
        messages.success(self.request, "Thank you: the subscriptions desk will reply to your request by e-mail.")
        return redirect("subscribe")


class AccountView(LoginRequiredMixin, TemplateView):
    """
    The reader's account: what they read and until when, what they follow (each with a button to
    stop), their institution, their e-mail preferences (POSTed here) and their API tokens.
    """

    template_name = "reports/account.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        kwargs.setdefault("email_form", EmailPreferencesForm(instance=alert_state(user)))
        return super().get_context_data(
            holdings=holdings(user),
            trial_and_request=status_for(user),
            desk_staff=is_desk_staff(user),
            subscriptions=user.subscriptions.select_related("tier").order_by("-ends_on"),
            today=timezone.localdate(),
            api_tokens=user.api_tokens.all(),
            token_form=APITokenForm(user=user),
            memberships=user.memberships.select_related("institution__tier"),
            follows=user.follows.select_related("tag", "series", "organization", "person"),
            **kwargs,
        )

    def post(self, request):
        """The e-mail preferences form."""
        form = EmailPreferencesForm(request.POST, instance=alert_state(request.user))
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(email_form=form))
        preferences = form.save()
        if preferences.enabled:
            messages.success(request, f"Saved: new reports on what you follow come {preferences.get_frequency_display().lower()}.")
        else:
            messages.success(request, "Saved: you get no e-mail digests.")
        return redirect("account")


def alert_state(user):
    """The reader's e-mail preferences, as saved or (not saved yet) as they stand by default."""
    return AlertState.objects.filter(user=user).first() or AlertState(user=user)
