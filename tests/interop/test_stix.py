"""
STIX 2.1 bundles: they validate with the stix2 library (no custom content), hold the objects and
relationships the desk's records map onto, keep their ids from one export to the next, and are
served only to those who may read the report.
"""
import datetime as dt
import json

import pytest
import stix2
from django.urls import reverse

from reports.interop.stix import stix_id
from reports.models import Designation, Organization, Report, Role
from tests.factories import (
    FootnoteFactory,
    OrganizationAliasFactory,
    OrganizationFactory,
    OutletFactory,
    PersonAliasFactory,
    PersonFactory,
    QuoteFactory,
    ReportFactory,
    ReportQuoteFactory,
    SubscriptionFactory,
    UserFactory,
    tier,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    """A premium report on a militia (part of an umbrella), its commander and a daily, with a footnote and a quote."""
    umbrella = OrganizationFactory(name="Resistance Axis", slug="resistance-axis", kind=Organization.Kind.UMBRELLA)
    militia = OrganizationFactory(name="Kataib Example", slug="kataib-example", parent=umbrella, description="A militia.")
    OrganizationAliasFactory(organization=militia, name="KE Brigades")
    Designation.objects.create(
        organization=militia, authority="U.S. Department of State", designation="Foreign Terrorist Organization",
        designated_on=dt.date(2019, 12, 1),
    )
    commander = PersonFactory(name="Abu Example", slug="abu-example")
    PersonAliasFactory(person=commander, name="Abu Ex")
    Role.objects.create(
        person=commander, organization=militia, title="Secretary-general",
        started_on=dt.date(2015, 1, 1), ended_on=dt.date(2020, 6, 30),
    )
    daily = OutletFactory(name="Al-Example Daily", slug="al-example-daily", url="https://daily.example")
    made = ReportFactory(
        title="Kataib Example threatens the coalition", slug="kataib-example-threatens", number=11032,
        summary="The militia threatens.", body="The militia said it would strike.[1]", required_tier=tier("premium"),
    )
    made.tags.add("militias", "Iraq")
    made.organizations.add(militia, umbrella)
    made.people.add(commander)
    made.outlets.add(daily)
    FootnoteFactory(report=made, position=1, text="Statement on Telegram.", url="https://t.me/example/1", outlet=daily)
    quote = QuoteFactory(
        person=commander, organization=militia, outlet=daily, said_on=dt.date(2024, 3, 1),
        translation="We will strike.", original_text="سنضرب", url="https://daily.example/1",
    )
    ReportQuoteFactory(report=made, quote=quote)
    return made


def bundle_of(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/stix+json;version=2.1"
    return json.loads(response.content)


@pytest.fixture
def reader_client(client):
    client.force_login(SubscriptionFactory(tier=tier("premium")).user)
    return client


def by_type(bundle, stix_type):
    return [obj for obj in bundle["objects"] if obj["type"] == stix_type]


def named(bundle, name):
    (found,) = [obj for obj in bundle["objects"] if obj.get("name") == name]
    return found


def test_the_report_bundle_validates_with_the_stix2_library(reader_client, report):
    """stix2.parse with allow_custom=False accepts the whole bundle, object by object."""
    bundle = bundle_of(reader_client, f"/reports/{report.slug}/stix.json")
    parsed = stix2.parse(json.dumps(bundle), allow_custom=False)
    assert len(parsed.objects) == len(bundle["objects"])


def test_the_report_bundle_holds_the_expected_objects_and_relationships(reader_client, report):
    bundle = bundle_of(reader_client, f"/reports/{report.slug}/stix.json")
    ids = {obj["id"] for obj in bundle["objects"]}
    (stix_report,) = by_type(bundle, "report")
    assert stix_report["name"] == report.title
    assert stix_report["published"].startswith(str(report.published_at.year))
    assert "The militia said it would strike." in stix_report["description"]
    assert set(stix_report["labels"]) == {"militias", "Iraq"}
    assert set(stix_report["object_refs"]) <= ids and stix_report["object_refs"]
    page, note = stix_report["external_references"]
    assert page["external_id"] == report.reference and page["url"].endswith(f"/reports/{report.slug}/")
    assert note == {"source_name": "Al-Example Daily", "description": "[1] Statement on Telegram.", "url": "https://t.me/example/1"}

    militia, umbrella = named(bundle, "Kataib Example"), named(bundle, "Resistance Axis")
    assert militia["type"] == umbrella["type"] == "threat-actor"
    assert militia["aliases"] == ["KE Brigades"]
    assert militia["external_references"][1]["source_name"] == "U.S. Department of State"
    commander, daily = named(bundle, "Abu Example"), named(bundle, "Al-Example Daily")
    assert (commander["type"], commander["identity_class"]) == ("identity", "individual")
    assert "Abu Ex" in commander["description"]
    assert (daily["type"], daily["identity_class"]) == ("identity", "organization")

    relationships = {(r["source_ref"], r["relationship_type"], r["target_ref"]): r for r in by_type(bundle, "relationship")}
    membership = relationships[(commander["id"], "member-of", militia["id"])]
    assert membership["description"] == "Secretary-general"
    assert (membership["start_time"], membership["stop_time"]) == ("2015-01-01T00:00:00.000Z", "2020-07-01T00:00:00.000Z")
    assert (militia["id"], "part-of", umbrella["id"]) in relationships

    (quote,) = by_type(bundle, "note")
    assert quote["content"] == "We will strike." and set(quote["object_refs"]) == {commander["id"], militia["id"], daily["id"]}
    assert (quote["id"], "authored-by", commander["id"]) in relationships
    assert (quote["id"], "authored-by", militia["id"]) in relationships
    (original,) = by_type(bundle, "language-content")
    assert original["object_ref"] == quote["id"] and original["contents"] == {"ar": {"content": "سنضرب"}}
    assert {quote["id"], membership["id"]} <= set(stix_report["object_refs"])


def test_the_same_report_exports_identical_ids_twice(reader_client, report):
    """Ids come from slugs in a fixed namespace and times from the records: two exports are the same."""
    first = bundle_of(reader_client, f"/reports/{report.slug}/stix.json")
    second = bundle_of(reader_client, f"/reports/{report.slug}/stix.json")
    assert first == second
    assert by_type(first, "report")[0]["id"] == stix_id("report", report.slug)
    assert first["id"] == stix_id("bundle", f"report:{report.slug}")
    assert len({obj["id"] for obj in first["objects"]}) == len(first["objects"])


def test_an_edit_keeps_the_ids_and_moves_the_modified_time(reader_client, report):
    before = by_type(bundle_of(reader_client, f"/reports/{report.slug}/stix.json"), "report")[0]
    report.title = "A corrected title"
    report.save()
    after = by_type(bundle_of(reader_client, f"/reports/{report.slug}/stix.json"), "report")[0]
    assert after["id"] == before["id"] and after["created"] == before["created"]
    assert after["modified"] > before["modified"]


def test_a_report_without_entities_still_refers_to_something(client):
    """STIX wants at least one object_ref: the desk's own identity stands in."""
    bare = ReportFactory()
    bundle = bundle_of(client, f"/reports/{bare.slug}/stix.json")
    stix2.parse(json.dumps(bundle), allow_custom=False)
    assert by_type(bundle, "report")[0]["object_refs"] == [stix_id("identity", "desk")]


@pytest.mark.parametrize(
    "who, status",
    [("anonymous", 302), ("registered", 403), ("jttm", 403), ("premium", 200)],
)
def test_a_gated_report_bundle_is_only_for_those_who_may_read_it(client, report, who, status):
    """Anonymous visitors are sent to log in; readers without the tier get a 403."""
    if who == "registered":
        client.force_login(UserFactory())
    elif who != "anonymous":
        client.force_login(SubscriptionFactory(tier=tier(who)).user)
    response = client.get(f"/reports/{report.slug}/stix.json")
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))
    if status != 200:
        assert b"strike" not in response.content


