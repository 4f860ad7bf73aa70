"""The product page's choice (issue 31): colours and sizes, the size guide, what
delivery costs, and a refusal shown beside the choice it keeps."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.utils import translation

from catalog.models import Category, SizeGuide
from tests.factories import NO_BREAK, make_category, make_image, make_product, make_variant

pytestmark = pytest.mark.django_db

SHOES = "Pointure (EU) | Longueur du pied (cm)\n41 | 25,8\n42 | 26,5"


@pytest.fixture
def jacket():
    product = make_product(
        name="Veste Guide Chamonix",
        slug="veste-guide",
        price="249.00",
        summary="Une veste de guide pour toute l’année.",
    )
    make_variant(product=product, size="M", colour="Rouge", stock=3)
    make_variant(product=product, size="L", colour="Rouge", stock=0, position=1)
    make_variant(product=product, size="M", colour="Noir", stock=2, position=2)
    make_image(product=product, position=0, colour="Rouge", alt_text="Veste rouge")
    make_image(product=product, position=1, colour="Noir", alt_text="Veste noire")
    return product


def body(response):
    """The page's body: the first screen's rules inlined in its head name classes too."""
    return response.content.decode().split("<body", 1)[1]


def english(product):
    return f"/en/produit/{product.slug}/"


def page(client, url):
    return body(client.get(url))


def radios(html):
    """(value, data-colour, flags) of each radio posting a variant."""
    found = re.findall(r'<input type="radio" name="variant"([^>]*)>', html)
    return [
        (
            re.search(r'value="(\d+)"', attrs)[1],
            re.search(r'data-colour="([^"]*)"', attrs)[1],
            " ".join(flag for flag in ("disabled", "checked") if f" {flag}" in attrs),
        )
        for attrs in found
    ]


def test_without_script_each_colour_shows_its_sizes_one_radio_per_variant(client, jacket):
    html = page(client, jacket.get_absolute_url())

    red_m, red_l, black_m = jacket.variants.order_by("position")
    assert radios(html) == [
        (str(red_m.pk), "Rouge", ""),
        (str(red_l.pk), "Rouge", "disabled"),
        (str(black_m.pk), "Noir", ""),
    ]
    groups = re.findall(r'<fieldset class="size-group" data-colour="(\w+)">', html)
    assert groups == ["Rouge", "Noir"]
    # The swatches are the script's: hidden without it, each with its colour's picture.
    assert '<fieldset class="swatches" data-swatches hidden>' in html
    assert re.findall(r'name="colour" data-colour="(\w+)"', html) == ["Rouge", "Noir"]
    swatches = html[html.index("data-swatches") : html.index('class="size-group"')]
    assert swatches.count("<img ") == 2


def test_the_form_posts_the_variant_chosen_without_script(client, jacket):
    black_m = jacket.variants.get(colour="Noir")

    response = client.post(
        "/panier/ajouter/",
        {"variant": black_m.pk, "quantity": 1, "colour": "Noir", "next": jacket.get_absolute_url()},
    )

    assert response.status_code == 302
    assert response["Location"] == "/panier/"
    assert client.session["cart"] == {str(black_m.pk): 1}


def test_a_single_colour_names_no_swatch_and_a_single_variant_is_chosen(client):
    product = make_product()
    only = make_variant(product=product, size="", colour="Vert", stock=4)

    html = page(client, product.get_absolute_url())

    assert "data-swatches" not in html
    assert radios(html) == [(str(only.pk), "Vert", "checked")]
    assert "Taille unique" in html


def test_the_price_says_it_includes_vat(client, jacket):
    html = page(client, english(jacket))

    assert '€249.00 <span class="product__tax">incl. VAT</span>' in html
    assert "249.00\u00a0€" not in html


def test_more_than_the_stock_comes_back_beside_the_choice_which_stays_chosen(client, jacket):
    red_m = jacket.variants.get(colour="Rouge", size="M")
    url = jacket.get_absolute_url()

    response = client.post("/panier/ajouter/", {"variant": red_m.pk, "quantity": 5, "next": url})

    location = urlsplit(response["Location"])
    assert (location.path, location.fragment) == (url, "choice")
    query = parse_qs(location.query)
    assert (query["variante"], query["quantite"]) == ([str(red_m.pk)], ["5"])
    answer = client.get(response["Location"])
    html = body(answer)
    error = re.search(r'<p class="choice-error" id="choice-error" role="alert">(.*?)</p>', html)
    assert error[1].translate(NO_BREAK) == "Plus que 3 dans cette taille."
    assert html.index('id="choice"') < error.start() < html.index('name="variant"')
    assert 'aria-describedby="choice-error"' in html
    assert (str(red_m.pk), "Rouge", "checked") in radios(html)
    assert 'name="quantity" value="5"' in html
    # Nothing at the top of the page, and nothing of it kept for the next visitor.
    assert "message--error" not in html
    assert "private" in answer["Cache-Control"]
    assert client.session.get("cart", {}) == {}


def test_a_refused_choice_is_never_kept_nor_served_from_the_cache(client, jacket):
    red_m = jacket.variants.get(colour="Rouge", size="M")
    url = jacket.get_absolute_url()
    location = client.post("/panier/ajouter/", {"variant": red_m.pk, "quantity": 5, "next": url})[
        "Location"
    ]

    first, second = client.get(location), client.get(location)
    plain = page(client, url)

    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert "choice-error" not in plain
    assert " checked" not in plain


def test_words_put_in_the_address_by_hand_are_not_shown(client, jacket):
    red_m = jacket.variants.get(colour="Rouge", size="M")
    url = f"{jacket.get_absolute_url()}?variante={red_m.pk}&quantite=2&refus=Arnaque"

    html = page(client, url)
    form = html[html.index('id="add-to-cart"') : html.index('class="buy-bar"')]

    assert "Arnaque" not in form
    assert "choice-error" not in form
    assert (str(red_m.pk), "Rouge", "checked") in radios(html)


def test_a_refusal_without_the_product_page_to_go_back_to_shows_on_the_cart(client, jacket):
    red_m = jacket.variants.get(colour="Rouge", size="M")

    response = client.post("/panier/ajouter/", {"variant": red_m.pk, "quantity": 5}, follow=True)

    assert response.redirect_chain[-1][0] == "/panier/"
    assert "Plus que 3 dans cette taille." in body(response).translate(NO_BREAK)


def test_sold_out_sizes_are_struck_and_lead_to_the_alert_placed_after_the_summary(client, jacket):
    html = page(client, jacket.get_absolute_url())

    assert html.count('class="size-option size-option--out"') == 1
    assert '<a href="#stock-alert" data-alert-link>' in html
    summary = html.index('class="product__summary"')
    assert html.index('id="add-to-cart"') < summary < html.index('id="stock-alert"')


def test_no_alert_link_when_every_size_is_in_stock(client):
    product = make_product()
    make_variant(product=product, stock=2)

    html = page(client, product.get_absolute_url())

    assert "data-alert-link" not in html
    assert 'id="stock-alert"' not in html


def test_the_delivery_cost_returns_and_repairs_show_under_the_button(client, jacket):
    cheap = make_product(price="39.00")
    make_variant(product=cheap)

    html = page(client, english(cheap)).translate(NO_BREAK)
    dear = page(client, english(jacket)).translate(NO_BREAK)

    assert "Home delivery €6.90, free from €100" in html
    assert "Free home delivery in metropolitan France" in dear
    assert 'href="/en/informations/livraison-et-retours/">14 days to return it' in html
    assert 'href="/en/reparation/">Repaired in our French workshop' in html
    assert html.index("data-main-button") < html.index('class="reassurance"')


def test_the_sticky_bar_submits_the_same_form_and_is_hidden_without_script(client, jacket):
    html = client.get(jacket.get_absolute_url()).content.decode()

    assert '<div class="buy-bar" data-buy-bar hidden>' in html
    assert '<button type="submit" form="add-to-cart" class="button">' in html
    assert '<form id="add-to-cart" class="add-to-cart"' in html
    assert re.search(r'<script src="[^"]*/js/product(\.[0-9a-f]+)?\.js" defer></script>', html)


def test_each_picture_links_to_its_larger_view(client, jacket):
    html = page(client, jacket.get_absolute_url())

    links = re.findall(r'<a class="gallery__item" href="([^"]+)" data-gallery-colour', html)
    assert len(links) == 2
    assert all(link.startswith("/media/") for link in links)


@pytest.fixture
def shoes():
    category = make_category(name="Chaussures", slug="chaussures")
    SizeGuide.objects.create(
        category=category,
        title="Guide des tailles : chaussures",
        title_en="Size guide: footwear",
        table=SHOES,
        advice="Mesurez votre pied en fin de journée.",
    )
    product = make_product(category=make_category(name="Approche", parent=category))
    make_variant(product=product, size="42")
    return product


def test_the_size_guide_of_the_category_or_its_parent_shows_beside_the_sizes(client, shoes):
    html = page(client, shoes.get_absolute_url())

    guide = re.search(r'<details class="size-guide">.*?</details>', html, re.S)[0]
    assert "<summary>" in guide
    assert "Guide des tailles : chaussures" in guide.translate(NO_BREAK)
    assert '<th scope="col">Pointure (EU)</th>' in guide
    assert '<tr><th scope="row">42</th><td>26,5</td></tr>' in guide
    assert "Mesurez votre pied" in guide
    assert (
        html.index('class="size-group"') < html.index("size-guide") < html.index("data-main-button")
    )


def test_a_subcategory_s_own_guide_comes_first_and_a_category_without_shows_none(client, shoes):
    SizeGuide.objects.create(category=shoes.category, title="Approche", table="Taille\n42")
    other = make_product()
    make_variant(product=other)

    html = page(client, shoes.get_absolute_url())

    assert "<caption>Approche</caption>" in html
    assert "Pointure" not in html
    assert "size-guide" not in page(client, other.get_absolute_url())


def test_a_sleeping_bag_s_guide_gives_its_temperatures(client):
    bags = make_category(name="Sacs de couchage")
    SizeGuide.objects.create(category=bags, title="Sacs", table="Taille | Longueur\nM | 205 cm")
    bag = make_product(category=bags, comfort_temp_c=5, limit_temp_c=-1)
    make_variant(product=bag)

    html = page(client, english(bag)).translate(NO_BREAK)

    assert "This bag: comfort 5 °C, limit −1 °C." in html


def test_the_page_with_a_size_guide_still_runs_six_queries(
    client, shoes, django_assert_num_queries
):
    # 1. product with category, parent and their guides, 2. activities, 3. variants,
    # 4. images, 5. its lineage in the brand's story, 6. related products
    with django_assert_num_queries(6):
        response = client.get(shoes.get_absolute_url())
    assert response.status_code == 200


def test_a_guide_saved_renews_the_kept_product_pages(
    client, shoes, django_capture_on_commit_callbacks
):
    url = shoes.get_absolute_url()
    client.get(url)
    guide = SizeGuide.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        guide.table = SHOES + "\n43 | 27,1"
        guide.save()

    assert '<tr><th scope="row">43</th><td>27,1</td></tr>' in page(client, url)


def test_a_guide_s_rows_need_as_many_cells_as_its_headings():
    from django.core.exceptions import ValidationError

    guide = SizeGuide(category=make_category(), title="Guide", table="Taille | Tour\nM")
    with translation.override("en"), pytest.raises(ValidationError, match="as many cells"):
        guide.full_clean()


def test_staff_edit_guides_in_both_languages(client):
    client.force_login(User.objects.create_superuser("chef", "chef@millet.example", "pw-1921"))
    category = make_category(name="Sacs à dos")

    response = client.post(
        "/admin/catalog/sizeguide/add/",
        {
            "category": category.pk,
            "title_fr": "Guide des tailles : sacs",
            "title_en": "Size guide: packs",
            "table_fr": "Taille | Longueur de dos\nM | 45–50 cm",
            "table_en": "Size | Back length\nM | 45–50 cm",
            "advice_fr": "",
            "advice_en": "",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    guide = SizeGuide.objects.get(category=category)
    assert guide.rows() == [["M", "45–50 cm"]]
    assert client.get("/admin/catalog/sizeguide/").status_code == 200


def test_the_demo_categories_have_their_size_guides():
    call_command("loaddata", "catalog", verbosity=0)

    guides = dict(SizeGuide.objects.values_list("category__slug", "title_en"))
    assert set(guides) >= {"vetements", "chaussures", "sacs-de-couchage", "sacs-a-dos"}
    bags = SizeGuide.objects.get(category__slug="sacs-de-couchage")
    assert bags.headings()[:2] == ["Taille", "Votre taille jusqu’à"]
    assert "confort" in bags.advice_fr.lower()
    assert Category.objects.get(slug="sacs-trail").size_guide.rows()[0][0] == "S"
