from django.db import migrations, models


def mark_every_report(apps, schema_editor):
    # Their pages make the new parts afresh until `rebuild_search_index --pending` (or the next
    # searches, a few hundred at a time) has made them.
    apps.get_model("reports", "Report").objects.update(derived_pending=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0014_trials_and_requests"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="report", name="report_search_pending"),
        migrations.RenameField(model_name="report", old_name="search_pending", new_name="derived_pending"),
        migrations.AddIndex(
            model_name="report",
            index=models.Index(condition=models.Q(("derived_pending", True)), fields=["id"], name="report_derived_pending"),
        ),
        migrations.AddField(
            model_name="report",
            name="reader_text_html",
            field=models.TextField(db_default="", default="", editable=False),
        ),
        migrations.AddField(
            model_name="report",
            name="filed_under",
            field=models.JSONField(db_default={}, default=dict, editable=False),
        ),
        migrations.RunPython(mark_every_report, migrations.RunPython.noop),
    ]
