"""The text written before translation is the French text: copy it into the French columns.

Its own migration, so that PostgreSQL runs the UPDATE and the schema changes
around it in separate transactions.
"""

from django.db import migrations

from catalog.migration_ops import copy_into_french


class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0004_translated_texts"),
    ]

    operations = [
        copy_into_french(
            "heritage",
            {
                "person": ["role", "bio"],
                "expedition": ["name", "summit", "text"],
                "timelineevent": ["title", "summary", "text", "period_label", "image_alt"],
            },
        ),
    ]
