"""
The desk's forms for a report's files, one row each in the report form (reports.media.admin).

Each form checks its upload by content (reports.media.files) in its own clean, so that the report
form and every row are valid before anything is saved: a refused file is an error on its row, and
nothing of the report or of the other rows is saved with it. What a file is (type, size, SHA-256,
an image's width and height and its renditions) is worked out here, never taken from the browser.
"""
from django import forms
from django.forms.models import BaseInlineFormSet

from reports.media import files
from reports.models import ArchivedSource, Document, ReportImage


class MediaForm(forms.ModelForm):
    """A row with one uploaded file, inspected on clean; `accepted` names the kinds of content it takes."""

    accepted = set()
    uploader = None  # the desk member using the form (set by the inline)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            "Known by its content, not its name. If the form comes back with an error, choose the file again: "
            "browsers do not keep it."
        )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or "file" not in self.changed_data:
            return upload
        inspected = self.prepared(files.inspect(upload, self.accepted))
        self.inspected = inspected
        return files.as_file(inspected)

    def prepared(self, inspected):
        return inspected

    def _post_clean(self):
        super()._post_clean()
        inspected = getattr(self, "inspected", None)
        if inspected is not None:
            self.instance.content_type = inspected.content_type
            self.instance.size = inspected.size
            self.instance.sha256 = inspected.sha256
            if hasattr(self.instance, "kind"):
                self.instance.kind = inspected.kind


class ReportImageForm(MediaForm):
    accepted = {"image"}

    class Meta:
        model = ReportImage
        fields = ["file", "position", "alt_text", "caption", "credit_outlet", "credit_date", "public_cover"]
        widgets = {"alt_text": forms.TextInput(attrs={"size": 50})}
        error_messages = {"alt_text": {"required": "Give the image alt text: describe it for readers who cannot see it."}}

    def prepared(self, inspected):
        """The original without its metadata, and its renditions, made now: a failure is the form's error."""
        cleaned = files.without_metadata(inspected)
        self.renditions = files.renditions(cleaned)
        return cleaned

    def _post_clean(self):
        super()._post_clean()
        inspected = getattr(self, "inspected", None)
        if inspected is not None:
            self.instance.width, self.instance.height = inspected.width, inspected.height
            self.instance.pending_renditions = self.renditions


class DocumentForm(MediaForm):
    accepted = {"pdf", "image", "audio", "video"}

    @staticmethod
    def cited(data):
        return "quote_number", "quote", data.get("quote_number")

    source_url = forms.URLField(label="Source URL", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Document
        fields = ["file", "title", "quote_number", "language", "source", "source_url"]


class ArchivedSourceForm(MediaForm):
    """An archived copy is kept byte for byte as uploaded (it is evidence): its SHA-256 is of those bytes."""

    accepted = {"image", "pdf", "html"}

    original_url = forms.URLField(label="Original URL", max_length=1000, assume_scheme="https")

    class Meta:
        model = ArchivedSource
        fields = ["file", "cites", "number", "original_url", "captured_at", "captured_by"]

    @staticmethod
    def cited(data):
        return "number", data.get("cites"), data.get("number")

    def _post_clean(self):
        super()._post_clean()
        if self.instance.captured_by_id is None and self.uploader is not None and self.has_changed():
            self.instance.captured_by = self.uploader


def numbers_in_the_form(data, prefix):
    """The numbers of the report form's rows (quotes, footnotes) as submitted with the files, removed rows left out."""
    try:
        total = min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), 1000)
    except (TypeError, ValueError):
        return set()
    numbers = set()
    for index in range(total):
        position = str(data.get(f"{prefix}-{index}-position", "")).strip()
        if position.isdigit() and not data.get(f"{prefix}-{index}-DELETE"):
            numbers.add(int(position))
    return numbers


class CitingFormSet(BaseInlineFormSet):
    """Rows that name a quote or a note of the report by number: each must name one the report form holds."""

    def clean(self):
        super().clean()
        if "quotes-TOTAL_FORMS" not in self.data:  # not sent with the report form: nothing to compare with
            return
        numbers = {"quote": numbers_in_the_form(self.data, "quotes"), "note": numbers_in_the_form(self.data, "footnotes")}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or not form.has_changed() and form.instance.pk is None:
                continue
            field, cites, number = form.cited(data)
            if number is not None and cites in numbers and number not in numbers[cites]:
                form.add_error(field, f"This report has no {cites} {number}: give the number it has in the form above.")
