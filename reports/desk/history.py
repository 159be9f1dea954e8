"""
The history of a report: what each revision held, and what differs between two of them.

django-reversion keeps a revision of every save; each revision that holds a report also gets a
snapshot of the report's whole content and state (`record_snapshots`, on reversion's
post_revision_commit), so that compare and restore see the notes, quotes, tags and links too.
Revisions made before snapshots existed are read from reversion's own versions, as far as they go.
"""
import difflib

from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from reversion.models import Version

from reports.desk.content import CHOSEN, LINKS, STATE_FIELDS, TEXT_FIELDS, quote_row, snapshot_of, state_from
from reports.models import (
    Footnote,
    Organization,
    Outlet,
    Person,
    Quote,
    Report,
    ReportQuote,
    ReportSnapshot,
    Tier,
)

LABELS = {
    "title": "Title",
    "series": "Series",
    "programme": "Programme",
    "number": "Number",
    "summary": "Summary",
    "body": "Body",
    "authors": "Authors",
    "tags": "Tags",
    "countries": "Countries and regions",
    "organizations": "Organizations",
    "people": "People",
    "outlets": "Outlets",
    "related_reports": "Related reports",
    "footnotes": "Notes",
    "quotes": "Quotes",
    "status": "Status",
    "published_at": "Publication time",
    "required_tier": "Access",
    "access_changes_at": "Access changes at",
    "access_after": "Access from then on",
}
LONG_TEXTS = {"summary", "body", "footnotes", "quotes"}


def record_snapshots(revision, versions):
    """Give the revision a snapshot of each report it holds, as the report stands now that the revision is saved."""
    report_ids = {int(version.object_id) for version in versions if version._model is Report}
    for report in Report.objects.filter(pk__in=report_ids):
        ReportSnapshot.objects.create(revision=revision, report_id=report.pk, data=snapshot_of(report))


def snapshot_at(version):
    """{"content": …, "state": …} of the report as this version of it was saved."""
    kept = ReportSnapshot.objects.filter(revision_id=version.revision_id, report_id=int(version.object_id)).first()
    return kept.data if kept else snapshot_from_version(version)


def snapshot_from_version(version):
    """What reversion's own versions tell of a report; tags and authors' order were not kept (None: unknown)."""
    fields = version.field_dict
    report_id = int(version.object_id)
    content = {name: fields.get(f"{name}_id" if name in CHOSEN else name) for name in TEXT_FIELDS}
    for name in LINKS:
        value = fields.get(name)
        content[name] = sorted(value) if isinstance(value, list) else None
    others = list(version.revision.version_set.exclude(pk=version.pk))
    notes = [other.field_dict for other in others if other._model is Footnote]
    content["footnotes"] = sorted(
        (
            {"position": note["position"], "text": note["text"], "url": note["url"], "outlet": note["outlet_id"]}
            for note in notes
            if note["report_id"] == report_id
        ),
        key=lambda row: row["position"],
    )
    carried = [other.field_dict for other in others if other._model is ReportQuote]
    quotes = Quote.objects.in_bulk([link["quote_id"] for link in carried if link["report_id"] == report_id])
    content["quotes"] = [
        quote_row(quotes[link["quote_id"]], link["position"])
        for link in sorted(carried, key=lambda link: link["position"])
        if link["report_id"] == report_id and link["quote_id"] in quotes
    ]
    state = state_from(
        fields.get("status"), fields.get("published_at"), fields.get("required_tier_id"),
        fields.get("access_changes_at"), fields.get("access_after_id"),
    )
    return {"content": content, "state": state}


def display_value(field, value):
    """A stored value as an editor reads it: related objects by name rather than by id."""
    if value in (None, "", []):
        return "—"
    if isinstance(field, models.ForeignKey):
        return str(field.related_model._default_manager.filter(pk=value).first() or value)
    if isinstance(field, models.ManyToManyField):
        return ", ".join(sorted(str(obj) for obj in field.related_model._default_manager.filter(pk__in=value))) or "—"
    return str(value)


def field_changes(older, newer):
    """
    The fields that differ between two reversion Versions of an entity (reports compare whole
    snapshots: `differences`), in the shape `differences` gives.
    """
    old_fields, new_fields = older.field_dict, newer.field_dict
    changes = []
    for field in older._model._meta.get_fields():
        key = getattr(field, "attname", field.name)  # reversion keeps a foreign key under its column, series_id
        if key not in old_fields or old_fields[key] == new_fields.get(key):
            continue
        change = {"label": str(getattr(field, "verbose_name", field.name)).capitalize(), "name": field.name}
        if isinstance(field, models.TextField):
            change["diff"] = line_diff((old_fields[key] or "").splitlines(), (new_fields.get(key) or "").splitlines())
        else:
            change["old"] = display_value(field, old_fields[key])
            change["new"] = display_value(field, new_fields.get(key))
        changes.append(change)
    return changes


