"""
STIX 2.1 bundles of a report, an organization or a person, for threat-intelligence platforms.

What goes in is decided by the caller through the access policy: a report's bundle is built only
for someone who may read the report (its body, footnotes and quotes are in it); a profile's bundle
holds the public facts about the entity and only the quotes `Quote.objects.readable_by(user)` gives.

How the desk's records map onto STIX, and why:

- Organization → `threat-actor`. STIX's `intrusion-set` describes clusters of cyber-intrusion
  activity (TTPs, infrastructure) that the desk does not record; a threat actor is a group
  "operating with malicious intent", which is what the desk monitors, whatever the kind. The kind
  becomes a label, and `threat_actor_types` where the STIX vocabulary has a matching term
  (state body: nation-state; jihadi group: terrorist). One type for every organization also keeps
  the relationships uniform.
- Person → `identity` (class individual); outlet → `identity` (class organization, sector
  communications). STIX identities carry no aliases, so a person's aliases go into the description.
- Role → relationship `member-of` (person → organization; the role's title, start and end);
  Organization.parent → relationship `part-of` (member group → umbrella). STIX allows
  relationship types of one's own where it defines none, as here.
- Quote → `note` (STIX has no object for a statement): the English translation is its content, the
  original text a `language-content` object for that note, and who said it a relationship
  `authored-by` (note → person or organization), the type STIX uses for who wrote something.
- Footnote → an external reference of the report; the report's own page comes first, citing it
  by its reference (e.g. "Special Dispatch No. 11032").
- The report's files (images, documents, archived copies of its sources) → external references
  too, each with its address on the site (answered under the same access policy) and its SHA-256
  in `hashes`: a platform can fetch a file and check it is the one the desk archived.
- Every object is `created_by_ref` the desk's identity.

Ids are uuid5 in a fixed namespace of stable keys (slugs; for a quote its speakers and translation,
which is how the archive import recognises a quote too), and `created`/`modified` come from the
records' own timestamps: the same data exports the same objects, byte for byte, every time.
"""
import datetime as dt
import html
import uuid

from django.conf import settings
from django.utils.html import strip_tags

from reports.models import Organization, Quote, Role

NAMESPACE = uuid.UUID("5370aa6e-de7c-4c62-a65f-41b04688a2b1")  # never change: it would change every id
MEDIA_TYPE = "application/stix+json;version=2.1"
DESK_KEY = "desk"
DESK_CREATED = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
THREAT_ACTOR_TYPES = {
    Organization.Kind.STATE_BODY: ["nation-state"],
    Organization.Kind.JIHADI_GROUP: ["terrorist"],
}


def stix_id(stix_type, key):
    return f"{stix_type}--{uuid.uuid5(NAMESPACE, f'{stix_type}:{key}')}"


def timestamp(value):
    """RFC 3339 in UTC to the millisecond, as STIX wants `created` and `modified`."""
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def day_start(day):
    return timestamp(dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC))


def plain_text(body_html):
    return html.unescape(strip_tags(body_html)).strip()


def quote_key(quote):
    person = quote.person.slug if quote.person_id else ""
    organization = quote.organization.slug if quote.organization_id else ""
    return f"{person}|{organization}|{quote.translation}"


