"""The facet index (catalog.facet_index) follows every change to the products, their
activities and their stock, in the transaction that makes it: after each kind of
change it holds exactly the bitmaps worked out again from the products one by one."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.facet_index import bitmaps, product_keys
from catalog.models import FacetBits, Product, Variant
from shop.models import Order
from shop.services import order_advance
from tests.factories import make_activity, make_category, make_product, make_variant
from tests.shop.factories import buy

pytestmark = pytest.mark.django_db


def expected_bitmaps():
    """The bitmaps worked out from each product as it is now in the database."""
    expected = {}
    for product in Product.objects.prefetch_related("activities").order_by("pk"):
        for key in product_keys(product, [a.pk for a in product.activities.all()]):
            expected[key] = expected.get(key, 0) | 1 << product.pk
    return expected


def assert_index_current():
    held = {key: bits for key, bits in bitmaps().items() if bits}
    assert held == expected_bitmaps()


def products_under(key):
    bits = bitmaps().get(key, 0)
    return sorted(p.name for p in Product.objects.all() if bits >> p.pk & 1)


def test_saving_a_product_and_its_variants_sets_and_clears_its_bits():
    tents = make_category(slug="tentes")
    product = make_product(name="Trilogy", tier="entry", category=tents)
    assert products_under("gamme:entry") == ["Trilogy"]
    assert products_under("stock") == []
    variant = make_variant(product=product, size="M", colour="Rouge", stock=2)
    assert products_under("stock") == products_under("taille:M") == ["Trilogy"]
    assert_index_current()

    product.tier = "expert"
    product.volume_l = 40
    product.is_published = False
    product.save()  # an instance read before its variant was added
    assert products_under("gamme:entry") == []
    # What the shop keeps is not written back from it.
    assert Product.objects.get(pk=product.pk).sizes_in_stock == "|M|"
    assert products_under("stock") == ["Trilogy"]
    assert products_under("gamme:expert") == products_under("has_volume") == ["Trilogy"]
    assert products_under("published") == []
    assert_index_current()

    variant.size = "L"
    variant.stock = 0
    variant.save()
    assert products_under("taille:M") == products_under("stock") == []
    assert_index_current()

    product.delete()
    assert products_under("gamme:expert") == products_under(f"category:{tents.pk}") == []
    assert_index_current()


def test_activities_linked_and_unlinked_from_either_side_keep_the_bits():
    ski, trail = make_activity(slug="ski"), make_activity(slug="trail")
    jacket, pack = make_product(name="Veste"), make_product(name="Sac")
    jacket.activities.add(ski, trail)
    assert products_under(f"activite:{ski.pk}") == ["Veste"]
    ski.products.add(pack)  # from the activity's side
    assert products_under(f"activite:{ski.pk}") == ["Sac", "Veste"]
    assert_index_current()

    jacket.activities.remove(ski)
    assert products_under(f"activite:{ski.pk}") == ["Sac"]
    trail.products.add(pack)
    trail.products.clear()
    assert products_under(f"activite:{trail.pk}") == []
    jacket.activities.set([ski])
    assert_index_current()

    ski.delete()  # its links go without an m2m signal: its bitmap goes too
    assert not FacetBits.objects.filter(key=f"activite:{ski.pk}").exists()
    assert_index_current()


def test_an_order_taking_the_last_unit_and_its_cancellation_keep_the_stock_bits():
    product = make_product(name="Annapurna 50")
    last = make_variant(product=product, size="M", colour="Rouge", stock=1)
    make_variant(product=product, size="L", colour="Noir", stock=0)
    order = buy(last, 1)
    assert products_under("stock") == products_under("taille:M") == []
    assert_index_current()

    order.status = Order.Status.PAID
    order.save()
    order_advance(order=order, to_status=Order.Status.CANCELLED)
    assert products_under("stock") == products_under("couleur:Rouge") == ["Annapurna 50"]
    assert_index_current()


def test_the_admin_bulk_actions_keep_the_bits(admin_client):
    products = [make_product(name=name, tier="entry") for name in ("Un", "Deux", "Trois")]
    response = admin_client.post(
        "/admin/catalog/product/",
        {"action": "set_tier_expert", "_selected_action": [p.pk for p in products[:2]]},
    )
    assert response.status_code == 302
    assert products_under("gamme:expert") == ["Deux", "Un"]
    admin_client.post(
        "/admin/catalog/product/",
        {"action": "unpublish", "_selected_action": [products[2].pk]},
    )
    assert products_under("published") == ["Deux", "Un"]
    assert_index_current()


def test_the_demo_data_and_generated_products_are_indexed_as_they_load(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddata", "fixtures/catalog.json", verbosity=0)
    call_command("seed_catalog", products=60, stdout=io.StringIO())
    assert_index_current()
    # A dump does not carry the keys: a product loaded from one is indexed as it loads.
    dump = io.StringIO()
    call_command("dumpdata", "catalog.product", stdout=dump)
    assert "facet_keys" not in dump.getvalue()


def test_the_rebuild_command_mends_an_index_changed_behind_its_back():
    product = make_product(name="Peuterey", tier="advanced")
    make_variant(product=product, stock=3)
    Product.objects.filter(pk=product.pk).update(tier="expert")  # no signal, no index
    FacetBits.objects.filter(key="stock").delete()
    assert products_under("gamme:expert") == []

    out = io.StringIO()
    call_command("facet_index_rebuild", stdout=out)
    assert "Facet index rebuilt" in out.getvalue()
    assert products_under("gamme:expert") == products_under("stock") == ["Peuterey"]
    assert_index_current()


def test_a_change_that_moves_no_key_writes_no_bitmap():
    product = make_product(name="Prolighter")
    variant = make_variant(product=product, stock=5)
    with CaptureQueriesContext(connection) as queries:
        variant.stock = 4  # still in stock: same sizes, same colours
        variant.save()
    assert not [q for q in queries if "catalog_facetbits" in q["sql"]]
    assert Variant.objects.get(pk=variant.pk).stock == 4
