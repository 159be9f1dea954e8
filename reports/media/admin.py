"""
The report form's rows of files: images, documents and archived sources (admin inlines).

Files are not part of a report's reviewed content (reports.desk.content): a row is saved with the
report's own save. So analysts add, change and remove files while a report is a draft; once an
editor has released it, its files are the editors' to change, and analysts see them read-only.
"""
from django.contrib import admin
from django.utils.html import format_html

from reports.media.forms import ArchivedSourceForm, CitingFormSet, DocumentForm, ReportImageForm
from reports.models import ArchivedSource, Document, Report, ReportImage

PUBLISH_PERMISSION = "reports.publish_report"


class MediaInline(admin.StackedInline):
    extra = 0
    readonly_fields = ["stored"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"uploader": request.user})
        return formset

    def may_edit(self, request, report):
        """Drafts' files are their writers'; a released report's are the editors'."""
        return request.user.has_perm(PUBLISH_PERMISSION) or report is None or report.status == Report.Status.DRAFT

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self.may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self.may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self.may_edit(request, obj)

    @admin.display(description="stored file")
    def stored(self, item):
        if not item.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a> · {} · {} bytes<br>SHA-256 <code class="sha256">{}</code>',
            item.get_absolute_url(), item.file_name, item.content_type, item.size, item.sha256,
        )


class ReportImageInline(MediaInline):
    model = ReportImage
    form = ReportImageForm
    fields = ["file", "stored", "position", "alt_text", "caption", "credit_outlet", "credit_date", "public_cover"]
    autocomplete_fields = ["credit_outlet"]

    @admin.display(description="stored file")
    def stored(self, item):
        if not item.pk:
            return "—"
        return format_html("{} · {} × {} px", super().stored(item), item.width, item.height)


class DocumentInline(MediaInline):
    model = Document
    form = DocumentForm
    formset = CitingFormSet
    fields = ["file", "stored", "title", "quote_number", "language", "source", "source_url"]


class ArchivedSourceInline(MediaInline):
    model = ArchivedSource
    form = ArchivedSourceForm
    formset = CitingFormSet
    fields = ["file", "stored", "cites", "number", "original_url", "captured_at", "captured_by"]


MEDIA_INLINES = [ReportImageInline, DocumentInline, ArchivedSourceInline]
