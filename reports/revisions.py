"""What changed between two saved versions of a report or an entity, for the desk's history pages."""
import difflib

from django.db import models


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
    The fields that differ between two reversion Versions of one object. Long texts come as a line
    diff (rows of ("added"|"removed"|"same", line)); other fields as their old and new values.
    """
    old_fields, new_fields = older.field_dict, newer.field_dict
    changes = []
    for field in older._model._meta.get_fields():
        name = field.name
        if name not in old_fields or old_fields[name] == new_fields.get(name):
            continue
        change = {"label": getattr(field, "verbose_name", name).capitalize()}
        if isinstance(field, models.TextField):
            kinds = {"+ ": "added", "- ": "removed", "  ": "same"}
            change["diff"] = [
                (kinds[line[:2]], line[2:])
                for line in difflib.ndiff(
                    (old_fields[name] or "").splitlines(), (new_fields.get(name) or "").splitlines()
                )
                if line[:2] in kinds
            ]
        else:
            change["old"] = display_value(field, old_fields[name])
            change["new"] = display_value(field, new_fields.get(name))
        changes.append(change)
    return changes
