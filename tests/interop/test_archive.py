"""`export_reports` and `import_reports`: the archive as one JSON file, and back, whole or not at all."""
import datetime as dt
import io
import json
import re
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from taggit.models import Tag

from reports.interop.archive import dump_archive
from reports.models import (
    ArchivedSource,
    Country,
    Designation,
    Document,
    Organization,
    Outlet,
    OutletAlias,
    Person,
    Quote,
    Report,
    ReportImage,
    Role,
    Series,
)
from tests import media_files
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
    archived_source,
    report_document,
    report_image,
)
from tests.snapshots import snapshot

pytestmark = pytest.mark.django_db

REPORT_KEYS = {
    "slug", "series", "number", "title", "summary", "body", "status", "published_at", "access",
    "access_changes_at", "access_after", "footnotes", "quotes", "organizations", "people", "outlets", "countries", "tags", "related_reports",
    "images", "documents", "archived_sources",
}


@pytest.fixture
def content(jttm):
    """Two reports that between them use every part of the format; one quote is carried by both."""
    iraq = Country.objects.create(name="Iraq", slug="iraq", iso_code="IQ")
    iran = Country.objects.create(name="Iran", slug="iran", iso_code="IR")
    umbrella = OrganizationFactory(slug="umbrella", kind=Organization.Kind.UMBRELLA, state_sponsor=iran)
    militia = OrganizationFactory(slug="militia", parent=umbrella, description="An Iraqi militia.")
    militia.countries.set([iraq])
    OrganizationAliasFactory(organization=militia, name="The Brigade")
    Designation.objects.create(
        organization=militia, authority="U.S. Department of State", designation="Foreign Terrorist Organization",
        designated_on=dt.date(2009, 7, 2),
    )
    commander = PersonFactory(slug="commander", description="Leads the militia.")
    PersonAliasFactory(person=commander, name="Abu Commander")
    Role.objects.create(person=commander, organization=militia, title="Commander", started_on=dt.date(2020, 1, 1))
    daily = OutletFactory(slug="daily", country=iraq, stance="pro-militia", url="https://daily.example/")
    OutletAlias.objects.create(outlet=daily, name="The Daily")

    first = ReportFactory(
        slug="a-first", title="Militia threatens U.S. bases", number=7, required_tier=jttm,
        published_at=dt.datetime(2023, 12, 1, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=2))),
    )
    second = ReportFactory(slug="b-second", series=first.series, status=Report.Status.DRAFT, published_at=None)
    FootnoteFactory(report=first, position=1, outlet=daily, url="https://daily.example/1")
    FootnoteFactory(report=first, position=2)
    shared = QuoteFactory(person=commander, organization=militia, outlet=daily, said_on=dt.date(2023, 12, 1))
    ReportQuoteFactory(report=first, quote=QuoteFactory(person=None, organization=militia), position=1)
    ReportQuoteFactory(report=first, quote=shared, position=2)
    ReportQuoteFactory(report=second, quote=shared, position=1)
    first.tags.set(["Iraqi militias", "threats"])
    first.organizations.set([militia])
    first.people.set([commander])
    first.outlets.set([daily])
    first.countries.set([iraq])
    first.related_reports.add(second)
    return first, second


def export(tmp_path, name="archive.json"):
    path = tmp_path / name
    call_command("export_reports", str(path), verbosity=0)
    return path.read_text(encoding="utf-8")


def import_file(path, *args):
    out = io.StringIO()
    call_command("import_reports", str(path), *args, stdout=out)
    return out.getvalue()


