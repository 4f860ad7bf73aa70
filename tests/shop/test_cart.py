"""The session cart: add, change, remove, totals, and stock checks."""

import pytest

from tests.factories import NO_BREAK, make_image, make_product, make_variant

pytestmark = pytest.mark.django_db


def add(client, variant, quantity=1, **extra):
    return client.post(
        "/panier/ajouter/", {"variant": variant.pk, "quantity": quantity, **extra}, follow=True
    )


def test_adding_a_variant_shows_it_in_the_cart_and_the_header_count(client):
    variant = make_variant(product=make_product(name="Sac Hiker 30", price="79.90"), stock=5)

    response = add(client, variant, 2)

    html = response.content.decode().translate(NO_BREAK)
    assert response.redirect_chain[-1][0] == "/panier/"
    assert "Sac Hiker 30 a été ajouté à votre panier." in html
    assert "159,80 €" in html
    assert '<span class="cart-count">2<span class="visually-hidden"> articles' in html
    assert '<span class="cart-count">2' in client.get("/").content.decode().translate(NO_BREAK)


def test_adding_twice_adds_up_and_stops_at_the_stock(client):
    variant = make_variant(stock=3)

    add(client, variant, 2)
    response = add(client, variant, 2)

    assert (
        "Plus que 3 dans cette taille : votre panier en garde 2."
        in response.content.decode().translate(NO_BREAK)
    )
    assert client.session["cart"] == {str(variant.pk): 2}


def test_adding_past_the_per_item_limit_is_refused_and_says_what_was_kept(client):
    variant = make_variant(stock=50)
    add(client, variant, 8)

    response = add(client, variant, 5)

    html = response.content.decode().translate(NO_BREAK)
    assert "10 exemplaires au plus d’un même article par commande : votre panier en garde 8." in (
        html
    )
    assert "a été ajouté" not in html
    assert client.session["cart"] == {str(variant.pk): 8}


def test_a_first_quantity_above_the_stock_is_refused(client):
    variant = make_variant(stock=2)

    response = add(client, variant, 3)

    assert "Plus que 2 dans cette taille." in response.content.decode().translate(NO_BREAK)
    assert "cart" not in client.session


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        (7, "Plus que 6 dans cette taille : votre panier en garde 2."),
        (11, "Cette modification n’a pas pu être faite dans votre panier."),  # the form limit
    ],
)
def test_a_quantity_change_past_the_stock_or_limit_keeps_the_line(client, quantity, message):
    variant = make_variant(stock=6)
    add(client, variant, 2)

    response = client.post("/panier/", {"variant": variant.pk, "quantity": quantity}, follow=True)

    assert message in response.content.decode().translate(NO_BREAK)
    assert client.session["cart"] == {str(variant.pk): 2}


def test_the_cart_shows_each_line_with_its_picture(client):
    variant = make_variant(stock=3)
    make_image(product=variant.product, alt_text="Sac rouge, vue de face")
    add(client, variant)

    html = client.get("/panier/").content.decode().translate(NO_BREAK)

    assert 'class="cart__thumb"' in html
    assert 'alt="Sac rouge, vue de face"' in html


def test_a_sold_out_size_cannot_be_added(client):
    variant = make_variant(stock=0)

    response = add(client, variant)

    assert "Cette taille est épuisée." in response.content.decode().translate(NO_BREAK)
    assert "cart" not in client.session


@pytest.mark.parametrize("quantity", ["0", "-2", "11", "999999999999", "abc", ""])
def test_tampered_quantities_are_refused(client, quantity):
    variant = make_variant(stock=50)

    response = add(client, variant, quantity)

    assert response.status_code == 200
    assert "cart" not in client.session


def test_unknown_or_unpublished_variants_are_refused(client):
    hidden = make_variant(product=make_product(is_published=False), stock=5)

    for variant_id in (hidden.pk, 999_999, "x"):
        response = client.post(
            "/panier/ajouter/", {"variant": variant_id, "quantity": 1}, follow=True
        )
        assert response.status_code == 200
        assert (
            "Choisissez une taille et une couleur que nous vendons."
            in response.content.decode().translate(NO_BREAK)
        )
    assert "cart" not in client.session


def test_changing_and_removing_lines(client):
    variant = make_variant(stock=9)
    add(client, variant, 1)

    client.post("/panier/", {"variant": variant.pk, "quantity": 4})
    assert client.session["cart"] == {str(variant.pk): 4}

    client.post("/panier/", {"variant": variant.pk, "quantity": 0})
    assert client.session["cart"] == {}
    assert "Votre panier est vide." in client.get("/panier/").content.decode().translate(NO_BREAK)


def test_a_line_that_went_out_of_stock_is_flagged_and_checkout_is_held(client):
    variant = make_variant(stock=2)
    add(client, variant, 2)
    variant.stock = 1
    variant.save()

    html = client.get("/panier/").content.decode().translate(NO_BREAK)

    assert "Plus que 1 : réduisez la quantité." in html
    assert "Modifiez les lignes signalées avant de commander." in html
    assert client.get("/commande/").status_code == 302


def test_an_unpublished_product_in_the_cart_is_flagged(client):
    variant = make_variant(stock=2)
    add(client, variant)
    variant.product.is_published = False
    variant.product.save()

    assert "Ce produit n’est plus vendu." in client.get("/panier/").content.decode().translate(
        NO_BREAK
    )


def test_a_foreign_redirect_after_adding_is_ignored(client):
    variant = make_variant(stock=2)

    response = client.post(
        "/panier/ajouter/", {"variant": variant.pk, "quantity": 1, "next": "https://evil.example/"}
    )

    assert response.headers["Location"] == "/panier/"


@pytest.mark.parametrize("lines", [1, 15])
def test_the_cart_page_runs_three_queries_whatever_its_size(
    client, lines, django_assert_num_queries
):
    for _ in range(lines):
        variant = make_variant(stock=5)
        make_image(product=variant.product)
        add(client, variant)

    # 1. session, 2. an order already placed with this cart's checkout key,
    # 3. variants with their products and covers
    with django_assert_num_queries(3):
        response = client.get("/panier/")
    assert response.status_code == 200


def test_browsing_without_a_cart_runs_no_session_query(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert '<span class="cart-count">0' in client.get(
            "/reparation/suivi/"
        ).content.decode().translate(NO_BREAK)
