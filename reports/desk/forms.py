"""
The report form of the desk: the report's own fields, its notes and its quotes, in one form.

Notes and quotes are rows of the form, not separate admin inlines, so that the form can open with
any content (the stored report, an open change awaiting review, a revision being restored) and
always yields the whole content (`ReportAdminForm.content()`), whichever way it is then saved.
A save made on an outdated copy is refused (optimistic locking on the report's version).
"""
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.widgets import (
    AdminDateWidget,
    AdminSplitDateTime,
    AutocompleteSelect,
)
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import localize

from reports.desk.content import CHOSEN, LINKS, TEXT_FIELDS, blank_content
from reports.desk.review import open_change, working_content
from reports.models import (
    Footnote,
    Organization,
    Outlet,
    Person,
    Quote,
    Report,
    ReportQuote,
    Tier,
)
from reports.models.entities import LANGUAGE_CHOICES
from reports.models.reports import SLUG_LENGTH
from reports.text.rendering import FOOTNOTE_MARKER, QUOTE_MARKER


class LabelledSplitDateTime(AdminSplitDateTime):
    """The admin's date and time inputs, each with a name of its own: the field's label points at neither."""

    def __init__(self, label, attrs=None):
        super().__init__(attrs)
        self.widgets[0].attrs["aria-label"] = f"{label}: date"
        self.widgets[1].attrs["aria-label"] = f"{label}: time"


class AccessChangeForm(forms.Form):
    """The list's bulk form: the selected reports change access at a time, by themselves."""

    access_changes_at = forms.SplitDateTimeField(
        label="Access changes at", widget=LabelledSplitDateTime("Access changes at"),
        help_text="A time to come, or a past time for the change to hold at once.",
    )
    access_after = forms.ModelChoiceField(
        Tier.objects.all(), label="Access from then on", required=False, empty_label="Complimentary (free to read)",
    )


def autocomplete(model, field_name):
    return AutocompleteSelect(model._meta.get_field(field_name), admin.site)


class FootnoteRow(forms.Form):
    lines = [("position", "outlet", "url"), ("text",)]  # fields side by side in the form

    position = forms.IntegerField(label="No.", min_value=1, max_value=999)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    url = forms.URLField(label="Source URL", required=False, max_length=500, assume_scheme="https")
    outlet = forms.ModelChoiceField(Outlet.objects.all(), required=False, widget=autocomplete(Footnote, "outlet"))


