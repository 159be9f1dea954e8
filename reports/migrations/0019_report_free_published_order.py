from django.db import migrations, models


class Migration(migrations.Migration):
    """The complimentary reports newest first: where a public visitor's search looks for matches in their text."""

    dependencies = [
        ("reports", "0018_public_search_vector_inline"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="report",
            index=models.Index(
                condition=models.Q(required_tier__isnull=True), fields=["status", "-published_at", "-id"], name="report_free_published_order"
            ),
        ),
    ]