def test_a_complimentary_report_bundle_is_for_everyone(client):
    free = ReportFactory(body="Open analysis.")
    assert "Open analysis." in by_type(bundle_of(client, f"/reports/{free.slug}/stix.json"), "report")[0]["description"]


@pytest.mark.parametrize("fields", [{"status": Report.Status.DRAFT, "published_at": None}, {"status": Report.Status.WITHDRAWN}])
def test_unpublished_reports_have_no_bundle_even_for_staff(admin_client, fields):
    assert admin_client.get(f"/reports/{ReportFactory(**fields).slug}/stix.json").status_code == 404


def test_the_organization_bundle_holds_its_umbrella_members_people_and_readable_quotes(reader_client, report):
    militia = Organization.objects.get(slug="kataib-example")
    member = OrganizationFactory(name="Youth Wing", parent=militia)
    bundle = bundle_of(reader_client, f"/organizations/{militia.slug}/stix.json")
    stix2.parse(json.dumps(bundle), allow_custom=False)
    kinds = {(r["source_ref"], r["relationship_type"], r["target_ref"]) for r in by_type(bundle, "relationship")}
    ids = {name: named(bundle, name)["id"] for name in ["Kataib Example", "Resistance Axis", "Youth Wing", "Abu Example"]}
    assert (ids["Kataib Example"], "part-of", ids["Resistance Axis"]) in kinds
    assert (stix_id("threat-actor", member.slug), "part-of", ids["Kataib Example"]) in kinds
    assert (ids["Abu Example"], "member-of", ids["Kataib Example"]) in kinds
    (quote,) = by_type(bundle, "note")
    assert quote["external_references"][-1]["external_id"] == report.reference
    assert not by_type(bundle, "report")


def test_the_person_bundle_holds_roles_and_the_quotes_the_visitor_may_read(client, report):
    """For the public: the person and their roles, no quote of the premium report."""
    bundle = bundle_of(client, "/people/abu-example/stix.json")
    stix2.parse(json.dumps(bundle), allow_custom=False)
    assert [r["relationship_type"] for r in by_type(bundle, "relationship")] == ["member-of"]
    assert not by_type(bundle, "note") and "strike" not in json.dumps(bundle)


def test_unknown_profiles_and_reports_are_404(client):
    for path in ["/reports/nothing/stix.json", "/organizations/nothing/stix.json", "/people/nothing/stix.json"]:
        assert client.get(path).status_code == 404


@pytest.mark.parametrize(
    "started_on, ended_on",
    [(dt.date(2015, 1, 1), None), (None, dt.date(2020, 6, 30)), (None, None), (dt.date(2020, 6, 30), dt.date(2020, 6, 30))],
    ids=["held-since", "ended", "no-dates", "one-day"],
)
def test_every_span_of_a_role_makes_a_valid_bundle(client, started_on, ended_on):
    """A leader still in office (a start, no end) is the usual case; no span may break a bundle."""
    militia = OrganizationFactory(name="Kataib Example", slug="kataib-example")
    leader = PersonFactory(name="Abu Example", slug="abu-example")
    Role.objects.create(person=leader, organization=militia, title="Leader", started_on=started_on, ended_on=ended_on)
    report = ReportFactory(slug="leader-speaks")
    report.people.add(leader)
    report.organizations.add(militia)
    for path in ("/organizations/kataib-example/stix.json", "/people/abu-example/stix.json", "/reports/leader-speaks/stix.json"):
        stix2.parse(bundle_of(client, path), allow_custom=False)
