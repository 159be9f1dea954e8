"""
The desk's admin: group permissions enforced on the server, and bad input met with form errors.

Every POST here is built from the form the page rendered (tests.rendered_forms). A crafted
request is made the way an attacker would make one: the form another role's page shows, or a
field added with `forge()`, sent by someone whose page lacks it.
"""
import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from reports.models import Footnote, Report, Subscription
from tests.desk_forms import (
    CHANGELIST,
    change_url,
    changelist_form,
    new_report_form,
    report_form,
    run_action,
)
from tests.factories import (
    FootnoteFactory,
    PersonFactory,
    ReportFactory,
    UserFactory,
)
from tests.rendered_forms import RenderedForm, errors_in

pytestmark = pytest.mark.django_db

class TestAnalysts:
    def test_an_analyst_writes_a_new_report_as_a_draft_for_subscribers(self, client, analyst, jttm):
        client.force_login(analyst)
        form = new_report_form(client)
        assert "status" not in form and "required_tier" not in form
        response = form.forge(status="published", published_at_0="2024-01-01", published_at_1="10:00").submit(client, "_save")
        assert response.status_code == 302
        report = Report.objects.get(title="Militias renew threats")
        assert report.status == Report.Status.DRAFT
        assert report.required_tier == jttm
        assert report.created_by == analyst

    def test_an_analyst_cannot_publish_their_draft_through_the_form(self, client, analyst):
        report = ReportFactory(status=Report.Status.DRAFT, published_at=None, created_by=analyst)
        client.force_login(analyst)
        form = report_form(client, report).fill(body="Edited.")
        form.forge(status="published", published_at_0="2024-01-01", published_at_1="10:00")
        assert form.submit(client, "_save").status_code == 302
        report.refresh_from_db()
        assert report.body == "Edited."
        assert report.status == Report.Status.DRAFT
        assert report.published_at is None

    def test_an_analyst_cannot_make_a_report_complimentary_through_the_form(self, client, analyst, jttm):
        report = ReportFactory(status=Report.Status.DRAFT, required_tier=jttm, created_by=analyst)
        client.force_login(analyst)
        report_form(client, report).forge(required_tier="").submit(client, "_save")
        report.refresh_from_db()
        assert report.required_tier == jttm

    @pytest.mark.parametrize("action", ["publish", "withdraw", "make_complimentary", "require_tier_premium"])
    def test_an_analyst_cannot_run_editorial_actions(self, client, analyst, editor, jttm, action):
        report = ReportFactory(status=Report.Status.DRAFT, published_at=None, required_tier=jttm, created_by=analyst)
        client.force_login(analyst)
        assert f'value="{action}"' not in client.get(reverse(CHANGELIST)).content.decode()
        client.force_login(editor)
        editors_list = changelist_form(client).fill(action=action, _selected_action=[report.pk])
        client.force_login(analyst)
        editors_list.submit(client, "index")
        report.refresh_from_db()
        assert (report.status, report.required_tier) == (Report.Status.DRAFT, jttm)

    def test_an_analyst_cannot_delete_a_report(self, client, analyst, editor):
        report = ReportFactory()
        delete_url = reverse("admin:reports_report_delete", args=[report.pk])
        client.force_login(editor)
        editors_confirmation = RenderedForm.of(client, delete_url, form_id=None)
        client.force_login(analyst)
        assert client.get(delete_url).status_code == 403
        assert editors_confirmation.submit(client).status_code == 403
        assert Report.objects.filter(pk=report.pk).exists()

    def test_an_analyst_cannot_manage_subscriptions(self, client, analyst):
        client.force_login(analyst)
        assert client.get(reverse("admin:reports_subscription_changelist")).status_code == 403


