"""The listing's finer points: sizes grouped in wearing order, filters that fit the category."""

import pytest

from catalog.facets import size_key
from tests.factories import make_category, make_product, make_variant

pytestmark = pytest.mark.django_db


def test_sizes_sort_by_kind_then_in_wearing_order():
    sizes = ["44", "M", "10 ans", "XS", "38", "L/XL", "6 ans", "XXL", "Unique", "S"]

    assert sorted(sizes, key=size_key) == [
        "XS",
        "S",
        "M",
        "L/XL",
        "XXL",
        "6 ans",
        "10 ans",
        "38",
        "44",
        "Unique",
    ]


def test_the_size_filter_shows_clothing_children_and_trouser_sizes_apart(client):
    category = make_category()
    for size in ("M", "XS", "8 ans", "42", "10 ans", "38"):
        make_variant(product=make_product(category=category), size=size, stock=2)

    # Checked in English until the new legends' French is in the catalogue.
    groups = client.get("/en/produits/").context["groups"]

    sizes = [
        (g["legend"], [o["value"] for o in g["options"]]) for g in groups if g["name"] == "taille"
    ]
    # Shoe sizes are a filter of their own (tests/catalog/test_listing_phone.py).
    assert [(str(legend), values) for legend, values in sizes] == [
        ("Size", ["XS", "M"]),
        ("Children's size", ["8 ans", "10 ans"]),
        ("Trouser size", ["38", "42"]),
    ]


def test_range_filters_show_only_where_products_have_the_measure(client):
    bags = make_category(slug="sacs-de-couchage")
    packs = make_category(slug="sacs-a-dos")
    make_variant(product=make_product(category=bags, comfort_temp_c=-5))
    make_variant(product=make_product(category=packs, volume_l=30))

    bags_page = client.get("/produits/sacs-de-couchage/").content.decode()
    packs_page = client.get("/produits/sacs-a-dos/").content.decode()
    everything = client.get("/produits/").content.decode()

    assert 'name="temp_min"' in bags_page and 'name="volume_min"' not in bags_page
    assert 'name="volume_min"' in packs_page and 'name="temp_min"' not in packs_page
    assert 'name="temp_min"' in everything and 'name="volume_min"' in everything


def test_a_range_filter_in_use_stays_visible_to_be_changed(client):
    packs = make_category(slug="sacs-a-dos")
    make_variant(product=make_product(category=packs, volume_l=30))

    page = client.get("/produits/sacs-a-dos/?temp_max=5").content.decode()

    assert 'name="temp_max"' in page


def test_product_cards_sit_under_a_second_level_heading(client):
    make_variant(product=make_product(name="Sac Hiker 30"))

    html = client.get("/produits/").content.decode()

    heading = html.index('<h2 class="visually-hidden">Produits</h2>')
    assert html.index("<h1") < heading < html.index('<h3 class="product-card__name">')


def test_staff_choose_and_order_the_featured_products_in_the_admin(admin_client):
    product = make_product(name="Sac Hiker 30", featured_position=3)

    listing = admin_client.get("/admin/catalog/product/").content.decode()
    form = admin_client.get(f"/admin/catalog/product/{product.pk}/change/").content.decode()

    # The list keeps to what fits 1,366 px; the position is set on the product's form.
    assert "Sac Hiker 30" in listing
    assert 'name="featured_position" value="3"' in form
