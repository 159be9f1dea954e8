"""
The archive: every report and what it refers to, as one JSON document, and back.

`export_archive()` returns the document; `dump_archive()` writes it the one way we write it (sorted
keys, two-space indent, UTF-8 text); `import_archive()` checks a whole document, then creates or
updates by slug in one transaction.

The document (`"format": "memri-reports"`, `"version": 1`) holds:

- `reports`: every report, whatever its status, with its footnotes and, in order, the quotes it
  carries (written out in each report that carries them);
- `series`, `countries`, `organizations`, `people`, `outlets`: the entities the reports refer to,
  directly or through one another (an organization's parent, a person's roles, …), in full.

A report's files (`images`, `documents`, `archived_sources`, since version 1 began: an older file
may lack them) are described in the document, each by the SHA-256 of its bytes; the bytes travel
beside it, one file per SHA-256 in a folder (`export_files`; the commands use PATH.files/). An
import checks that every file the document names is in that folder with that hash before it writes
anything, stores the bytes as they are, and makes an image's renditions anew. Quotes are named
by their number in the report as the document orders them (1, 2, …), notes by their position;
who captured an archived copy is a desk account, and not exported.

Objects refer to one another by slug; a report's access names a tier by slug (tiers come from a data
migration and are not part of the archive). Only the fields listed in `export_archive` are written:
never ids, rendered HTML, created/updated stamps, authors or version counters.

On import, what the file says of an object replaces what the database holds: its fields, its
aliases, designations, roles and footnotes, its quotes and links. Objects the file does not mention
are left alone. A quote is the existing one with the same speakers and translation, or a new one.
Related reports are a two-way link: naming it on either report links both.
"""
import datetime as dt
import hashlib
import json
import shutil
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.files.base import ContentFile

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Prefetch

from reports.media.files import inspect, renditions
from reports.models import (
    ArchivedSource,
    Country,
    Document,
    Organization,
    Outlet,
    Person,
    Quote,
    Report,
    ReportImage,
    ReportQuote,
    Role,
    Series,
    Tier,
)
from reports.models.media import media_storage
from reports.search.names import normalize_name

FORMAT = "memri-reports"
VERSION = 1
ENTITY_KINDS = ("series", "countries", "organizations", "people", "outlets")
MODELS = {
    "series": Series,
    "countries": Country,
    "organizations": Organization,
    "people": Person,
    "outlets": Outlet,
    "reports": Report,
    "tiers": Tier,
}
MAX_PROBLEMS_SHOWN = 20