def write(tmp_path, text, name="edited.json"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def empty_the_archive():
    """Delete what the archive holds; tiers, groups and users stay."""
    Report.objects.all().delete()
    Quote.objects.all().delete()
    for model in (Person, Organization, Outlet, Country, Series, Tag):
        model.objects.all().delete()


def by_slug(items, slug):
    return next(item for item in items if item["slug"] == slug)


def test_export_import_into_an_empty_database_and_export_again_gives_the_same_file(content, tmp_path):
    """The file alone rebuilds the archive: exported again, it is the same byte for byte."""
    first = export(tmp_path, "first.json")
    empty_the_archive()
    import_file(tmp_path / "first.json")
    assert Report.objects.count() == 2
    assert export(tmp_path, "second.json") == first


def test_the_demo_content_survives_the_round_trip(tmp_path):
    """The demo desk, exported, wiped and imported, exports to the same file."""
    call_command("load_demo", "--password", "x", verbosity=0)
    first = export(tmp_path, "first.json")
    empty_the_archive()
    import_file(tmp_path / "first.json")
    assert export(tmp_path, "second.json") == first
    assert len(json.loads(first)["reports"]) == 5


def test_the_file_is_written_one_way_only(content, tmp_path):
    """Sorted keys, indent 2, characters as they are, the format marker and version on top."""
    text = export(tmp_path)
    archive = json.loads(text)
    assert (archive["format"], archive["version"]) == ("memri-reports", 1)
    assert text == dump_archive(archive)
    assert text.startswith('{\n  "countries": [\n')
    assert "سنرد" in text
    assert [item["slug"] for item in archive["reports"]] == ["a-first", "b-second"]


def test_a_report_carries_the_listed_fields_and_no_internal_ones(content, tmp_path):
    """No ids, rendered HTML, stamps, authors or version counter; times in UTC, access by tier slug."""
    first, second = json.loads(export(tmp_path))["reports"]
    assert set(first) == set(second) == REPORT_KEYS
    assert first["published_at"] == "2023-12-01T15:00:00Z"
    assert (first["access"], second["access"], second["published_at"]) == ("jttm", None, None)
    assert [note["position"] for note in first["footnotes"]] == [1, 2]
    assert first["footnotes"][0]["outlet"] == "daily"
    assert [quote["person"] for quote in first["quotes"]] == [None, "commander"]
    assert (first["related_reports"], second["related_reports"]) == (["b-second"], ["a-first"])
    assert first["tags"] == ["Iraqi militias", "threats"]


def test_entities_are_exported_when_a_report_refers_to_them_even_through_another_entity(content, tmp_path):
    """The parent organization and the sponsor country come along; an entity no report touches does not."""
    OrganizationFactory(slug="unrelated")
    archive = json.loads(export(tmp_path))
    assert [item["slug"] for item in archive["organizations"]] == ["militia", "umbrella"]
    assert [item["slug"] for item in archive["countries"]] == ["iran", "iraq"]
    militia = by_slug(archive["organizations"], "militia")
    assert (militia["parent"], militia["aliases"], militia["countries"]) == ("umbrella", ["The Brigade"], ["iraq"])
    assert militia["designations"][0]["designated_on"] == "2009-07-02"
    assert by_slug(archive["people"], "commander")["roles"] == [
        {"title": "Commander", "organization": "militia", "started_on": "2020-01-01", "ended_on": None}
    ]
    assert by_slug(archive["outlets"], "daily")["aliases"] == ["The Daily"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a commit from another connection during the export")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_entity_deleted_while_the_archive_is_exported_is_in_the_file_as_of_the_start(content, tmp_path):
    """The file is the database as of one moment: an editor's deletion that commits meanwhile is not half in it."""
    first, _ = content
    fleeting = OrganizationFactory(slug="fleeting")
    first.organizations.add(fleeting)

    def deleted_by_an_editor():
        try:
            Organization.objects.filter(pk=fleeting.pk).delete()
        finally:
            connections.close_all()  # this thread's own connection

    deleted = []

    def delete_after_the_reports_are_read(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not deleted and 'FROM "reports_report"' in sql:
            deleted.append(sql)
            editor = threading.Thread(target=deleted_by_an_editor)
            editor.start()
            editor.join()
        return result

    with connection.execute_wrapper(delete_after_the_reports_are_read):
        archive = json.loads(export(tmp_path))
    assert deleted and not Organization.objects.filter(slug="fleeting").exists()
    assert by_slug(archive["reports"], "a-first")["organizations"] == ["fleeting", "militia"]
    assert by_slug(archive["organizations"], "fleeting")["slug"] == "fleeting"


def test_the_export_goes_to_standard_output_with_a_dash(content, tmp_path):
    """`-` writes the same file to standard output, and nothing else there."""
    out = io.StringIO()
    call_command("export_reports", "-", stdout=out, stderr=io.StringIO())
    assert out.getvalue() == export(tmp_path)


def test_the_import_reads_standard_input_with_a_dash(content, tmp_path, monkeypatch):
    """`-` reads the file from standard input."""
    archive = json.loads(export(tmp_path))
    archive["reports"][0]["title"] = "Read from standard input"
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(archive)))
    import_file("-")
    assert Report.objects.get(slug="a-first").title == "Read from standard input"


def test_importing_the_file_a_database_was_exported_to_changes_nothing(content, tmp_path):
    """Everything is matched by slug (quotes by speakers and translation) and found unchanged."""
    export(tmp_path)
    before = snapshot()
    output = import_file(tmp_path / "archive.json")
    assert snapshot() == before
    assert "reports: 0 created, 0 updated, 2 unchanged" in output
    assert "quotes: 0 created, 0 updated, 2 unchanged" in output


def test_import_updates_an_existing_report_by_slug(content, tmp_path):
    """The same report, row and all, takes the file's title, footnotes, tags and links."""
    first, _ = content
    archive = json.loads(export(tmp_path))
    edited = by_slug(archive["reports"], "a-first")
    edited["title"] = "A corrected title"
    edited["footnotes"] = [{"position": 1, "text": "One source only.", "url": "", "outlet": None}]
    edited["tags"] = ["threats"]
    edited["related_reports"] = []
    by_slug(archive["reports"], "b-second")["related_reports"] = []
    output = import_file(write(tmp_path, json.dumps(archive)))

    report = Report.objects.get(slug="a-first")
    assert (report.pk, report.title) == (first.pk, "A corrected title")
    assert [note.text for note in report.footnotes.all()] == ["One source only."]
    assert list(report.tags.names()) == ["threats"]
    assert not report.related_reports.exists()
    assert Report.objects.count() == 2
    assert "reports: 0 created, 2 updated, 0 unchanged" in output


def test_an_access_change_goes_out_and_comes_back_and_a_file_written_before_them_still_imports(content, tmp_path):
    archive = json.loads(export(tmp_path))
    by_slug(archive["reports"], "a-first").update(access_changes_at="2024-01-15T00:00:00Z", access_after=None)
    import_file(write(tmp_path, json.dumps(archive)))
    report = Report.objects.get(slug="a-first")
    assert report.complimentary_since == dt.datetime(2024, 1, 15, tzinfo=dt.timezone.utc)
    assert by_slug(json.loads(export(tmp_path, "again.json"))["reports"], "a-first")["access_changes_at"] == "2024-01-15T00:00:00Z"

    for item in archive["reports"]:
        del item["access_changes_at"], item["access_after"]
    output = import_file(write(tmp_path, json.dumps(archive), "older.json"))
    assert "reports: 0 created, 1 updated, 1 unchanged" in output
    report.refresh_from_db()
    assert report.access_changes_at is None and not report.is_complimentary, "no change in the file: none kept"


def test_a_related_report_named_on_one_side_links_both(content, tmp_path):
    """Related reports are a two-way link: the file may name it on either report."""
    archive = json.loads(export(tmp_path))
    by_slug(archive["reports"], "b-second")["related_reports"] = []
    empty_the_archive()
    import_file(write(tmp_path, json.dumps(archive)))
    assert list(Report.objects.get(slug="b-second").related_reports.values_list("slug", flat=True)) == ["a-first"]


def test_dry_run_says_what_would_change_and_changes_nothing(content, tmp_path):
    """--dry-run goes through the whole import, counts the changes and writes none of them."""
    archive = json.loads(export(tmp_path))
    by_slug(archive["reports"], "a-first")["title"] = "A title that would change"
    new = dict(by_slug(archive["reports"], "b-second"), slug="c-new", related_reports=[])
    archive["reports"].append(new)
    before = snapshot()
    output = import_file(write(tmp_path, json.dumps(archive)), "--dry-run")
    assert snapshot() == before
    assert "reports: 1 created, 1 updated, 1 unchanged" in output
    assert "nothing was written" in output


def first(archive):
    return archive["reports"][0]


def second(archive):
    return archive["reports"][1]


# id: (how the exported archive is spoiled, what the error says)
MALFORMED = {
    "wrong-format": (
        lambda a: a.update(format="django-fixture"),
        "format: expected 'memri-reports', got 'django-fixture'",
    ),
    "wrong-version": (lambda a: a.update(version=2), "version: expected 1, got 2"),
    "missing-title": (lambda a: second(a).pop("title"), "reports[1].title: missing"),
    "footnote-position-abc": (
        lambda a: first(a)["footnotes"][1].update(position="abc"),
        "reports[0].footnotes[1].position: expected a positive integer",
    ),
    "unknown-tier": (lambda a: first(a).update(access="gold"), "reports[0].access: unknown tier 'gold'"),
    "unknown-organization": (
        lambda a: first(a)["organizations"].append("no-such-group"),
        "reports[0].organizations[1]: unknown organization 'no-such-group': neither in the file nor in the database",
    ),
    "invalid-published-at": (
        lambda a: first(a).update(published_at="yesterday"),
        "reports[0].published_at: expected an ISO 8601 time with a time zone",
    ),
    "published-at-without-time-zone": (
        lambda a: first(a).update(published_at="2023-12-01T15:00:00"),
        "reports[0].published_at: expected an ISO 8601 time with a time zone",
    ),
    "valid-first-report-invalid-second": (
        lambda a: (first(a).update(title="A valid new title"), second(a).update(status="archived")),
        "reports[1].status: Value 'archived' is not a valid choice.",
    ),
    "number-taken-in-series": (
        lambda a: second(a).update(number=first(a)["number"]),
        "reports[1]: Another report in this series already has this number.",
    ),
    "duplicate-slug": (lambda a: second(a).update(slug="a-first"), "reports[1].slug: the same slug as reports[0].slug"),
    "wrong-type": (lambda a: first(a).update(tags="threats"), "reports[0].tags: expected a list"),
    "unknown-key": (lambda a: first(a).update(body_html="<p>"), "reports[0].body_html: unknown key"),
    "repeated-footnote-position": (
        lambda a: first(a)["footnotes"][1].update(position=1),
        "reports[0].footnotes[1].position: the same position as reports[0].footnotes[0].position",
    ),
    "invalid-date": (
        lambda a: a["organizations"][0]["designations"][0].update(designated_on="2009-13-01"),
        "organizations[0].designations[0].designated_on: expected a date as YYYY-MM-DD, got '2009-13-01'",
    ),
    "one-quote-told-two-ways": (
        lambda a: second(a)["quotes"][0].update(said_on="2020-01-01"),
        "reports[1].quotes[0]: the same quote as reports[0].quotes[1] (speakers and translation), told differently",
    ),
    "unknown-speaker": (
        lambda a: first(a)["quotes"][0].update(person="nobody"),
        "reports[0].quotes[0].person: unknown person 'nobody'",
    ),
    "quote-without-speaker": (
        lambda a: first(a)["quotes"][0].update(person=None, organization=None),
        "reports[0].quotes[0]: A quote needs a speaker: a person, an organization or both.",
    ),
}


def assert_refused_without_change(path, message):
    before = snapshot()
    with pytest.raises(CommandError, match=re.escape(message)):
        import_file(path)
    assert snapshot() == before


@pytest.mark.parametrize("spoil, message", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_file_is_refused_with_what_and_where_and_changes_nothing(content, tmp_path, spoil, message):
    """Each kind of problem stops the import with a message naming it and its place; no row changes."""
    archive = json.loads(export(tmp_path))
    spoil(archive)
    assert_refused_without_change(write(tmp_path, json.dumps(archive)), message)


def test_a_file_that_is_not_json_is_refused_and_changes_nothing(content, tmp_path):
    """Invalid JSON is refused with the line and column where decoding stopped."""
    path = write(tmp_path, '{"format": "memri-reports",')
    assert_refused_without_change(path, "not valid JSON: Expecting property name enclosed in double quotes: line 1 column 28")


def test_a_file_that_is_not_a_json_object_is_refused(db, tmp_path):
    """A JSON list (or string, or number) is not an archive."""
    with pytest.raises(CommandError, match=re.escape("the file: expected a JSON object")):
        import_file(write(tmp_path, "[]"))


def test_a_missing_file_is_refused(db, tmp_path):
    """The error names the file it could not read."""
    with pytest.raises(CommandError, match="Cannot read .*missing.json"):
        import_file(tmp_path / "missing.json")


# --- The files of reports: described in the document, their bytes in a folder beside it ---------


@pytest.fixture
def with_files(content):
    first, second = content
    files = {
        "image": report_image(first, media_files.jpeg(width=120, height=80), caption="A convoy", public_cover="on",
                              credit_outlet=Outlet.objects.get(slug="daily").pk, credit_date="2023-12-01"),
        "document": report_document(first, media_files.pdf(), quote_number=2, title="The statement"),
        "quote_copy": archived_source(first, media_files.png(width=40, height=30), cites="quote", number=2),
        "note_copy": archived_source(first, media_files.html_snapshot(), cites="note", number=1),
    }
    return {name: (item.sha256, item.file.read()) for name, item in files.items()}


def test_files_go_out_beside_the_archive_and_come_back_byte_for_byte(with_files, tmp_path):
    first = export(tmp_path, "first.json")
    folder = tmp_path / "first.json.files"
    assert sorted(path.name for path in folder.iterdir()) == sorted(sha256 for sha256, _ in with_files.values())
    report = by_slug(json.loads(first)["reports"], "a-first")
    assert report["archived_sources"][1] == {**report["archived_sources"][1], "cites": "quote", "number": 2}
    assert report["images"][0]["credit_outlet"] == "daily" and report["documents"][0]["quote"] == 2
    empty_the_archive()
    assert not ReportImage.objects.exists()
    import_file(tmp_path / "first.json")
    assert export(tmp_path, "second.json") == first
    stored = {item.sha256: item.file.read() for model in (ReportImage, Document, ArchivedSource) for item in model.objects.all()}
    assert stored == dict(with_files.values())
    assert ReportImage.objects.get().renditions.count() == 2  # its width, in WebP and JPEG, made anew
    again = import_file(tmp_path / "first.json").splitlines()[:-1]
    assert all("0 created, 0 updated" in line for line in again), again  # nothing differs, the files included


def test_a_file_missing_or_not_of_its_hash_is_refused_and_nothing_changes(with_files, tmp_path):
    export(tmp_path)
    folder = tmp_path / "archive.json.files"
    document_sha, _ = with_files["document"]
    (folder / document_sha).write_bytes(media_files.PDF + b"tampered")
    (folder / with_files["note_copy"][0]).unlink()
    empty_the_archive()
    before = snapshot()
    with pytest.raises(CommandError) as refused:
        import_file(tmp_path / "archive.json")
    assert "documents[0].sha256: the file" in str(refused.value) and "does not have this SHA-256" in str(refused.value)
    assert "archived_sources[0].sha256: no file of this SHA-256" in str(refused.value)
    assert snapshot() == before


def test_an_archive_naming_files_without_their_folder_is_refused(with_files, tmp_path):
    text = export(tmp_path)
    path = write(tmp_path, text, "moved.json")
    with pytest.raises(CommandError, match=r"images\[0\]\.sha256: the archive names a file: give the folder"):
        import_file(path)
    import_file(path, "--files", str(tmp_path / "archive.json.files"))
