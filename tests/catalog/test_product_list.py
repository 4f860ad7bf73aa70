"""The catalogue listing: filters with counts, sort, pagination, and its query budget."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.core import serializers
from django.core.management import call_command
from django.http import QueryDict

from catalog.models import Activity, Product, stock_flags_refresh
from tests.factories import (
    NO_BREAK,
    card_names,
    make_activity,
    make_category,
    make_image,
    make_product,
    make_variant,
)

pytestmark = pytest.mark.django_db


def names(response):
    return card_names(response)


def count_of(response, group, value):
    return response.context["facets"][group].get(value, 0)


@pytest.fixture
def shelf():
    """A small catalogue: two categories (one a child), three activities, sizes and colours."""
    packs = make_category(name="Sacs à dos", slug="sacs-a-dos")
    trail = make_category(name="Sacs de trail", slug="sacs-trail", parent=packs)
    clothes = make_category(name="Vêtements", slug="vetements")
    ski, hike, run = (make_activity(slug=s, name=s.capitalize()) for s in ("ski", "rando", "trail"))
    products = {
        "Hiker": make_product(
            name="Hiker", category=packs, price=Decimal("79.90"), tier="entry", activities=[hike]
        ),
        "Peuterey": make_product(
            name="Peuterey",
            category=packs,
            price=Decimal("189.90"),
            tier="expert",
            activities=[ski, hike],
        ),
        "Drôme": make_product(
            name="Drôme",
            category=trail,
            price=Decimal("149.00"),
            tier="expert",
            made_in_france=True,
            workshop="Drôme",
            country_of_manufacture="France",
            activities=[run],
        ),
        "Kid": make_product(
            name="Kid",
            category=packs,
            brand="lafuma",
            audience="kids",
            price=Decimal("34.90"),
            activities=[hike],
        ),
        "Veste": make_product(
            name="Veste",
            category=clothes,
            price=Decimal("549.00"),
            tier="expert",
            audience="men",
            activities=[ski],
        ),
        "Caché": make_product(name="Caché", category=packs, is_published=False),
    }
    make_variant(product=products["Hiker"], size="", colour="Bleu", stock=4)
    make_variant(product=products["Peuterey"], size="", colour="Rouge", stock=0)
    make_variant(product=products["Drôme"], size="M", colour="Rouge", stock=3)
    make_variant(product=products["Drôme"], size="L", colour="Noir", stock=0)
    make_variant(product=products["Kid"], size="", colour="Jaune", stock=1)
    make_variant(product=products["Veste"], size="M", colour="Noir", stock=2)
    make_variant(product=products["Veste"], size="L", colour="Rouge", stock=5)
    return products


def test_it_lists_published_products_only(client, shelf):
    response = client.get("/produits/?tri=nom")

    assert names(response) == ["Drôme", "Hiker", "Kid", "Peuterey", "Veste"]
    assert "5 produits" in response.content.decode()


def test_the_default_order_puts_staffs_selection_first_then_the_newest(client, shelf):
    Product = type(shelf["Kid"])
    Product.objects.filter(pk=shelf["Veste"].pk).update(featured_position=2)
    Product.objects.filter(pk=shelf["Hiker"].pk).update(featured_position=1)

    # The fixture made Hiker, Peuterey, Drôme, Kid, Veste in that order.
    assert names(client.get("/produits/")) == ["Hiker", "Veste", "Kid", "Drôme", "Peuterey"]


def test_the_name_order_ignores_case_and_accents(client):
    for name in ("Sac Urban 28", "sac de randonnée", "Écharpe polaire", "Bonnet", "eau vive"):
        make_product(name=name)

    assert names(client.get("/produits/?tri=nom")) == [
        "Bonnet",
        "eau vive",
        "Écharpe polaire",
        "sac de randonnée",
        "Sac Urban 28",
    ]


def test_a_parent_category_includes_its_children(client, shelf):
    assert sorted(names(client.get("/produits/sacs-a-dos/"))) == [
        "Drôme",
        "Hiker",
        "Kid",
        "Peuterey",
    ]
    assert names(client.get("/produits/sacs-trail/")) == ["Drôme"]


def test_an_unknown_category_is_a_404(client, shelf):
    assert client.get("/produits/nulle-part/").status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("activite=ski", ["Peuterey", "Veste"]),
        ("activite=ski&activite=trail", ["Drôme", "Peuterey", "Veste"]),
        ("marque=lafuma", ["Kid"]),
        ("public=kids&public=men", ["Kid", "Veste"]),
        ("gamme=expert", ["Drôme", "Peuterey", "Veste"]),
        ("france=true", ["Drôme"]),
        ("stock=true", ["Drôme", "Hiker", "Kid", "Veste"]),
        ("prix_min=100&prix_max=200", ["Drôme", "Peuterey"]),
        ("taille=M", ["Drôme", "Veste"]),
        ("taille=L", ["Veste"]),  # the Drôme's L is sold out
        ("couleur=Rouge", ["Drôme", "Veste"]),
        ("gamme=expert&activite=ski&stock=true", ["Veste"]),
    ],
)
def test_each_filter_narrows_the_list(client, shelf, query, expected):
    assert names(client.get(f"/produits/?{query}&tri=nom")) == expected


def test_temperature_and_volume_ranges(client):
    make_product(name="Duvet −20", comfort_temp_c=-20, limit_temp_c=-28)
    make_product(name="Duvet 5", comfort_temp_c=5, limit_temp_c=0)
    make_product(name="Sac 30", volume_l=30)
    make_product(name="Sac 60", volume_l=60)

    assert names(client.get("/produits/?temp_max=-10")) == ["Duvet −20"]
    assert names(client.get("/produits/?temp_min=0&temp_max=10")) == ["Duvet 5"]
    assert names(client.get("/produits/?volume_min=40")) == ["Sac 60"]
    assert names(client.get("/produits/?volume_max=40")) == ["Sac 30"]


def test_facet_counts_apply_the_other_filters_but_not_their_own(client, shelf):
    response = client.get("/produits/?gamme=expert&marque=millet")

    # Tier counts ignore the tier filter but keep the brand filter.
    assert count_of(response, "gamme", "expert") == 3
    assert count_of(response, "gamme", "entry") == 1  # Hiker (Kid is Lafuma)
    # Brand counts ignore the brand filter but keep the tier filter.
    assert count_of(response, "marque", "millet") == 3
    assert count_of(response, "marque", "lafuma") == 0
    assert count_of(response, "activite", "ski") == 2
    assert count_of(response, "taille", "M") == 2
    assert count_of(response, "couleur", "Rouge") == 2  # Drôme M and Veste L in stock
    assert count_of(response, "france", "1") == 1
    assert count_of(response, "stock", "1") == 2


def test_counts_are_printed_next_to_each_option(client, shelf):
    html = client.get("/produits/?marque=lafuma").content.decode()

    assert re.search(r'value="millet"[^>]*> Millet <span class="facet__count">\(4\)', html)
    assert re.search(r'value="lafuma" checked> Lafuma <span class="facet__count">\(1\)', html)


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("prix", ["Kid", "Hiker", "Drôme", "Peuterey", "Veste"]),
        ("-prix", ["Veste", "Peuterey", "Drôme", "Hiker", "Kid"]),
        ("nom", ["Drôme", "Hiker", "Kid", "Peuterey", "Veste"]),
        ("nouveautes", ["Veste", "Kid", "Drôme", "Peuterey", "Hiker"]),
    ],
)
def test_sorting(client, shelf, sort, expected):
    assert names(client.get(f"/produits/?tri={sort}")) == expected


def test_active_filters_show_as_removable_chips_and_clear_all(client, shelf):
    html = client.get("/produits/?marque=lafuma&gamme=entry&gamme=expert").content.decode()

    assert 'href="?gamme=entry&amp;gamme=expert">Lafuma' in html
    assert 'href="?marque=lafuma&amp;gamme=expert">Accessible' in html
    assert 'class="chip chip--clear" href="/produits/">Tout effacer' in html


def test_an_empty_result_offers_to_drop_the_last_filter(client, shelf):
    html = client.get("/produits/?gamme=expert&marque=lafuma").content.decode()

    assert "Aucun produit ne correspond à ces filtres." in html
    assert 'href="?gamme=expert">Retirer le dernier filtre' in html


def test_pages_of_24_with_links_that_keep_the_filters(client):
    category = make_category()
    for index in range(30):
        make_product(name=f"Produit {index:02d}", category=category, tier="expert")

    first = client.get("/produits/?gamme=expert")
    second = client.get("/produits/?gamme=expert&page=2")

    assert len(card_names(first)) == 24
    assert 'href="?gamme=expert&amp;page=2"' in first.content.decode()
    assert len(card_names(second)) == 6
    assert 'href="?gamme=expert&amp;page=1"' in second.content.decode()


@pytest.mark.parametrize("products", [1, 30])
def test_the_listing_runs_four_queries_whatever_its_size(
    client, products, django_assert_num_queries
):
    category = make_category()
    make_activity()
    for _ in range(products):
        product = make_product(category=category)
        make_variant(product=product)
        make_image(product=product)

    # 1. categories, 2. activities, 3. every bitmap of the facet index (all the
    # counts and the total), 4. the page of products with their covers
    with django_assert_num_queries(4):
        response = client.get("/produits/?stock=true&gamme=entry&taille=M")
    assert len(card_names(response)) == min(products, 24)
    assert f"{products} produit" in response.content.decode()
    # A filter the index does not hold (a search, a range) costs a query for the
    # products it keeps, and the total is counted by a query: 1. categories,
    # 2. activities, 3. bitmaps, 4. searched pks, 5. total, 6. page.
    with django_assert_num_queries(6):
        response = client.get("/produits/?stock=true&gamme=entry&q=produit")
    assert len(card_names(response)) == min(products, 24)
    # Asked again with nothing changed: the kept page, no query.
    with django_assert_num_queries(0):
        again = client.get("/produits/?stock=true&gamme=entry&q=produit")
    assert again.content == response.content


def test_the_partial_results_for_script_refreshes(client, shelf):
    response = client.get("/produits/?gamme=expert", headers={"X-Requested-With": "fetch"})

    html = response.content.decode()
    # The filter panel's fieldsets with their counts for this query, then the results.
    assert html.lstrip().startswith('<div class="facets" id="facets">')
    assert '<section class="results" id="results"' in html
    assert "<html" not in html and "<form" not in html
    assert "3 produits" in html
    expert = r'name="gamme" value="expert" checked> Expert <span class="facet__count">'
    assert re.search(expert, html)


def test_a_new_product_shows_with_its_counts_on_the_next_request(
    client, shelf, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client.get("/produits/?gamme=expert")
    with django_capture_on_commit_callbacks(execute=True):
        make_product(name="Nouveau", tier="expert")

    # The kept page shows the catalogue: rendered again, 1. categories,
    # 2. activities, 3. the facet index's bitmaps (counts and total), 4. the page
    # of products with their covers.
    with django_assert_num_queries(4):
        response = client.get("/produits/?gamme=expert")
    assert "Nouveau" in names(response)
    assert "4 produits" in response.content.decode()

    # Nothing changed since: the kept page.
    with django_assert_num_queries(0):
        response = client.get("/produits/?gamme=expert")
    assert "4 produits" in response.content.decode()
    assert "Nouveau" in names(response)


def test_the_kept_filter_panel_follows_ticked_boxes_and_renamed_activities(
    client, shelf, django_capture_on_commit_callbacks
):
    """A ticked box is another page, and an activity staff rename shows at once."""
    ski = r'name="activite" value="ski"( checked)?> ({}) <span class="facet__count">'
    client.get("/produits/")

    ticked = client.get("/produits/?activite=ski").content.decode()
    assert re.search(ski.format("Ski"), ticked).group(1) == " checked"
    plain = client.get("/produits/").content.decode()
    assert re.search(ski.format("Ski"), plain).group(1) is None

    activity = Activity.objects.get(slug="ski")
    activity.name = "Ski de randonnée"
    with django_capture_on_commit_callbacks(execute=True):
        activity.save()
    renamed = client.get("/produits/").content.decode()
    assert re.search(ski.format("Ski de randonnée"), renamed)


def test_a_product_saved_sold_out_or_given_a_picture_shows_on_its_card_at_once(
    client, shelf, django_capture_on_commit_callbacks
):
    client.get("/produits/")

    hiker = shelf["Hiker"]
    with django_capture_on_commit_callbacks(execute=True):  # staff's changes committed
        hiker.price = Decimal("69.90")
        hiker.save()
        make_image(product=hiker, alt_text="Hiker, vue de face")
        hiker.variants.update(stock=0)
        stock_flags_refresh([hiker.pk])

    html = client.get("/produits/").content.decode()
    card = html[html.index('alt="Hiker, vue de face"') :].split("</article>")[0]
    assert "69,90" in card
    assert "Épuisé" in card


def test_a_renamed_category_or_a_new_picture_text_is_a_new_card(
    client, shelf, django_capture_on_commit_callbacks
):
    """Staff editing a category or a picture see the change on the next request."""
    hiker = shelf["Hiker"]
    image = make_image(product=hiker, alt_text="Hiker, vue de face")
    assert 'alt="Hiker, vue de face"' in client.get("/produits/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        image.alt_text = "Hiker 30, vue de face"
        image.save()
        hiker.category.name = "Sacs à dos de randonnée"
        hiker.category.save()

    html = client.get("/produits/").content.decode()
    card = html[html.index('alt="Hiker 30, vue de face"') :].split("</article>")[0]
    assert "Sacs à dos de randonnée" in card


@pytest.mark.parametrize(
    "query",
    [
        "",
        "gamme=expert&stock=on&taille=M",
        "activite=randonnee&couleur=Rouge&prix_max=250",
        "france=on&public=women&gamme=entry&gamme=advanced",
        "marque=lafuma&taille=L&taille=XL&couleur=Noir",
        "prix_min=150&prix_max=450&stock=on&activite=ski&activite=trail",
    ],
)
def test_facet_counts_match_a_count_of_every_product_one_by_one(client, query):
    """The counts read off the facet index (catalog.facets.facet_counts) are those of
    each option counted product by product, with every other filter applied."""
    for slug in ("randonnee", "ski", "trail"):
        make_activity(slug=slug, name=slug.capitalize())
    call_command("seed_catalog", products=150, stdout=io.StringIO())
    products = list(
        Product.objects.filter(is_published=True).prefetch_related("variants", "activities")
    )
    chosen = QueryDict(query)

    def keeps(product, param):
        """Whether `product` passes the chosen filters, but for `param`'s."""
        sizes = {v.size_fr for v in product.variants.all() if v.stock > 0}
        colours = {v.colour_fr for v in product.variants.all() if v.stock > 0}
        tests = {
            "stock": lambda: product.in_stock,
            "france": lambda: product.made_in_france,
            "gamme": lambda: product.tier in chosen.getlist("gamme"),
            "public": lambda: product.audience in chosen.getlist("public"),
            "marque": lambda: product.brand in chosen.getlist("marque"),
            "taille": lambda: sizes & set(chosen.getlist("taille")),
            "couleur": lambda: colours & set(chosen.getlist("couleur")),
            "activite": lambda: (
                {a.slug for a in product.activities.all()} & set(chosen.getlist("activite"))
            ),
            "prix_min": lambda: product.price >= Decimal(chosen["prix_min"]),
            "prix_max": lambda: product.price <= Decimal(chosen["prix_max"]),
        }
        return all(test() for name, test in tests.items() if name in chosen and name != param)

    facets = client.get(f"/produits/?{query}").context["facets"]

    assert facets["total"] == sum(keeps(p, None) for p in products)
    for param, field in [("gamme", "tier"), ("public", "audience"), ("marque", "brand")]:
        for value, count in facets[param].items():
            expected = sum(keeps(p, param) and getattr(p, field) == value for p in products)
            assert count == expected, (param, value)
    assert facets["stock"]["1"] == sum(keeps(p, "stock") and p.in_stock for p in products)
    assert facets["france"]["1"] == sum(keeps(p, "france") and p.made_in_france for p in products)
    for param, field in [("taille", "size_fr"), ("couleur", "colour_fr")]:
        expected = {}
        for product in products:
            if keeps(product, param):
                for name in {getattr(v, field) for v in product.variants.all() if v.stock > 0}:
                    if name:
                        expected[name] = expected.get(name, 0) + 1
        assert facets[param] == expected, param
    expected = {}
    for product in products:
        if keeps(product, "activite"):
            for activity in product.activities.all():
                expected[activity.slug] = expected.get(activity.slug, 0) + 1
    assert facets["activite"] == expected
    assert facets["applies"] == {
        "temp": sum(p.comfort_temp_c is not None for p in products),
        "volume": sum(p.volume_l is not None for p in products),
    }


