from django.db import migrations

# PostgreSQL moves a row's widest values out of line (TOAST) until the row is about 2 KB; the public
# search vector (title, summary, names: some 700 bytes) went with the rest, so that every search read
# it back from the TOAST table for each report it looked at: about 5 µs a report, half the cost of
# the estimate's sample (reports.search.engine.count_matches) and of walking the newest reports
# for a common word. Kept in the row (MAIN: compressed there if need be, moved out only if nothing
# else can be), it is read with the row. Existing vectors are written again to move them in.
KEEP_INLINE = "ALTER TABLE reports_report ALTER COLUMN search_vector_public SET STORAGE MAIN"
MOVE_IN = (
    "UPDATE reports_report SET search_vector_public = search_vector_public || ''::tsvector"
    " WHERE search_vector_public IS NOT NULL"
)
DEFAULT_STORAGE = "ALTER TABLE reports_report ALTER COLUMN search_vector_public SET STORAGE EXTENDED"


def on_postgresql(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0017_report_has_public_cover"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(KEEP_INLINE, MOVE_IN), on_postgresql(DEFAULT_STORAGE)),
    ]
