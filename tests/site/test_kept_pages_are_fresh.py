"""After every kind of change, each kept page is the page a fresh rendering gives.

The demo shop's pages (home, listings with and without filters, products, the story,
an event, stores, a legal page; French and English) are visited until kept, one
change is made the way the shop makes it, and every page is asked for again: what
the cache serves must be byte-identical, the CSRF token and the CSP nonce aside, to
the same page rendered with the cache off. The same for a shopper with a cart, who is
never served a kept page but gets the parts each worker keeps drawn.
"""

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import serializers
from django.core.cache import caches
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.urls import translate_url

from catalog.models import Product, Variant, stock_flags_refresh
from shop.models import Order
from shop.services import Customer, order_advance, order_place

pytestmark = pytest.mark.django_db

FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))
VARYING = re.compile(
    rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">|nonce="[^"]*"'
)
CUSTOMER = Customer(
    email="lea@example.org",
    name="Léa Martin",
    phone="0612345678",
    street="3 chemin des Alpages",
    postcode="73000",
    city="Chambéry",
)


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def shop(settings, shared_media, django_capture_on_commit_callbacks):
    """The demo shop, and the product the changes are made to: one made abroad with a
    size of which one unit is left, and another product."""
    settings.MEDIA_ROOT = shared_media  # the renditions take a while: made once
    settings.PAGE_CACHE_SECONDS = 600
    with django_capture_on_commit_callbacks(execute=True):
        call_command("loaddata", *FIXTURES, verbosity=0)
        product = (
            Product.objects.published().filter(made_in_france=False, variants__stock__gt=1).first()
        )
        variant = product.variants.filter(stock__gt=0).first()
        Variant.objects.filter(pk=variant.pk).update(stock=1)
        stock_flags_refresh([product.pk])
    other = Product.objects.published().exclude(pk=product.pk).first()
    return {"product": product, "variant": variant, "other": other}


def addresses(shop):
    french = [
        "/",
        "/produits/",
        "/produits/?france=true",
        "/produits/?gamme=expert&stock=true&tri=prix",
        shop["product"].category.get_absolute_url(),
        shop["product"].get_absolute_url(),
        shop["other"].get_absolute_url(),
        "/histoire/",
        "/histoire/1950-annapurna-50/",
        "/boutiques/",
        "/informations/mentions-legales/",
    ]
    english = []
    for address in french:
        path, _, query = address.partition("?")
        english.append(translate_url(path, "en") + (f"?{query}" if query else ""))
    return french + english


def served(path):
    response = Client().get(path)
    assert response.status_code == 200, path
    return response


def fresh(path, settings, client=None):
    """The page rendered with nothing kept: no page, no fragment."""
    settings.PAGE_CACHE_SECONDS = 0
    caches["fragments"].clear()
    try:
        response = (client or Client()).get(path)
        assert response.status_code == 200, path
        return response
    finally:
        settings.PAGE_CACHE_SECONDS = 600


def staff_client():
    client = Client()
    client.force_login(User.objects.create_superuser("chef", "chef@millet.example", "pw-1921"))
    return client


def staff_save(shop, tmp_path):
    product = Product.objects.get(pk=shop["product"].pk)
    product.price += 10
    product.made_in_france, product.workshop_fr = True, "Drôme"
    product.country_of_manufacture_fr = "France"
    product.save()


def bulk_action(shop, tmp_path):
    staff_client().post(
        "/admin/catalog/product/",
        {"action": "set_tier_expert", "_selected_action": [shop["product"].pk]},
    )


def catalogue_import(shop, tmp_path):
    variant = shop["variant"]
    file = tmp_path / "stock.csv"
    columns = ["sku", "product", "size_fr", "size_en", "colour_fr", "colour_en", "stock"]
    row = [
        variant.sku,
        variant.product.slug,
        variant.size_fr,
        variant.size_en,
        variant.colour_fr,
        variant.colour_en,
        "0",
    ]
    file.write_text(",".join(columns) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    call_command("import_catalog", "variants", str(file), stdout=io.StringIO())


def fixture_load(shop, tmp_path):
    """A fixture that renames the product and makes it in France (a raw save)."""
    rows = json.loads(
        serializers.serialize("json", [shop["product"]], use_natural_foreign_keys=True)
    )
    rows[0]["fields"]["name_fr"] = "Sac de démonstration rechargé"
    rows[0]["fields"]["made_in_france"] = True
    rows[0]["fields"]["workshop_fr"] = "Drôme"
    rows[0]["fields"]["country_of_manufacture_fr"] = "France"
    file = tmp_path / "reloaded.json"
    file.write_text(json.dumps(rows), encoding="utf-8")
    call_command("loaddata", str(file), verbosity=0)


def last_unit_sold(shop, tmp_path):
    order_place(
        items={shop["variant"].pk: 1},
        customer=CUSTOMER,
        delivery="home",
        payment_method="transfer",
        checkout_key="k" * 43,
    )


def cancellation(shop, tmp_path):
    order = Order.objects.get(lines__variant=shop["variant"], status=Order.Status.AWAITING_PAYMENT)
    order_advance(order=order, to_status=Order.Status.CANCELLED)


CHANGES = [staff_save, bulk_action, catalogue_import, fixture_load, last_unit_sold, cancellation]


@pytest.mark.parametrize("change", CHANGES, ids=[change.__name__ for change in CHANGES])
def test_every_kept_page_equals_a_fresh_one_after_a_change(
    shop, change, settings, tmp_path, django_capture_on_commit_callbacks
):
    if change is cancellation:  # the order to cancel, placed before the pages are kept
        with django_capture_on_commit_callbacks(execute=True):
            last_unit_sold(shop, tmp_path)
    pages = addresses(shop)
    # A shopper with a cart: never served a kept page, but the parts of the listing and
    # product pages each worker keeps drawn.
    shopper = Client()
    shopper.post(
        "/panier/ajouter/",
        {"variant": shop["other"].variants.first().pk, "quantity": 1},
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )
    for path in pages:
        served(path)
        shopper.get(path)
    assert all(served(path)["X-Page-Cache"] == "hit" for path in pages)

    with django_capture_on_commit_callbacks(execute=True):
        change(shop, tmp_path)

    outcomes = {}
    for path in pages:
        kept = served(path)
        outcomes[path] = kept["X-Page-Cache"]
        drawn = shopper.get(path)
        expected = fresh(path, settings)
        assert VARYING.sub(b"", kept.content) == VARYING.sub(b"", expected.content), path
        expected = fresh(path, settings, shopper)
        assert VARYING.sub(b"", drawn.content) == VARYING.sub(b"", expected.content), path
    # The change renewed the pages that show it, and the legal pages show nothing of it.
    assert outcomes[pages[5]] == "miss"
    assert outcomes["/informations/mentions-legales/"] == "hit"


def test_an_order_that_sells_no_size_out_renews_that_product_s_page_alone(
    shop, django_capture_on_commit_callbacks
):
    product, variant = shop["product"], shop["variant"]
    with django_capture_on_commit_callbacks(execute=True):
        Variant.objects.filter(pk=variant.pk).update(stock=F("stock") + 5)
        stock_flags_refresh([product.pk])
    pages = addresses(shop)
    for path in pages:
        served(path)

    with django_capture_on_commit_callbacks(execute=True):
        last_unit_sold(shop, None)

    renewed = [path for path in pages if served(path)["X-Page-Cache"] == "miss"]
    # The product's page, in French and in English.
    assert renewed == [pages[5], pages[5 + len(pages) // 2]]
