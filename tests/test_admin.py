"""The desk's admin: group permissions enforced on the server, and bad input met with form errors."""
import datetime as dt

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from reports.models import Footnote, Read, Report, Subscription
from tests.factories import FootnoteFactory, PersonFactory, ReportFactory, SeriesFactory, UserFactory

pytestmark = pytest.mark.django_db

INLINE_PREFIXES = ["footnotes", "report_quotes"]


def report_form(report=None, **overrides):
    """The POST an admin change form for a report sends, with empty inlines unless overridden."""
    data = {
        "title": report.title if report else "Militias renew threats",
        "slug": report.slug if report else "militias-renew-threats",
        "series": report.series_id if report else SeriesFactory().pk,
        "number": "",
        "summary": "A public summary.",
        "body": "The body.",
        "status": Report.Status.DRAFT,
        "published_at_0": "",
        "published_at_1": "",
        "required_tier": "",
        "version": report.version if report else "",
    }
    for prefix in INLINE_PREFIXES:
        existing = report.footnotes.count() if report and prefix == "footnotes" else 0
        data |= {
            f"{prefix}-TOTAL_FORMS": str(existing),
            f"{prefix}-INITIAL_FORMS": str(existing),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | overrides


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


class TestAnalysts:
    def test_an_analyst_writes_a_new_report_as_a_draft_for_subscribers(self, client, analyst, jttm):
        client.force_login(analyst)
        response = client.post(reverse("admin:reports_report_add"), report_form(status="published"))
        assert response.status_code == 302
        report = Report.objects.get(slug="militias-renew-threats")
        assert report.status == Report.Status.DRAFT
        assert report.required_tier == jttm
        assert report.created_by == analyst

    def test_an_analyst_cannot_publish_through_the_form(self, client, analyst):
        report = ReportFactory(status=Report.Status.DRAFT, published_at=None)
        client.force_login(analyst)
        response = client.post(
            change_url(report),
            report_form(report, status="published", published_at_0="2024-01-01", published_at_1="10:00", body="Edited."),
        )
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.body == "Edited."
        assert report.status == Report.Status.DRAFT
        assert report.published_at is None

    def test_an_analyst_cannot_make_a_report_complimentary_through_the_form(self, client, analyst, jttm):
        report = ReportFactory(status=Report.Status.DRAFT, required_tier=jttm)
        client.force_login(analyst)
        client.post(change_url(report), report_form(report, required_tier=""))
        report.refresh_from_db()
        assert report.required_tier == jttm

    @pytest.mark.parametrize("action", ["publish", "withdraw", "make_complimentary", "require_tier_premium"])
    def test_an_analyst_cannot_run_editorial_actions(self, client, analyst, jttm, action):
        report = ReportFactory(status=Report.Status.DRAFT, published_at=None, required_tier=jttm)
        client.force_login(analyst)
        changelist = reverse("admin:reports_report_changelist")
        assert f'value="{action}"' not in client.get(changelist).content.decode()
        client.post(changelist, {"action": action, "_selected_action": [report.pk]})
        report.refresh_from_db()
        assert (report.status, report.required_tier) == (Report.Status.DRAFT, jttm)

    def test_an_analyst_cannot_delete_a_report(self, client, analyst):
        report = ReportFactory()
        client.force_login(analyst)
        response = client.post(reverse("admin:reports_report_delete", args=[report.pk]), {"post": "yes"})
        assert response.status_code == 403
        assert Report.objects.filter(pk=report.pk).exists()

    def test_an_analyst_cannot_manage_subscriptions(self, client, analyst):
        client.force_login(analyst)
        assert client.get(reverse("admin:reports_subscription_changelist")).status_code == 403


class TestEditors:
    def test_an_editor_publishes_a_draft_now(self, client, editor):
        report = ReportFactory(status=Report.Status.DRAFT, published_at=None)
        client.force_login(editor)
        client.post(reverse("admin:reports_report_changelist"), {"action": "publish", "_selected_action": [report.pk]})
        report.refresh_from_db()
        assert report.is_published()

    def test_publishing_keeps_a_scheduled_time(self, client, editor):
        due = timezone.now() + dt.timedelta(days=2)
        report = ReportFactory(status=Report.Status.DRAFT, published_at=due)
        client.force_login(editor)
        client.post(reverse("admin:reports_report_changelist"), {"action": "publish", "_selected_action": [report.pk]})
        report.refresh_from_db()
        assert report.state == Report.SCHEDULED
        assert report.published_at == due

    def test_an_editor_withdraws_and_changes_access(self, client, editor, premium):
        report = ReportFactory()
        client.force_login(editor)
        changelist = reverse("admin:reports_report_changelist")
        client.post(changelist, {"action": "require_tier_premium", "_selected_action": [report.pk]})
        client.post(changelist, {"action": "withdraw", "_selected_action": [report.pk]})
        report.refresh_from_db()
        assert (report.status, report.required_tier) == (Report.Status.WITHDRAWN, premium)

    def test_an_editor_sets_status_time_and_access_in_the_form(self, client, editor):
        report = ReportFactory(status=Report.Status.DRAFT, published_at=None)
        client.force_login(editor)
        response = client.post(
            change_url(report),
            report_form(report, status="published", published_at_0="2024-01-01", published_at_1="10:00"),
        )
        assert response.status_code == 302
        report.refresh_from_db()
        assert report.is_published() and report.is_complimentary

    def test_the_slug_is_fixed_once_published(self, client, editor):
        report = ReportFactory(slug="first-address")
        client.force_login(editor)
        client.post(
            change_url(report),
            report_form(report, slug="second-address", status="published", published_at_0="2024-01-01", published_at_1="10:00"),
        )
        report.refresh_from_db()
        assert report.slug == "first-address"


class TestSubscriptionManagers:
    def test_a_subscription_manager_cannot_open_or_edit_reports(self, client, subscription_manager):
        report = ReportFactory(title="Original title")
        client.force_login(subscription_manager)
        assert client.get(change_url(report)).status_code == 403
        response = client.post(change_url(report), report_form(report, title="Changed"))
        assert response.status_code == 403
        report.refresh_from_db()
        assert report.title == "Original title"

    def test_a_subscription_manager_grants_a_subscription(self, client, subscription_manager, premium):
        reader = UserFactory(username="new-reader")
        client.force_login(subscription_manager)
        response = client.post(
            reverse("admin:reports_subscription_add"),
            {"user": reader.pk, "tier": premium.pk, "starts_on": "2026-01-01", "ends_on": "2026-12-31", "grace_days": "0", "note": ""},
        )
        assert response.status_code == 302
        assert Subscription.objects.get(user=reader).tier == premium


class TestBadInput:
    """Bad input in admin forms is answered with a form error, never a 500."""

    def test_a_duplicate_slug(self, admin_client):
        ReportFactory(slug="taken")
        response = admin_client.post(reverse("admin:reports_report_add"), report_form(slug="taken"))
        assert response.status_code == 200
        assert "Report with this Slug already exists." in response.content.decode()

    def test_a_duplicate_number_in_a_series(self, admin_client):
        existing = ReportFactory(number=11032)
        response = admin_client.post(
            reverse("admin:reports_report_add"), report_form(series=existing.series_id, number="11032")
        )
        assert response.status_code == 200
        assert "Another report in this series already has this number." in response.content.decode()

    def test_two_footnotes_with_one_number(self, admin_client):
        report = ReportFactory()
        data = report_form(report) | {
            "footnotes-TOTAL_FORMS": "2",
            "footnotes-0-position": "1",
            "footnotes-0-text": "First source",
            "footnotes-1-position": "1",
            "footnotes-1-text": "Second source",
        }
        response = admin_client.post(change_url(report), data)
        assert response.status_code == 200
        assert "Please correct the duplicate data for position" in response.content.decode()
        assert not Footnote.objects.filter(report=report).exists()

    def test_published_without_a_time(self, admin_client):
        response = admin_client.post(reverse("admin:reports_report_add"), report_form(status="published"))
        assert response.status_code == 200
        assert "Give the time at which the report goes public." in response.content.decode()

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
        response = admin_client.post(reverse("admin:reports_report_add"), report_form(**{field: value}))
        assert response.status_code == 200
        assert "Please correct the error" in response.content.decode()
        assert not Report.objects.exists()

    @pytest.mark.parametrize(
        "position, url", [("70000", ""), ("0", ""), ("1", "javascript:alert(1)"), ("1", "data:text/html,x")]
    )
    def test_a_footnote_with_an_impossible_number_or_link(self, admin_client, position, url):
        report = ReportFactory()
        data = report_form(report) | {
            "footnotes-TOTAL_FORMS": "1",
            "footnotes-0-position": position,
            "footnotes-0-text": "A source",
            "footnotes-0-url": url,
        }
        response = admin_client.post(change_url(report), data)
        assert response.status_code == 200
        assert not Footnote.objects.exists()

    def test_a_subscription_that_ends_before_it_starts(self, admin_client, jttm):
        reader = UserFactory()
        response = admin_client.post(
            reverse("admin:reports_subscription_add"),
            {"user": reader.pk, "tier": jttm.pk, "starts_on": "2026-05-01", "ends_on": "2026-04-01", "grace_days": "0"},
        )
        assert response.status_code == 200
        assert "A subscription cannot end before it starts." in response.content.decode()

    def test_a_quote_without_a_speaker(self, admin_client):
        response = admin_client.post(
            reverse("admin:reports_quote_add"), {"translation": "We will respond.", "original_language": "ar"}
        )
        assert response.status_code == 200
        assert "A quote needs a speaker" in response.content.decode()

    def test_a_duplicate_alias(self, admin_client):
        person = PersonFactory(name="Muhammad Al-Basri")
        response = admin_client.post(
            change_url(person),
            {
                "name": person.name,
                "slug": person.slug,
                "description": "",
                "aliases-TOTAL_FORMS": "2",
                "aliases-INITIAL_FORMS": "0",
                "aliases-0-name": "Mohammed al-Basri",
                "aliases-1-name": "Mohammed Al-Basri",
                "roles-TOTAL_FORMS": "0",
                "roles-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 200
        assert "Please correct the error" in response.content.decode()
        assert not person.aliases.exists()


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda model: model._meta.label)
def test_every_admin_list_and_add_page_opens(admin_client, model, jttm):
    """Each list opens; each add form opens, or is refused where records are made by the site (reads)."""
    ReportFactory(required_tier=jttm)
    FootnoteFactory()
    opts = model._meta
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code == 200
    # Reads and login attempts (django-axes) are recorded by the site, never added by hand.
    can_add = model is not Read and opts.app_label != "axes"
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
    page = admin_client.get(change_url(report)).content.decode()
    assert "threats" in page
    assert 'id="add_id_tags"' in page
    data = report_form(report, tags=[new_tag.pk])
    assert admin_client.post(change_url(report), data).status_code == 302
    assert list(report.tags.names()) == ["Red Sea"]
