"""Staff's catalogue work in the admin: the stock column, the variant generator and
the bulk price change."""

import re
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission, User

from catalog.models import Product
from catalog.signals import catalogue_changed, stock_changed
from tests.factories import make_product, make_variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = User.objects.create_superuser("chef", "chef@millet.example", "montagne-1921")
    client.force_login(user)
    return client


def listed_stock(response):
    return {product.slug: product.total_stock for product in response.context["cl"].result_list}


@pytest.fixture
def anna():
    product = make_product(name="Sac Anna 50", slug="anna-50")
    for size, stock in (("S", 10), ("M", 12), ("L", 12)):
        make_variant(product=product, sku=f"ANNA50-{size}-ROUGE", size=size, stock=stock)
    return product


@pytest.mark.parametrize("search", ["", "Anna", "ANNA50", "ANNA50-M-ROUGE"])
def test_the_stock_column_sums_the_variants_with_or_without_a_search(staff_client, anna, search):
    make_product(slug="vide")

    response = staff_client.get("/en/admin/catalog/product/", {"q": search})

    assert listed_stock(response)["anna-50"] == 34
    assert b'<td class="field-stock">34</td>' in response.content


@pytest.mark.parametrize(
    ("stock", "expected"),
    [("in", {"anna-50", "anna-20"}), ("low", {"anna-20"}), ("out", {"vide"})],
)
def test_the_stock_filters_ignore_a_search_that_matches_skus(staff_client, anna, stock, expected):
    make_product(name="Sac Anna vide", slug="vide")
    small = make_product(name="Sac Anna 20", slug="anna-20")
    for size in "SML":  # 3 units in all: low stock, though 9 once per joined SKU
        make_variant(product=small, sku=f"ANNA20-{size}-NOIR", size=size, stock=1)

    response = staff_client.get("/en/admin/catalog/product/", {"q": "anna", "stock": stock})

    assert set(listed_stock(response)) == expected


def generate(client, product, **data):
    fields = {"sizes": "", "colours": "", "sizes_en": "", "colours_en": "", "stock": "0"}
    return client.post(f"/en/admin/catalog/product/{product.pk}/variants/generate/", fields | data)


def test_the_product_page_links_to_the_variant_generator(staff_client):
    product = make_product()

    response = staff_client.get(f"/en/admin/catalog/product/{product.pk}/change/")

    assert f"/en/admin/catalog/product/{product.pk}/variants/generate/" in response.text
    assert "Generate sizes and colours" in response.text


def test_the_generator_creates_each_size_in_each_colour_once(staff_client):
    product = make_product(slug="sac-trail-5")
    make_variant(product=product, sku="TRAIL5-S-ROUGE", size="S", colour="Rouge", stock=2)
    announced = []
    catalogue_or_stock = lambda sender, product_ids, **kwargs: announced.append(set(product_ids))  # noqa: E731
    stock_changed.connect(catalogue_or_stock)
    catalogue_changed.connect(catalogue_or_stock)
    try:
        response = generate(
            staff_client,
            product,
            sizes="S, M, L",
            colours="Rouge, Noir",
            colours_en="Red, Black",
            stock="4",
        )
    finally:
        stock_changed.disconnect(catalogue_or_stock)
        catalogue_changed.disconnect(catalogue_or_stock)

    assert response.status_code == 302
    variants = {(v.sku, v.size, v.colour_fr, v.colour_en, v.stock) for v in product.variants.all()}
    assert variants == {
        ("TRAIL5-S-ROUGE", "S", "Rouge", None, 2),
        ("TRAIL5-M-ROUGE", "M", "Rouge", "Red", 4),
        ("TRAIL5-L-ROUGE", "L", "Rouge", "Red", 4),
        ("TRAIL5-S-NOIR", "S", "Noir", "Black", 4),
        ("TRAIL5-M-NOIR", "M", "Noir", "Black", 4),
        ("TRAIL5-L-NOIR", "L", "Noir", "Black", 4),
    }
    assert announced == [{product.pk}, {product.pk}]  # the stock, then the new rows
    product.refresh_from_db()
    assert product.sizes_in_stock == "|L|M|S|"
    assert product.colours_in_stock == "|Noir|Rouge|"

    again = generate(staff_client, product, sizes="s, M, L", colours="Rouge, noir", stock="9")

    assert again.status_code == 302
    assert product.variants.count() == 6
    assert "none created" in staff_client.get(again.headers["Location"]).text


