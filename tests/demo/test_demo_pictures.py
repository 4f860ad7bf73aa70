"""The demo pictures show each product's kind, in every colour it is sold in."""

import hashlib
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from PIL import Image, ImageStat

from demo.management.commands import draw_demo_images as drawing

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "catalog.json"
MEDIA = Path(settings.BASE_DIR) / "fixtures" / "media"
ROWS = json.loads(FIXTURE.read_text(encoding="utf-8"))
PRODUCTS = {r["fields"]["slug"]: r["fields"] for r in ROWS if r["model"] == "catalog.product"}
IMAGES = [r["fields"] for r in ROWS if r["model"] == "catalog.productimage"]


def colours_sold():
    sold = {}
    for row in ROWS:
        if row["model"] == "catalog.variant":
            sold.setdefault(row["fields"]["product"][0], set()).add(row["fields"]["colour_fr"])
    return sold


def test_every_colour_a_product_is_sold_in_has_its_picture():
    pictured = {}
    for image in IMAGES:
        pictured.setdefault(image["product"][0], set()).add(image["colour_fr"])

    assert pictured == colours_sold()


def test_the_cover_shows_the_first_colour_listed():
    first = {}
    for row in ROWS:
        if row["model"] == "catalog.variant":
            first.setdefault(row["fields"]["product"][0], row["fields"]["colour_fr"])
    covers = {i["product"][0]: i["colour_fr"] for i in IMAGES if i["position"] == 0}

    assert covers == first


def test_every_picture_is_committed_and_no_two_are_alike():
    digests = {}
    for image in IMAGES:
        path = MEDIA / image["image"]
        digests[hashlib.sha256(path.read_bytes()).hexdigest()] = image["image"]

    assert len(digests) == len(IMAGES)
    committed = {f"products/{p.name}" for p in (MEDIA / "products").iterdir()}
    assert committed == {image["image"] for image in IMAGES}


@pytest.mark.parametrize(
    ("slug", "drawer"),
    [
        ("casquette-trail", drawing.cap),
        ("gourde-souple-500", drawing.soft_flask),
        ("guetres-alpinisme", drawing.gaiters),
        ("housse-pluie-sac-40", drawing.rain_cover),
        ("ceinture-trail-run-belt", drawing.run_belt),
        ("gants-ski-expert", drawing.gloves),
        ("sac-trail-drome-light-5", drawing.running_vest),
        ("bonnet-laine-millet", drawing.beanie),
        ("chaussures-approche-rock", drawing.shoe),
        ("sac-couchage-trek-0", drawing.sleeping_bag),
        ("pantalon-escalade-femme", drawing.trousers),
    ],
)
def test_each_product_is_drawn_as_its_kind(slug, drawer):
    assert drawing.look_for(PRODUCTS[slug])[0] is drawer


def test_clothes_are_cut_to_their_kind():
    fleece = drawing.look_for(PRODUCTS["polaire-randonnee-homme"])[1]
    tee = drawing.look_for(PRODUCTS["tee-shirt-merinos-homme"])[1]

    assert fleece["texture"] == "grid" and fleece["zip"] == "quarter"
    assert tee["sleeves"] == "short"


def test_a_new_product_is_drawn_from_the_words_in_its_slug_else_its_category():
    new_cap = {"slug": "casquette-hiver", "category": ["accessoires"]}
    new_thing = {"slug": "porte-cles", "category": ["accessoires"]}

    assert drawing.look_for(new_cap)[0] is drawing.cap
    assert drawing.look_for(new_thing)[0] is drawing.beanie


def test_the_same_product_colour_and_side_always_give_the_same_picture():
    product = PRODUCTS["gourde-souple-500"]

    first = drawing.draw_picture(product, "Transparent", False)

    assert first.tobytes() == drawing.draw_picture(product, "Transparent", False).tobytes()
    assert first.tobytes() != drawing.draw_picture(product, "Transparent", True).tobytes()


def test_the_command_draws_each_colour_in_that_colour_and_a_back_view(tmp_path):
    call_command("draw_demo_images", only="sac-trail-drome-light-5", output=str(tmp_path))

    names = sorted(path.name for path in tmp_path.iterdir())
    assert names == [
        "sac-trail-drome-light-5-noir.jpg",
        "sac-trail-drome-light-5-rouge-dos.jpg",
        "sac-trail-drome-light-5-rouge.jpg",
    ]
    # A patch of the vest's left shoulder panel.
    panel = (300, 235, 330, 280)
    with Image.open(tmp_path / "sac-trail-drome-light-5-rouge.jpg") as red:
        assert red.format == "JPEG" and red.size == (800, 1000)
        red_mean = ImageStat.Stat(red.crop(panel)).mean
    with Image.open(tmp_path / "sac-trail-drome-light-5-noir.jpg") as black:
        black_mean = ImageStat.Stat(black.crop(panel)).mean
    assert red_mean[0] > 150 and max(red_mean[1:]) < 60
    assert max(black_mean) < 60
