"""Site-wide budgets: page weight, and a read stays a read."""

import gzip
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_image, make_variant

pytestmark = pytest.mark.django_db

PAGE_BUDGET = 100 * 1024  # HTML + CSS + JS, compressed, images excluded
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


@pytest.fixture
def public_pages():
    """One of each public page, with enough data to fill it."""
    variant = make_variant()
    for position in range(3):
        make_image(product=variant.product, position=position)
    for _ in range(30):
        make_image(product=make_variant().product)
    product = variant.product
    call_command("loaddata", "fixtures/stores.json", "fixtures/pages.json", verbosity=0)
    return [
        "/informations/conditions-generales-de-vente/",
        "/en/informations/confidentialite/",
        "/histoire/",
        "/fabrique-en-france/",
        "/boutiques/",
        "/panier/",
        "/reparation/",
        "/reparation/suivi/",
        "/",
        "/en/",
        "/produits/",
        f"/produits/{product.category.slug}/",
        f"/produit/{product.slug}/",
        "/robots.txt",
        "/sitemap.xml",
        "/healthz",
    ]


def compressed_size(content: bytes) -> int:
    return len(gzip.compress(content, compresslevel=6))


def assets_of(html: str):
    for path in re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html):
        found = finders.find(path)
        assert found, f"missing static file {path}"
        yield path, found


def test_every_page_weighs_under_100_kb_compressed_with_its_css_and_js(client, public_pages):
    for url in public_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        total = compressed_size(response.content)
        for _, found in assets_of(response.content.decode()):
            with open(found, "rb") as asset:
                total += compressed_size(asset.read())
        assert total < PAGE_BUDGET, f"{url} weighs {total} bytes compressed"


def test_no_get_request_writes_to_the_database(client, public_pages):
    for url in public_pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
        writes = [q["sql"] for q in queries.captured_queries if WRITES.match(q["sql"])]
        assert writes == [], f"GET {url} wrote: {writes}"
