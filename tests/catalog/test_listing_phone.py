"""The listing on a phone: the drawer's count before its choices apply, folded filter
groups that say what is chosen, shoe sizes apart, cards in the colour filtered, and the
skip link to the products."""

import re

import pytest

from tests.factories import (
    card_names,
    make_category,
    make_image,
    make_product,
    make_variant,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rack():
    """Shoes (a child of the footwear category), trousers and jackets, in two colours."""
    shoes = make_category(name="Chaussures", slug="chaussures")
    approach = make_category(name="Approche", slug="chaussures-approche", parent=shoes)
    clothes = make_category(name="Vêtements", slug="vetements")
    products = {
        "Rock": make_product(name="Rock", category=approach),
        "Hike": make_product(name="Hike", category=shoes),
        "Pantalon": make_product(name="Pantalon", category=clothes),
        "Veste": make_product(name="Veste", category=clothes),
    }
    for size in ("40", "42", "38,5"):
        make_variant(product=products["Rock"], size=size, colour="Gris", stock=2)
    make_variant(product=products["Hike"], size="42", colour="Noir", stock=1)
    make_variant(product=products["Hike"], size="44", colour="Noir", stock=0)
    for size in ("40", "42", "W32"):
        make_variant(product=products["Pantalon"], size=size, colour="Noir", stock=3)
    make_variant(product=products["Veste"], size="M", colour="Rouge", stock=2)
    make_variant(product=products["Veste"], size="L", colour="Noir", stock=2)
    return products


def shown_count(response):
    return int(re.search(r'id="results-count"[^>]*>(\d+) produit', response.content.decode())[1])


@pytest.mark.parametrize(
    "query",
    [
        "",
        "pointure=42",
        "taille=42",
        "taille=42&pointure=42",
        "couleur=Noir&taille=M&taille=L",
        "couleur=Noir&prix_max=100",
        "q=veste",
        "pointure=44",
    ],
)
def test_the_drawer_count_is_the_number_of_products_the_listing_shows(client, rack, query):
    counted = client.get(f"/produits/?{query}&count=1").json()
    listing = client.get(f"/produits/?{query}")

    assert counted["count"] == shown_count(listing) == len(card_names(listing))


def test_the_drawer_count_says_it_in_words_and_gives_each_options_count(client, rack):
    counted = client.get("/en/produits/?couleur=Noir&count=1").json()

    assert counted["label"] == "Show 3 products"
    # Every other filter applied: black shoes in 42; trousers in 40, 42 and W32 and a
    # jacket in M and L, each with a black variant in stock.
    assert counted["options"]["pointure"] == {"42": 1}
    assert counted["options"]["taille"] == {"M": 1, "L": 1, "40": 1, "42": 1, "W32": 1}
    assert counted["options"]["couleur"] == {"Gris": 1, "Noir": 3, "Rouge": 1}
    assert counted["options"]["stock"] == {"true": 3}


def test_the_drawer_count_costs_three_queries_and_is_never_kept(
    client, rack, django_assert_num_queries
):
    # 1. categories, 2. activities, 3. every bitmap of the facet index (counts and total)
    with django_assert_num_queries(3):
        first = client.get("/produits/?couleur=Noir&count=1")
    assert first["Content-Type"] == "application/json"
    assert "private" in first["Cache-Control"]
    with django_assert_num_queries(3):
        client.get("/produits/?couleur=Noir&count=1")


def test_shoe_sizes_are_a_filter_of_their_own(client, rack):
    groups = client.get("/en/produits/").context["groups"]

    sizes = {
        str(g["legend"]): [o["value"] for o in g["options"]]
        for g in groups
        if g["name"] in ("taille", "pointure")
    }
    # The footwear category and its children's sizes, in number order; the trousers'
    # 40 and 42 and their waist size with the trousers, letters apart.
    assert sizes == {
        "Size": ["M", "L"],
        "Trouser size": ["40", "42", "W32"],
        "Shoe size": ["38,5", "40", "42"],
    }


def test_a_shoe_size_keeps_shoes_and_a_trouser_size_keeps_trousers(client, rack):
    assert card_names(client.get("/produits/?pointure=42&tri=nom")) == ["Hike", "Rock"]
    assert card_names(client.get("/produits/?taille=42")) == ["Pantalon"]
    assert card_names(client.get("/produits/?pointure=38,5")) == ["Rock"]


def test_each_group_is_folded_with_what_is_chosen_in_it(client, rack):
    html = client.get("/en/produits/?taille=M&taille=L&couleur=Noir&prix_max=200").content
    html = html.decode()

    summaries = re.findall(r'<details class="facet-group"[^>]*>\s*<summary>([^<]*)</summary>', html)
    assert "Size: M, L" in summaries
    assert "Colour: Noir" in summaries
    assert "Price (€): Up to 200 €" in summaries
    assert "Brand" in summaries
    assert '<details class="facet-group" data-group="taille-letters"' in html
    assert " open" not in re.search(r'<details class="facet-group"[^>]*>', html)[0]


def test_a_card_shows_the_picture_of_the_colour_filtered(client, rack):
    veste = rack["Veste"]
    make_image(product=veste, alt_text="Veste rouge", colour="Rouge", position=0)
    make_image(product=veste, alt_text="Veste noire", colour="Noir", position=1)
    make_image(product=veste, alt_text="Veste noire, dos", colour="Noir", position=2)

    plain = client.get("/produits/?taille=L").content.decode()
    black = client.get("/produits/?taille=L&couleur=Noir").content.decode()
    red = client.get("/produits/?taille=L&couleur=Rouge").content.decode()

    assert 'alt="Veste rouge"' in plain and "Veste noire" not in plain
    assert 'alt="Veste noire"' in black and "Veste rouge" not in black
    assert 'alt="Veste rouge"' in red
    # Each page its own kept fragment: the colour is in the query, so in the key.
    assert 'alt="Veste noire"' in client.get("/produits/?taille=L&couleur=Noir").content.decode()
    assert 'alt="Veste rouge"' in client.get("/produits/?taille=L").content.decode()


def test_the_colour_pictures_cost_one_query(client, rack, django_assert_num_queries):
    make_image(product=rack["Veste"], alt_text="Veste noire", colour="Noir")

    # 1. categories, 2. activities, 3. bitmaps, 4. the page of products, 5. their
    # pictures of the colour filtered
    with django_assert_num_queries(5):
        response = client.get("/produits/?couleur=Noir")
    assert 'alt="Veste noire"' in response.content.decode()


def test_a_skip_link_leads_past_the_filters_to_the_products(client, rack):
    html = client.get("/produits/").content.decode()

    skip = html.index('href="#products"')
    assert html.index("<h1") < skip < html.index('class="category-links"')
    assert html.index('id="filters"') < html.index('<ul class="product-grid" id="products">')