class TestEditors:
    def test_an_editor_publishes_a_draft_now(self, client, editor):
        report = ReportFactory(status=Report.Status.DRAFT, published_at=None)
        client.force_login(editor)
        run_action(client, "publish", report)
        report.refresh_from_db()
        assert report.is_published()

    def test_publishing_keeps_a_scheduled_time(self, client, editor):
        due = timezone.now() + dt.timedelta(days=2)
        report = ReportFactory(status=Report.Status.DRAFT, published_at=due)
        client.force_login(editor)
        run_action(client, "publish", report)
        report.refresh_from_db()
        assert report.state == Report.SCHEDULED
        assert report.published_at == due

    def test_an_editor_withdraws_and_changes_access(self, client, editor, premium):
        report = ReportFactory()
        client.force_login(editor)
        run_action(client, "require_tier_premium", report)
        run_action(client, "withdraw", report)
        report.refresh_from_db()
        assert (report.status, report.required_tier) == (Report.Status.WITHDRAWN, premium)

    def test_an_editor_sets_status_time_and_access_in_the_form(self, client, editor):
        report = ReportFactory(status=Report.Status.DRAFT, published_at=None)
        client.force_login(editor)
        form = report_form(client, report).fill(
            status="published", published_at_0="2024-01-01", published_at_1="10:00", required_tier=""
        )
        assert form.submit(client, "_save").status_code == 302
        report.refresh_from_db()
        assert report.is_published() and report.is_complimentary

    def test_the_slug_is_fixed_once_published(self, client, editor):
        report = ReportFactory(slug="first-address")
        client.force_login(editor)
        form = report_form(client, report)
        assert "slug" not in form
        form.forge(slug="second-address").submit(client, "_save")
        report.refresh_from_db()
        assert report.slug == "first-address"

    def test_saving_twice_in_a_row_from_the_page_works(self, client, editor):
        report = ReportFactory()
        client.force_login(editor)
        for body in ("One", "Two"):
            assert report_form(client, report).fill(body=body).submit(client, "_continue").status_code == 302
            report.refresh_from_db()
            assert report.body == body


class TestSubscriptionManagers:
    def test_a_subscription_manager_cannot_open_or_edit_reports(self, client, subscription_manager, editor):
        report = ReportFactory(title="Original title")
        client.force_login(editor)
        editors_form = report_form(client, report).fill(title="Changed")
        client.force_login(subscription_manager)
        assert client.get(change_url(report)).status_code == 403
        assert editors_form.submit(client, "_save").status_code == 403
        report.refresh_from_db()
        assert report.title == "Original title"

    def test_a_subscription_manager_grants_a_subscription(self, client, subscription_manager, premium):
        reader = UserFactory(username="new-reader")
        client.force_login(subscription_manager)
        form = RenderedForm.of(client, reverse("admin:reports_subscription_add"), form_id="subscription_form")
        form.fill(user=reader.pk, tier=premium.pk, starts_on="2026-01-01", ends_on="2026-12-31")
        assert form.submit(client, "_save").status_code == 302
        assert Subscription.objects.get(user=reader).tier == premium


