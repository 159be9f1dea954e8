"""
The subscription managers' side of trials and requests: the queue of requests, each granted (until
a day the manager picks) or declined from its own page, and the trials readers started.
"""
import datetime as dt

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports.models import SubscriptionRequest, Trial
from reports.subscriptions.grants import decline_request, grant_request, why_not_grant

DEFAULT_TERM_DAYS = 365


class DecisionForm(forms.ModelForm):
    """A request's page: the manager's decision, and the last day of the access granted."""

    decision = forms.ChoiceField(
        choices=[("", "Leave it waiting"), ("grant", "Grant"), ("decline", "Decline")], required=False,
        help_text="The requester gets an e-mail either way.",
    )
    until = forms.DateField(
        label="Access until", required=False, widget=admin.widgets.AdminDateWidget,
        help_text="The last day of access, inclusive. A year from today unless you change it.",
    )

    class Meta:
        model = SubscriptionRequest
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].initial = timezone.localdate() + dt.timedelta(days=DEFAULT_TERM_DAYS - 1)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "grant":
            if not data.get("until"):
                self.add_error("until", "Say until when access is granted.")
            elif refusal := why_not_grant(self.instance, data["until"]):
                raise forms.ValidationError(refusal)
        return data


class StatusFilter(admin.SimpleListFilter):
    """The queue: pending requests unless another status (or all) is chosen."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*SubscriptionRequest.Status.choices, ("all", "All")]

    def choices(self, changelist):
        chosen = self.value() or SubscriptionRequest.Status.PENDING
        for value, label in self.lookup_choices:
            yield {
                "selected": chosen == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        chosen = self.value() or SubscriptionRequest.Status.PENDING
        return queryset if chosen == "all" else queryset.filter(status=chosen)


@admin.register(SubscriptionRequest)
class SubscriptionRequestAdmin(admin.ModelAdmin):
    form = DecisionForm
    list_display = ["__str__", "user", "tier", "kind", "status", "created_at"]
    list_filter = [StatusFilter, "kind", "tier"]
    list_select_related = ["user", "tier"]
    search_fields = ["user__username", "user__email", "institution"]
    readonly_fields = [
        "user", "requester_email", "tier", "kind", "institution", "readers", "message", "status",
        "created_at", "decided_at", "decided_by", "subscription", "granted_institution",
    ]
    fieldsets = [
        (None, {"fields": ["user", "requester_email", "tier", "kind", "institution", "readers", "message", "created_at"]}),
        ("Decision", {"fields": ["status", "decision", "until", "decided_at", "decided_by", "subscription", "granted_institution"]}),
    ]

    def has_add_permission(self, request):
        return False  # readers make requests, from the subscription options page

    @admin.display(description="e-mail")
    def requester_email(self, subscription_request):
        return subscription_request.user.email

    def get_fieldsets(self, request, obj=None):
        if obj is not None and obj.status != SubscriptionRequest.Status.PENDING:
            return [(name, {"fields": [f for f in options["fields"] if f not in {"decision", "until"}]})
                    for name, options in self.fieldsets]
        return self.fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is not None and obj.status != SubscriptionRequest.Status.PENDING:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, change, **kwargs)

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data.get("decision")
        try:
            if decision == "grant":
                grant_request(obj, until=form.cleaned_data["until"], by=request.user)
            elif decision == "decline":
                decline_request(obj, by=request.user)
        except ValidationError as refusal:
            self.message_user(request, " ".join(refusal.messages), messages.ERROR)
        else:
            if decision:
                done = {"grant": "granted", "decline": "declined"}[decision]
                self.message_user(request, f"Request {done}: the requester has been told by e-mail.")


@admin.register(Trial)
class TrialAdmin(admin.ModelAdmin):
    """Who tried what, from which address: what the one-trial-a-year rule reads. Delete one to allow another trial."""

    list_display = ["user", "tier", "email", "starts_on", "ends_on"]
    list_filter = ["tier", "starts_on"]
    search_fields = ["user__username", "email", "domain"]
    readonly_fields = ["user", "tier", "subscription", "email", "domain", "starts_on", "ends_on", "created_at"]

    def has_add_permission(self, request):
        return False
