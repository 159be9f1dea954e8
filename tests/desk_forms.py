"""The desk's report forms and lists as the logged-in user's browser gets them (built on tests.rendered_forms)."""
from django.urls import reverse

from tests.factories import SeriesFactory
from tests.rendered_forms import RenderedForm

CHANGELIST = "admin:reports_report_changelist"


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def report_form(client, report=None):
    """The report form as the logged-in user's browser gets it: the add form, or the report's change form."""
    url = change_url(report) if report else reverse("admin:reports_report_add")
    return RenderedForm.of(client, url, form_id="report_form")


def new_report_form(client, in_series=None, **values):
    form = report_form(client)
    form.fill(title="Militias renew threats", series=(in_series or SeriesFactory()).pk,
              summary="A public summary.", body="The body.")
    return form.fill(**values)


def changelist_form(client):
    return RenderedForm.of(client, reverse(CHANGELIST), form_id="changelist-form")


def run_action(client, action, *reports):
    form = changelist_form(client)
    form.fill(action=action, _selected_action=[report.pk for report in reports])
    return form.submit(client, "index")