class BundleBuilder:
    """Collects STIX objects by id, each once, in the order they are first added."""

    def __init__(self, absolute_url):
        self.absolute_url = absolute_url  # turns a path into an address: request.build_absolute_uri
        self.objects = {}
        self.desk_id = self.add_desk()

    # -- helpers --

    def add(self, stix_type, key, records, **properties):
        """Add (once) an object of this type and key, dated by the latest of `records`' timestamps."""
        object_id = stix_id(stix_type, key)
        if object_id not in self.objects:
            created = max(record.created_at for record in records)
            modified = max(created, *(record.updated_at for record in records))
            self.objects[object_id] = {
                "type": stix_type,
                "spec_version": "2.1",
                "id": object_id,
                "created_by_ref": self.desk_id,
                "created": timestamp(created),
                "modified": timestamp(modified),
                **{name: value for name, value in properties.items() if value not in (None, "", [])},
            }
        return object_id

    def add_desk(self):
        desk_id = stix_id("identity", DESK_KEY)
        self.objects[desk_id] = {
            "type": "identity",
            "spec_version": "2.1",
            "id": desk_id,
            "created": timestamp(DESK_CREATED),
            "modified": timestamp(DESK_CREATED),
            "name": settings.SITE_NAME,
            "identity_class": "organization",
        }
        return desk_id

    def page_reference(self, thing, **extra):
        return {"source_name": settings.SITE_NAME, "url": self.absolute_url(thing.get_absolute_url()), **extra}

    # -- entities --

    def organization(self, organization):
        aliases = [alias.name for alias in organization.aliases.all()]
        designations = [
            {"source_name": designation.authority, "description": str(designation), **({"url": designation.url} if designation.url else {})}
            for designation in organization.designations.all()
        ]
        return self.add(
            "threat-actor", organization.slug, [organization],
            name=organization.name,
            description=organization.description,
            aliases=aliases,
            threat_actor_types=THREAT_ACTOR_TYPES.get(organization.kind),
            labels=[organization.kind],
            external_references=[self.page_reference(organization), *designations],
        )

    def person(self, person):
        aliases = [alias.name for alias in person.aliases.all()]
        description = "\n\n".join(filter(None, [person.description, aliases and f"Also known as: {', '.join(aliases)}."]))
        return self.add(
            "identity", f"person:{person.slug}", [person],
            name=person.name,
            description=description,
            identity_class="individual",
            external_references=[self.page_reference(person)],
        )

    def outlet(self, outlet):
        own_site = [{"source_name": outlet.name, "url": outlet.url}] if outlet.url else []
        return self.add(
            "identity", f"outlet:{outlet.slug}", [outlet],
            name=outlet.name,
            description=" · ".join(filter(None, [outlet.get_kind_display(), outlet.stance, outlet.description])),
            identity_class="organization",
            sectors=["communications"],
            external_references=[self.page_reference(outlet), *own_site],
        )

    def membership(self, role):
        """A role a person held in an organization, as a relationship person → organization."""
        source, target = self.person(role.person), self.organization(role.organization)
        key = f"{role.person.slug}|member-of|{role.organization.slug}|{role.title}|{role.started_on}"
        start = day_start(role.started_on) if role.started_on else None
        # The role is held through its last day: it stops when the next day begins (and so after it starts).
        stop = day_start(role.ended_on + dt.timedelta(days=1)) if role.ended_on else None
        return self.add(
            "relationship", key, [role.person, role.organization],
            relationship_type="member-of", source_ref=source, target_ref=target,
            description=role.title, start_time=start,
            stop_time=stop if stop is not None and (start is None or stop > start) else None,
        )

    def part_of(self, member, umbrella):
        return self.add(
            "relationship", f"{member.slug}|part-of|{umbrella.slug}", [member, umbrella],
            relationship_type="part-of", source_ref=self.organization(member), target_ref=self.organization(umbrella),
        )

    # -- what was said --

    def quote(self, quote, reports=()):
        """A quote as a note, its original as language content, its speakers by `authored-by`."""
        speakers = [self.person(quote.person)] if quote.person_id else []
        speakers += [self.organization(quote.organization)] if quote.organization_id else []
        outlet = [self.outlet(quote.outlet)] if quote.outlet_id else []
        said = ", ".join(filter(None, [
            str(quote.person or quote.organization), quote.outlet and f"in {quote.outlet}", quote.said_on and quote.said_on.isoformat()
        ]))
        source = [{"source_name": str(quote.outlet or "source"), "url": quote.url}] if quote.url else []
        carried_in = [self.page_reference(report, external_id=report.reference) for report in reports]
        key = quote_key(quote)
        note_id = self.add(
            "note", key, [quote],
            abstract=said, content=quote.translation, lang="en", object_refs=speakers + outlet,
            external_references=source + carried_in,
        )
        if quote.original_text and quote.original_language != "en":
            self.add(
                "language-content", key, [quote],
                object_ref=note_id, object_modified=self.objects[note_id]["modified"],
                contents={quote.original_language: {"content": quote.original_text}},
            )
        for speaker in speakers:
            self.add(
                "relationship", f"{key}|authored-by|{speaker}", [quote],
                relationship_type="authored-by", source_ref=note_id, target_ref=speaker,
            )
        return note_id

    def relations_among(self, organizations, people):
        """Who belongs to whom, among these organizations and people."""
        organization_ids = {organization.pk for organization in organizations}
        for organization in organizations:
            if organization.parent_id in organization_ids:
                self.part_of(organization, organization.parent)
        for role in Role.objects.filter(person__in=people, organization__in=organizations).select_related(
            "person", "organization"
        ).prefetch_related("person__aliases", "organization__aliases", "organization__designations"):
            self.membership(role)

    def bundle(self, key):
        return {"type": "bundle", "id": stix_id("bundle", key), "objects": list(self.objects.values())}


