"""Each product's stock flags, computed once from its variants; from now on every stock
change keeps them (catalog.models.stock_flags_refresh)."""

from django.db import migrations


def marks(values):
    kept = sorted({value for value in values if value})
    return "|" + "|".join(kept) + "|" if kept else ""


def fill(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    Variant = apps.get_model("catalog", "Variant")
    sizes, colours = {}, {}
    in_stock = Variant.objects.filter(stock__gt=0).values_list("product_id", "size_fr", "colour_fr")
    for product_id, size, colour in in_stock.iterator():
        sizes.setdefault(product_id, []).append(size)
        colours.setdefault(product_id, []).append(colour)
    changed = []
    for product in Product.objects.filter(pk__in=list(sizes)).only("pk").iterator():
        product.in_stock = True
        product.sizes_in_stock = marks(sizes[product.pk])
        product.colours_in_stock = marks(colours[product.pk])
        changed.append(product)
    Product.objects.bulk_update(
        changed, ["in_stock", "sizes_in_stock", "colours_in_stock"], batch_size=1000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0009_product_stock_flags"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
