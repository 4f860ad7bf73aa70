"""The facet index (catalog.facet_index): a bitmap of products per filter option, and
the keys each product's bits are set under, built here for the products already there."""

from django.db import migrations, models


def build(apps, schema_editor):
    """With the shop's code of this migration: a database with no products (a new
    one) has nothing to build, so later changes to the models cannot break it."""
    if apps.get_model("catalog", "Product").objects.exists():
        from catalog.facet_index import facet_index_rebuild

        facet_index_rebuild()


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0012_product_facets_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='FacetBits',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=80, unique=True, verbose_name='key')),
                ('bits', models.BinaryField(default=b'', verbose_name='bits')),
            ],
            options={
                'verbose_name': 'facet bitmap',
                'verbose_name_plural': 'facet bitmaps',
            },
        ),
        migrations.AddField(
            model_name='product',
            name='facet_keys',
            field=models.JSONField(blank=True, default=list, editable=False, serialize=False, verbose_name='facet keys'),
        ),
        migrations.RunPython(build, migrations.RunPython.noop, elidable=True),
    ]