def made_in_france_counts(client):
    html = client.get("/produits/?france=true").content.decode().translate(NO_BREAK)
    total = re.search(r"(\d+) produits?</p>", html).group(1)
    option = re.search(
        r'value="true"[^>]*> Fabriqué en France <span class="facet__count">\((\d+)\)', html
    )
    return int(total), int(option.group(1))


def test_the_made_in_france_count_follows_a_save_and_a_fixture_load(
    client, shelf, tmp_path, django_capture_on_commit_callbacks
):
    before = made_in_france_counts(client)
    assert before[0] == before[1]
    hiker = shelf["Hiker"]
    with django_capture_on_commit_callbacks(execute=True):
        hiker.made_in_france, hiker.workshop_fr = True, "Drôme"
        hiker.country_of_manufacture_fr = "France"
        hiker.save()
    assert made_in_france_counts(client) == (before[0] + 1, before[1] + 1)

    peuterey = shelf["Peuterey"]
    rows = json.loads(serializers.serialize("json", [peuterey], use_natural_foreign_keys=True))
    rows[0]["fields"].update(made_in_france=True, workshop_fr="Drôme")
    rows[0]["fields"]["country_of_manufacture_fr"] = "France"
    (tmp_path / "france.json").write_text(json.dumps(rows), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddata", str(tmp_path / "france.json"), verbosity=0)
    assert made_in_france_counts(client) == (before[0] + 2, before[1] + 2)


def test_a_shopper_with_a_cart_gets_the_listing_drawn_once_per_worker_until_it_changes(
    client, shelf, django_assert_num_queries, django_capture_on_commit_callbacks
):
    variant = make_variant(product=shelf["Hiker"], size="S", stock=4)
    client.post(
        "/panier/ajouter/",
        {"variant": variant.pk, "quantity": 1},
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )
    first = client.get("/produits/?gamme=expert")
    assert "X-Page-Cache" not in first  # a page of their own, with their cart
    # Drawn results and panel kept in the worker: 1. the session, 2. the categories.
    with django_assert_num_queries(2):
        again = client.get("/produits/?gamme=expert")
    assert card_names(again) == card_names(first)

    with django_capture_on_commit_callbacks(execute=True):
        make_product(name="Nouveau", tier="expert", category=shelf["Hiker"].category)
    assert "Nouveau" in card_names(client.get("/produits/?gamme=expert"))
