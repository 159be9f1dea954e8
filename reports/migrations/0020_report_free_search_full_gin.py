from django.db import migrations

# The public reads complimentary reports by their full documents: a search of theirs looked those
# matches up in the index of every report's full document (report_search_full_gin), whose entries
# for a common word run to a third of the archive, to keep the complimentary few among them. This
# index holds the complimentary reports' alone: for the same word, about a seventh as many entries.
CREATE = (
    "CREATE INDEX IF NOT EXISTS report_free_search_full_gin ON reports_report"
    " USING gin (search_vector_full) WHERE required_tier_id IS NULL"
)
DROP = "DROP INDEX IF EXISTS report_free_search_full_gin"


def on_postgresql(statement):
    # GIN indexes exist on PostgreSQL only (0004); elsewhere search reads the stored words.
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0019_report_free_published_order"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP)),
    ]
