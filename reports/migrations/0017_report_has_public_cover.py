from django.db import migrations, models


def mark_every_report(apps, schema_editor):
    # The new part is made with the others by `rebuild_search_index --pending`; until then pages look.
    apps.get_model("reports", "Report").objects.update(derived_pending=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0016_media"),
    ]

    operations = [
        migrations.AddField(
            model_name="report",
            name="has_public_cover",
            field=models.BooleanField(db_default=False, default=False, editable=False),
        ),
        migrations.RunPython(mark_every_report, migrations.RunPython.noop),
    ]
