"""The product page's pictures follow the colours the product is sold in."""

import re

import pytest
from django.contrib.auth.models import User

from tests.factories import make_image, make_product, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_colour_jacket():
    product = make_product(name="Veste Guide Chamonix", slug="veste-guide-chamonix")
    make_variant(product=product, size="M", colour="Rouge", stock=3)
    make_variant(product=product, size="M", colour="Noir", stock=2, position=1)
    make_image(product=product, position=0, colour="Rouge", alt_text="Veste rouge, face")
    make_image(product=product, position=1, colour="Rouge", alt_text="Veste rouge, dos")
    make_image(product=product, position=2, colour="Noir", alt_text="Veste noire, face")
    return product


def page_of(client, product):
    return client.get(product.get_absolute_url()).content.decode()


def test_without_script_every_picture_shows_the_cover_first(client, two_colour_jacket):
    html = page_of(client, two_colour_jacket)

    alts = re.findall(r'<img [^>]*alt="(Veste [^"]*)"', html)
    assert alts == ["Veste rouge, face", "Veste rouge, dos", "Veste noire, face"]
    gallery = html[html.index('class="product__gallery"') : html.index('class="product__head"')]
    assert gallery.count('loading="lazy"') == 2  # every picture but the cover


def test_each_picture_and_each_variant_choice_names_its_colour(client, two_colour_jacket):
    html = page_of(client, two_colour_jacket)

    assert html.count('data-gallery-colour="Rouge"') == 2
    assert html.count('data-gallery-colour="Noir"') == 1
    noir = two_colour_jacket.variants.get(colour="Noir")
    assert f'data-colour="Noir" value="{noir.pk}"' in html
    assert re.search(r'<script src="[^"]*/js/gallery(\.[0-9a-f]+)?\.js" defer></script>', html)


def test_a_picture_for_any_colour_names_none(client):
    product = make_product()
    make_variant(product=product, colour="")
    make_image(product=product, position=0, colour="")
    make_image(product=product, position=1, colour="")

    html = page_of(client, product)

    assert "data-gallery-colour" not in html
    assert "data-colour" not in html


def test_a_single_picture_loads_no_gallery_script(client):
    product = make_product()
    make_variant(product=product, colour="Bleu")
    make_image(product=product, colour="Bleu")

    html = page_of(client, product)

    assert 'data-gallery-colour="Bleu"' in html
    assert not any("gallery" in tag for tag in re.findall(r"<script[^>]*>", html))


def test_staff_see_the_colour_of_each_picture_in_the_product_form(client, two_colour_jacket):
    client.force_login(User.objects.create_superuser("chef", "chef@millet.example", "pw-1921"))

    html = client.get(f"/admin/catalog/product/{two_colour_jacket.pk}/change/").content.decode()

    # Chosen from the colours' list; a colour it does not hold yet stays, marked.
    for row, colour in ((2, "Noir"), (0, "Rouge")):
        select = html.split(f'name="images-{row}-colour_choice"')[1].split("</select>")[0]
        assert f'<option value="{colour}" selected>' in select
