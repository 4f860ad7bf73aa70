"""The header and footer are drawn once per language, marked link and cart count and
kept in the worker (templates/includes/header.html, footer.html): each page still
marks the link to itself, each visitor sees their own cart, each language its words."""

import re

import pytest

from tests.factories import NO_BREAK, make_product, make_variant

pytestmark = pytest.mark.django_db

CURRENT = re.compile(r'<a [^>]*href="([^"]*)"[^>]*aria-current="page"')


def marked(client, path):
    """The addresses the header's and footer's links mark as the page on screen, and the
    cart count."""
    html = client.get(path).content.decode().translate(NO_BREAK)
    layout = html[html.index("<header") : html.index("</header>")]
    layout += html[html.index("<footer") : html.index("</footer>")]
    count = re.search(r'<span class="cart-count">(\d+)', layout).group(1)
    return CURRENT.findall(layout), int(count)


def test_each_page_marks_its_own_links_whatever_page_was_drawn_before(client):
    product = make_product(slug="sac-hiker-30")

    for _round in range(2):  # the second round is drawn from what the first kept
        assert marked(client, "/panier/") == (["/panier/"], 0)
        assert marked(client, "/informations/mentions-legales/") == (
            ["/informations/mentions-legales/"],
            0,
        )
        assert marked(client, "/produits/") == (["/produits/"], 0)
        assert marked(client, product.get_absolute_url()) == ([], 0)
        assert marked(client, "/histoire/") == (["/histoire/"], 0)
        assert marked(client, "/en/produits/") == (["/en/produits/"], 0)


def test_each_visitor_sees_their_own_cart_count_and_each_language_its_words(client):
    variant = make_variant(product=make_product(slug="sac-hiker-30"), stock=5)
    stranger = type(client)()
    path = variant.product.get_absolute_url()
    client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 2})

    assert marked(client, path)[1] == 2
    assert marked(stranger, path)[1] == 0
    assert marked(client, path)[1] == 2

    french = stranger.get(path).content.decode()
    english = stranger.get(f"/en{path}").content.decode()
    assert "Panier" in french and ">Cart<" not in french
    assert ">Cart<" in english and "Panier" not in english
    assert "Mentions légales" in french and "Legal notice" in english
