"""The text written before translation is the French text: copy it into the French columns.

Its own migration, so that PostgreSQL runs the UPDATE and the schema changes
around it in separate transactions.
"""

from django.db import migrations

from catalog.migration_ops import copy_into_french


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0006_translated_texts"),
    ]

    operations = [
        copy_into_french(
            "catalog",
            {
                "category": ["name", "description"],
                "activity": ["name"],
                "product": [
                    "name",
                    "summary",
                    "description",
                    "repairability",
                    "workshop",
                    "country_of_manufacture",
                ],
                "variant": ["size", "colour"],
                "productimage": ["alt_text", "colour"],
            },
        ),
    ]