def test_a_new_product_takes_its_skus_from_its_slug(staff_client):
    product = make_product(slug="gourde-1l")

    generate(staff_client, product, colours="Bleu glacier")

    assert list(product.variants.values_list("sku", "size", "colour")) == [
        ("GOURDE-1L-U-BLEU-GLACIER", "", "Bleu glacier")
    ]


def test_the_generator_asks_for_a_size_or_a_colour_and_matching_english_names(staff_client):
    product = make_product()

    empty = generate(staff_client, product)
    uneven = generate(staff_client, product, colours="Rouge, Noir", colours_en="Red")

    assert "Type at least one size or one colour." in empty.text
    assert "Give as many English names as French ones (2)." in uneven.text
    assert not product.variants.exists()


def change_prices(client, products, **data):
    fields = {"action": "change_prices", ACTION_CHECKBOX_NAME: [p.pk for p in products]}
    return client.post("/en/admin/catalog/product/", fields | data)


@pytest.fixture
def priced():
    return [
        make_product(name="Sac Hiker 30", price=Decimal("89.90")),
        make_product(name="Veste Trilogy", price=Decimal("1249.00")),
    ]


def test_the_price_action_asks_then_previews_without_saving(staff_client, priced):
    form = change_prices(staff_client, priced)

    assert form.status_code == 200
    assert 'value="preview"' in form.text

    preview = change_prices(
        staff_client, priced, step="preview", direction="increase", kind="percent", value="10"
    )

    assert preview.status_code == 200
    row = re.compile(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td><td>(.*?)</td></tr>')
    assert row.findall(preview.text) == [
        ("Sac Hiker 30", "89.90 €", "98.89 €"),
        ("Veste Trilogy", "1,249.00 €", "1,373.90 €"),
    ]
    assert sorted(Product.objects.values_list("price", flat=True)) == [
        Decimal("89.90"),
        Decimal("1249.00"),
    ]


def test_the_preview_shows_prices_in_french_in_the_french_admin(staff_client, priced):
    preview = staff_client.post(
        "/admin/catalog/product/",
        {
            "action": "change_prices",
            ACTION_CHECKBOX_NAME: [p.pk for p in priced],
            "step": "preview",
            "direction": "decrease",
            "kind": "amount",
            "value": "9,90",
        },
    )

    assert re.search(r"1\s?239,10 €", preview.text)
    assert "80,00 €" in preview.text


def test_confirming_applies_the_prices_and_renews_the_pages(staff_client, priced):
    announced = []
    receiver = lambda sender, product_ids, **kwargs: announced.append(set(product_ids))  # noqa: E731
    catalogue_changed.connect(receiver)
    try:
        response = change_prices(
            staff_client, priced, step="apply", direction="decrease", kind="amount", value="9.90"
        )
    finally:
        catalogue_changed.disconnect(receiver)

    assert response.status_code == 302
    assert sorted(Product.objects.values_list("price", flat=True)) == [
        Decimal("80.00"),
        Decimal("1239.10"),
    ]
    assert announced == [{p.pk for p in priced}]
    assert "2 prices changed." in staff_client.get(response.headers["Location"]).text


@pytest.mark.parametrize("step", ["preview", "apply"])
def test_a_change_that_brings_a_price_to_zero_is_refused(staff_client, priced, step):
    response = change_prices(
        staff_client, priced, step=step, direction="decrease", kind="amount", value="89.90"
    )

    assert response.status_code == 200
    assert "This change brings the price of Sac Hiker 30 to zero or below" in response.text
    assert sorted(Product.objects.values_list("price", flat=True)) == [
        Decimal("89.90"),
        Decimal("1249.00"),
    ]


def test_staff_who_may_only_view_products_cannot_generate_variants(client):
    user = User.objects.create_user("stagiaire", password="pw-stage-1", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_product"))
    client.force_login(user)
    product = make_product()

    response = generate(client, product, sizes="S, M")

    assert response.status_code == 403
    assert not product.variants.exists()


def test_going_back_from_the_preview_keeps_the_change_typed(staff_client, priced):
    response = change_prices(
        staff_client, priced, step="edit", direction="decrease", kind="amount", value="5"
    )

    assert 'value="preview"' in response.text
    assert 'name="value" value="5"' in response.text
    assert "price-preview" not in response.text
