"""`manage.py load_demo`: the demo desk, created once; running it again changes nothing."""
import datetime as dt
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from reports.models import Organization, Person, Report
from tests.snapshots import snapshot

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "a-demo-password-for-tests"


def load_demo(*args):
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_running_it_twice_changes_nothing():
    load_demo("--password", DEMO_PASSWORD)
    first = snapshot()
    output = load_demo("--password", DEMO_PASSWORD)
    assert snapshot() == first
    assert DEMO_PASSWORD not in output, "no password is set, so none is printed"


def test_it_creates_the_users_their_roles_and_the_given_password():
    load_demo("--password", DEMO_PASSWORD)
    users = {user.username: user for user in get_user_model().objects.all()}
    assert {"analyst", "editor", "subscriber", "reader"} <= set(users)
    assert all(user.check_password(DEMO_PASSWORD) for user in users.values())
    assert users["analyst"].groups.get().name == "Analysts"
    assert users["editor"].has_perm("reports.publish_report")
    assert not users["analyst"].has_perm("reports.publish_report")
    assert users["subscriber"].subscriptions.active().get().tier.slug == "premium"
    assert not users["reader"].subscriptions.exists()


def test_without_a_password_each_new_user_gets_a_random_one_printed_once():
    output = load_demo()
    line = next(line for line in output.splitlines() if line.strip().startswith("reader:"))
    password = line.split(":", 1)[1].strip()
    assert get_user_model().objects.get(username="reader").check_password(password)
    again = load_demo()
    assert "reader:" not in again
    assert "To set them again: make run DEMO_PASSWORD=" in again, "a later run says how to get passwords again"


def test_the_demo_has_complimentary_and_gated_reports_and_linked_entities():
    load_demo("--password", DEMO_PASSWORD)
    published = Report.objects.published()
    assert published.with_access_now(None).exists()
    assert published.gated_now().count() >= 2
    sample = Report.objects.get(slug="iraqi-militia-commanders-warn-attacks-will-resume")
    assert sample.is_complimentary
    assert sample.complimentary_since == dt.datetime(2024, 1, 15, 12, tzinfo=dt.timezone.utc), "JTTM first, complimentary since"
    assert sample.shows_complimentary_line
    assert [note.position for note in sample.footnotes.all()] == [1, 2, 3]
    assert sample.quotes.filter(person__slug="adel-al-karawi").exists()
    assert list(Person.objects.named("Adil al-Karawi")) == list(sample.people.filter(slug="adel-al-karawi"))
    assert Organization.objects.named("Hezbollah").get().slug == "hizbullah"
