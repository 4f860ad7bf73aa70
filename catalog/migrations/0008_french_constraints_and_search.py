"""Orderings and constraints read the French columns; search gets a document per language."""

import django.contrib.postgres.search
from django.db import migrations, models

import catalog.search
from catalog.migration_ops import on_postgresql


ENGLISH = [
    "CREATE TEXT SEARCH CONFIGURATION public.english_unaccent ( COPY = pg_catalog.english )",
    "ALTER TEXT SEARCH CONFIGURATION public.english_unaccent "
    "ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem",
]
DROP_ENGLISH = ["DROP TEXT SEARCH CONFIGURATION IF EXISTS public.english_unaccent"]
INDEXES = [
    "CREATE INDEX product_search_idx ON catalog_product USING GIN (search_document)",
    "CREATE INDEX product_search_en_idx ON catalog_product USING GIN (search_document_en)",
]
DROP_INDEXES = [
    "DROP INDEX IF EXISTS product_search_idx",
    "DROP INDEX IF EXISTS product_search_en_idx",
]


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0007_copy_into_french"),
    ]

    operations = [
        # Orderings and constraints read the French columns.
        migrations.AlterModelOptions(
            name='activity',
            options={'ordering': ['position', 'name_fr'], 'verbose_name': 'activity', 'verbose_name_plural': 'activities'},
        ),
        migrations.AlterModelOptions(
            name='category',
            options={'ordering': ['position', 'name_fr'], 'verbose_name': 'category', 'verbose_name_plural': 'categories'},
        ),
        migrations.AlterModelOptions(
            name='product',
            options={'ordering': ['name_fr'], 'verbose_name': 'product', 'verbose_name_plural': 'products'},
        ),
        migrations.AlterModelOptions(
            name='variant',
            options={'ordering': ['product', 'position', 'size_fr', 'colour_fr'], 'verbose_name': 'variant', 'verbose_name_plural': 'variants'},
        ),
        migrations.RemoveConstraint(
            model_name='product',
            name='product_made_in_france_has_workshop',
        ),
        migrations.RemoveConstraint(
            model_name='product',
            name='product_country_required',
        ),
        migrations.RemoveConstraint(
            model_name='productimage',
            name='image_alt_text_required',
        ),
        migrations.AddConstraint(
            model_name='product',
            constraint=models.CheckConstraint(condition=models.Q(('made_in_france', False), models.Q(('country_of_manufacture_fr', 'France'), ('workshop_fr__gt', ''), ('workshop_fr__isnull', False)), _connector='OR'), name='product_made_in_france_has_workshop', violation_error_message='A product made in France needs its workshop or region, and France as its country of manufacture.'),
        ),
        migrations.AddConstraint(
            model_name='product',
            constraint=models.CheckConstraint(condition=models.Q(('country_of_manufacture_fr__gt', ''), ('country_of_manufacture_fr__isnull', False)), name='product_country_required'),
        ),
        migrations.AddConstraint(
            model_name='productimage',
            constraint=models.CheckConstraint(condition=models.Q(('alt_text_fr__gt', ''), ('alt_text_fr__isnull', False)), name='image_alt_text_required'),
        ),
        # A variant is unique by its French size and colour, the names filters use.
        migrations.RemoveConstraint(model_name="variant", name="variant_unique_size_colour"),
        migrations.AddConstraint(
            model_name="variant",
            constraint=models.UniqueConstraint(
                models.F("product"),
                models.F("size_fr"),
                models.F("colour_fr"),
                name="variant_unique_size_colour",
                violation_error_message=(
                    "This product already has a variant of that size and colour."
                ),
            ),
        ),
        # The French document now reads the French columns; the English one
        # reads the English columns, the French where English is missing.
        migrations.RemoveField(model_name="product", name="search_document"),
        migrations.RunPython(on_postgresql(ENGLISH), on_postgresql(DROP_ENGLISH)),
        migrations.AddField(
            model_name="product",
            name="search_document",
            field=models.GeneratedField(
                db_persist=True,
                expression=catalog.search.SearchDocument("fr"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddField(
            model_name="product",
            name="search_document_en",
            field=models.GeneratedField(
                db_persist=True,
                expression=catalog.search.SearchDocument("en"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunPython(on_postgresql(INDEXES), on_postgresql(DROP_INDEXES)),
    ]
