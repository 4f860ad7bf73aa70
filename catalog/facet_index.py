"""The facet index: for each option of the listing's filters, the products that have
it, as a bitmap (catalog.models.FacetBits), kept in the transaction of every change.

Counting a facet is then a few ANDs and bit counts of integers in Python, whatever
the size of the catalogue, instead of scanning every product the other filters
leave. Each product keeps the keys its bits are set under (`Product.facet_keys`), so
a change touches only the bitmaps of the options it gained or lost, and locks only
those rows (in key order, after the products: no deadlock between two changes).

Keys: "published", "category:<pk>", a flag's parameter ("stock", "france"), a
choice's "<param>:<value>" (tier, audience, brand; an activity by pk; a size or a
colour in stock by its French name), and "has_<param>" for a measure a product has
(comfort temperature, volume).
"""

from django.db import transaction

from catalog.models import FacetBits, Product


def fields():
    """The product columns the keys are read from (besides its activities), from FACETS."""
    from catalog.filters import FACETS

    names = {"is_published", "category_id"}
    for facet in FACETS:
        if facet.source == "variant":
            names.add(f"{facet.field}s_in_stock")
        elif facet.source == "product" and (facet.kind != "range" or facet.only_where_measured):
            names.add(facet.field)
    return names


def product_keys(product, activity_ids):
    """The keys whose bitmaps have this product's bit set."""
    from catalog.filters import FACETS

    keys = {f"category:{product.category_id}"}
    if product.is_published:
        keys.add("published")
    for facet in FACETS:
        if facet.kind == "flag":
            if getattr(product, facet.field):
                keys.add(facet.param)
        elif facet.kind == "range":
            if facet.only_where_measured and getattr(product, facet.field) is not None:
                keys.add(f"has_{facet.param}")
        elif facet.source == "activity":
            keys.update(f"{facet.param}:{pk}" for pk in activity_ids)
        elif facet.source == "variant":
            marks = getattr(product, f"{facet.field}s_in_stock")
            # Shoe sizes read the size keys ("taille:42"), kept once (Facet.index).
            keys.update(f"{facet.key}:{value}" for value in marks.strip("|").split("|") if value)
        else:
            keys.add(f"{facet.param}:{getattr(product, facet.field)}")
    return keys


def facet_index_refresh(product_ids, reset=False):
    """Bring these products' bits up to date with their rows; call it in the
    transaction that changed them. A pk with no product (deleted) loses its bit in
    every bitmap, as do these products with `reset` (their kept keys are not to be
    trusted: a row written from a fixture) before their own are set. Five queries at
    most when keys changed, two when none did."""
    product_ids = set(product_ids)
    if not product_ids:
        return
    with transaction.atomic():
        products = list(
            Product.objects.filter(pk__in=product_ids)
            .only("pk", "facet_keys", *fields())
            .select_for_update()
            .order_by("pk")
        )
        activities = {}
        through = Product.activities.through.objects.filter(product__in=product_ids)
        for product_id, activity_id in through.values_list("product_id", "activity_id"):
            activities.setdefault(product_id, []).append(activity_id)
        gained, lost, changed = {}, {}, []  # key -> pks
        for product in products:
            new = product_keys(product, activities.get(product.pk, ()))
            old = set() if reset else set(product.facet_keys)
            for key in new - old:
                gained.setdefault(key, []).append(product.pk)
            for key in old - new:
                lost.setdefault(key, []).append(product.pk)
            if new != old:
                product.facet_keys = sorted(new)
                changed.append(product)
        gained = {key: bitmap_of(pks) for key, pks in gained.items()}
        lost = {key: bitmap_of(pks) for key, pks in lost.items()}
        gone = bitmap_of(product_ids if reset else product_ids - {p.pk for p in products})
        if not (gained or lost or gone):
            return
        if gained:
            FacetBits.objects.bulk_create(
                [FacetBits(key=key) for key in gained], ignore_conflicts=True
            )
        rows = FacetBits.objects.select_for_update().order_by("key")
        if not gone:
            rows = rows.filter(key__in=gained.keys() | lost.keys())
        rows = list(rows)
        for row in rows:
            bits = (as_int(row.bits) & ~gone | gained.get(row.key, 0)) & ~lost.get(row.key, 0)
            row.bits = as_bytes(bits)
        FacetBits.objects.bulk_update(rows, ["bits"])
        Product.objects.bulk_update(changed, ["facet_keys"])


def facet_index_rebuild():
    """Every bitmap made again from the products (the migration that adds the index,
    and `manage.py facet_index_rebuild` after rows were changed outside Django)."""
    with transaction.atomic():
        FacetBits.objects.all().delete()
        Product.objects.update(facet_keys=[])
        pks = list(Product.objects.values_list("pk", flat=True).order_by("pk"))
        for start in range(0, len(pks), 2000):
            facet_index_refresh(pks[start : start + 2000])


def bitmaps():
    """Every key's bitmap as an integer: one query."""
    return {key: as_int(bits) for key, bits in FacetBits.objects.values_list("key", "bits")}


def bitmap_of(pks):
    """The bitmap of these pks, built in a byte array (one big integer per pk would
    copy the whole bitmap each time)."""
    pks = list(pks)
    if not pks:
        return 0
    array = bytearray(max(pks) // 8 + 1)
    for pk in pks:
        array[pk >> 3] |= 1 << (pk & 7)
    return as_int(array)


def as_int(data):
    return int.from_bytes(bytes(data), "little")


def as_bytes(bits):
    return bits.to_bytes((bits.bit_length() + 7) // 8, "little")


def activity_deleted(sender, instance, **kwargs):
    """An activity's links go with it, sending no m2m signal: its bitmap goes too. The
    products' kept keys lose it at their next refresh."""
    from catalog.filters import FACETS

    keys = [f"{facet.param}:{instance.pk}" for facet in FACETS if facet.source == "activity"]
    FacetBits.objects.filter(key__in=keys).delete()
