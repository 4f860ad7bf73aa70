"""Full-text search on PostgreSQL: French stemming without accents, on an indexed column.

The text search configuration and the GIN index exist only on PostgreSQL; on
SQLite the generated column is NULL and these steps do nothing.
"""

import django.contrib.postgres.search
from django.db import migrations, models

import catalog.search

CONFIGURATION = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE TEXT SEARCH CONFIGURATION public.french_unaccent ( COPY = pg_catalog.french )",
    "ALTER TEXT SEARCH CONFIGURATION public.french_unaccent "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem",
]
DROP_CONFIGURATION = ["DROP TEXT SEARCH CONFIGURATION IF EXISTS public.french_unaccent"]
INDEX = ["CREATE INDEX product_search_idx ON catalog_product USING GIN (search_document)"]
DROP_INDEX = ["DROP INDEX IF EXISTS product_search_idx"]


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0001_catalogue"),
    ]

    operations = [
        migrations.RunPython(on_postgresql(CONFIGURATION), on_postgresql(DROP_CONFIGURATION)),
        migrations.AddField(
            model_name="product",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=catalog.search.SearchDocument(),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunPython(on_postgresql(INDEX), on_postgresql(DROP_INDEX)),
    ]
