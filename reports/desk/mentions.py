"""Entities a text mentions but the report does not link yet, found by any recorded spelling."""
from reports.models import (
    Organization,
    OrganizationAlias,
    Outlet,
    OutletAlias,
    Person,
    PersonAlias,
)
from reports.search.names import normalize_name

# relation on Report -> (entity model, alias model, alias's link to the entity)
LINKABLE = {
    "organizations": (Organization, OrganizationAlias, "organization_id"),
    "people": (Person, PersonAlias, "person_id"),
    "outlets": (Outlet, OutletAlias, "outlet_id"),
}


def unlinked_mentions(text, linked):
    """
    [{"relation", "id", "name", "spelling"}] for entities whose name or alias occurs, as whole words
    after folding, in `text`, leaving out those in `linked` ({relation: ids}); by relation, then name.
    """
    folded_text = f" {normalize_name(text)} "
    found = []
    for relation, (model, alias_model, owner) in LINKABLE.items():
        skip = linked.get(relation, ())
        spellings = list(model.objects.exclude(pk__in=skip).values_list("pk", "normalized_name", "name"))
        spellings += alias_model.objects.exclude(**{f"{owner}__in": skip}).values_list(owner, "normalized_name", "name")
        matches = {}
        for pk, folded, spelling in spellings:
            if folded and f" {folded} " in folded_text:
                matches.setdefault(pk, spelling)
        entities = model.objects.in_bulk(matches)
        found += sorted(
            (
                {"relation": relation, "id": pk, "name": entities[pk].name, "spelling": spelling}
                for pk, spelling in matches.items()
                if pk in entities  # not one deleted since its spelling was read
            ),
            key=lambda mention: mention["name"],
        )
    return found