class TestBadInput:
    """Bad input in admin forms is answered with a form error, never a 500."""

    def test_a_duplicate_slug(self, admin_client):
        ReportFactory(slug="taken")
        response = new_report_form(admin_client, slug="taken").submit(admin_client, "_save")
        assert response.status_code == 200
        assert "Report with this Slug already exists." in errors_in(response)

    def test_a_duplicate_number_in_a_series(self, admin_client):
        existing = ReportFactory(number=11032)
        response = new_report_form(admin_client, in_series=existing.series, number="11032").submit(admin_client, "_save")
        assert response.status_code == 200
        assert "Another report in this series already has this number." in errors_in(response)

    def test_two_footnotes_with_one_number(self, admin_client):
        report = ReportFactory(body="Text.[1]")
        form = report_form(admin_client, report)
        form.add_row("footnotes", position=1, text="First source")
        form.add_row("footnotes", position=1, text="Second source")
        response = form.submit(admin_client, "_save")
        assert response.status_code == 200
        assert "Number 1 is used twice." in errors_in(response)
        assert not Footnote.objects.filter(report=report).exists()

    def test_published_without_a_time(self, admin_client):
        response = new_report_form(admin_client, status="published").submit(admin_client, "_save")
        assert response.status_code == 200
        assert "Give the time at which the report goes public." in errors_in(response)

    @pytest.mark.parametrize(
        "field, value",
        [
            ("number", "99999999999999999999"),
            ("number", "-3"),
            ("number", "eleven"),
            ("published_at_0", "2024-02-30"),
            ("title", "nul\x00byte"),
            ("title", "x" * 5000),
            ("series", "999999"),
            ("required_tier", "not-a-tier"),
        ],
    )
    def test_impossible_values(self, admin_client, field, value):
        response = new_report_form(admin_client, **{field: value}).submit(admin_client, "_save")
        assert response.status_code == 200
        assert "Please correct the error" in response.content.decode()
        assert not Report.objects.exists()

    @pytest.mark.parametrize(
        "position, url", [("70000", ""), ("0", ""), ("1", "javascript:alert(1)"), ("1", "data:text/html,x")]
    )
    def test_a_footnote_with_an_impossible_number_or_link(self, admin_client, position, url):
        report = ReportFactory(body="Text.[1]")
        form = report_form(admin_client, report)
        form.add_row("footnotes", position=position, text="A source", url=url)
        response = form.submit(admin_client, "_save")
        assert response.status_code == 200
        assert not Footnote.objects.exists()

    def test_a_subscription_that_ends_before_it_starts(self, admin_client, jttm):
        reader = UserFactory()
        form = RenderedForm.of(admin_client, reverse("admin:reports_subscription_add"), form_id="subscription_form")
        form.fill(user=reader.pk, tier=jttm.pk, starts_on="2026-05-01", ends_on="2026-04-01")
        response = form.submit(admin_client, "_save")
        assert response.status_code == 200
        assert "A subscription cannot end before it starts." in response.content.decode()

    def test_a_quote_without_a_speaker(self, admin_client):
        form = RenderedForm.of(admin_client, reverse("admin:reports_quote_add"), form_id="quote_form")
        response = form.fill(translation="We will respond.", original_language="ar").submit(admin_client, "_save")
        assert response.status_code == 200
        assert "A quote needs a speaker" in response.content.decode()

    def test_a_duplicate_alias(self, admin_client):
        person = PersonFactory(name="Muhammad Al-Basri")
        form = RenderedForm.of(admin_client, change_url(person), form_id="person_form")
        form.set_row("aliases", 0, name="Mohammed al-Basri")
        form.add_row("aliases", name="Mohammed Al-Basri")
        response = form.submit(admin_client, "_save")
        assert response.status_code == 200
        assert "Please correct the error" in response.content.decode()
        assert not person.aliases.exists()


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_every_admin_list_and_add_page_opens(admin_client, model, jttm):
    """Each list opens; each add form opens, or is refused where records are made by the site (reads, reviews)."""
    ReportFactory(required_tier=jttm)
    FootnoteFactory()
    opts = model._meta
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    # Reads, reviews, trials, subscription requests and login attempts (django-axes) are recorded by
    # the site, never added by hand.
    made_by_the_site = {"reports.Read", "reports.Review", "reports.Trial", "reports.SubscriptionRequest"}
    can_add = opts.label not in made_by_the_site and opts.app_label != "axes"
    add_page = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add_page.status_code == (200 if can_add else 403)


def test_analysts_find_tags_by_autocomplete(client, analyst):
    ReportFactory().tags.add("Iraqi militias", "Red Sea")
    client.force_login(analyst)
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "iraq", "app_label": "reports", "model_name": "report", "field_name": "tags"},
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == ["Iraqi militias"]


def test_the_report_form_keeps_and_saves_tags(admin_client):
    report = ReportFactory()
    report.tags.add("threats")
    new_tag = ReportFactory().tags.create(name="Red Sea")
    form = report_form(admin_client, report)
    assert form["tags"] == str(report.tags.get().pk)
    assert 'id="add_id_tags"' in admin_client.get(change_url(report)).content.decode()
    assert form.fill(tags=[new_tag.pk]).submit(admin_client, "_save").status_code == 302
    assert list(report.tags.names()) == ["Red Sea"]
