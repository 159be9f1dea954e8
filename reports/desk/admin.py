"""
The desk's admin for reports and their review.

Who may do what is decided by permissions, checked on the server for every request and on every
path that writes a report (the form, list actions, restore, recover, review decisions):

- Analysts write. Their form has no status, publication time or access fields, the editorial
  list actions are not offered to them, and a forged field changes nothing. A draft is theirs (and
  its authors') until they submit it; their save of a report an editor has released is kept as a
  change for review (reports.desk.review) and readers keep the approved text.
- Editors hold `reports.publish_report`: they publish, schedule, withdraw, change access, delete,
  and approve or send back what analysts submit.
- Restoring a revision opens the form with that revision's content (not its status, access or
  publication time) and saves like any edit; a deleted report is recovered as a draft.
"""
import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import (
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Q, Subquery
from django.http import (
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import localize
from reversion.admin import VersionAdmin
from reversion.models import Version
from taggit.models import Tag

from reports.desk import review as workflow
from reports.desk.content import access_of, blank_content, snapshot_of, write_related
from reports.desk.forms import AccessChangeForm, LabelledSplitDateTime, ReportAdminForm
from reports.desk.history import differences, field_changes, snapshot_at
from reports.desk.mentions import LINKABLE, unlinked_mentions
from reports.media.admin import MEDIA_INLINES
from reports.models import Report, Review, Tier
from reports.models.readers import preview_audiences

PUBLISH_PERMISSION = "reports.publish_report"


class RevisionHistoryAdmin(VersionAdmin):
    """
    Every save keeps a revision (django-reversion). The history page lists them; any two can be
    compared, and any one restored.
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
        actions = getattr(response, "context_data", {}).get("action_list")
        if actions:
            for action in actions:
                # reversion gives each version's address, …/history/<version id>/; the compare form needs the id.
                action["version_id"] = action["url"].rstrip("/").rsplit("/", 1)[-1]
            # Newest first: the compare form starts with the last change made.
            actions.sort(key=lambda action: (action["revision"].date_created, int(action["version_id"])), reverse=True)
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
            "changes": self.changes_between(*chosen),
        }
        return TemplateResponse(request, "admin/reports/compare.html", context)

    def changes_between(self, older, newer):
        return field_changes(older, newer)


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
            return queryset.with_access_now(None)
        tier = Tier.objects.filter(slug=self.value()).first() if self.value() else None
        return queryset.with_access_now(tier) if tier else queryset


class ReviewStateFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [(status, Review.Status(status).label) for status in Review.OPEN]

    def queryset(self, request, queryset):
        if self.value() in Review.OPEN:
            return queryset.filter(open_review=self.value())
        return queryset


def can_publish(request):
    return request.user.has_perm(PUBLISH_PERMISSION)


def reports_visible_to(user, reports):
    """Editors see every report; others every released report, and drafts that are theirs or submitted."""
    if user.has_perm(PUBLISH_PERMISSION):
        return reports
    theirs = Q(created_by=user) | Q(pk__in=Report.authors.through.objects.filter(user=user).values("report"))
    submitted = Q(pk__in=Review.objects.awaiting().values("report"))
    return reports.filter(~Q(status=Report.Status.DRAFT) | theirs | submitted)


@admin.register(Report)
class ReportAdmin(RevisionHistoryAdmin):
    form = ReportAdminForm
    inlines = MEDIA_INLINES  # images, documents, archived sources: saved with the report's own save
    list_display = ["title", "reference", "state_label", "review_label", "published_at", "is_free", "access_now"]
    list_filter = [StateFilter, ReviewStateFilter, AccessFilter, "series", "tags", "published_at"]
    list_select_related = ["series", "required_tier", "access_after"]
    search_fields = ["title", "slug", "summary"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["series", "programme", "organizations", "people", "outlets", "countries", "related_reports"]
    audit_fields = ["created_at", "created_by", "updated_at", "updated_by"]
    editorial_fields = ["status", "published_at", "required_tier", "access_changes_at", "access_after"]
    fieldsets = [
        (None, {"fields": ["opened_version", "title", "slug", "series", "programme", "number", "summary", "body"]}),
        ("Publication and access", {"fields": editorial_fields}),
        ("Links", {"fields": ["authors", "tags", "countries", "organizations", "people", "outlets", "related_reports"]}),
        ("History", {"classes": ["collapse"], "fields": audit_fields}),
    ]
    actions = ["publish", "withdraw", "make_complimentary", "schedule_access_change"]

    def get_queryset(self, request):
        reports = super().get_queryset(request).annotate(
            open_review=Subquery(Review.objects.open().filter(report=OuterRef("pk")).values("status")[:1])
        )
        return reports_visible_to(request.user, reports)

    @admin.display(description="status", ordering="status")
    def state_label(self, report):
        return report.state.capitalize()

    @admin.display(description="review")
    def review_label(self, report):
        return Review.Status(report.open_review).label if report.open_review else ""

    @admin.display(description="free to read", boolean=True)
    def is_free(self, report):
        return report.is_complimentary

    @admin.display(description="access")
    def access_now(self, report):
        change = report.access_changes_at
        pending = f" (until {timezone.localtime(change):%Y-%m-%d %H:%M})" if change and not report.access_changed() else ""
        return f"{report.access_tier or 'Complimentary'}{pending}"

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("published_at", "access_changes_at"):
            kwargs["widget"] = LabelledSplitDateTime(db_field.verbose_name.capitalize())
        if db_field.name == "authors":
            kwargs["widget"] = forms.CheckboxSelectMultiple  # the desk is small: every member at a glance
        if db_field.name == "body":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 24, "lang": "en", "class": "report-body-input"})
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
        return can_publish(request)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(self.audit_fields)
        if not self.has_publish_permission(request):
            readonly += self.editorial_fields
        if self.slug_is_fixed(obj):
            readonly.append("slug")
        return readonly

    @staticmethod
    def slug_is_fixed(obj):
        # Asked of the stored row: a bound form has already copied the submitted status onto obj.
        return obj is not None and Report.objects.filter(pk=obj.pk).exclude(status=Report.Status.DRAFT).exists()

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        working = getattr(request, "desk_opening_content", None)
        if working is not None:
            form = type(form.__name__, (form,), {"working_content": working})
        return form

    def get_changeform_initial_data(self, request):
        return {**super().get_changeform_initial_data(request), **getattr(request, "desk_initial", {})}

    def proposes_change(self, request, report):
        """An analyst's save of a report an editor has released is a change for review, not a save."""
        return report.pk is not None and not self.has_publish_permission(request) and report.status != Report.Status.DRAFT

    def save_model(self, request, obj, form, change):
        if change and self.proposes_change(request, obj):
            return  # save_related keeps the change; the report stays as readers see it
        if not change:
            obj.created_by = request.user
            recovering = getattr(request, "desk_recovering", None)
            if recovering is not None:
                self.recover_into(request, obj, recovering)
        if "required_tier" in form.changed_data and not {"access_changes_at", "access_after"} & set(form.changed_data):
            # A new access with the change fields left as they were: the access from now on, as the
            # list's quick actions give it (a change that has already happened would overrule it).
            obj.access_tier = form.cleaned_data["required_tier"]
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)

    @staticmethod
    def recover_into(request, report, version):
        """A recovered report comes back as a draft, under its old id (and so with its history) if it is free."""
        report.status = Report.Status.DRAFT
        if not can_publish(request):
            for name, value in access_of(snapshot_at(version)["state"]).items():
                setattr(report, name, value)
        if not Report.objects.filter(pk=version.object_id).exists():
            report.pk = int(version.object_id)

    def save_related(self, request, form, formsets, change):
        report = form.instance
        content = form.content()
        for formset in formsets:  # files: read-only to whoever's save is only a proposal (reports.media.admin)
            self.save_formset(request, form, formset, change)
        if change and self.proposes_change(request, report):
            request.desk_kept_change = workflow.keep_change(
                report=report, content=content, user=request.user, submit="_submit" in request.POST
            )
            return
        write_related(report, content)
        restored = getattr(request, "desk_restoring", None)
        if self.has_publish_permission(request):
            workflow.settle_after_editor_save(
                report=report, user=request.user, restored_from=version_label(restored) if restored else None
            )
        elif "_submit" in request.POST and report.status == Report.Status.DRAFT:
            request.desk_submitted = workflow.submit_draft(report=report, user=request.user)

    def log_change(self, request, obj, message):
        # Also the revision's comment (VersionAdmin), which the history lists.
        if getattr(request, "desk_kept_change", None) is not None:
            message = "Kept a change for review (the report itself is unchanged)."
        elif getattr(request, "desk_restoring", None) is not None:
            message = f"Restored the version of {version_label(request.desk_restoring)}."
        return super().log_change(request, obj, message)

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "desk_submitted", None) is not None:
            self.message_user(request, f"“{obj}” is submitted for review: an editor will publish it or send it back.")
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        kept = getattr(request, "desk_kept_change", None)
        if kept is None:
            if getattr(request, "desk_submitted", None) is not None:
                self.message_user(request, f"“{obj}” is submitted for review: an editor will publish it or send it back.")
            return super().response_change(request, obj)
        if kept.status == Review.Status.PENDING:
            self.message_user(
                request,
                f"Your change to “{obj}” is submitted for review. Readers see the published text until an editor approves it.",
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                f"Your change to “{obj}” is saved but not submitted: readers see the published text. "
                "Submit it for review when it is ready.",
                messages.SUCCESS,
            )
        if "_continue" in request.POST:
            return HttpResponseRedirect(reverse("admin:reports_report_change", args=[quote(obj.pk)]))
        return HttpResponseRedirect(reverse("admin:reports_report_changelist"))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context.update(
            can_submit=not self.has_publish_permission(request),
            restoring=getattr(request, "desk_restoring", None),
            recovering=getattr(request, "desk_recovering", None),
            rows=[context["adminform"].form.quote_rows, context["adminform"].form.footnote_rows],
        )
        if obj is not None and obj.pk:
            context.update(
                review=obj.reviews.order_by("-updated_at", "-pk").first(),
                preview_audiences=preview_audiences(),
            )
        return super().render_change_form(request, context, add, change, form_url, obj)

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
            workflow.released(report=report, user=request.user)
        return len(reports)

    @classmethod
    def require_tier_action(cls, tier):
        def action(modeladmin, request, queryset):
            count = cls.change_reports(request, queryset, f"Access: {tier} and above", access_tier=tier)
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
        count = self.change_reports(request, queryset, "Access: complimentary", access_tier=None)
        self.message_user(request, f"{count} report(s) are now complimentary.", messages.SUCCESS)

    @admin.action(description="Schedule an access change…", permissions=["publish"])
    def schedule_access_change(self, request, queryset):
        """Asks when and to what, on a page of its own, then gives every selected report that change."""
        form = AccessChangeForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            when, after = form.cleaned_data["access_changes_at"], form.cleaned_data["access_after"]
            shown = f"{after or 'complimentary'} from {timezone.localtime(when):%Y-%m-%d %H:%M}"
            count = self.change_reports(
                request, queryset, f"Access change: {shown}", access_changes_at=when, access_after=after
            )
            self.message_user(request, f"{count} report(s) change access: {shown}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Schedule an access change",
            "opts": self.opts,
            "form": form,
            "reports": queryset.select_related("required_tier", "access_after"),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/reports/report/access_change.html", context)

    def reversion_register(self, model, **options):
        if model is Report:
            # Derived and bookkeeping fields: restoring a revision must not roll the lock back.
            options["exclude"] = (
                "version", "body_html", "search_public", "search_full", "search_vector_public", "search_vector_full",
            )
        super().reversion_register(model, **options)

    def changes_between(self, older, newer):
        return differences(snapshot_at(older), snapshot_at(newer))

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Open the form with the content of an earlier revision; saving it is an edit like any other."""
        report = self.get_object(request, unquote(object_id))
        if report is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_change_permission(request, report):
            raise PermissionDenied
        version = Version.objects.get_for_object(report).select_related("revision__user").filter(pk=version_id).first()
        if version is None:
            raise Http404("This report has no such revision.")
        restored = snapshot_at(version)["content"]
        current = workflow.working_content(report)
        request.desk_opening_content = {
            name: current[name] if restored.get(name) is None else restored[name] for name in current
        }
        request.desk_restoring = version
        context = {"title": f"Restore an earlier version of {report}", **(extra_context or {})}
        with self.create_revision(request):
            return self.changeform_view(request, str(report.pk), request.path, context)

    def recover_view(self, request, version_id, extra_context=None):
        """Open the add form with a deleted report's content; it is saved as a draft."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        version = get_object_or_404(Version.objects.get_deleted(Report), pk=version_id)
        snapshot = snapshot_at(version)
        request.desk_opening_content = {
            name: value if value is not None else blank_content()[name]
            for name, value in {**blank_content(), **snapshot["content"]}.items()
        }
        request.desk_initial = {
            "slug": version.field_dict.get("slug", ""),
            "status": Report.Status.DRAFT,
            **{name.removesuffix("_id"): value for name, value in access_of(snapshot["state"]).items()},
        }
        request.desk_recovering = version
        context = {"title": f"Recover “{version.object_repr}” as a draft", **(extra_context or {})}
        with self.create_revision(request):
            return self.changeform_view(request, None, request.path, context)

    def get_urls(self):
        return [
            path("mentions/", self.admin_site.admin_view(self.mentions_view), name="reports_report_mentions"),
        ] + super().get_urls()

    def mentions_view(self, request):
        """Entities the text being written names but the report does not link, as the analyst types (JSON)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        linked = {
            relation: [int(value) for value in request.POST.getlist(relation) if value.isdigit()][:1000]
            for relation in LINKABLE
        }
        return JsonResponse({"mentions": unlinked_mentions(request.POST.get("text", "")[:200_000], linked)})


def version_label(version):
    if version is None:
        return None
    who = version.revision.user.get_username() if version.revision.user else "someone"
    return f"{localize(timezone.localtime(version.revision.date_created))} by {who}"


class DecisionForm(forms.Form):
    """An editor's decision on a review (or an analyst's discarding of their change)."""

    DECISIONS = {"approve": "Approve", "send_back": "Send back", "discard": "Discard"}

    opened_version = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="To the analyst: what to change, or a word on the approval. Needed to send back.",
    )
    published_at = forms.SplitDateTimeField(
        label="Publication time", required=False, widget=LabelledSplitDateTime("Publication time"),
        help_text="Now, or a time to come to schedule it.",
    )
    required_tier = forms.ModelChoiceField(
        Tier.objects.all(), label="Access", required=False, empty_label="Complimentary (free to read)",
    )

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.review = review
        if review.kind != Review.Kind.PUBLICATION:
            del self.fields["published_at"], self.fields["required_tier"]

    def clean(self):
        data = super().clean()
        decision = self.data.get("decision")
        if decision == "send_back" and not data.get("comment"):
            self.add_error("comment", "Say what the analyst should change before sending it back.")
        if decision == "approve" and "published_at" in self.fields and not data.get("published_at"):
            self.add_error("published_at", "Give the time at which the report goes public.")
        return data


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """The review queue: what analysts submitted, each with its differences and the editor's decision."""

    list_display = ["report", "kind", "status", "changed_by", "submitted_at", "reviewed_by", "reviewed_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["report", "changed_by", "reviewed_by"]
    search_fields = ["report__title", "comment"]
    date_hierarchy = "submitted_at"

    def get_queryset(self, request):
        visible = reports_visible_to(request.user, Report.objects.all())
        return super().get_queryset(request).filter(report__in=visible.values("pk"))

    def has_view_permission(self, request, obj=None):
        # Whoever works on reports sees what is put before the editors, and the outcome.
        return request.user.has_perm("reports.view_report")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def decisions_for(self, request, review):
        """What this user may decide on this review now."""
        if not review.is_open:
            return []
        decisions = []
        if can_publish(request):
            if review.status == Review.Status.PENDING:
                decisions += ["approve", "send_back"]
            if review.kind == Review.Kind.CHANGE:
                decisions.append("discard")
        elif review.kind == Review.Kind.CHANGE and review.started_by_id == request.user.pk:
            decisions.append("discard")
        return decisions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        review = self.get_object(request, unquote(object_id))
        if review is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_view_permission(request, review):
            raise PermissionDenied
        decisions = self.decisions_for(request, review)
        report = review.report
        form = DecisionForm(
            request.POST or None,
            review=review,
            initial={"opened_version": report.version, "published_at": timezone.now(), "required_tier": report.required_tier_id},
        )
        if request.method == "POST":
            decision = request.POST.get("decision")
            if decision not in decisions:
                raise PermissionDenied
            if form.is_valid():
                try:
                    self.decide(request, review, form.cleaned_data)
                except workflow.OutdatedDecision as refusal:
                    form.add_error(None, str(refusal))
                else:
                    return redirect(reverse("admin:reports_review_changelist") + "?status__exact=pending")
        current = snapshot_of(report)
        if review.kind == Review.Kind.CHANGE:
            changes = differences(current, {"content": review.content, "state": current["state"]})
        else:  # a draft to publish: all of it is new to readers
            changes = differences({"content": blank_content(), "state": current["state"]}, current)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(review),
            "review": review,
            "report": report,
            "changes": changes,
            "form": form,
            "decisions": {name: DecisionForm.DECISIONS[name] for name in decisions},
            "media": self.media + form.media,
            "preview_audiences": preview_audiences() if review.kind == Review.Kind.PUBLICATION else {},
        }
        return TemplateResponse(request, "admin/reports/review/review.html", context)

    def decide(self, request, review, data):
        decision, version = request.POST["decision"], data["opened_version"]
        if decision == "approve":
            workflow.approve(
                review=review, user=request.user, version=version, comment=data["comment"],
                published_at=data.get("published_at"), required_tier=data.get("required_tier"),
            )
            self.message_user(request, f"Approved: “{review.report}” now reads as approved.", messages.SUCCESS)
        elif decision == "send_back":
            workflow.send_back(review=review, user=request.user, version=version, comment=data["comment"])
            self.message_user(request, f"Sent back to {workflow.name_of(review.changed_by)}: “{review.report}”.", messages.SUCCESS)
        else:
            workflow.discard(review=review, user=request.user, version=version, comment=data["comment"])
            self.message_user(request, f"The change to “{review.report}” is discarded; readers keep the published text.", messages.SUCCESS)