ENTITY_PREFETCH = ["aliases"]
ORGANIZATION_PREFETCH = ["aliases", "designations"]


def report_bundle(report, absolute_url):
    """
    The bundle of one report: the report with its full text, its entities, who among them belongs
    to whom, and its quotes. Only for someone who may read the report (the caller asks the policy).
    """
    builder = BundleBuilder(absolute_url)
    organizations = list(report.organizations.select_related("parent").prefetch_related(*ORGANIZATION_PREFETCH))
    people = list(report.people.prefetch_related(*ENTITY_PREFETCH))
    outlets = list(report.outlets.all())
    refs = [builder.organization(organization) for organization in organizations]
    refs += [builder.person(person) for person in people]
    refs += [builder.outlet(outlet) for outlet in outlets]
    before_relations = len(builder.objects)
    builder.relations_among(organizations, people)
    quotes = Quote.objects.filter(report_quotes__report=report).order_by("report_quotes__position", "pk").with_speakers_and_reports()
    for quote in quotes:
        builder.quote(quote, quote.published_reports)
    # Language content is a meta object, found through the note it translates, not referred to.
    refs += [object_id for object_id in list(builder.objects)[before_relations:] if not object_id.startswith("language-content--")]
    footnotes = [
        {
            "source_name": footnote.outlet.name if footnote.outlet_id else f"Footnote {footnote.position}",
            "description": f"[{footnote.position}] {footnote.text}",
            **({"url": footnote.url} if footnote.url else {}),
        }
        for footnote in report.footnotes.select_related("outlet")
    ]
    text = "\n\n".join(filter(None, [report.summary, plain_text(report.body_html)]))
    report_id = builder.add(
        "report", report.slug, [report],
        name=report.title,
        description=text,
        published=timestamp(report.published_at),
        report_types=["threat-report"],
        labels=[tag.name for tag in report.tag_list],
        lang="en",
        object_refs=refs or [builder.desk_id],  # STIX wants at least one
        external_references=[builder.page_reference(report, external_id=report.reference), *footnotes, *file_references(builder, report)],
    )
    # The report first after the desk: it is what the bundle is about.
    objects = builder.objects
    builder.objects = {builder.desk_id: objects.pop(builder.desk_id), report_id: objects.pop(report_id), **objects}
    return builder.bundle(f"report:{report.slug}")


def file_references(builder, report):
    """An external reference for each of the report's files: where it is, what it is, and its SHA-256."""
    described = [(f"Image: {image.alt_text}", image) for image in report.images.all()]
    described += [(f"Document: {document.title} ({document.get_kind_display()})", document) for document in report.documents.all()]
    described += [
        (f"Archived copy of the source of {source.get_cites_display().lower()} {source.number}: {source.original_url}", source)
        for source in report.archived_sources.all()
    ]
    return [
        {"source_name": settings.SITE_NAME, "description": description, "url": builder.absolute_url(item.get_absolute_url()),
         "hashes": {"SHA-256": item.sha256}}
        for description, item in described
    ]


def organization_bundle(organization, user, absolute_url):
    """An organization's public facts (umbrella, member groups, people and their roles) and the quotes the user may read."""
    builder = BundleBuilder(absolute_url)
    builder.organization(organization)
    if organization.parent_id:
        builder.part_of(organization, organization.parent)
    for member in organization.members.prefetch_related(*ORGANIZATION_PREFETCH):
        builder.part_of(member, organization)
    for role in organization.roles.select_related("person").prefetch_related("person__aliases"):
        role.organization = organization
        builder.membership(role)
    for quote in Quote.objects.readable_by(user).filter(organization=organization).with_speakers_and_reports():
        builder.quote(quote, quote.published_reports)
    return builder.bundle(f"organization:{organization.slug}")


def person_bundle(person, user, absolute_url):
    """A person's public facts (roles in organizations) and the quotes the user may read."""
    builder = BundleBuilder(absolute_url)
    builder.person(person)
    for role in person.roles.filter(organization__isnull=False).select_related("organization").prefetch_related(
        "organization__aliases", "organization__designations"
    ):
        role.person = person
        builder.membership(role)
    for quote in Quote.objects.readable_by(user).filter(person=person).with_speakers_and_reports():
        builder.quote(quote, quote.published_reports)
    return builder.bundle(f"person:{person.slug}")


