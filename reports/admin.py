"""
The desk's admin.

Who may do what is decided by permissions, checked on the server for every request: analysts
write reports and entities but their forms have no status, publication time or access fields and
the publish/withdraw/access actions are not offered to them (a forged POST changes nothing);
editors hold `reports.publish_report`; subscription managers see tiers and subscriptions only.
"""
import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import AutocompleteSelectMultiple, RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import localize
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.models import Tag

from .access import preview_audiences
from .names import normalize_name
from .revisions import field_changes
from .suggestions import LINKABLE, unlinked_mentions
from .usage import monthly_usage_csv, subscribers_csv

from .models import (
    Country,
    Designation,
    Footnote,
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
    Quote,
    Read,
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


class RevisionHistoryAdmin(VersionAdmin):
    """
    Every save keeps a revision (django-reversion, with the inline rows saved alongside). The
    history page lists them; any two can be compared, and any one restored.
    """

    object_history_template = "admin/reports/object_history.html"

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<path:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name=f"{opts.app_label}_{opts.model_name}_compare",
            )
        ] + super().get_urls()

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        for action in getattr(response, "context_data", {}).get("action_list", []):
            # reversion gives each version's address, …/history/<version id>/; the compare form needs the id.
            action["version_id"] = action["url"].rstrip("/").rsplit("/", 1)[-1]
        return response

    def compare_view(self, request, object_id):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        versions = Version.objects.get_for_object(obj).select_related("revision__user")
        try:
            chosen = sorted(
                (versions.get(pk=int(request.GET[key])) for key in ("from", "to")),
                key=lambda version: version.revision.date_created,
            )
        except (KeyError, ValueError, OverflowError, Version.DoesNotExist):
            raise Http404("Choose two versions of this object to compare.")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": obj,
            "title": f"Changes to {obj}",
            "older": chosen[0],
            "newer": chosen[1],
            "changes": field_changes(*chosen),
        }
        return TemplateResponse(request, "admin/reports/compare.html", context)


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


class ReportAdminForm(forms.ModelForm):
    """The report form, with optimistic locking: a save made on an outdated copy is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set by the admin while a revision is being restored: the row as it was before the restore.
    stored_before_restore = None

    class Meta:
        model = Report
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["version"] = self.stored().version

    def stored(self):
        """The report as stored, locked until this save commits so two saves of one version cannot both pass."""
        if self.stored_before_restore is not None:
            return self.stored_before_restore
        return Report.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=self.instance.pk)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            current = self.stored()
            if cleaned_data.get("version") != current.version:
                who = current.updated_by.get_username() if current.updated_by else "Someone"
                when = localize(timezone.localtime(current.updated_at))
                raise ValidationError(
                    f"{who} saved this report ({when}) after you opened it, so your changes were NOT "
                    "saved. Your text is still in the form below: open the report in a new tab to see "
                    "their version, bring your changes over there, and save."
                )
        return cleaned_data


@admin.register(Report)
class ReportAdmin(RevisionHistoryAdmin):
    form = ReportAdminForm
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
    def change_reports(request, queryset, comment, **changes):
        """Save each report with the changes, so that its version goes up and a revision is kept."""
        reversion.set_comment(comment)
        reports = list(queryset)
        for report in reports:
            for name, value in changes.items():
                setattr(report, name, value(report) if callable(value) else value)
            report.updated_by = request.user
            report.save()
        return len(reports)

    @classmethod
    def require_tier_action(cls, tier):
        def action(modeladmin, request, queryset):
            count = cls.change_reports(request, queryset, f"Access: {tier} and above", required_tier=tier)
            modeladmin.message_user(request, f"{count} report(s) now require the {tier} tier.", messages.SUCCESS)

        action.__name__ = f"require_tier_{tier.slug.replace('-', '_')}"
        action.short_description = f"Change access: subscribers of {tier} and above"
        return action

    @admin.action(description="Publish now (or at their scheduled time)", permissions=["publish"])
    def publish(self, request, queryset):
        now = timezone.now()
        count = self.change_reports(
            request, queryset, "Published", status=Report.Status.PUBLISHED,
            published_at=lambda report: report.published_at or now,
        )
        self.message_user(request, f"{count} report(s) published or scheduled.", messages.SUCCESS)

    @admin.action(description="Withdraw from the public", permissions=["publish"])
    def withdraw(self, request, queryset):
        count = self.change_reports(request, queryset, "Withdrawn", status=Report.Status.WITHDRAWN)
        self.message_user(request, f"{count} report(s) withdrawn.", messages.SUCCESS)

    @admin.action(description="Change access: complimentary (free to read)", permissions=["publish"])
    def make_complimentary(self, request, queryset):
        count = self.change_reports(request, queryset, "Access: complimentary", required_tier=None)
        self.message_user(request, f"{count} report(s) are now complimentary.", messages.SUCCESS)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        stored = getattr(request, "report_before_restore", None)
        if stored is not None:
            form = type(form.__name__, (form,), {"stored_before_restore": stored})
        return form

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # reversion writes the old revision into the row before showing the form; the lock must
        # still compare against the version that was stored before that.
        request.report_before_restore = self.get_object(request, unquote(object_id))
        return super().revision_view(request, object_id, version_id, extra_context)

    def reversion_register(self, model, **options):
        if model is Report:
            # Derived and bookkeeping fields: restoring a revision must not roll the lock back.
            options["exclude"] = (
                "version", "body_html", "search_public", "search_full", "search_vector_public", "search_vector_full",
            )
        super().reversion_register(model, **options)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/link-entity/",
                self.admin_site.admin_view(self.link_entity_view),
                name="reports_report_link_entity",
            )
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        report = self.get_object(request, unquote(object_id))
        if report is not None:
            extra_context = {
                **(extra_context or {}),
                "suggestions": unlinked_mentions(report),
                "preview_audiences": preview_audiences(),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def link_entity_view(self, request, object_id):
        """One click on a suggestion: link the entity the report mentions."""
        report = self.get_object(request, unquote(object_id))
        if request.method != "POST" or report is None:
            raise Http404
        if not self.has_change_permission(request, report):
            raise PermissionDenied
        relation, _, entity_id = request.POST.get("entity", "").partition(":")
        if relation not in LINKABLE or not entity_id.isdigit():
            raise Http404
        entity = LINKABLE[relation][0].objects.filter(pk=entity_id).first()
        if entity is None:
            raise Http404
        with reversion.create_revision():
            reversion.set_user(request.user)
            reversion.set_comment(f"Linked {entity}")
            getattr(report, relation).add(entity)
            report.updated_by = request.user
            report.save()
        self.message_user(request, f"Linked {entity}.", messages.SUCCESS)
        return redirect(reverse("admin:reports_report_change", args=[report.pk]))


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
        return csv_response(subscribers_csv(queryset), "subscribers.csv")


def csv_response(text, filename):
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


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
        return csv_response(monthly_usage_csv(institution), f"usage-{institution.slug}.csv")


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
from .api.admin import APITokenAdmin  # noqa: E402,F401
