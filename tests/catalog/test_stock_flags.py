"""Each product keeps whether it is in stock, and its sizes and colours in stock, from its
variants, in the transaction of every stock change: the listing's filters read them."""

import pytest
from django.core.management import call_command

from catalog.models import Product, Variant, stock_marks
from shop.models import Order
from shop.services import order_advance
from tests.factories import card_names, make_product, make_variant
from tests.shop.factories import buy

pytestmark = pytest.mark.django_db


def flags(product):
    product.refresh_from_db()
    return product.in_stock, product.sizes_in_stock, product.colours_in_stock


def computed(product):
    """The flags as the variants say they should be."""
    in_stock = list(product.variants.filter(stock__gt=0).values_list("size_fr", "colour_fr"))
    return (
        bool(in_stock),
        stock_marks(size for size, _ in in_stock),
        stock_marks(colour for _, colour in in_stock),
    )


def test_saving_and_deleting_variants_keeps_the_flags():
    product = make_product()
    assert flags(product) == (False, "", "")

    medium = make_variant(product=product, size="M", colour="Rouge", stock=2)
    large = make_variant(product=product, size="L", colour="Noir", stock=0)
    assert flags(product) == (True, "|M|", "|Rouge|")

    large.stock = 4
    large.save()
    assert flags(product) == (True, "|L|M|", "|Noir|Rouge|")

    medium.delete()
    assert flags(product) == (True, "|L|", "|Noir|")
    large.stock = 0
    large.save()
    assert flags(product) == (False, "", "")


def test_selling_the_last_unit_clears_the_flags_and_cancelling_restores_them():
    product = make_product()
    last = make_variant(product=product, size="M", colour="Rouge", stock=1)
    make_variant(product=product, size="L", colour="Rouge", stock=0)

    order = buy(last)
    assert flags(product) == (False, "", "")

    order.status = Order.Status.PAID
    order.save()
    order_advance(order=order, to_status=Order.Status.CANCELLED)
    assert flags(product) == (True, "|M|", "|Rouge|")


def test_the_listing_filters_read_the_flags(client, django_capture_on_commit_callbacks):
    in_medium = make_product(name="Veste Rouge M")
    make_variant(product=in_medium, size="M", colour="Rouge", stock=3)
    sold_out_medium = make_product(name="Veste Noire M")
    make_variant(product=sold_out_medium, size="M", colour="Noir", stock=0)
    make_variant(product=sold_out_medium, size="L", colour="Noir", stock=2)

    def names(query):
        response = client.get("/produits/", query)
        return sorted(card_names(response))

    assert names({"taille": "M"}) == ["Veste Rouge M"]
    assert names({"taille": ["M", "L"]}) == ["Veste Noire M", "Veste Rouge M"]
    assert names({"couleur": "Noir"}) == ["Veste Noire M"]
    assert names({"stock": "true"}) == ["Veste Noire M", "Veste Rouge M"]
    # A value that is part of another does not match it.
    assert names({"taille": "X"}) == []

    with django_capture_on_commit_callbacks(execute=True):  # the order's commit
        buy(Variant.objects.get(product=in_medium), quantity=3)
    assert names({"taille": "M"}) == []
    assert names({"stock": "true"}) == ["Veste Noire M"]


def test_the_demo_catalogue_and_generated_products_have_their_flags(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("loaddata", "fixtures/catalog.json", verbosity=0)
    call_command("seed_catalog", products=60, verbosity=0)

    products = list(Product.objects.all())
    assert len(products) == 45 + 60
    assert all(flags(product) == computed(product) for product in products)
    assert any(not product.in_stock for product in products)
