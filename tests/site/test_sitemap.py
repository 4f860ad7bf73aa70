"""The sitemap: every public page in both languages, with its alternates and last change."""

import re
from xml.etree import ElementTree

import pytest
from django.core.management import call_command

from catalog.models import Category, Product
from heritage.models import Expedition, Person, TimelineEvent
from pages.models import Page

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture
def entries(client):
    call_command("loaddata", "catalog", "heritage", "stores", "pages", verbosity=0)
    root = ElementTree.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own
    return {
        url.findtext("s:loc", namespaces=NS): {
            "lastmod": url.findtext("s:lastmod", namespaces=NS),
            "alternates": {
                link.get("hreflang"): link.get("href")
                for link in url.findall("x:link", namespaces=NS)
            },
        }
        for url in root.findall("s:url", namespaces=NS)
    }


def count(entries, pattern):
    return {
        language: sum(
            1
            for loc in entries
            if re.fullmatch(pattern.format(prefix="/en" if language == "en" else ""), loc)
        )
        for language in ("fr", "en")
    }


def test_every_kind_of_page_is_listed_once_per_language(entries):
    origin = "http://testserver{prefix}"
    products = Product.objects.published().count()
    events = TimelineEvent.objects.published().count()
    kinds = {
        origin + r"/produit/[\w-]+/": products,
        origin + r"/produits/[\w-]+/": Category.objects.count(),
        origin + r"/histoire/(?!personnes|expeditions)[\w-]+/": events,
        origin + r"/histoire/personnes/[\w-]+/": Person.objects.count(),
        origin + r"/histoire/expeditions/[\w-]+/": Expedition.objects.count(),
        origin + r"/informations/[\w-]+/": Page.objects.count(),
    }
    for pattern, expected in kinds.items():
        assert expected > 0, pattern
        assert count(entries, pattern) == {"fr": expected, "en": expected}, pattern
    for section in (
        "/",
        "/produits/",
        "/histoire/",
        "/fabrique-en-france/",
        "/boutiques/",
        "/reparation/",
    ):
        assert count(entries, "http://testserver{prefix}" + re.escape(section)) == {
            "fr": 1,
            "en": 1,
        }, section
    assert not any("/panier/" in loc or "/commande/" in loc or "/suivi/" in loc for loc in entries)


def test_each_url_names_its_twins_and_its_last_change(entries):
    product = Product.objects.published().order_by("pk").first()
    french = f"http://testserver/produit/{product.slug}/"
    english = f"http://testserver/en/produit/{product.slug}/"

    for loc in (french, english):
        assert entries[loc]["alternates"] == {"fr": french, "en": english, "x-default": french}
        assert entries[loc]["lastmod"] == product.updated_at.date().isoformat()
    event = TimelineEvent.objects.published().first()
    assert entries[f"http://testserver{event.get_absolute_url()}"]["lastmod"]
    assert all(entry["alternates"] for entry in entries.values())
    dated = [loc for loc, entry in entries.items() if entry["lastmod"]]
    assert len(dated) >= len(entries) - 2  # all but the repair service, in both languages
