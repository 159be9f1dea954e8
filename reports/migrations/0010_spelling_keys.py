"""
Spelling keys in the search documents (reports/search/spelling.py), and a wider folding of names
(reports/search/names.py: DIN 31635's letters as digraphs, Arabic-script letters, the French and Urdu
forms of the article). No column changes: the stored folded names are recomputed, and every report
is marked for re-indexing, which the next searches and `manage.py rebuild_search_index --pending`
do (run it once after migrating: until then a report is found by its old words).
"""
from django.db import migrations

ENTITIES = [
    ("Organization", "OrganizationAlias", "organization"),
    ("Person", "PersonAlias", "person"),
    ("Outlet", "OutletAlias", "outlet"),
]


def refold_names_and_mark_reports(apps, schema_editor):
    from reports.search.names import normalize_name

    for entity_name, alias_name, owner in ENTITIES:
        entity_model, alias_model = apps.get_model("reports", entity_name), apps.get_model("reports", alias_name)
        changed = []
        for entity in entity_model.objects.only("pk", "name", "normalized_name"):
            folded = normalize_name(entity.name)
            if folded != entity.normalized_name:
                entity.normalized_name = folded
                changed.append(entity)
        entity_model.objects.bulk_update(changed, ["normalized_name"], batch_size=500)
        taken = set(alias_model.objects.values_list(f"{owner}_id", "normalized_name"))
        changed = []
        for alias in alias_model.objects.only("pk", "name", "normalized_name", f"{owner}_id"):
            folded = normalize_name(alias.name)
            key = (getattr(alias, f"{owner}_id"), folded)
            # An alias that now folds like another of the same entity keeps its old folding: it
            # adds nothing to lookups, and deleting a spelling the desk recorded is not for a migration.
            if folded != alias.normalized_name and key not in taken:
                taken.add(key)
                alias.normalized_name = folded
                changed.append(alias)
        alias_model.objects.bulk_update(changed, ["normalized_name"], batch_size=500)
    apps.get_model("reports", "Report").objects.update(search_pending=True)


class Migration(migrations.Migration):

    dependencies = [
        ("reports", "0009_search_pending"),
    ]

    operations = [
        migrations.RunPython(refold_names_and_mark_reports, migrations.RunPython.noop),
    ]