class QuoteRow(forms.Form):
    lines = [
        ("position", "quote"),
        ("person", "organization"),
        ("outlet", "said_on", "url"),
        ("original_language", "original_text"),
        ("translation",),
    ]

    position = forms.IntegerField(
        label="No.", min_value=1, max_value=999,
        help_text="Put [quote N] on a line of its own where the quote belongs; without it, the quote follows the text.",
    )
    quote = forms.ModelChoiceField(
        Quote.objects.all(), required=False, label="Recorded quote", widget=autocomplete(ReportQuote, "quote"),
        help_text="Pick a quote the desk already has, or fill in a new one below.",
    )
    person = forms.ModelChoiceField(Person.objects.all(), required=False, label="Speaker", widget=autocomplete(Quote, "person"))
    organization = forms.ModelChoiceField(
        Organization.objects.all(), required=False, widget=autocomplete(Quote, "organization")
    )
    outlet = forms.ModelChoiceField(Outlet.objects.all(), required=False, widget=autocomplete(Quote, "outlet"))
    said_on = forms.DateField(label="Date", required=False, widget=AdminDateWidget)
    url = forms.URLField(label="Source URL", required=False, assume_scheme="https")
    original_language = forms.ChoiceField(choices=LANGUAGE_CHOICES, initial="ar")
    original_text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}))
    translation = forms.CharField(label="English translation", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        data = super().clean()
        recorded = data.get("quote")
        if recorded and not data.get("translation"):
            # Picked and left blank: carried as the desk recorded it.
            for name in ("person", "organization", "outlet", "said_on", "url", "original_language", "original_text", "translation"):
                data[name] = getattr(recorded, name)
            return data
        if not data.get("translation"):
            self.add_error("translation", "Give the English translation, or pick a recorded quote.")
        if not data.get("person") and not data.get("organization"):
            self.add_error("person", "A quote needs a speaker: a person, an organization or both.")
        return data


class Rows(forms.BaseFormSet):
    """Rows of the report form: a row can be removed, and one added in the page and left empty is ignored."""

    def saved_forms(self):
        return [
            form for form in self.forms
            if not self._should_delete_form(form) and (form in self.initial_forms or form.has_changed())
        ]


FootnoteRows = forms.formset_factory(FootnoteRow, formset=Rows, extra=0, can_delete=True)
QuoteRows = forms.formset_factory(QuoteRow, formset=Rows, extra=0, can_delete=True)


class ReportAdminForm(forms.ModelForm):
    """The report form, with optimistic locking: a save made on an outdated copy is refused."""

    # The report's version when the form was opened (a form field of its own: the model's version
    # field is not editable).
    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Set by the admin when the form opens with other content than the stored report's: an open
    # change, a revision being restored or a deleted report being recovered.
    working_content = None

    class Meta:
        model = Report
        fields = "__all__"


    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        content = self.opening_content()
        if not self.is_bound:
            self.initial.update(
                {name: value for name, value in self.field_values(content).items() if name in self.fields}
            )
        data = self.data if self.is_bound else None
        self.footnote_rows = FootnoteRows(data, prefix="footnotes", initial=content["footnotes"])
        self.quote_rows = QuoteRows(data, prefix="quotes", initial=content["quotes"])
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].max_length = SLUG_LENGTH
            self.fields["slug"].help_text = (
                f"The report's address, at most {SLUG_LENGTH} characters. Leave it empty to make one from the "
                "title. It cannot change once the report has been published."
            )
        if self.instance.pk:
            self.initial["opened_version"] = self.stored().version

    def opening_content(self):
        if self.working_content is not None:
            return self.working_content
        return working_content(self.instance) if self.instance.pk else blank_content()

    @staticmethod
    def field_values(content):
        values = {name: content[name] for name in TEXT_FIELDS if content[name] is not None}
        values.update({name: content[name] for name in LINKS if content[name] is not None})
        return values

    @property
    def media(self):
        # The admin's own script adds and removes rows; as for the admin's inlines, its jQuery comes first.
        jquery = "jquery.js" if settings.DEBUG else "jquery.min.js"
        own = forms.Media(
            js=[f"admin/js/vendor/jquery/{jquery}", "admin/js/jquery.init.js", "admin/js/inlines.js", "reports/desk/report_form.js"],
        )
        return super().media + own + self.footnote_rows.media + self.quote_rows.media

    def stored(self):
        """The report as stored, locked until this save commits so two saves of one version cannot both pass."""
        return Report.objects.select_for_update(of=("self",)).select_related("updated_by").get(pk=self.instance.pk)

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug or "slug" not in self.fields:
            return slug
        return Report.unique_slug(self.cleaned_data.get("title") or "", pk=self.instance.pk)

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk:
            self.refuse_an_outdated_copy(cleaned_data.get("opened_version"))
        rows_valid = self.footnote_rows.is_valid() & self.quote_rows.is_valid()
        if not rows_valid:
            raise ValidationError("Correct the notes or quotes below.")
        self.check_references(cleaned_data.get("body") or "")
        return cleaned_data

    def refuse_an_outdated_copy(self, version):
        current = self.stored()
        if version == current.version:
            return
        change = open_change(self.instance)
        if change and change.updated_at >= current.updated_at:
            who, when = change.changed_by, change.updated_at
        else:
            who, when = current.updated_by, current.updated_at
        raise ValidationError(
            f"{who.get_username() if who else 'Someone'} saved this report ({localize(timezone.localtime(when))}) "
            "after you opened it, so your changes were NOT saved. Your text is still in the form below: "
            "open the report in a new tab to see their version, bring your changes over there, and save."
        )

    def check_references(self, body):
        """Every [N] in the text has its note and every note is referred to; every [quote N] has its quote."""
        notes = {form.cleaned_data["position"]: form for form in self.kept_rows(self.footnote_rows)}
        referred = {int(number) for number in FOOTNOTE_MARKER.findall(body)}
        missing = sorted(referred - set(notes))
        for number in missing:
            self.add_error("body", f"The text refers to note [{number}], but there is no note {number}.")
        for number in sorted(set(notes) - referred):
            notes[number].add_error("position", f"Note {number} is not referred to in the text: add [{number}] where it belongs, or remove the note.")
        quotes = {form.cleaned_data["position"]: form for form in self.kept_rows(self.quote_rows)}
        for number in sorted({int(number) for number in QUOTE_MARKER.findall(body)} - set(quotes)):
            self.add_error("body", f"The text places [quote {number}], but there is no quote {number}.")
        if any(form.errors for form in (*self.footnote_rows, *self.quote_rows)):
            raise ValidationError("Correct the notes or quotes below.")

    def kept_rows(self, rows):
        """The rows that will be saved, each number checked to be used once (errors go on the row)."""
        seen, kept = {}, []
        for form in rows.saved_forms():
            number = form.cleaned_data.get("position")
            if number in seen:
                form.add_error("position", f"Number {number} is used twice.")
                continue
            seen[number] = form
            kept.append(form)
        if rows is self.quote_rows:
            quotes = [form.cleaned_data.get("quote") for form in kept if form.cleaned_data.get("quote")]
            for form in kept:
                if form.cleaned_data.get("quote") and quotes.count(form.cleaned_data["quote"]) > 1:
                    form.add_error("quote", "This quote is carried twice.")
        return kept

    def content(self):
        """The whole content this form holds (call after it is valid)."""
        data = self.cleaned_data
        content = self.opening_content()
        content = {**content, **{name: data[name] for name in TEXT_FIELDS if name in data}}
        for name in CHOSEN:
            if name in data:
                content[name] = data[name].pk if data[name] is not None else None
        for name in LINKS:
            if name in data:
                content[name] = sorted(obj.pk for obj in data[name])
        content["footnotes"] = sorted(
            (
                {
                    "position": form.cleaned_data["position"],
                    "text": form.cleaned_data["text"],
                    "url": form.cleaned_data["url"],
                    "outlet": form.cleaned_data["outlet"].pk if form.cleaned_data["outlet"] else None,
                }
                for form in self.kept_rows(self.footnote_rows)
            ),
            key=lambda row: row["position"],
        )
        content["quotes"] = sorted((self.quote_content(form.cleaned_data) for form in self.kept_rows(self.quote_rows)), key=lambda row: row["position"])
        return content

    @staticmethod
    def quote_content(data):
        def pk(obj):
            return obj.pk if obj else None

        return {
            "position": data["position"],
            "quote": pk(data["quote"]),
            "person": pk(data["person"]),
            "organization": pk(data["organization"]),
            "outlet": pk(data["outlet"]),
            "said_on": data["said_on"].isoformat() if data["said_on"] else None,
            "url": data["url"],
            "original_language": data["original_language"],
            "original_text": data["original_text"],
            "translation": data["translation"],
        }
