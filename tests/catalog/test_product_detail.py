"""The product page: what a shopper needs to choose, and its query budget."""

import pytest

from tests.factories import make_category, make_image, make_product, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def trail_pack():
    product = make_product(
        name="Sac de trail Drôme Light 5",
        slug="sac-trail-drome-light-5",
        category=make_category(name="Sacs de trail"),
        tier="expert",
        made_in_france=True,
        workshop="Drôme",
        country_of_manufacture="France",
        weight_g=140,
        volume_l=5,
        price="149.00",
        repairability="Coutures et poches réparables par notre atelier.",
    )
    make_variant(product=product, size="M", colour="Rouge", stock=9)
    make_variant(product=product, size="L", colour="Rouge", stock=2, position=1)
    make_variant(product=product, size="S", colour="Noir", stock=0, position=2)
    make_image(product=product, position=0, alt_text="Sac rouge, vue de face")
    make_image(product=product, position=1, alt_text="Sac rouge, vue de dos")
    return product


def test_it_shows_what_a_shopper_needs(client, trail_pack):
    html = client.get("/produit/sac-trail-drome-light-5/").content.decode()

    assert "<h1>Sac de trail Drôme Light 5</h1>" in html
    assert "149,00\u00a0€" in html
    assert "Gamme expert" in html
    assert "Fabriqué en France · Drôme" in html
    assert '<th scope="row">Poids</th><td>140&nbsp;g</td>' in html
    assert '<th scope="row">Volume</th><td>5&nbsp;L</td>' in html
    assert "Température" not in html  # only the attributes that apply
    assert "Coutures et poches réparables" in html


def test_sizes_show_which_are_in_stock(client, trail_pack):
    html = client.get("/produit/sac-trail-drome-light-5/").content.decode()

    sold_out = trail_pack.variants.get(size="S")
    assert f'value="{sold_out.pk}" required disabled' in html
    assert html.count(" required disabled>") == 1
    # Size buttons, each named by its colour too for those who do not see the group.
    assert (
        '<span class="size-option__size">M</span><span class="visually-hidden"> · Rouge</span>'
        in html
    )
    assert "Plus que 2" in html
    assert html.count('class="size-option size-option--out"') == 1
    assert "Épuisé" in html


def test_the_gallery_uses_renditions_and_only_the_first_image_loads_eagerly(client, trail_pack):
    from catalog.images import make_renditions

    for image in trail_pack.images.all():
        make_renditions(image)
        image.save(update_fields=["renditions"])

    html = client.get("/produit/sac-trail-drome-light-5/").content.decode()

    assert html.count('<source type="image/webp"') == 2
    assert 'width="800" height="1000" alt="Sac rouge, vue de face"' in html
    assert html.count('loading="lazy"') == 1
    assert 'fetchpriority="high"' in html
    assert " 320w, " in html


def test_related_products_come_from_the_same_category(client, trail_pack):
    sibling = make_product(name="Gilet Intense 10", category=trail_pack.category)
    make_product(name="Veste sans rapport")

    html = client.get("/produit/sac-trail-drome-light-5/").content.decode()

    assert sibling.name in html
    assert "Veste sans rapport" not in html


def test_unknown_and_unpublished_products_are_404(client):
    hidden = make_product(is_published=False)

    assert client.get("/produit/nulle-part/").status_code == 404
    assert client.get(f"/produit/{hidden.slug}/").status_code == 404


@pytest.mark.parametrize("variants", [1, 12])
def test_the_product_page_runs_six_queries(client, variants, django_assert_num_queries):
    product = make_product()
    for index in range(variants):
        make_variant(product=product, size=str(36 + index))
        make_image(product=product, position=index)
    for _ in range(5):
        make_image(product=make_product(category=product.category))

    # 1. product with category and parent, 2. activities, 3. variants,
    # 4. images, 5. its lineage in the brand's story, 6. related products
    # with their covers
    with django_assert_num_queries(6):
        response = client.get(product.get_absolute_url())
    assert response.status_code == 200


def test_a_product_page_read_again_runs_no_query_until_the_catalogue_changes(
    client, trail_pack, django_assert_num_queries, django_capture_on_commit_callbacks
):
    url = trail_pack.get_absolute_url()
    client.get(url)
    client.get(f"/en{url}")

    # The kept pages: the same page again reads no row, in either language.
    with django_assert_num_queries(0):
        assert "149,00\u00a0€" in client.get(url).content.decode()
    trail_pack.name_en = "Drôme Light 5 trail pack"
    trail_pack.save()  # in the test's transaction: not committed, nothing renewed yet
    with django_assert_num_queries(0):
        english = client.get(f"/en{url}").content.decode()
    assert '<h1 lang="fr">Sac de trail Drôme Light 5</h1>' in english  # not renewed yet

    with django_capture_on_commit_callbacks(execute=True):  # a change committed
        trail_pack.price = "139.00"
        trail_pack.save()
    with django_assert_num_queries(6):
        english = client.get(f"/en{url}").content.decode()
    assert "<h1>Drôme Light 5 trail pack</h1>" in english
    assert "139,00\u00a0€" in client.get(url).content.decode()

    medium = trail_pack.variants.get(size="M")
    with django_capture_on_commit_callbacks(execute=True):  # the last units sold elsewhere
        medium.stock = 0
        medium.save()
    html = client.get(url).content.decode()
    assert html.count('class="size-option size-option--out"') == 2  # sizes M and S


def test_an_over_long_or_unknown_address_is_a_404_and_is_not_kept(client, trail_pack):
    assert client.get("/produit/" + "a" * 300 + "/").status_code == 404
    assert client.get("/produit/bientot-en-vente/").status_code == 404

    soon = make_product(slug="bientot-en-vente")
    # Not committed, so the content version is the same: a 404 kept would still show.
    assert client.get(soon.get_absolute_url()).status_code == 200
