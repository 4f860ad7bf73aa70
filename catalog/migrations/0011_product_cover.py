"""Each product keeps its first image as `cover`, set here once; from now on every image
saved or deleted keeps it (catalog.models.cover_refresh)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    ProductImage = apps.get_model("catalog", "ProductImage")
    first = (
        ProductImage.objects.filter(product=models.OuterRef("pk"))
        .order_by("position", "pk")
        .values("pk")[:1]
    )
    Product.objects.update(cover=models.Subquery(first))


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0010_fill_stock_flags"),
    ]

    operations = [
        migrations.AddField(
            model_name="product",
            name="cover",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="catalog.productimage",
                verbose_name="cover",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
