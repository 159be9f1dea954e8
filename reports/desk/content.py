"""
A report's content as one plain value: what an analyst writes, apart from its state.

Content is the text (title, series, number, summary, body), the links (authors, tags, countries,
organizations, people, outlets, related reports), the notes and the quotes with their own text.
State is what only editors change: status, publication time and access (and its change to come). A change awaiting review,
a revision in the history and the report form all hold content in this one shape, JSON-ready:

    {"title": str, "series": id, "programme": id|None, "number": int|None, "summary": str, "body": str,
     "authors": [id], "tags": [id], ..., "related_reports": [id],
     "footnotes": [{"position", "text", "url", "outlet"}],
     "quotes": [{"position", "quote", "person", "organization", "outlet", "said_on", "url",
                 "original_language", "original_text", "translation"}]}

`write_content` puts content into the live report; nothing else here writes.
"""
import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.dateparse import parse_datetime
from taggit.models import Tag

from reports.models import (
    Country,
    Footnote,
    Organization,
    Outlet,
    Person,
    Programme,
    Quote,
    Report,
    ReportQuote,
    Series,
)

TEXT_FIELDS = ("title", "series", "programme", "number", "summary", "body")
# Those of the text fields that choose a row of another table, kept by its id.
CHOSEN = {"series": Series, "programme": Programme}
LINKS = {
    "authors": get_user_model(),
    "tags": Tag,
    "countries": Country,
    "organizations": Organization,
    "people": Person,
    "outlets": Outlet,
    "related_reports": Report,
}
FOOTNOTE_FIELDS = ("text", "url", "outlet")
QUOTE_FIELDS = (
    "person", "organization", "outlet", "said_on", "url", "original_language", "original_text", "translation",
)
STATE_FIELDS = ("status", "published_at", "required_tier", "access_changes_at", "access_after")


def blank_content():
    return {
        **{name: None for name in TEXT_FIELDS},
        **{name: [] for name in LINKS},
        "footnotes": [],
        "quotes": [],
    }


def quote_row(quote, position):
    return {
        "position": position,
        "quote": quote.pk,
        "person": quote.person_id,
        "organization": quote.organization_id,
        "outlet": quote.outlet_id,
        "said_on": quote.said_on.isoformat() if quote.said_on else None,
        "url": quote.url,
        "original_language": quote.original_language,
        "original_text": quote.original_text,
        "translation": quote.translation,
    }


def content_of(report):
    """The report's content as stored now."""
    content = {
        "title": report.title,
        "series": report.series_id,
        "programme": report.programme_id,
        "number": report.number,
        "summary": report.summary,
        "body": report.body,
    }
    for name in LINKS:
        content[name] = sorted(getattr(report, name).values_list("pk", flat=True))
    content["footnotes"] = [
        {"position": note.position, "text": note.text, "url": note.url, "outlet": note.outlet_id}
        for note in report.footnotes.order_by("position")
    ]
    content["quotes"] = [
        quote_row(carried.quote, carried.position) for carried in report.report_quotes.select_related("quote")
    ]
    return content


def state_of(report):
    return state_from(report.status, report.published_at, report.required_tier_id, report.access_changes_at, report.access_after_id)


def state_from(status, published_at, required_tier, access_changes_at, access_after):
    """A snapshot's state: times in ISO 8601, tiers by id."""
    return {
        "status": status,
        "published_at": published_at.isoformat() if published_at else None,
        "required_tier": required_tier,
        "access_changes_at": access_changes_at.isoformat() if access_changes_at else None,
        "access_after": access_after,
    }


def access_of(state):
    """A snapshot state's access (`required_tier`, `access_changes_at`, `access_after`) as model field values."""
    changes_at = state.get("access_changes_at")
    return {
        "required_tier_id": state["required_tier"],
        "access_changes_at": parse_datetime(changes_at) if changes_at else None,
        "access_after_id": state.get("access_after"),
    }


def snapshot_of(report):
    """What a revision keeps of a report: its content and its state."""
    return {"content": content_of(report), "state": state_of(report)}


@transaction.atomic
def write_content(report, content, *, user):
    """Make `content` the live report's, as a save by `user` (the row, its links, notes and quotes)."""
    for name in TEXT_FIELDS:
        setattr(report, f"{name}_id" if name in CHOSEN else name, content[name])
    report.updated_by = user
    report.save()
    write_related(report, content)


def write_related(report, content):
    """The links, notes and quotes of `content`, for a report whose own row is saved already."""
    for name, model in LINKS.items():
        if content.get(name) is None:  # not recorded (a revision older than these snapshots): left as it is
            continue
        chosen = list(model._default_manager.filter(pk__in=content[name]))
        getattr(report, name).set(chosen)
    write_footnotes(report, content["footnotes"])
    write_quotes(report, content["quotes"])


def write_footnotes(report, rows):
    """Notes are known by their number: a number kept is the same note, edited in place."""
    existing = {note.position: note for note in report.footnotes.all()}
    wanted = {row["position"] for row in rows}
    report.footnotes.exclude(position__in=wanted).delete()
    for row in rows:
        note = existing.get(row["position"]) or Footnote(report=report, position=row["position"])
        values = {"text": row["text"], "url": row["url"] or "", "outlet_id": row["outlet"]}
        if note.pk is None or any(getattr(note, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(note, name, value)
            note.save()


def write_quotes(report, rows):
    """Each row's quote is created, or brought to the row's text; the report carries them at their numbers."""
    carried = {}
    for row in rows:
        quote = Quote.objects.filter(pk=row["quote"]).first() if row["quote"] else None
        quote = quote or Quote()
        values = {
            "person_id": row["person"],
            "organization_id": row["organization"],
            "outlet_id": row["outlet"],
            "said_on": dt.date.fromisoformat(row["said_on"]) if row["said_on"] else None,
            "url": row["url"] or "",
            "original_language": row["original_language"],
            "original_text": row["original_text"] or "",
            "translation": row["translation"],
        }
        if quote.pk is None or any(getattr(quote, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(quote, name, value)
            quote.save()
        carried[quote.pk] = row["position"]
    report.report_quotes.exclude(quote__in=carried).delete()
    existing = {link.quote_id: link for link in report.report_quotes.all()}
    for quote_pk, position in carried.items():
        link = existing.get(quote_pk)
        if link is None:
            ReportQuote.objects.create(report=report, quote_id=quote_pk, position=position)
        elif link.position != position:
            link.position = position
            link.save(update_fields=["position"])
