"""Draw the demo catalogue's product pictures with Pillow.

The pictures in fixtures/media/products/ are made by this command from
fixtures/catalog.json, so the repository carries no borrowed photograph:
each is a stylised drawing of the product's kind, in the colour of its
first variant, in front of a mountain ridge.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from PIL import Image, ImageDraw

SIZE = (800, 1000)
COLOURS = {
    "rouge": (179, 17, 31),
    "noir": (38, 42, 48),
    "bleu": (29, 91, 143),
    "vert": (46, 110, 64),
    "gris": (110, 118, 128),
    "orange": (214, 104, 24),
    "blanc": (236, 238, 240),
    "sable": (196, 168, 122),
    "prune": (104, 42, 78),
    "kaki": (108, 112, 70),
    "jaune": (232, 186, 32),
    "beige": (214, 196, 160),
    "marron": (110, 72, 44),
    "rose": (220, 110, 140),
    "transparent": (180, 210, 225),
}


def shade(colour, factor):
    return tuple(max(0, min(255, round(channel * factor))) for channel in colour)


def backdrop(draw, back_view):
    width, height = SIZE
    for y in range(height):
        mix = y / height
        sky = (round(222 - 40 * mix), round(232 - 30 * mix), round(240 - 20 * mix))
        draw.line([(0, y), (width, y)], fill=sky)
    ridge = [(0, 700), (140, 560), (230, 620), (380, 430), (470, 520), (560, 470), (800, 640)]
    if back_view:
        ridge = [(x, y + 40) for x, y in reversed([(width - x, y) for x, y in ridge])]
    draw.polygon([*ridge, (width, height), (0, height)], fill=(150, 160, 172))
    snow = [(380, 430), (350, 470), (395, 462), (420, 480), (430, 462)]
    draw.polygon(snow if not back_view else [(width - x, y + 40) for x, y in snow], fill="white")
    draw.rectangle([0, 860, width, height], fill=(120, 128, 138))


def pack(draw, colour, back_view, slim=False):
    left, right = (250, 550) if not slim else (285, 515)
    draw.rounded_rectangle([left, 260, right, 820], radius=70, fill=colour)
    draw.rounded_rectangle([left + 10, 220, right - 10, 360], radius=60, fill=shade(colour, 0.8))
    if back_view:
        for x in (left + 70, right - 70):
            draw.rounded_rectangle([x - 22, 300, x + 22, 780], radius=20, fill=shade(colour, 0.55))
        draw.rounded_rectangle(
            [left - 20, 660, right + 20, 720], radius=25, fill=shade(colour, 0.5)
        )
    else:
        draw.rounded_rectangle(
            [left + 50, 520, right - 50, 760], radius=40, fill=shade(colour, 0.85)
        )
        draw.line([(left + 70, 560), (right - 70, 560)], fill=shade(colour, 0.6), width=8)
        for y in (400, 460):
            draw.line([(left - 10, y), (right + 10, y)], fill=(40, 40, 40), width=10)


def sleeping_bag(draw, colour, back_view):
    draw.ellipse([270, 180, 530, 420], fill=shade(colour, 0.85))
    draw.polygon([(270, 300), (530, 300), (490, 860), (310, 860)], fill=colour)
    draw.ellipse([310, 820, 490, 900], fill=colour)
    draw.ellipse([330, 230, 470, 360], fill=(60, 40, 40) if not back_view else shade(colour, 0.7))
    for y in range(400, 840, 60):
        draw.line(
            [(285 + (y - 300) // 12, y), (515 - (y - 300) // 12, y)],
            fill=shade(colour, 0.7),
            width=5,
        )


def jacket(draw, colour, back_view):
    draw.polygon([(270, 300), (530, 300), (560, 780), (240, 780)], fill=colour)
    draw.polygon([(270, 300), (180, 640), (225, 660), (300, 420)], fill=shade(colour, 0.85))
    draw.polygon([(530, 300), (620, 640), (575, 660), (500, 420)], fill=shade(colour, 0.85))
    draw.ellipse([320, 200, 480, 340], fill=shade(colour, 0.75))
    if not back_view:
        draw.ellipse([350, 235, 450, 330], fill=(45, 45, 50))
        draw.line([(400, 330), (400, 780)], fill=(30, 30, 30), width=6)
        draw.rectangle([290, 560, 360, 575], fill=(30, 30, 30))
        draw.rectangle([440, 560, 510, 575], fill=(30, 30, 30))


def trousers(draw, colour, back_view):
    draw.rectangle([280, 230, 520, 300], fill=shade(colour, 0.8))
    draw.polygon([(280, 290), (400, 290), (390, 860), (290, 860)], fill=colour)
    draw.polygon([(400, 290), (520, 290), (510, 860), (410, 860)], fill=colour)
    if not back_view:
        draw.line([(400, 300), (400, 420)], fill=shade(colour, 0.5), width=5)


def shoe(draw, colour, back_view):
    draw.polygon(
        [(210, 720), (230, 560), (330, 520), (420, 600), (590, 650), (610, 720)], fill=colour
    )
    draw.rounded_rectangle([200, 715, 620, 770], radius=20, fill=(40, 40, 40))
    for x in range(320, 420, 25):
        draw.line([(x, 560), (x + 30, 600)], fill=(240, 240, 240), width=5)


def accessory(draw, colour, back_view):
    draw.pieslice([250, 380, 550, 680], 180, 360, fill=colour)
    draw.rounded_rectangle([240, 520, 560, 600], radius=20, fill=shade(colour, 0.8))
    draw.ellipse([370, 330, 430, 390], fill=shade(colour, 0.9))


def drawer_for(product):
    category, slug = product["category"][0], product["slug"]
    if "pantalon" in slug or "combinaison" in slug:
        return trousers
    return {
        "sacs-a-dos": pack,
        "sacs-trail": lambda d, c, b: pack(d, c, b, slim=True),
        "sacs-de-couchage": sleeping_bag,
        "vetements": jacket,
        "vetements-ski": jacket,
        "chaussures": shoe,
    }.get(category, accessory)


def draw_picture(product, colour_name, back_view):
    picture = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(picture)
    backdrop(draw, back_view)
    colour = COLOURS.get(colour_name.lower(), COLOURS["gris"])
    drawer_for(product)(draw, colour, back_view)
    # The brand's mark in a corner.
    draw.rounded_rectangle([40, 40, 120, 120], radius=10, fill=(179, 17, 31))
    draw.polygon([(52, 108), (80, 58), (94, 80), (104, 68), (112, 108)], fill="white")
    return picture


class Command(BaseCommand):
    help = (
        "Draw the demo product pictures named in fixtures/catalog.json with Pillow "
        "(800 × 1000 JPEG) into fixtures/media/products/."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixture", default=str(settings.BASE_DIR / "fixtures" / "catalog.json")
        )
        parser.add_argument(
            "--output", default=str(settings.BASE_DIR / "fixtures" / "media" / "products")
        )
        parser.add_argument("--only", help="draw only this product slug")

    def handle(self, *args, fixture, output, only, **options):
        try:
            rows = json.loads(Path(fixture).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"cannot read {fixture}: {error}") from None
        products = {
            r["fields"]["slug"]: r["fields"] for r in rows if r["model"] == "catalog.product"
        }
        first_colour = {}
        for row in rows:
            if row["model"] == "catalog.variant":
                first_colour.setdefault(row["fields"]["product"][0], row["fields"]["colour"])
        images = [r["fields"] for r in rows if r["model"] == "catalog.productimage"]
        if only:
            images = [image for image in images if image["product"][0] == only]
            if not images:
                raise CommandError(f"no image for a product called {only!r}")
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        total = 0
        for done, image in enumerate(images, 1):
            slug = image["product"][0]
            picture = draw_picture(
                products[slug], first_colour.get(slug, ""), image["position"] > 0
            )
            target = folder / Path(image["image"]).name
            picture.save(target, "JPEG", quality=70, optimize=True, progressive=True)
            total += target.stat().st_size
            if done % 10 == 0 or done == len(images):
                self.stdout.write(f"{done}/{len(images)} pictures drawn")
        self.stdout.write(
            self.style.SUCCESS(f"{len(images)} pictures, {total / 1024:.0f} KB, in {folder}")
        )