class ArchiveError(Exception):
    """The archive cannot be imported. Each of `problems` reads `where: what is wrong`."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        if len(problems) > len(shown):
            shown.append(f"… and {len(problems) - len(shown)} more")
        super().__init__("\n".join(shown))


# Export ---------------------------------------------------------------------------------------


@contextmanager
def consistent_reads():
    """
    Every read inside sees the database as of the first one, whatever commits meanwhile (as pg_dump
    reads it): an export read across moments could name an entity deleted in between, and fail
    on it, or describe a file it does not copy. On PostgreSQL a REPEATABLE READ, READ ONLY
    transaction; SQLite's reads in one transaction see one state already. Inside a transaction
    begun by someone else (a test's), that transaction's own state.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def export_archive() -> dict:
    """Every report, and every entity a report refers to directly or through another entity."""
    reports = list(
        Report.objects.select_related("series", "required_tier", "access_after").prefetch_related(
            "tags",
            "countries",
            "organizations",
            "people",
            "outlets",
            "related_reports",
            "footnotes__outlet",
            Prefetch(
                "report_quotes",
                ReportQuote.objects.select_related("quote__person", "quote__organization", "quote__outlet"),
            ),
            Prefetch("images", ReportImage.objects.select_related("credit_outlet")),
            "documents",
            "archived_sources",
        )
    )
    quotes = [carried.quote for report in reports for carried in report.report_quotes.all()]
    organizations = _by_pk(
        Organization.objects.select_related("parent", "state_sponsor").prefetch_related(
            "aliases", "designations", "countries"
        )
    )
    people = _by_pk(
        Person.objects.prefetch_related("aliases", Prefetch("roles", Role.objects.select_related("organization")))
    )
    outlets = _by_pk(Outlet.objects.select_related("country").prefetch_related("aliases"))
    countries = _by_pk(Country.objects.all())

    person_ids = _linked(reports, "people") | {quote.person_id for quote in quotes}
    person_ids.discard(None)
    outlet_ids = _linked(reports, "outlets") | {quote.outlet_id for quote in quotes}
    outlet_ids |= {note.outlet_id for report in reports for note in report.footnotes.all()}
    outlet_ids |= {image.credit_outlet_id for report in reports for image in report.images.all()}
    outlet_ids.discard(None)
    organization_ids = _linked(reports, "organizations") | {quote.organization_id for quote in quotes}
    organization_ids |= {role.organization_id for pk in person_ids for role in people[pk].roles.all()}
    organization_ids.discard(None)
    pending = list(organization_ids)
    while pending:
        parent_id = organizations[pending.pop()].parent_id
        if parent_id is not None and parent_id not in organization_ids:
            organization_ids.add(parent_id)
            pending.append(parent_id)
    country_ids = _linked(reports, "countries") | _linked([organizations[pk] for pk in organization_ids], "countries")
    country_ids |= {organizations[pk].state_sponsor_id for pk in organization_ids}
    country_ids |= {outlets[pk].country_id for pk in outlet_ids}
    country_ids.discard(None)

    return {
        "format": FORMAT,
        "version": VERSION,
        "series": _exported(_export_series, {report.series for report in reports}),
        "countries": _exported(_export_country, (countries[pk] for pk in country_ids)),
        "organizations": _exported(_export_organization, (organizations[pk] for pk in organization_ids)),
        "people": _exported(_export_person, (people[pk] for pk in person_ids)),
        "outlets": _exported(_export_outlet, (outlets[pk] for pk in outlet_ids)),
        "reports": _exported(_export_report, reports),
    }


def dump_archive(archive: dict) -> str:
    """The archive as text, the same for the same content: sorted keys, indent 2, UTF-8 as is."""
    return json.dumps(archive, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _by_pk(queryset) -> dict:
    return {obj.pk: obj for obj in queryset}


def _linked(objects, relation: str) -> set:
    return {linked.pk for obj in objects for linked in getattr(obj, relation).all()}


def _exported(export: Callable[[Any], dict], objects: Iterable) -> list[dict]:
    return sorted((export(obj) for obj in objects), key=lambda item: item["slug"])


def _slug(obj) -> str | None:
    return obj.slug if obj is not None else None


def _slugs(objects) -> list[str]:
    return sorted(obj.slug for obj in objects)


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _utc(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z") if value is not None else None


def _aliases(entity) -> list[str]:
    return sorted(alias.name for alias in entity.aliases.all())


def _ordered_rows(rows: Iterable[dict], *keys: str) -> list[dict]:
    """Rows without a slug, in a fixed order: by `keys`, then by all their content."""
    return sorted(rows, key=lambda row: ([row[key] or "" for key in keys], json.dumps(row, sort_keys=True)))


def _export_series(series: Series) -> dict:
    return {"slug": series.slug, "name": series.name, "description": series.description}


def _export_country(country: Country) -> dict:
    return {"slug": country.slug, "name": country.name, "iso_code": country.iso_code}


def _export_organization(organization: Organization) -> dict:
    designations = [
        {
            "authority": designation.authority,
            "designation": designation.designation,
            "designated_on": _date(designation.designated_on),
            "revoked_on": _date(designation.revoked_on),
            "url": designation.url,
        }
        for designation in organization.designations.all()
    ]
    return {
        "slug": organization.slug,
        "name": organization.name,
        "kind": organization.kind,
        "description": organization.description,
        "aliases": _aliases(organization),
        "parent": _slug(organization.parent),
        "state_sponsor": _slug(organization.state_sponsor),
        "countries": _slugs(organization.countries.all()),
        "designations": _ordered_rows(designations, "designated_on", "authority", "designation"),
    }


def _export_person(person: Person) -> dict:
    roles = [
        {
            "title": role.title,
            "organization": _slug(role.organization),
            "started_on": _date(role.started_on),
            "ended_on": _date(role.ended_on),
        }
        for role in person.roles.all()
    ]
    return {
        "slug": person.slug,
        "name": person.name,
        "description": person.description,
        "aliases": _aliases(person),
        "roles": _ordered_rows(roles, "started_on", "title", "organization"),
    }


def _export_outlet(outlet: Outlet) -> dict:
    return {
        "slug": outlet.slug,
        "name": outlet.name,
        "kind": outlet.kind,
        "description": outlet.description,
        "aliases": _aliases(outlet),
        "country": _slug(outlet.country),
        "language": outlet.language,
        "stance": outlet.stance,
        "url": outlet.url,
    }


def _export_quote(quote: Quote) -> dict:
    return {
        "person": _slug(quote.person),
        "organization": _slug(quote.organization),
        "outlet": _slug(quote.outlet),
        "said_on": _date(quote.said_on),
        "url": quote.url,
        "original_language": quote.original_language,
        "original_text": quote.original_text,
        "translation": quote.translation,
    }


def _export_report(report: Report) -> dict:
    footnotes = sorted(report.footnotes.all(), key=lambda note: note.position)
    carried = sorted(report.report_quotes.all(), key=lambda item: (item.position, item.pk))
    return {
        "slug": report.slug,
        "series": report.series.slug,
        "number": report.number,
        "title": report.title,
        "summary": report.summary,
        "body": report.body,
        "status": report.status,
        "published_at": _utc(report.published_at),
        "access": _slug(report.required_tier),
        "access_changes_at": _utc(report.access_changes_at),
        "access_after": _slug(report.access_after),
        "footnotes": [
            {"position": note.position, "text": note.text, "url": note.url, "outlet": _slug(note.outlet)}
            for note in footnotes
        ],
        "quotes": [_export_quote(item.quote) for item in carried],
        "organizations": _slugs(report.organizations.all()),
        "people": _slugs(report.people.all()),
        "outlets": _slugs(report.outlets.all()),
        "countries": _slugs(report.countries.all()),
        "tags": sorted(tag.name for tag in report.tags.all()),
        "related_reports": _slugs(report.related_reports.all()),
        **_export_files(report, {item.position: number for number, item in enumerate(carried, start=1)}),
    }


def _export_files(report: Report, quote_numbers: dict) -> dict:
    """The report's files as the document describes them; `quote_numbers`: a quote's position → its number in the document."""

    def quote(position):
        return quote_numbers.get(position) if position is not None else None

    def described(item, **fields):
        return {"sha256": item.sha256, "content_type": item.content_type, **fields}

    images = [
        described(
            image, position=image.position, alt_text=image.alt_text, caption=image.caption,
            credit_outlet=_slug(image.credit_outlet), credit_date=_date(image.credit_date), public_cover=image.public_cover,
        )
        for image in report.images.all()
    ]
    documents = [
        described(
            document, title=document.title, kind=document.kind, quote=quote(document.quote_number),
            language=document.language, source=document.source, source_url=document.source_url,
        )
        for document in report.documents.all()
    ]
    archived = [
        described(
            source, cites=source.cites, kind=source.kind, original_url=source.original_url, captured_at=_utc(source.captured_at),
            number=quote(source.number) if source.cites == ArchivedSource.Cites.QUOTE else source.number,
        )
        for source in report.archived_sources.all()
    ]
    return {
        "images": sorted(images, key=lambda item: (item["position"], item["sha256"])),
        "documents": sorted(documents, key=lambda item: (item["quote"] or 0, item["title"], item["sha256"])),
        "archived_sources": sorted(archived, key=lambda item: (item["cites"], item["number"] or 0, item["sha256"])),
    }


def export_files(directory) -> int:
    """Copy every report's file into `directory`, named by its SHA-256 (each once); return how many."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = set()
    for model in (ReportImage, Document, ArchivedSource):
        for name, sha256 in model.objects.values_list("file", "sha256").iterator():
            if sha256 not in written:
                with media_storage().open(name, "rb") as source, (directory / sha256).open("wb") as target:
                    shutil.copyfileobj(source, target)
                written.add(sha256)
    return len(written)


# Validation -----------------------------------------------------------------------------------


class _Checker:
    """Notes each problem with its place in the file, and each slug the file refers to."""

    def __init__(self):
        self.problems: list[str] = []
        self.references: list[tuple[str, str, str]] = []  # (kind, slug, path)
        self.files: list[tuple[str, str]] = []  # (sha256, path)

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")

    def raise_problems(self) -> None:
        if self.problems:
            raise ArchiveError(self.problems)


Check = Callable[[_Checker, Any, str], Any]


def _key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _string(checker: _Checker, value: Any, path: str) -> str | None:
    if isinstance(value, str):
        return value
    return checker.fail(path, "expected a string")


def _slug_value(checker: _Checker, value: Any, path: str) -> str | None:
    if isinstance(value, str) and value:
        return value
    return checker.fail(path, "expected a slug (a non-empty string)")


def _reference(kind: str) -> Check:
    def check(checker: _Checker, value: Any, path: str) -> str | None:
        slug = _slug_value(checker, value, path)
        if slug is not None:
            checker.references.append((kind, slug, path))
        return slug

    return check


def _integer(minimum: int) -> Check:
    description = "a positive integer" if minimum == 1 else f"an integer of at least {minimum}"

    def check(checker: _Checker, value: Any, path: str) -> int | None:
        if isinstance(value, int) and not isinstance(value, bool) and value >= minimum:
            return value
        return checker.fail(path, f"expected {description}")

    return check


def _day(checker: _Checker, value: Any, path: str) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value)
        if day.isoformat() == value:
            return day
    except (TypeError, ValueError):
        pass
    return checker.fail(path, f"expected a date as YYYY-MM-DD, got {value!r}")


def _moment(checker: _Checker, value: Any, path: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is not None:
            return moment
    except (TypeError, ValueError):
        pass
    return checker.fail(path, f"expected an ISO 8601 time with a time zone, e.g. 2023-12-01T15:00:00Z, got {value!r}")


def _optional(check: Check) -> Check:
    def check_optional(checker: _Checker, value: Any, path: str) -> Any:
        return None if value is None else check(checker, value, path)

    return check_optional


def _list_of(check: Check) -> Check:
    def check_list(checker: _Checker, value: Any, path: str) -> list | None:
        if not isinstance(value, list):
            return checker.fail(path, "expected a list")
        return [check(checker, item, f"{path}[{index}]") for index, item in enumerate(value)]

    return check_list


def _record(fields: dict[str, Check], may_lack: frozenset = frozenset()) -> Check:
    """An object with exactly these keys, but for those in `may_lack` (added since version 1 began), None when absent."""

    def check_record(checker: _Checker, value: Any, path: str) -> dict | None:
        if not isinstance(value, dict):
            return checker.fail(path or "the file", "expected an object")
        for key in sorted(value.keys() - fields.keys()):
            checker.fail(_key_path(path, key), "unknown key")
        checked = {}
        for key, check in fields.items():
            if key in value:
                checked[key] = check(checker, value[key], _key_path(path, key))
            elif key in may_lack:
                checked[key] = None
            else:
                checker.fail(_key_path(path, key), "missing")
        return checked

    return check_record




def _named_entity(**fields: Check) -> Check:
    """An organization, person or outlet: what they share, and their own `fields`."""
    shared = {"slug": _slug_value, "name": _string, "description": _string, "aliases": _list_of(_string)}
    return _record({**shared, **fields})


_DESIGNATION = _record(
    {"authority": _string, "designation": _string, "designated_on": _day, "revoked_on": _optional(_day), "url": _string}
)
_ROLE = _record(
    {
        "title": _string,
        "organization": _optional(_reference("organizations")),
        "started_on": _optional(_day),
        "ended_on": _optional(_day),
    }
)
_FOOTNOTE = _record(
    {"position": _integer(1), "text": _string, "url": _string, "outlet": _optional(_reference("outlets"))}
)
_QUOTE = _record(
    {
        "person": _optional(_reference("people")),
        "organization": _optional(_reference("organizations")),
        "outlet": _optional(_reference("outlets")),
        "said_on": _optional(_day),
        "url": _string,
        "original_language": _string,
        "original_text": _string,
        "translation": _string,
    }
)
def _sha256(checker: _Checker, value: Any, path: str) -> str | None:
    if not isinstance(value, str) or len(value) != 64 or value.strip("0123456789abcdef"):
        return checker.fail(path, "expected a SHA-256, 64 lowercase hex digits")
    checker.files.append((value, path))
    return value


def _flag(checker: _Checker, value: Any, path: str) -> bool | None:
    if not isinstance(value, bool):
        return checker.fail(path, "expected true or false")
    return value


_FILE = {"sha256": _sha256, "content_type": _string}
_IMAGE = _record(
    {
        **_FILE, "position": _integer(0), "alt_text": _string, "caption": _string,
        "credit_outlet": _optional(_reference("outlets")), "credit_date": _optional(_day), "public_cover": _flag,
    }
)
_DOCUMENT = _record(
    {**_FILE, "title": _string, "kind": _string, "quote": _optional(_integer(1)), "language": _string, "source": _string,
     "source_url": _string}
)
_ARCHIVED_SOURCE = _record(
    {**_FILE, "cites": _string, "kind": _string, "number": _integer(0), "original_url": _string, "captured_at": _moment}
)
_ARCHIVE = _record(
    {
        "format": _string,
        "version": _integer(1),
        "series": _list_of(_record({"slug": _slug_value, "name": _string, "description": _string})),
        "countries": _list_of(_record({"slug": _slug_value, "name": _string, "iso_code": _string})),
        "organizations": _list_of(
            _named_entity(
                kind=_string,
                parent=_optional(_reference("organizations")),
                state_sponsor=_optional(_reference("countries")),
                countries=_list_of(_reference("countries")),
                designations=_list_of(_DESIGNATION),
            )
        ),
        "people": _list_of(_named_entity(roles=_list_of(_ROLE))),
        "outlets": _list_of(
            _named_entity(
                kind=_string,
                country=_optional(_reference("countries")),
                language=_string,
                stance=_string,
                url=_string,
            )
        ),
        "reports": _list_of(
            _record(
                {
                    "slug": _slug_value,
                    "series": _reference("series"),
                    "number": _optional(_integer(0)),
                    "title": _string,
                    "summary": _string,
                    "body": _string,
                    "status": _string,
                    "published_at": _optional(_moment),
                    "access": _optional(_reference("tiers")),
                    "access_changes_at": _optional(_moment),
                    "access_after": _optional(_reference("tiers")),
                    "footnotes": _list_of(_FOOTNOTE),
                    "quotes": _list_of(_QUOTE),
                    "organizations": _list_of(_reference("organizations")),
                    "people": _list_of(_reference("people")),
                    "outlets": _list_of(_reference("outlets")),
                    "countries": _list_of(_reference("countries")),
                    "tags": _list_of(_string),
                    "related_reports": _list_of(_reference("reports")),
                    "images": _list_of(_IMAGE),
                    "documents": _list_of(_DOCUMENT),
                    "archived_sources": _list_of(_ARCHIVED_SOURCE),
                },
                may_lack=frozenset({"access_changes_at", "access_after", "images", "documents", "archived_sources"}),
            )
        ),
    }
)


def validate_archive(data: Any, files=None) -> dict:
    """
    Check a decoded archive as a whole; return it with dates and times parsed.

    Raises ArchiveError listing the problems found: a wrong format or version (alone); else missing
    or unknown keys, wrong types, bad dates; once those are right, repeated slugs, positions or
    aliases, a quote told two ways, and slugs (or tiers) neither in the file nor in the database.
    """
    if not isinstance(data, dict):
        raise ArchiveError(["the file: expected a JSON object"])
    if data.get("format") != FORMAT:
        raise ArchiveError([f"format: expected {FORMAT!r}, got {data.get('format')!r}"])
    if data.get("version") != VERSION:
        raise ArchiveError([f"version: expected {VERSION}, got {data.get('version')!r}"])
    checker = _Checker()
    archive = _ARCHIVE(checker, data, "")
    checker.raise_problems()
    _check_repeats(checker, archive)
    _check_references(checker, archive)
    _check_files(checker, files)
    checker.raise_problems()
    return archive


def _check_files(checker: _Checker, files) -> None:
    """Each file the document names is in the folder `files`, its bytes of the SHA-256 named."""
    found: dict[str, str | None] = {}
    for sha256, path in checker.files:
        if files is None:
            checker.fail(path, "the archive names a file: give the folder its files are in")
            continue
        if sha256 not in found:
            stored = Path(files) / sha256
            if not stored.is_file():
                found[sha256] = f"no file of this SHA-256 in {files}"
            else:
                with stored.open("rb") as stream:
                    digest = hashlib.file_digest(stream, "sha256").hexdigest()
                found[sha256] = None if digest == sha256 else f"the file {stored} does not have this SHA-256"
        if found[sha256]:
            checker.fail(path, found[sha256])


def _no_repeats(checker: _Checker, items: Iterable[tuple[str, Any]], message: str) -> None:
    """Fail each (path, key) whose key an earlier item already had; `message` names the first."""
    first: dict[Any, str] = {}
    for path, key in items:
        if key in first:
            checker.fail(path, message.format(first=first[key]))
        else:
            first[key] = path


def _check_repeats(checker: _Checker, archive: dict) -> None:
    for kind in (*ENTITY_KINDS, "reports"):
        _no_repeats(
            checker,
            ((f"{kind}[{index}].slug", item["slug"]) for index, item in enumerate(archive[kind])),
            "the same slug as {first}",
        )
    for kind in ("organizations", "people", "outlets"):
        for index, item in enumerate(archive[kind]):
            _no_repeats(
                checker,
                ((f"{kind}[{index}].aliases[{n}]", normalize_name(name)) for n, name in enumerate(item["aliases"])),
                "the same name as {first}, once spelling differences are folded",
            )
    quotes: dict[tuple, tuple[str, dict]] = {}
    for index, report in enumerate(archive["reports"]):
        path = f"reports[{index}]"
        _no_repeats(
            checker,
            ((f"{path}.footnotes[{n}].position", note["position"]) for n, note in enumerate(report["footnotes"])),
            "the same position as {first}",
        )
        _no_repeats(
            checker,
            ((f"{path}.quotes[{n}]", _quote_key(quote)) for n, quote in enumerate(report["quotes"])),
            "the same quote (speakers and translation) as {first}",
        )
        for n, quote in enumerate(report["quotes"]):
            first_path, first = quotes.setdefault(_quote_key(quote), (f"{path}.quotes[{n}]", quote))
            if quote != first:
                checker.fail(
                    f"{path}.quotes[{n}]",
                    f"the same quote as {first_path} (speakers and translation), told differently",
                )


def _check_references(checker: _Checker, archive: dict) -> None:
    in_file = {kind: {item["slug"] for item in archive[kind]} for kind in (*ENTITY_KINDS, "reports")}
    wanted = defaultdict(list)
    for kind, slug, path in checker.references:
        if slug not in in_file.get(kind, ()):
            wanted[kind].append((slug, path))
    for kind, references in wanted.items():
        model = MODELS[kind]
        known = set(model.objects.filter(slug__in={slug for slug, _ in references}).values_list("slug", flat=True))
        for slug, path in references:
            if slug in known:
                continue
            if kind == "tiers":
                checker.fail(path, f"unknown tier {slug!r}")
            else:
                name = model._meta.verbose_name
                checker.fail(path, f"unknown {name} {slug!r}: neither in the file nor in the database")


def _quote_key(quote: dict) -> tuple:
    return quote["person"], quote["organization"], quote["translation"]


# Import ---------------------------------------------------------------------------------------

OUTCOMES = ("created", "updated", "unchanged")


@dataclass
class ImportSummary:
    """What an import created, updated or left as it was: {kind: {label: outcome}}."""

    outcomes: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))

    def note(self, kind: str, label: str, outcome: str) -> None:
        """Record an outcome; an object created, or updated by any step, stays so."""
        previous = self.outcomes[kind].get(label, "unchanged")
        self.outcomes[kind][label] = min(previous, outcome, key=OUTCOMES.index)

    def count(self, kind: str, outcome: str) -> int:
        return sum(1 for value in self.outcomes.get(kind, {}).values() if value == outcome)

    def lines(self) -> list[str]:
        """One line a kind: 'reports: 1 created, 2 updated, 3 unchanged'."""
        return [
            f"{kind}: " + ", ".join(f"{self.count(kind, outcome)} {outcome}" for outcome in OUTCOMES)
            for kind in (*ENTITY_KINDS, "quotes", "reports")
        ]

    def changes(self) -> list[str]:
        """One line an object created or updated: 'created reports some-slug'."""
        return [
            f"{outcome} {kind} {label}"
            for kind, labels in self.outcomes.items()
            for label, outcome in sorted(labels.items())
            if outcome != "unchanged"
        ]


def import_archive(data: dict, *, files=None, dry_run: bool = False) -> ImportSummary:
    """
    Check the whole archive, then create or update its objects by slug, in one transaction; the
    files it names are read from the folder `files` (see the module's docstring).

    Raises ArchiveError, and changes nothing, if the file is malformed or an object fails model
    validation or a database constraint. With `dry_run` the changes are made, counted and rolled
    back (files are compared, not written).
    """
    with transaction.atomic():
        archive = validate_archive(data, files)
        summary = _Importer(archive, ImportSummary(), files=files, dry_run=dry_run).run()
        if dry_run:
            transaction.set_rollback(True)
    return summary


@contextmanager
def _writing(path: str):
    """Turn a model validation or database error into an ArchiveError that says where."""
    try:
        yield
    except ValidationError as error:
        raise ArchiveError(_validation_problems(error, path)) from error
    except DatabaseError as error:
        raise ArchiveError([f"{path}: {error}"]) from error


def _validation_problems(error: ValidationError, path: str) -> list[str]:
    if not hasattr(error, "error_dict"):
        return [f"{path}: {message}" for message in error.messages]
    file_keys = {"required_tier": "access"}
    return [
        f"{path if name == NON_FIELD_ERRORS else _key_path(path, file_keys.get(name, name))}: {message}"
        for name, messages in error.message_dict.items()
        for message in messages
    ]


def _save(obj: models.Model, path: str) -> None:
    with _writing(path):
        obj.full_clean()
        obj.save()


def _update(obj: models.Model, values: dict, path: str) -> str:
    """Bring `obj` in line with `values` (model instances for foreign keys); save if anything differs."""
    created = obj._state.adding
    changed = {
        name: value
        for name, value in values.items()
        if getattr(obj, obj._meta.get_field(name).attname) != (value.pk if isinstance(value, models.Model) else value)
    }
    if not (created or changed):
        return "unchanged"
    for name, value in changed.items():
        setattr(obj, name, value)
    _save(obj, path)
    return "created" if created else "updated"


def _replace_related(manager, objects: list[models.Model], path: str) -> bool:
    """Make a many-to-many relation hold exactly `objects`; say whether it changed."""
    wanted = {obj.pk for obj in objects}
    if set(manager.values_list("pk", flat=True)) == wanted:
        return False
    with _writing(path):
        manager.set(objects)
    return True


def _replace_children(manager, rows: list[dict], path: str) -> bool:
    """
    Make the children under a reverse foreign key exactly `rows` (field attnames to values).

    Children have no identity of their own in the archive: when they differ, they are replaced.
    """

    def row_key(row: dict) -> tuple:
        return tuple(sorted(row.items()))

    names = list(rows[0]) if rows else []
    current = Counter(row_key({name: getattr(child, name) for name in names}) for child in manager.all())
    if current == Counter(row_key(row) for row in rows):
        return False
    with _writing(path):
        manager.all().delete()
    for index, row in enumerate(rows):
        _save(manager.model(**{manager.field.name: manager.instance}, **row), f"{path}[{index}]")
    return True


def _pk(obj: models.Model | None) -> int | None:
    return obj.pk if obj is not None else None


def _and(outcome: str, changed: bool) -> str:
    """The outcome for an object saved with `outcome` whose children or links then `changed` (or not)."""
    return "updated" if changed and outcome == "unchanged" else outcome


class _Importer:
    """Writes a validated archive: entities first, then reports, then the links between them."""

    def __init__(self, archive: dict, summary: ImportSummary, *, files=None, dry_run=False):
        self.archive = archive
        self.summary = summary
        self.files = Path(files) if files is not None else None
        self.dry_run = dry_run
        self.objects: dict[str, dict[str, models.Model]] = defaultdict(dict)
        self.quotes: dict[tuple, Quote] = {}
        self.named_by: dict[str, set[str]] = defaultdict(set)
        for report in archive["reports"]:
            for slug in report["related_reports"]:
                self.named_by[slug].add(report["slug"])

    def run(self) -> ImportSummary:
        self.each("series", self.import_series)
        self.each("countries", self.import_country)
        self.each("organizations", self.import_organization)
        self.each("organizations", self.import_parent)
        self.each("people", self.import_person)
        self.each("outlets", self.import_outlet)
        self.each("reports", self.import_report)
        self.each("reports", self.import_related_reports)
        return self.summary

    def each(self, kind: str, step: Callable[[dict, str], str]) -> None:
        for index, item in enumerate(self.archive[kind]):
            self.summary.note(kind, item["slug"], step(item, f"{kind}[{index}]"))

    def find(self, kind: str, slug: str | None) -> Any:
        """The object a slug names: imported from this file, or already in the database."""
        if slug is None:
            return None
        if slug not in self.objects[kind]:
            self.objects[kind][slug] = MODELS[kind].objects.get(slug=slug)
        return self.objects[kind][slug]

    def entity(self, kind: str, item: dict, values: dict, path: str) -> tuple[Any, str]:
        """Create or update the object of this kind with the item's slug; return it and the outcome."""
        model = MODELS[kind]
        obj = model.objects.filter(slug=item["slug"]).first() or model(slug=item["slug"])
        outcome = _update(obj, values, path)
        self.objects[kind][item["slug"]] = obj
        return obj, outcome

    def named_entity(self, kind: str, item: dict, values: dict, path: str) -> tuple[Any, str]:
        """An organization, person or outlet: fields and aliases."""
        values = {"name": item["name"], "description": item["description"], **values}
        obj, outcome = self.entity(kind, item, values, path)
        aliases = _replace_children(obj.aliases, [{"name": name} for name in item["aliases"]], f"{path}.aliases")
        return obj, _and(outcome, aliases)

    def import_series(self, item: dict, path: str) -> str:
        return self.entity("series", item, {"name": item["name"], "description": item["description"]}, path)[1]

    def import_country(self, item: dict, path: str) -> str:
        return self.entity("countries", item, {"name": item["name"], "iso_code": item["iso_code"]}, path)[1]

    def import_organization(self, item: dict, path: str) -> str:
        values = {"kind": item["kind"], "state_sponsor": self.find("countries", item["state_sponsor"])}
        organization, outcome = self.named_entity("organizations", item, values, path)
        designations = [
            {name: designation[name] for name in ("authority", "designation", "designated_on", "revoked_on", "url")}
            for designation in item["designations"]
        ]
        changed = _replace_children(organization.designations, designations, f"{path}.designations")
        countries = [self.find("countries", slug) for slug in item["countries"]]
        changed |= _replace_related(organization.countries, countries, f"{path}.countries")
        return _and(outcome, changed)

    def import_parent(self, item: dict, path: str) -> str:
        organization = self.objects["organizations"][item["slug"]]
        return _update(organization, {"parent": self.find("organizations", item["parent"])}, path)

    def import_person(self, item: dict, path: str) -> str:
        person, outcome = self.named_entity("people", item, {}, path)
        roles = [
            {
                "title": role["title"],
                "organization_id": _pk(self.find("organizations", role["organization"])),
                "started_on": role["started_on"],
                "ended_on": role["ended_on"],
            }
            for role in item["roles"]
        ]
        return _and(outcome, _replace_children(person.roles, roles, f"{path}.roles"))

    def import_outlet(self, item: dict, path: str) -> str:
        values = {name: item[name] for name in ("kind", "language", "stance", "url")}
        values["country"] = self.find("countries", item["country"])
        return self.named_entity("outlets", item, values, path)[1]

    def import_quote(self, item: dict, path: str) -> Quote:
        """The quote with these speakers and translation, brought in line with the item, or a new one."""
        key = _quote_key(item)
        if key not in self.quotes:
            speakers = {
                "person": self.find("people", item["person"]),
                "organization": self.find("organizations", item["organization"]),
                "translation": item["translation"],
            }
            quote = Quote.objects.filter(**speakers).order_by("pk").first() or Quote(**speakers)
            values = {name: item[name] for name in ("said_on", "url", "original_language", "original_text")}
            values["outlet"] = self.find("outlets", item["outlet"])
            outcome = _update(quote, values, path)
            speaker = " / ".join(slug for slug in key[:2] if slug)
            self.summary.note("quotes", f"{speaker}: {item['translation']}", outcome)
            self.quotes[key] = quote
        return self.quotes[key]

    def import_report(self, item: dict, path: str) -> str:
        values = {name: item[name] for name in ("number", "title", "summary", "body", "status", "published_at")}
        values["series"] = self.find("series", item["series"])
        values["required_tier"] = self.find("tiers", item["access"])
        values["access_changes_at"] = item["access_changes_at"]
        values["access_after"] = self.find("tiers", item["access_after"])
        report, outcome = self.entity("reports", item, values, path)
        footnotes = [
            {
                "position": note["position"],
                "text": note["text"],
                "url": note["url"],
                "outlet_id": _pk(self.find("outlets", note["outlet"])),
            }
            for note in item["footnotes"]
        ]
        changed = _replace_children(report.footnotes, footnotes, f"{path}.footnotes")
        quotes = [
            {"quote_id": self.import_quote(quote, f"{path}.quotes[{index - 1}]").pk, "position": index}
            for index, quote in enumerate(item["quotes"], start=1)
        ]
        changed |= _replace_children(report.report_quotes, quotes, f"{path}.quotes")
        for kind in ("organizations", "people", "outlets", "countries"):
            linked = [self.find(kind, slug) for slug in item[kind]]
            changed |= _replace_related(getattr(report, kind), linked, f"{path}.{kind}")
        if set(report.tags.names()) != set(item["tags"]):
            with _writing(f"{path}.tags"):
                report.tags.set(item["tags"])
            changed = True
        return _and(outcome, self.import_files(report, item, path) or changed)

    def import_files(self, report: Report, item: dict, path: str) -> bool:
        """Make the report's files those the item describes (all replaced when any differs); say whether they changed."""
        kinds = ("images", "documents", "archived_sources")
        if all(item[kind] is None for kind in kinds):  # a file written before files were archived
            return False
        positions = {position: position for position in report.report_quotes.values_list("position", flat=True)}
        current = _export_files(report, positions)
        wanted = {kind: [_as_written(row) for row in item[kind] or []] for kind in kinds}
        if all(sorted(map(_row_key, current[kind])) == sorted(map(_row_key, wanted[kind])) for kind in kinds):
            return False
        if self.dry_run:
            return True
        for kind in kinds:
            for obj in getattr(report, kind).all():
                with _writing(f"{path}.{kind}"):
                    obj.delete()
        for index, row in enumerate(wanted["images"]):
            where = f"{path}.images[{index}]"
            image = ReportImage(
                report=report, position=row["position"], alt_text=row["alt_text"], caption=row["caption"],
                credit_outlet=self.find("outlets", row["credit_outlet"]), credit_date=row["credit_date"],
                public_cover=row["public_cover"],
            )
            inspected = self.stored_file(image, row, {"image"}, where)
            image.width, image.height = inspected.width, inspected.height
            image.pending_renditions = renditions(inspected)
            _save(image, where)
        for index, row in enumerate(wanted["documents"]):
            where = f"{path}.documents[{index}]"
            document = Document(
                report=report, title=row["title"], quote_number=row["quote"], language=row["language"],
                source=row["source"], source_url=row["source_url"],
            )
            self.stored_file(document, row, {"pdf", "image", "audio", "video"}, where)
            _save(document, where)
        for index, row in enumerate(wanted["archived_sources"]):
            where = f"{path}.archived_sources[{index}]"
            source = ArchivedSource(
                report=report, cites=row["cites"], number=row["number"], original_url=row["original_url"],
                captured_at=row["captured_at"],
            )
            self.stored_file(source, row, {"image", "pdf", "html"}, where)
            _save(source, where)
        return True

    def stored_file(self, item, row: dict, accepted: set, path: str):
        """Give `item` the bytes of the row's SHA-256, as they are, known by their content like an upload."""
        content = (self.files / row["sha256"]).read_bytes()
        with _writing(path):
            inspected = inspect(ContentFile(content, name="archived"), accepted)
        item.file = ContentFile(content, name=f"archived{inspected.extension}")
        item.content_type, item.size, item.sha256 = inspected.content_type, inspected.size, inspected.sha256
        if hasattr(item, "kind"):
            item.kind = inspected.kind
        return inspected

    def import_related_reports(self, item: dict, path: str) -> str:
        """Link both ways: the report's own list, and every report of the file that names it."""
        report = self.objects["reports"][item["slug"]]
        wanted = {self.find("reports", slug) for slug in set(item["related_reports"]) | self.named_by[item["slug"]]}
        current = set(report.related_reports.all())
        if current == wanted:
            return "unchanged"
        with _writing(f"{path}.related_reports"):
            report.related_reports.set(wanted)
        for other in current ^ wanted:  # the other end of a link changes too
            self.summary.note("reports", other.slug, "updated")
        return "updated"


def _as_written(row: dict) -> dict:
    """A validated file row as the document writes it (dates and times back to text)."""
    written = dict(row)
    if "credit_date" in written:
        written["credit_date"] = _date(written["credit_date"])
    if "captured_at" in written:
        written["captured_at"] = _utc(written["captured_at"])
    return written


def _row_key(row: dict) -> str:
    return json.dumps(row, sort_keys=True)
