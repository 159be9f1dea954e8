"""
The desk's admin.

Who may do what is decided by permissions, checked on the server for every request: analysts
write reports and entities but their forms have no status, publication time or access fields and
the publish/withdraw/access actions are not offered to them (a forged POST changes nothing);
editors hold `reports.publish_report`; subscription managers see tiers and subscriptions only.
"""
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.db import models
from django.db.models import Q
from django.utils import timezone
from taggit.models import Tag

from .names import normalize_name

from .models import (
    Country,
    Designation,
    Footnote,
    Organization,
    OrganizationAlias,
    Outlet,
    OutletAlias,
    Person,
    PersonAlias,
    Quote,
    Report,
    ReportQuote,
    Role,
    Series,
    Subscription,
    Tier,
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
    list_display = ["name", "slug"]
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


class NamedEntityAdmin(admin.ModelAdmin):
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
    list_display = ["name", "kind", "country", "language", "stance"]
    list_filter = ["kind", "language", "country"]
    autocomplete_fields = ["country"]
    inlines = [OutletAliasInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("country")


@admin.register(Quote)
class QuoteAdmin(HttpsLinks, admin.ModelAdmin):
    list_display = ["__str__", "said_on", "outlet", "original_language"]
    list_filter = ["original_language", "said_on"]
    search_fields = ["translation", "original_text", "person__name", "organization__name"]
    autocomplete_fields = ["person", "organization", "outlet"]
    date_hierarchy = "said_on"
    readonly_fields = ["created_at", "updated_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "organization", "outlet")


class FootnoteInline(HttpsLinks, admin.TabularInline):
    model = Footnote
    formfield_overrides = {
        **HttpsLinks.formfield_overrides,
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 60})},
    }
    extra = 1
    fields = ["position", "text", "url", "outlet"]
    autocomplete_fields = ["outlet"]


class ReportQuoteInline(admin.TabularInline):
    model = ReportQuote
    extra = 1
    fields = ["position", "quote"]
    autocomplete_fields = ["quote"]


class StateFilter(admin.SimpleListFilter):
    """Status as readers experience it: a published report whose time has not come is scheduled."""

    title = "status"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            (Report.Status.DRAFT, "Draft"),
            (Report.SCHEDULED, "Scheduled"),
            (Report.Status.PUBLISHED, "Published"),
            (Report.Status.WITHDRAWN, "Withdrawn"),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        filters = {
            Report.Status.DRAFT: Q(status=Report.Status.DRAFT),
            Report.SCHEDULED: Q(status=Report.Status.PUBLISHED, published_at__gt=now),
            Report.Status.PUBLISHED: Q(status=Report.Status.PUBLISHED, published_at__lte=now),
            Report.Status.WITHDRAWN: Q(status=Report.Status.WITHDRAWN),
        }
        if self.value() in filters:
            return queryset.filter(filters[self.value()])
        return queryset


class AccessFilter(admin.SimpleListFilter):
    title = "access"
    parameter_name = "access"

    def lookups(self, request, model_admin):
        return [("complimentary", "Complimentary")] + [(tier.slug, tier.name) for tier in Tier.objects.all()]

    def queryset(self, request, queryset):
        if self.value() == "complimentary":
            return queryset.filter(required_tier__isnull=True)
        if self.value():
            return queryset.filter(required_tier__slug=self.value())
        return queryset


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["title", "reference", "state_label", "published_at", "is_free", "required_tier"]
    list_filter = [StateFilter, AccessFilter, "series", "tags", "published_at"]
    list_select_related = ["series", "required_tier"]
    search_fields = ["title", "slug", "summary"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["series", "organizations", "people", "outlets", "countries", "related_reports"]
    filter_horizontal = ["authors"]
    inlines = [FootnoteInline, ReportQuoteInline]
    audit_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    editorial_fields = ["status", "published_at", "required_tier"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "series", "number", "summary", "body"]}),
        ("Publication and access", {"fields": editorial_fields}),
        ("Links", {"fields": ["authors", "tags", "countries", "organizations", "people", "outlets", "related_reports"]}),
        ("History", {"classes": ["collapse"], "fields": audit_fields}),
    ]
    actions = ["publish", "withdraw", "make_complimentary"]

    @admin.display(description="status", ordering="status")
    def state_label(self, report):
        return report.state.capitalize()

    @admin.display(description="free to read", boolean=True, ordering="required_tier")
    def is_free(self, report):
        return report.is_complimentary

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "body":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 24, "cols": 100, "lang": "en"})
        if db_field.name != "tags":
            return super().formfield_for_dbfield(db_field, request, **kwargs)
        # Tags get the same autocomplete, and "+" to add one, as the other links.
        widget = AutocompleteSelectMultiple(db_field, self.admin_site)
        return forms.ModelMultipleChoiceField(
            queryset=Tag.objects.all(),
            required=False,
            widget=RelatedFieldWidgetWrapper(
                widget, db_field.remote_field, self.admin_site, can_add_related=request.user.has_perm("taggit.add_tag")
            ),
        )

    def has_publish_permission(self, request):
        return request.user.has_perm("reports.publish_report")

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.audit_fields)
        if not self.has_publish_permission(request):
            readonly += self.editorial_fields
        if self.slug_is_fixed(obj):
            readonly.append("slug")
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return {} if self.slug_is_fixed(obj) else super().get_prepopulated_fields(request, obj)

    @staticmethod
    def slug_is_fixed(obj):
        # Asked of the stored row: a bound form has already copied the submitted status onto obj.
        return obj is not None and Report.objects.filter(pk=obj.pk).exclude(status=Report.Status.DRAFT).exists()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_publish_permission(request):
            for tier in Tier.objects.all():
                action = self.require_tier_action(tier)
                actions[action.__name__] = (action, action.__name__, action.short_description)
        return actions

    @staticmethod
    def require_tier_action(tier):
        def action(modeladmin, request, queryset):
            count = queryset.update(required_tier=tier, updated_at=timezone.now())
            modeladmin.message_user(request, f"{count} report(s) now require the {tier} tier.", messages.SUCCESS)

        action.__name__ = f"require_tier_{tier.slug.replace('-', '_')}"
        action.short_description = f"Change access: subscribers of {tier} and above"
        return action

    @admin.action(description="Publish now (or at their scheduled time)", permissions=["publish"])
    def publish(self, request, queryset):
        now = timezone.now()
        queryset.filter(published_at__isnull=True).update(published_at=now)
        count = queryset.update(status=Report.Status.PUBLISHED, updated_by=request.user, updated_at=now)
        self.message_user(request, f"{count} report(s) published or scheduled.", messages.SUCCESS)

    @admin.action(description="Withdraw from the public", permissions=["publish"])
    def withdraw(self, request, queryset):
        count = queryset.update(status=Report.Status.WITHDRAWN, updated_by=request.user, updated_at=timezone.now())
        self.message_user(request, f"{count} report(s) withdrawn.", messages.SUCCESS)

    @admin.action(description="Change access: complimentary (free to read)", permissions=["publish"])
    def make_complimentary(self, request, queryset):
        count = queryset.update(required_tier=None, updated_by=request.user, updated_at=timezone.now())
        self.message_user(request, f"{count} report(s) are now complimentary.", messages.SUCCESS)


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "rank"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "tier", "starts_on", "ends_on", "active"]
    list_filter = ["tier", "ends_on"]
    list_select_related = ["user", "tier"]
    search_fields = ["user__username", "user__email", "note"]
    autocomplete_fields = ["user"]
    date_hierarchy = "ends_on"
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(boolean=True)
    def active(self, subscription):
        return subscription.is_active()
