"""What a confirmed reader does from the subscription options: start a free trial, or ask for a subscription."""
from django import forms
from django.contrib import messages
from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect
from django.views import View
from django.views.generic import FormView

from reports.models import SubscriptionRequest, Tier
from reports.subscriptions import payments
from reports.subscriptions.trials import TrialRefused, day, start_trial


class StartTrialView(LoginRequiredMixin, View):
    """POST: start a free trial of the tier; a refusal is said on the subscription options page."""

    def post(self, request, slug):
        tier = get_object_or_404(Tier, slug=slug)
        try:
            trial = start_trial(user=request.user, tier=tier)
        except TrialRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("subscribe")
        messages.success(
            request, f"Your free trial of {tier} has started: read everything in it until {day(trial.ends_on)}, that day included."
        )
        return redirect("report_list")


class SubscriptionRequestForm(forms.ModelForm):
    readers = forms.IntegerField(min_value=1, max_value=100000, required=False, label="How many readers? (institutions)")

    class Meta:
        model = SubscriptionRequest
        fields = ["tier", "kind", "institution", "readers", "message"]
        widgets = {
            "kind": forms.Select,
            "message": forms.Textarea(attrs={"rows": 4}),
            "readers": forms.NumberInput(attrs={"min": 1, "max": 100000}),
        }
        labels = {"tier": "Tier", "kind": "Who is it for?"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["tier"].empty_label = None
        self.fields["kind"].choices = SubscriptionRequest.Kind.choices

    def clean(self):
        data = super().clean()
        if SubscriptionRequest.objects.filter(user=self.user, status=SubscriptionRequest.Status.PENDING).exists():
            raise forms.ValidationError(
                "You already have a request waiting for an answer: the subscriptions desk will write to you."
            )
        if data.get("kind") == SubscriptionRequest.Kind.INSTITUTIONAL:
            if not data.get("institution", "").strip():
                self.add_error("institution", "Give your agency's, university's or newsroom's name.")
            if not data.get("readers"):
                self.add_error("readers", "Say how many people would read.")
        return data

    def save(self, commit=True):
        self.instance.user = self.user
        return super().save(commit)


class RequestSubscriptionView(LoginRequiredMixin, FormView):
    form_class = SubscriptionRequestForm
    template_name = "reports/subscription_request.html"

    def get_initial(self):
        tier = Tier.objects.filter(slug=self.request.GET.get("tier")).first()
        return {"tier": tier, "kind": SubscriptionRequest.Kind.INDIVIDUAL}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            with transaction.atomic():
                subscription_request = form.save()
        except IntegrityError:  # the same reader's other request, saved a moment before this one
            form.add_error(None, "You already have a request waiting for an answer.")
            return self.form_invalid(form)
        tell_the_desk(subscription_request)
        pay = payments.checkout(subscription_request)
        if pay is not None:
            return redirect(pay.url)
        messages.success(
            self.request,
            f"Your request for {subscription_request.tier} is with the subscriptions desk: "
            f"you will get an e-mail at {self.request.user.email} when it is answered.",
        )
        return redirect("subscribe")


def tell_the_desk(subscription_request):
    who = subscription_request.user
    send_mail(
        subject=f"Subscription request: {subscription_request}",
        message=(
            f"{who.get_username()} <{who.email}> asks for {subscription_request.tier} "
            f"({subscription_request.get_kind_display().lower()}). It waits in the admin's queue of requests."
            f"\n\n{subscription_request.message}"
        ),
        from_email=None,
        recipient_list=[settings.SUBSCRIPTIONS_EMAIL],
    )
