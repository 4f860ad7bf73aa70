"""The English shop shows English content: products, the story and stores are written in
both languages in the demo data, and a text not yet written in English says it is French."""

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils.html import escape
from modeltranslation.translator import translator

from catalog.models import Product
from heritage.models import Expedition, Person, TimelineEvent
from shop.models import Store
from tests.factories import (
    NO_BREAK,
    card_names,
    make_category,
    make_image,
    make_product,
    make_variant,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ["catalog", "heritage", "stores"]


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def demo(settings, shared_media):
    # The pictures' renditions are made once for the module.
    settings.MEDIA_ROOT = shared_media
    call_command("loaddata", *FIXTURES, verbosity=0)


def english_page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    assert '<html lang="en">' in html
    return html


def first_paragraph(text):
    return escape(text.split("\n")[0])


def assert_english(html, obj, fields, where):
    """Each field's English text is on the page, its French one (where it differs) not,
    and nothing on the page is marked as shown in French."""
    for field in fields:
        english, french = getattr(obj, f"{field}_en"), getattr(obj, f"{field}_fr")
        if not french:
            continue
        assert english, f"{where}: no English {field}"
        assert first_paragraph(english) in html, f"{where}: English {field} missing"
        if french != english:
            assert first_paragraph(french) not in html.translate(NO_BREAK), (
                f"{where}: French {field} shown"
            )
    # (The language switcher's link to the French page is French, rightly.)
    marked = re.findall(r'\slang="fr"', html.replace('hreflang="fr" lang="fr"', ""))
    assert marked == [], where


def test_every_demo_record_has_its_english_text():
    """The fixtures carry an English text for every French one of every product, picture,
    category, activity, story record and store (sizes written the same in both may stay
    French: "M" is "M")."""
    missing = []
    for name in ("catalog", "heritage", "stores"):
        for row in json.loads((ROOT / "fixtures" / f"{name}.json").read_text(encoding="utf-8")):
            fields = row["fields"]
            for key, french in fields.items():
                if not key.endswith("_fr") or not french or key == "size_fr":
                    continue
                if not fields.get(key[:-3] + "_en"):
                    missing.append(f"{row['model']} {fields.get('slug', fields.get('sku'))} {key}")
    assert missing == []


def test_every_product_page_under_en_is_in_english(client, demo):
    products = list(Product.objects.published().select_related("category"))
    assert len(products) == 45
    options = translator.get_options_for_model(Product)
    for product in products:
        path = f"/en/produit/{product.slug}/"
        html = english_page(client, path)
        assert f"<h1>{escape(product.name_en)}</h1>" in html, path
        assert f"<title>{escape(product.name_en)} · Millet</title>" in html, path
        assert_english(html, product, options.fields, path)
        assert escape(product.category.name_en) in html, path


def test_every_story_page_under_en_is_in_english(client, demo):
    events = list(TimelineEvent.objects.published())
    people = list(Person.objects.all())
    expeditions = list(Expedition.objects.all())
    assert (len(events), len(people), len(expeditions)) == (11, 6, 1)
    for event in events:
        path = f"/en/histoire/{event.slug}/"
        html = english_page(client, path)
        assert f"<h1>{escape(event.title_en)}</h1>" in html, path
        assert_english(html, event, ["title", "summary", "text", "image_alt"], path)
    for person in people:
        path = f"/en/histoire/personnes/{person.slug}/"
        assert_english(english_page(client, path), person, ["role", "bio"], path)
    for expedition in expeditions:
        path = f"/en/histoire/expeditions/{expedition.slug}/"
        assert_english(english_page(client, path), expedition, ["name", "summit", "text"], path)

    timeline = english_page(client, "/en/histoire/")
    for event in events:
        assert escape(event.title_en) in timeline
        assert first_paragraph(event.summary_en) in timeline
    assert_english(timeline, events[0], ["title", "summary"], "/en/histoire/")


def test_the_stores_page_under_en_is_in_english(client, demo):
    html = english_page(client, "/en/boutiques/")
    for store in Store.objects.all():
        assert_english(html, store, ["name", "assortment"], store.slug)
        if not store.has_closed_by(date.today()):  # a past pop-up shows no hours
            first_line = store.opening_hours_en.splitlines()[0]
            assert escape(first_line) in html


def test_the_french_pages_keep_their_french_text(client, demo):
    product = Product.objects.get(slug="sac-toile-hommage-annapurna")
    html = client.get(f"/produit/{product.slug}/").content.decode().translate(NO_BREAK)

    assert f"<h1>{escape(product.name_fr)}</h1>" in html
    assert escape(product.name_en) not in html


def test_a_text_not_yet_written_in_english_shows_in_french_and_says_so(client):
    category = make_category(name="Sacs à dos", name_en="Backpacks")
    translated = make_product(
        name="Sac Hiker 30", name_en="Hiker 30 Pack", summary="Pour la journée.", category=category
    )
    untranslated = make_product(
        name="Sac Trilogy 35", summary="Léger et solide.", summary_en="", category=category
    )
    make_image(product=untranslated, alt_text="Sac Trilogy rouge, vue de face")

    html = english_page(client, f"/en/produit/{untranslated.slug}/")
    assert '<h1 lang="fr">Sac Trilogy 35</h1>' in html
    assert '<p class="product__summary" lang="fr">Léger et solide.</p>' in html
    assert re.search(r'alt="Sac Trilogy rouge, vue de face" lang="fr"', html)
    # The category has its English name: no mark there.
    assert f'<a href="/en/produits/{category.slug}/">Backpacks</a>' in html

    listing = english_page(client, "/en/produits/")
    assert '<h3 class="product-card__name" lang="fr">Sac Trilogy 35</h3>' in listing
    assert '<h3 class="product-card__name">Hiker 30 Pack</h3>' in listing
    assert translated.name_en in listing

    # On French pages nothing is marked: French is the page's language.
    french = client.get(f"/produit/{untranslated.slug}/").content.decode()
    assert 'lang="fr">Sac Trilogy 35' not in french


def test_sizes_and_colours_are_shown_in_the_page_language_and_chosen_by_one_key(client):
    jacket = make_product(name="Veste Guide", name_en="Guide Jacket")
    make_variant(product=jacket, size="10 ans", size_en="10 years", colour="Rouge", colour_en="Red")
    make_variant(product=jacket, size="12 ans", size_en="12 years", colour="Noir", colour_en="")

    listing = english_page(client, "/en/produits/")
    assert re.search(r'value="Rouge"[^>]*> Red <', listing)
    assert re.search(r'value="10 ans"[^>]*> 10 years <', listing)
    # Not yet translated: the French name, which is also the key.
    assert re.search(r'value="Noir"[^>]*> Noir <', listing)

    chosen = client.get("/en/produits/", {"couleur": "Rouge"})
    assert card_names(chosen) == ["Guide Jacket"]
    assert [chip["label"] for chip in chosen.context["chips"]] == ["Red"]

    french = client.get("/produits/").content.decode().translate(NO_BREAK)
    assert re.search(r'value="Rouge"[^>]*> Rouge <', french)
    assert re.search(r'value="10 ans"[^>]*> 10 ans <', french)

    product_page = english_page(client, f"/en/produit/{jacket.slug}/")
    assert 'data-colour="Rouge"' in product_page
    # The size button, named with its colour for a screen reader.
    assert '10 years</span><span class="visually-hidden"> · Red' in product_page
