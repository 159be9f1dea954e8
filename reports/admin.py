"""
The desk's admin: entities, series, tiers, subscriptions and institutions.

Reports and their review have their own module (reports.desk.admin). Who may do what is decided
by permissions, checked on the server for every request: analysts write entities; editors also
delete them; subscription managers see tiers, subscriptions and institutions only.
"""
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.http import Http404
from django.urls import path

from reports.desk.admin import PUBLISH_PERMISSION, RevisionHistoryAdmin
from reports.interop.downloads import csv_response
from reports.models import (
    Country,
    Designation,
    Institution,
    InstitutionDomain,
    InstitutionMembership,
    InstitutionNetwork,
    Organization,
    OrganizationAlias,
    Outlet,
    OutletAlias,
    Person,
    PersonAlias,
    Programme,
    Quote,
    Read,
    Report,
    Role,
    Series,
    Subscription,
    Tier,
)
from reports.search.names import normalize_name
from reports.subscriptions.usage_reports import (
    SUBSCRIBER_COLUMNS,
    USAGE_COLUMNS,
    monthly_usage_rows,
    subscriber_rows,
)


class HttpsLinks:
    """A link typed without a scheme ("example.com") is taken as https."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["name", "iso_code"]
    search_fields = ["name", "iso_code"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "slug"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "website"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class AliasFormSet(forms.BaseInlineFormSet):
    """Two spellings that fold to the same name are one alias; say so instead of failing on save."""

    def clean(self):
        super().clean()
        seen = {normalize_name(self.instance.name)}
        for form in self.forms:
            name = form.cleaned_data.get("name") if form.cleaned_data else None
            if not name or self._should_delete_form(form):
                continue
            folded = normalize_name(name)
            if folded in seen:
                form.add_error("name", "This spelling is already recorded (as the name or another alias).")
            seen.add(folded)


class AliasInline(admin.TabularInline):
    formset = AliasFormSet
    extra = 1
    fields = ["name"]


class OrganizationAliasInline(AliasInline):
    model = OrganizationAlias


class PersonAliasInline(AliasInline):
    model = PersonAlias


class OutletAliasInline(AliasInline):
    model = OutletAlias


class DesignationInline(HttpsLinks, admin.TabularInline):
    model = Designation
    extra = 0


class RoleInline(admin.TabularInline):
    model = Role
    extra = 1
    autocomplete_fields = ["organization"]


class NamedEntityAdmin(RevisionHistoryAdmin):
    """Entities are found by any of their spellings: the search box looks through aliases too."""

    search_fields = ["name", "normalized_name", "aliases__name", "aliases__normalized_name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description="aliases")
    def alias_list(self, obj):
        return ", ".join(alias.name for alias in obj.aliases.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")


@admin.register(Organization)
class OrganizationAdmin(NamedEntityAdmin):
    list_display = ["name", "kind", "alias_list", "parent", "state_sponsor"]
    list_filter = ["kind", "state_sponsor", "countries"]
    autocomplete_fields = ["parent", "state_sponsor", "countries"]
    inlines = [OrganizationAliasInline, DesignationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent", "state_sponsor")


@admin.register(Person)
class PersonAdmin(NamedEntityAdmin):
    list_display = ["name", "alias_list"]
    inlines = [PersonAliasInline, RoleInline]


@admin.register(Outlet)
class OutletAdmin(HttpsLinks, NamedEntityAdmin):
    # Found by kind too: "Telegram" finds every Telegram channel.
    search_fields = [*NamedEntityAdmin.search_fields, "kind"]
    list_display = ["name", "kind", "country", "language", "stance"]
    list_filter = ["kind", "language", "country"]
    autocomplete_fields = ["country"]
    inlines = [OutletAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("country")


@admin.register(Quote)
class QuoteAdmin(HttpsLinks, RevisionHistoryAdmin):
    list_display = ["__str__", "said_on", "outlet", "original_language"]
    list_filter = ["original_language", "said_on"]
    search_fields = ["translation", "original_text", "person__name", "organization__name"]
    autocomplete_fields = ["person", "organization", "outlet"]
    date_hierarchy = "said_on"
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "organization", "outlet")

    def has_change_permission(self, request, obj=None):
        """
        A quote carried by a released report is part of that report's text: analysts change it
        through the report's form, where the change goes to review, not here.
        """
        if obj is not None and not request.user.has_perm(PUBLISH_PERMISSION):
            if Report.objects.filter(report_quotes__quote=obj).exclude(status=Report.Status.DRAFT).exists():
                return False
        return super().has_change_permission(request, obj)


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "rank"]
    prepopulated_fields = {"slug": ["name"]}


class EndingSoonFilter(admin.SimpleListFilter):
    """Terms whose last paid day falls within the next 30 days: the renewals to chase."""

    title = "ending"
    parameter_name = "ending"

    def lookups(self, request, model_admin):
        return [("30", "Within 30 days")]

    def queryset(self, request, queryset):
        return queryset.ending_within(30) if self.value() == "30" else queryset


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "tier", "starts_on", "ends_on", "grace_days", "active"]
    list_filter = [EndingSoonFilter, "tier", "ends_on"]
    list_select_related = ["user", "tier"]
    search_fields = ["user__username", "user__email", "note"]
    autocomplete_fields = ["user"]
    date_hierarchy = "ends_on"
    readonly_fields = ["access_ends_on", "created_at", "updated_at"]
    actions = ["export_csv"]

    @admin.display(boolean=True)
    def active(self, subscription):
        return subscription.is_active()

    @admin.action(description="Export the selected subscribers as CSV")
    def export_csv(self, request, queryset):
        return csv_response("subscribers.csv", SUBSCRIBER_COLUMNS, subscriber_rows(queryset))


class InstitutionDomainInline(admin.TabularInline):
    model = InstitutionDomain
    extra = 1


class InstitutionNetworkInline(admin.TabularInline):
    model = InstitutionNetwork
    extra = 1


class InstitutionMembershipInline(admin.TabularInline):
    model = InstitutionMembership
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at"]


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "tier", "starts_on", "ends_on", "grace_days", "active", "seats"]
    list_filter = [EndingSoonFilter, "tier"]
    search_fields = ["name", "domains__domain", "contact_email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["access_ends_on", "created_at", "updated_at"]
    inlines = [InstitutionDomainInline, InstitutionNetworkInline, InstitutionMembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("tier").annotate(members=Count("memberships"))

    @admin.display(boolean=True)
    def active(self, institution):
        return institution.is_active()

    @admin.display(description="seats used", ordering="members")
    def seats(self, institution):
        return f"{institution.members} / {institution.seat_limit}" if institution.seat_limit else f"{institution.members} / no limit"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/usage.csv",
                self.admin_site.admin_view(self.usage_view),
                name="reports_institution_usage",
            )
        ] + super().get_urls()

    def usage_view(self, request, object_id):
        """The monthly usage report of one institution, as CSV."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        institution = self.get_object(request, unquote(object_id))
        if institution is None:
            raise Http404
        return csv_response(f"usage-{institution.slug}.csv", USAGE_COLUMNS, monthly_usage_rows(institution))


@admin.register(Read)
class ReadAdmin(admin.ModelAdmin):
    """Reads are recorded by the site, never edited."""

    list_display = ["read_at", "report", "user", "institution"]
    list_filter = ["institution", "read_at"]
    list_select_related = ["report", "user", "institution"]
    date_hierarchy = "read_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# The API tokens' admin lives with the API; importing it registers it.
from reports.interop.api.admin import APITokenAdmin  # noqa: E402,F401

# Trials and readers' requests: their admin lives with them.
from reports.subscriptions.admin import SubscriptionRequestAdmin, TrialAdmin  # noqa: E402,F401
