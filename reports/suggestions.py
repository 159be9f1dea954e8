"""Entities a report mentions but does not link yet, found by any recorded spelling."""
from .models import Organization, OrganizationAlias, Outlet, OutletAlias, Person, PersonAlias
from .names import normalize_name

# relation on Report -> (entity model, alias model, alias's link to the entity)
LINKABLE = {
    "organizations": (Organization, OrganizationAlias, "organization_id"),
    "people": (Person, PersonAlias, "person_id"),
    "outlets": (Outlet, OutletAlias, "outlet_id"),
}


def mentioned_text(report):
    """The text analysts write names into: the body and the quotes the report carries."""
    parts = [report.title, report.body]
    for quote in report.quotes.all():
        parts += [quote.translation, quote.original_text]
    return " ".join(parts)


def unlinked_mentions(report):
    """
    {relation: [(entity, spelling found)]} for entities whose name or alias occurs, as whole
    words after folding, in the report's text but which the report does not link.
    """
    text = f" {normalize_name(mentioned_text(report))} "
    found = {}
    for relation, (model, alias_model, owner) in LINKABLE.items():
        linked = getattr(report, relation).values("pk")
        spellings = list(model.objects.exclude(pk__in=linked).values_list("pk", "normalized_name", "name"))
        spellings += alias_model.objects.exclude(**{f"{owner}__in": linked}).values_list(owner, "normalized_name", "name")
        matches = {}
        for pk, folded, spelling in spellings:
            if folded and f" {folded} " in text:
                matches.setdefault(pk, spelling)
        entities = model.objects.in_bulk(matches)
        found[relation] = sorted(((entities[pk], spelling) for pk, spelling in matches.items()), key=lambda pair: pair[0].name)
    return found