def report_versions(report):
    return Version.objects.get_for_object(report).select_related("revision__user")


class Names:
    """Display names of the things snapshots refer to by id, looked up once per page."""

    def __init__(self, *snapshots):
        wanted = {model: set() for model in (*LINKS.values(), *CHOSEN.values(), Tier)}
        for snapshot in snapshots:
            content, state = snapshot["content"], snapshot["state"]
            for name, model in LINKS.items():
                wanted[model].update(content.get(name) or [])
            for name, model in CHOSEN.items():
                wanted[model].add(content.get(name))
            wanted[Tier].update((state.get("required_tier"), state.get("access_after")))
            for row in content.get("footnotes", []):
                wanted[Outlet].add(row["outlet"])
            for row in content.get("quotes", []):
                wanted[Person].add(row["person"])
                wanted[Organization].add(row["organization"])
                wanted[Outlet].add(row["outlet"])
        self.names = {
            model: {pk: str(obj) for pk, obj in model._default_manager.in_bulk([pk for pk in pks if pk]).items()}
            for model, pks in wanted.items()
        }

    def of(self, model, pk):
        if pk is None:
            return ""
        return self.names[model].get(pk, f"(deleted, #{pk})")


def footnote_lines(rows, names):
    lines = []
    for row in rows:
        source = ", ".join(filter(None, [names.of(Outlet, row["outlet"]), row["url"]]))
        lines.append(f"[{row['position']}] {row['text']}" + (f" ({source})" if source else ""))
    return lines


def quote_lines(rows, names):
    lines = []
    for row in rows:
        speaker = " / ".join(
            filter(None, [
                names.of(Person, row["person"]),
                names.of(Organization, row["organization"]),
            ])
        )
        where = ", ".join(filter(None, [
            names.of(Outlet, row["outlet"]), row["said_on"] or "", row["url"] or "",
        ]))
        lines.append(f"Quote {row['position']}: {speaker}" + (f" ({where})" if where else ""))
        lines.append(f"    {row['translation']}")
        if row["original_text"]:
            lines.append(f"    [{row['original_language']}] {row['original_text']}")
    return lines


def line_diff(old_lines, new_lines):
    kinds = {"+ ": "added", "- ": "removed", "  ": "same"}
    return [(kinds[line[:2]], line[2:]) for line in difflib.ndiff(old_lines, new_lines) if line[:2] in kinds]


def shown_value(name, value, names):
    if name in LINKS:
        return ", ".join(sorted(names.of(LINKS[name], pk) for pk in value)) or "—"
    if name in CHOSEN:
        return names.of(CHOSEN[name], value) or "—"
    if name in ("required_tier", "access_after"):
        return "Complimentary (free to read)" if value is None else names.of(Tier, value)
    if name == "status":
        return dict(Report.Status.choices).get(value, value)
    if name in ("published_at", "access_changes_at"):
        if not value:
            return "—"
        return timezone.localtime(parse_datetime(value)).strftime("%Y-%m-%d %H:%M %Z")
    return "—" if value in (None, "") else str(value)


def differences(older, newer):
    """
    What differs between two snapshots, in the order of the form: [{"label", "diff": [(kind, line)]}]
    for texts, notes and quotes, [{"label", "old", "new"}] for the rest. Fields a snapshot did not
    record (None for a link list) are left out.
    """
    names = Names(older, newer)
    changes = []
    pairs = [(name, older["content"].get(name), newer["content"].get(name)) for name in (*TEXT_FIELDS, *LINKS, "footnotes", "quotes")]
    pairs += [(name, older["state"].get(name), newer["state"].get(name)) for name in STATE_FIELDS]
    for name, old, new in pairs:
        if old == new or (name in LINKS and (old is None or new is None)):
            continue
        change = {"label": LABELS[name], "name": name}
        if name == "footnotes":
            change["diff"] = line_diff(footnote_lines(old or [], names), footnote_lines(new or [], names))
        elif name == "quotes":
            change["diff"] = line_diff(quote_lines(old or [], names), quote_lines(new or [], names))
        elif name in LONG_TEXTS:
            change["diff"] = line_diff((old or "").splitlines(), (new or "").splitlines())
        else:
            change["old"], change["new"] = shown_value(name, old, names), shown_value(name, new, names)
        changes.append(change)
    return changes

