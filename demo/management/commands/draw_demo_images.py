"""Draw the demo catalogue's product pictures with Pillow.

The pictures in fixtures/media/products/ are made by this command from
fixtures/catalog.json, so the repository carries no borrowed photograph:
each is a stylised drawing of the product's kind (a cap, a flask, a pair of
gloves, a running vest…) in front of a mountain ridge, with the details that
set the product apart from its neighbours (proportions, pockets, a label).
Every picture row of the fixture is drawn in its own colour; the second
picture of a colour shows the product from behind.

The drawings are deterministic: the same fixture gives the same files.
"""

import json
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache, wraps
from math import cos, pi, sin
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from PIL import Image, ImageDraw, ImageFont, ImageOps

SIZE = (800, 1000)
# Drawn at twice the size, then reduced: smooth edges without an anti-aliasing library.
SUPERSAMPLE = 2
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
WEBBING = (48, 50, 56)
LEATHER = (122, 78, 44)
BRASS = (196, 160, 72)
REFLECTIVE = (214, 218, 222)
SOLE = (46, 46, 50)
INSIDE = (58, 60, 66)


def shade(colour, factor):
    return tuple(max(0, min(255, round(channel * factor))) for channel in colour)


def mix(colour, other, amount):
    return tuple(round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))


def luminance(colour):
    red, green, blue = colour
    return 0.299 * red + 0.587 * green + 0.114 * blue


@dataclass(frozen=True)
class Palette:
    """The tones of one colour: the fabric, a second panel, seams, outline, contrasting trim."""

    base: tuple
    panel: tuple
    seam: tuple
    edge: tuple
    trim: tuple
    light: tuple

    @classmethod
    def of(cls, colour):
        dark = luminance(colour) < 70
        return cls(
            base=colour,
            panel=mix(colour, (255, 255, 255), 0.12) if dark else shade(colour, 0.86),
            seam=mix(colour, (255, 255, 255), 0.3) if dark else shade(colour, 0.68),
            edge=(16, 18, 22) if dark else shade(colour, 0.5),
            trim=(222, 224, 228) if dark else (40, 42, 48),
            light=mix(colour, (255, 255, 255), 0.35),
        )


def mirror(points):
    return [(SIZE[0] - x, y) for x, y in points]


class Pen:
    """ImageDraw on a supersampled canvas, spoken to in 800 × 1000 coordinates.

    A small item can be drawn larger about a centre (`zoomed`), so that a cap or
    a shoe fills its picture as a pack does.
    """

    def __init__(self, image=None, zoom=1.0, centre=(400, 500)):
        self.image = image or Image.new("RGB", (SIZE[0] * SUPERSAMPLE, SIZE[1] * SUPERSAMPLE))
        self.draw = ImageDraw.Draw(self.image)
        self.zoom, self.centre = zoom, centre

    def _xy(self, x, y):
        cx, cy = self.centre
        return (
            (cx + (x - cx) * self.zoom) * SUPERSAMPLE,
            (cy + (y - cy) * self.zoom) * SUPERSAMPLE,
        )

    def _points(self, points):
        return [self._xy(x, y) for x, y in points]

    def _box(self, box):
        return [*self._xy(box[0], box[1]), *self._xy(box[2], box[3])]

    def _len(self, length):
        return round(length * self.zoom * SUPERSAMPLE)

    def _outline(self, edge, width):
        return {"outline": edge, "width": self._len(width) if edge else 0}

    @contextmanager
    def zoomed(self, zoom, centre):
        saved = self.zoom, self.centre
        self.zoom, self.centre = zoom, centre
        try:
            yield self
        finally:
            self.zoom, self.centre = saved

    def polygon(self, points, fill=None, edge=None, width=3):
        self.draw.polygon(self._points(points), fill=fill, **self._outline(edge, width))

    def ellipse(self, box, fill=None, edge=None, width=3):
        self.draw.ellipse(self._box(box), fill=fill, **self._outline(edge, width))

    def rect(self, box, fill=None, edge=None, width=3, radius=0):
        self.draw.rounded_rectangle(
            self._box(box), radius=self._len(radius), fill=fill, **self._outline(edge, width)
        )

    def line(self, points, fill, width=4):
        self.draw.line(self._points(points), fill=fill, width=self._len(width), joint="curve")

    def arc(self, box, start, end, fill, width=4):
        self.draw.arc(self._box(box), start, end, fill=fill, width=self._len(width))

    def pieslice(self, box, start, end, fill=None, edge=None, width=3):
        self.draw.pieslice(self._box(box), start, end, fill=fill, **self._outline(edge, width))

    def chord(self, box, start, end, fill=None, edge=None, width=3):
        self.draw.chord(self._box(box), start, end, fill=fill, **self._outline(edge, width))

    def text(self, xy, text, fill, size=28):
        self.draw.text(self._xy(*xy), text, fill=fill, font=font(self._len(size)), anchor="mm")

    def label(self, xy, text, fill, ink, size=26, pad=10):
        """A small sewn-on tag with `text` on it, centred on `xy`."""
        x, y = xy
        left, top, right, bottom = font(self._len(size)).getbbox(text, anchor="mm")
        half_w = (right - left) / self._len(1) / 2 + pad
        half_h = (bottom - top) / self._len(1) / 2 + pad * 0.6
        self.rect([x - half_w, y - half_h, x + half_w, y + half_h], fill=fill, radius=5)
        self.text(xy, text, ink, size)

    @contextmanager
    def clipped(self, *shapes):
        """Draw inside `shapes` only: point lists, ("ellipse", box) or ("rect", box, radius)."""
        mask = Image.new("L", self.image.size, 0)
        masker = ImageDraw.Draw(mask)
        for shape in shapes:
            if shape[0] == "ellipse":
                masker.ellipse(self._box(shape[1]), fill=255)
            elif shape[0] == "rect":
                masker.rounded_rectangle(self._box(shape[1]), radius=self._len(shape[2]), fill=255)
            else:
                masker.polygon(self._points(shape), fill=255)
        layer = Pen(self.image.copy(), self.zoom, self.centre)
        yield layer
        self.image.paste(layer.image, mask=mask)

    def finish(self):
        return self.image.resize(SIZE, Image.Resampling.LANCZOS)


@lru_cache
def font(pixels):
    # Pillow's own bundled font: the same on every machine.
    return ImageFont.load_default(size=pixels)


def ellipse_points(centre, radii, start, end, steps=48):
    (cx, cy), (rx, ry) = centre, radii
    return [
        (
            cx + rx * cos(pi * (start + (end - start) * i / steps) / 180),
            cy + ry * sin(pi * (start + (end - start) * i / steps) / 180),
        )
        for i in range(steps + 1)
    ]


def hatch(pen, box, colour, step=16, width=2):
    """Criss-cross lines over `box` (mesh, grid fleece): clip before calling."""
    left, top, right, bottom = box
    span = int(bottom - top)
    for x in range(int(left) - span, int(right), step):
        pen.line([(x, top), (x + span, bottom)], colour, width)
        pen.line([(x + span, top), (x, bottom)], colour, width)


def drawn_larger(zoom, centre):
    """Draw a small item larger about `centre`, so that it fills its picture as a pack does."""

    def decorate(drawer):
        @wraps(drawer)
        def draw(pen, c, back, **details):
            with pen.zoomed(zoom, centre):
                drawer(pen, c, back, **details)

        return draw

    return decorate


# --- Scenery -------------------------------------------------------------------------------


def backdrop(pen, back_view):
    width, height = pen.image.size
    gradient = Image.linear_gradient("L").resize((width, height))
    pen.image.paste(ImageOps.colorize(gradient, (226, 236, 244), (196, 210, 224)))
    ridge = [(0, 640), (140, 520), (230, 580), (380, 400), (470, 490), (560, 440), (800, 600)]
    snow = [(380, 400), (350, 440), (395, 432), (420, 450), (430, 432)]
    if back_view:
        ridge, snow = mirror(ridge), mirror(snow)
    pen.polygon([*ridge, (800, 1000), (0, 1000)], fill=(176, 188, 202))
    pen.polygon(snow, fill=(250, 252, 253))
    pen.rect([0, 860, 800, 1000], fill=(214, 220, 226))
    pen.ellipse([170, 846, 630, 896], fill=(188, 195, 204))


def raindrops(pen):
    for x, y in [(150, 180), (250, 120), (600, 150), (680, 260), (110, 330), (690, 420)]:
        pen.line([(x, y), (x - 10, y + 34)], (96, 138, 186), 5)


def brand_mark(pen, brand):
    if brand == "millet":
        pen.rect([40, 40, 120, 120], fill=(179, 17, 31), radius=10)
        pen.polygon([(52, 108), (80, 58), (94, 80), (104, 68), (112, 108)], fill="white")
    else:
        pen.rect([40, 40, 120, 120], fill=(30, 96, 84), radius=40)
        pen.text((80, 80), brand[:1].upper(), "white", 44)


# --- Packs ---------------------------------------------------------------------------------


def pack_back(pen, c, box, frame=False):
    """Any pack seen from behind: padded back, shoulder straps, hip belt."""
    left, top, right, bottom = box
    mid = (left + right) / 2
    pen.rect(box, fill=c.base, edge=c.edge, radius=60)
    pen.rect([left + 30, top + 60, right - 30, bottom - 70], fill=INSIDE, radius=40)
    with pen.clipped(("rect", [left + 30, top + 60, right - 30, bottom - 70], 40)) as inner:
        hatch(inner, [left, top, right, bottom], (84, 88, 96), 18, 2)
    if frame:
        for x in (mid - 60, mid + 60):
            pen.line([(x, top + 40), (x, bottom - 40)], (196, 200, 206), 9)
    for side in (-1, 1):
        strap = [
            (mid + side * 30, top + 70),
            (mid + side * 95, top + 70),
            (mid + side * 110, top + 250),
            (mid + side * 130, bottom - 200),
            (mid + side * 80, bottom - 200),
            (mid + side * 60, top + 250),
        ]
        pen.polygon(strap, fill=WEBBING, edge=(20, 20, 24))
        wing = [
            (mid + side * 40, bottom - 150),
            (left if side < 0 else right, bottom - 160),
            (left - 40 if side < 0 else right + 40, bottom - 110),
            (left - 40 if side < 0 else right + 40, bottom - 60),
            (mid + side * 40, bottom - 70),
        ]
        pen.polygon(wing, fill=WEBBING, edge=(20, 20, 24))
    pen.line([(mid - 100, top + 230), (mid + 100, top + 230)], (70, 72, 80), 10)
    pen.rect([mid - 22, bottom - 130, mid + 22, bottom - 90], fill=(20, 20, 24), radius=6)


def compression_straps(pen, box, ys):
    left, _, right, _ = box
    for y in ys:
        pen.line([(left - 6, y), (left + 55, y + 22)], WEBBING, 9)
        pen.line([(right + 6, y), (right - 55, y + 22)], WEBBING, 9)
        pen.rect([left + 40, y + 10, left + 62, y + 34], fill=(20, 20, 24), radius=3)
        pen.rect([right - 62, y + 10, right - 40, y + 34], fill=(20, 20, 24), radius=3)


def backpack(pen, c, back, style="day", label="", narrow=0, low=0):
    """A backpack front (or back) in one of several styles."""
    boxes = {
        "heritage": [255, 260, 545, 830],
        "alpine": [290, 240, 510, 840],
        "trek": [240, 250, 560, 850],
        "day": [280 + narrow, 280 + low, 520 - narrow, 830],
        "ski": [300, 300, 500, 820],
        "climb": [285, 330, 515, 830],
        "kid": [300, 390, 500, 820],
        "urban": [275, 260, 525, 830],
    }
    box = boxes[style]
    left, top, right, bottom = box
    mid = (left + right) / 2
    if back:
        pack_back(pen, c, box, frame=style == "trek")
        return
    # Shoulder straps show on each side, behind the pack.
    for side in (-1, 1):
        edge_x = left if side < 0 else right
        strap = [(edge_x - side * 45, top + 30), (edge_x + side * 20, top + 150)]
        pen.line([*strap, (edge_x + side * 24, bottom - 190)], WEBBING, 26)
    if style == "ski":
        for side in (-1, 1):
            ski = [(mid + side * 150, 900), (mid + side * 112, 900), (mid + side * 4, 110)]
            ski += [(mid + side * 30, 100)]
            pen.polygon(ski, fill=(64, 70, 82), edge=(20, 22, 26))
            pen.line([(mid + side * 132, 880), (mid + side * 22, 130)], (232, 186, 32), 6)
    if style == "heritage":
        pen.rect(box, fill=c.base, edge=c.edge, radius=36)
        pen.rect(
            [left + 40, bottom - 220, right - 40, bottom - 40], fill=c.panel, edge=c.edge, radius=26
        )
        pen.rect([left, bottom - 60, right, bottom], fill=LEATHER, radius=20)
        pen.arc([mid - 40, top - 50, mid + 40, top + 30], 180, 360, LEATHER, 10)
        pen.rect([left - 8, top - 20, right + 8, top + 250], fill=c.panel, edge=c.edge, radius=70)
        for x in (mid - 70, mid + 70):
            pen.rect([x - 14, top + 60, x + 14, bottom - 260], fill=LEATHER, radius=4)
            pen.rect([x - 20, top + 210, x + 20, top + 246], edge=BRASS, width=5, radius=3)
        pen.label((mid, top + 40), label, LEATHER, (240, 226, 196), 22)
        for x in (left - 10, right + 10):
            pen.rect(
                [x - 22, top + 300, x + 22, bottom - 120], fill=c.panel, edge=c.edge, radius=16
            )
        return
    if style == "climb":
        body = [
            (left, top),
            (right, top),
            (right - 10, bottom - 40),
            (mid, bottom),
            (left + 10, bottom - 40),
        ]
        pen.polygon(body, fill=c.base, edge=c.edge)
        pen.chord([left + 10, bottom - 80, right - 10, bottom], 0, 180, fill=c.base, edge=c.edge)
        rope = (40, 110, 170)
        for i, dy in enumerate(range(0, 70, 14)):
            pen.ellipse(
                [left - 20 + i * 4, top - 110 + dy, right + 20 - i * 4, top + 10 + dy],
                edge=shade(rope, 0.7 + 0.06 * i),
                width=12,
            )
        pen.rect([left - 4, top - 10, right + 4, top + 40], fill=c.panel, edge=c.edge, radius=14)
        pen.line([(mid, top - 120), (mid, top + 30)], WEBBING, 14)
        for x in (left + 50, right - 50):
            pen.line([(x, top + 80), (x, bottom - 80)], WEBBING, 10)
        for y in range(top + 120, bottom - 100, 60):
            pen.rect([left + 40, y, left + 60, y + 18], fill=(20, 20, 24), radius=3)
            pen.rect([right - 60, y, right - 40, y + 18], fill=(20, 20, 24), radius=3)
        pen.label((mid, top + 180), label, c.trim, c.base, 26)
        return
    if style == "urban":
        pen.rect(box, fill=c.base, edge=c.edge, radius=28)
        pen.rect([mid - 40, top - 30, mid + 40, top + 10], edge=WEBBING, width=9, radius=12)
        pen.line([(left + 30, top + 130), (right - 30, top + 130)], c.trim, 5)
        pen.rect([right - 70, top + 118, right - 48, top + 160], fill=c.trim, radius=4)
        pen.rect(
            [left + 40, bottom - 270, right - 40, bottom - 50], fill=c.panel, edge=c.edge, radius=18
        )
        pen.line([(left + 60, bottom - 240), (right - 60, bottom - 240)], c.trim, 4)
        pen.line([(left + 20, top + 175), (right - 20, top + 175)], REFLECTIVE, 8)
        pen.label((mid, bottom - 130), label, LEATHER, (240, 226, 196), 22)
        return
    radius = {"alpine": 70, "trek": 90, "day": 120, "ski": 70, "kid": 80}[style]
    pen.rect(box, fill=c.base, edge=c.edge, radius=radius)
    if style in ("alpine", "trek"):
        lid = [left - 10, top - 50, right + 10, top + 90]
        pen.rect(lid, fill=c.panel, edge=c.edge, radius=60)
        pen.arc([left + 30, top - 30, right - 30, top + 120], 200, 340, c.trim, 4)
        pen.label((mid, top + 40), label, c.trim, c.base, 26)
    if style == "alpine":
        pen.line([(left - 10, top + 110), (right + 10, top + 110)], WEBBING, 12)
        pen.line([(mid, top + 140), (mid, bottom - 110)], WEBBING, 12)
        for y in range(top + 170, bottom - 110, 50):
            pen.line([(mid - 12, y), (mid + 12, y)], (20, 20, 24), 4)
        compression_straps(pen, box, [top + 230, top + 390])
        for x in (mid - 60, mid + 60):
            pen.ellipse([x - 22, bottom - 120, x + 22, bottom - 20], edge=WEBBING, width=10)
    if style == "trek":
        pocket = [mid - 110, top + 150, mid + 110, bottom - 170]
        pen.rect(pocket, fill=INSIDE, radius=40)
        with pen.clipped(("rect", pocket, 40)) as inner:
            hatch(inner, pocket, c.seam, 14, 3)
        pen.arc([left + 20, bottom - 150, right - 20, bottom + 30], 195, 345, c.trim, 5)
        compression_straps(pen, box, [top + 180, top + 330, top + 480])
        for side in (-1, 1):
            edge_x = left if side < 0 else right
            wing = [
                (edge_x, bottom - 170),
                (edge_x + side * 55, bottom - 150),
                (edge_x + side * 55, bottom - 90),
                (edge_x, bottom - 80),
            ]
            pen.polygon(wing, fill=WEBBING, edge=(20, 20, 24))
    if style == "day":
        pen.arc([left + 20, top + 20, right - 20, top + 340], 190, 350, c.trim, 5)
        pen.rect([mid - 30, top - 25, mid + 30, top + 8], edge=WEBBING, width=8, radius=10)
        pocket = [left + 30, (top + bottom) / 2 + 20, right - 30, bottom - 30]
        pen.rect(pocket, fill=INSIDE, radius=40)
        with pen.clipped(("rect", pocket, 40)) as inner:
            hatch(inner, pocket, c.seam, 14, 3)
        for side in (-1, 1):
            edge_x = left if side < 0 else right
            pen.rect(
                [edge_x - 26, bottom - 230, edge_x + 10, bottom - 30],
                fill=c.panel,
                edge=c.edge,
                radius=12,
            )
        if narrow:
            pen.line([(left + 10, top + 300), (right - 10, top + 180)], c.light, 14)
        pen.label((mid, top + 110), label, c.trim, c.base, 24)
    if style == "ski":
        for y in (top + 160, bottom - 160):
            pen.line([(mid - 150, y), (mid + 150, y)], WEBBING, 12)
        pen.arc([left + 20, top + 10, right - 20, top + 260], 190, 350, c.trim, 5)
        pen.rect(
            [mid - 50, top + 220, mid + 50, bottom - 200], fill=c.panel, edge=c.edge, radius=20
        )
        pen.label((mid, top + 120), label, c.trim, c.base, 24)
    if style == "kid":
        with pen.clipped(("rect", box, radius)) as inner:
            for row, y in enumerate(range(top + 20, bottom, 52)):
                for x in range(left + 10 + 26 * (row % 2), right, 52):
                    inner.ellipse([x - 9, y - 9, x + 9, y + 9], fill=c.light)
        pen.rect([mid - 30, top - 30, mid + 30, top + 8], edge=WEBBING, width=8, radius=10)
        pocket = [mid - 70, top + 200, mid + 70, bottom - 40]
        pen.rect(pocket, fill=c.panel, edge=c.edge, radius=40)
        pen.arc([left + 20, top + 10, right - 20, top + 220], 190, 350, c.trim, 5)
        pen.ellipse([right - 60, top + 40, right - 36, top + 70], fill=(232, 80, 60))
        pen.label((mid, top + 120), label, c.trim, c.base, 24)


def running_vest(pen, c, back, roomy=False, label=""):
    """A trail-running vest: shoulder panels with soft flasks in front, a pouch behind."""
    spread = 30 if roomy else 0
    if back:
        pouch = [300 - spread, 260, 500 + spread, 720]
        for side in (-1, 1):
            strap = [
                (400 + side * 40, 300),
                (400 + side * 110, 300),
                (400 + side * 100, 180),
                (400 + side * 50, 180),
            ]
            pen.polygon(strap, fill=c.panel, edge=c.edge)
            wing = [
                (400 + side * 100, 600),
                (400 + side * (210 + spread), 580),
                (400 + side * (215 + spread), 660),
                (400 + side * 100, 700),
            ]
            pen.polygon(wing, fill=c.panel, edge=c.edge)
        pen.rect(pouch, fill=c.base, edge=c.edge, radius=50)
        zigzag = [(320 - spread + (i % 2) * (160 + 2 * spread), 340 + i * 50) for i in range(8)]
        pen.line(zigzag, c.trim, 5)
        pen.line([(300 - spread, 290), (500 + spread, 290)], REFLECTIVE, 8)
        pen.label((400, 660), label, c.trim, c.base, 26)
        return
    pen.polygon([(330, 220), (470, 220), (500 + spread, 640), (300 - spread, 640)], fill=INSIDE)
    for side in (-1, 1):
        panel = [
            (400 + side * 40, 190),
            (400 + side * 95, 190),
            (400 + side * (170 + spread), 360),
            (400 + side * (215 + spread), 600),
            (400 + side * (200 + spread), 690),
            (400 + side * 45, 700),
            (400 + side * 35, 380),
        ]
        pen.polygon(panel, fill=c.base, edge=c.edge)
        flask_x = 400 + side * (95 + spread // 2)
        flask = [flask_x - 42, 360, flask_x + 42, 600]
        pen.rect(flask, fill=(188, 216, 232), edge=(100, 140, 170), radius=36)
        pen.rect([flask_x - 40, 470, flask_x + 40, 598], fill=(140, 186, 214), radius=30)
        pen.line([(flask_x - 22, 390), (flask_x - 22, 560)], (240, 248, 252), 6)
        pen.rect([flask_x - 14, 322, flask_x + 14, 362], fill=(30, 30, 34), radius=6)
        pen.rect([flask_x - 55, 540, flask_x + 55, 690], fill=c.panel, edge=c.edge, radius=16)
        if roomy:
            pen.rect([flask_x - 40, 610, flask_x + 40, 640], fill=c.seam, radius=6)
            pen.line([(flask_x - 44, 570), (flask_x + 44, 570)], c.trim, 4)
    for y in (430, 510):
        pen.line([(355, y), (445, y)], c.trim, 6)
        pen.ellipse([392, y - 8, 408, y + 8], fill=c.trim)
    pen.line([(340, 230), (376, 300)], REFLECTIVE, 6)
    pen.line([(460, 230), (424, 300)], REFLECTIVE, 6)
    pen.label((290 - spread, 640), label, c.trim, c.base, 22)


@drawn_larger(1.15, (400, 545))
def run_belt(pen, c, back, label=""):
    """A waist belt seen from slightly above: a loop with a zipped pocket in front."""
    centre = (400, 520)
    outer, inner = (250, 130), (236, 70)
    back_half = ellipse_points(centre, outer, 180, 360) + ellipse_points(centre, inner, 360, 180)
    pen.polygon(back_half, fill=c.seam, edge=c.edge)
    front_half = ellipse_points(centre, outer, 0, 180) + ellipse_points(centre, inner, 180, 0)
    pen.polygon(front_half, fill=c.base, edge=c.edge)
    pen.line(ellipse_points((400, 540), (244, 104), 25, 155), REFLECTIVE, 5)
    pocket = [285, 570, 515, 700]
    pen.rect(pocket, fill=c.panel, edge=c.edge, radius=30)
    pen.line([(305, 598), (495, 598)], c.trim, 5)
    pen.rect([474, 592, 496, 634], fill=c.trim, radius=4)
    for x in (212, 588):
        pen.ellipse([x - 9, 588, x + 9, 606], fill=(24, 24, 28))
    pen.label((400, 655), label, c.trim, c.panel, 22)


# --- Sleeping --------------------------------------------------------------------------------


def sleeping_bag(
    pen, c, back, shape="mummy", girth=1.0, quilting="baffles", label="", small=False, dotted=False
):
    """A sleeping bag standing up: mummy or rectangular, with its quilting and hood."""
    top, bottom = (300, 820) if small else (170, 860)
    half = 130 * girth * (0.85 if small else 1)
    if shape == "rect":
        body = [400 - half, top, 400 + half, bottom]
        pen.rect(body, fill=c.base, edge=c.edge, radius=40)
        outline = ("rect", body, 40)
        corner = [
            (400 + half - 4, top + 4),
            (400 + half - 4, top + 150),
            (400 + half - 130, top + 4),
        ]
    else:
        hood_top = top
        outline = [
            (400 - half * 0.85, hood_top + 150),
            (400 - half, hood_top + 260),
            (400 - half * 0.92, bottom - 250),
            (400 - half * 0.62, bottom - 20),
            (400 + half * 0.62, bottom - 20),
            (400 + half * 0.92, bottom - 250),
            (400 + half, hood_top + 260),
            (400 + half * 0.85, hood_top + 150),
        ]
        pen.polygon(outline, fill=c.base, edge=c.edge)
        pen.chord(
            [400 - half * 0.62, bottom - 60, 400 + half * 0.62, bottom + 10],
            0,
            180,
            fill=c.base,
            edge=c.edge,
        )
        pen.ellipse(
            [400 - half * 0.9, hood_top, 400 + half * 0.9, hood_top + 260],
            fill=c.panel,
            edge=c.edge,
        )
    with pen.clipped(outline) as inner:
        start = top + (60 if shape == "rect" else 270)
        step = 52 if quilting != "baffles" else round(70 * girth)
        for y in range(start, bottom, step):
            if quilting == "chevron":
                inner.line([(400 - half, y - 30), (400, y), (400 + half, y - 30)], c.seam, 4)
            elif quilting == "diagonal":
                inner.line([(400 - half, y), (400 + half, y - 90)], c.seam, 4)
            else:
                inner.arc([400 - half - 40, y - 40, 400 + half + 40, y + 30], 20, 160, c.seam, 5)
        if dotted:
            for row, y in enumerate(range(top + 40, bottom, 60)):
                for x in range(int(400 - half) + 20 + 30 * (row % 2), int(400 + half), 60):
                    inner.polygon(star((x, y), 14), fill=c.light)
    if shape == "rect":
        pen.polygon(corner, fill=(226, 220, 204), edge=c.edge)
        pen.line([(400 + half - 8, top + 150), (400 + half - 8, bottom - 30)], c.trim, 5)
        pen.line([(400 - half + 30, bottom - 8), (400 + half - 30, bottom - 8)], c.trim, 5)
    elif not back:
        pen.ellipse([400 - half * 0.55, top + 60, 400 + half * 0.55, top + 200], fill=INSIDE)
        pen.ellipse([400 - half * 0.4, top + 85, 400 + half * 0.4, top + 185], fill=(84, 70, 64))
        pen.line([(400 - half * 0.75, top + 240), (400 - half * 0.88, bottom - 260)], c.trim, 5)
        if girth > 1.1:
            pen.rect(
                [400 - half * 0.9, top + 215, 400 + half * 0.9, top + 265],
                fill=c.panel,
                edge=c.edge,
                radius=25,
            )
        for side in (-1, 1):
            pen.rect(
                [400 + side * 30 - 8, top + 195, 400 + side * 30 + 8, top + 225],
                fill=(24, 24, 28),
                radius=4,
            )
    if not back:
        pen.label(
            (400 + half * 0.35, top + (130 if shape == "rect" else 330)), label, c.trim, c.base, 26
        )


def silk_liner(pen, c, back, label=""):
    """A silk sheet liner, half folded, beside its stuff sack."""
    sheet = [(250, 180), (520, 180), (520, 840), (250, 840)]
    pen.polygon(sheet, fill=c.base, edge=c.edge, width=2)
    with pen.clipped(sheet) as inner:
        for x in range(120, 700, 90):
            inner.line([(x, 180), (x + 200, 840)], c.light, 26)
    pen.polygon([(520, 180), (520, 360), (370, 180)], fill=c.panel, edge=c.edge, width=2)
    pen.line([(250, 300), (370, 180)], c.seam, 2)
    pen.rect([500, 640, 620, 840], fill=c.panel, edge=c.edge, radius=30)
    pen.polygon([(510, 650), (610, 650), (580, 610), (540, 610)], fill=c.seam, edge=c.edge, width=2)
    pen.line([(560, 612), (590, 570)], (60, 60, 66), 4)
    pen.label((560, 760), label, c.edge, c.light, 22)


# --- Clothes ---------------------------------------------------------------------------------


def star(centre, radius):
    cx, cy = centre
    return [
        (
            cx + (radius if i % 2 == 0 else radius * 0.45) * cos(pi * (i * 36 - 90) / 180),
            cy + (radius if i % 2 == 0 else radius * 0.45) * sin(pi * (i * 36 - 90) / 180),
        )
        for i in range(10)
    ]


def top_garment(
    pen,
    c,
    back,
    *,
    length=800,
    fitted=False,
    sleeves="long",
    hood=False,
    collar="stand",
    zip="full",
    quilting=0,
    texture=None,
    yoke=False,
    pockets=(),
    hem_cord=False,
    pass_pocket=False,
    stripes=False,
    label="",
    small=False,
):
    """A jacket, fleece or tee-shirt laid flat, from the front or the back."""
    top = 300 if not small else 380
    s = 0.82 if small else 1
    shoulder, body = 130 * s, 135 * s
    waist = body - (28 if fitted else 0)
    hem = body + (10 if fitted else 0)
    torso = [
        (400 - 55 * s, top - 20),
        (400 - shoulder, top),
        (400 - body, top + 100),
        (400 - waist, (top + length) / 2 + 40),
        (400 - hem, length),
        (400 + hem, length),
        (400 + waist, (top + length) / 2 + 40),
        (400 + body, top + 100),
        (400 + shoulder, top),
        (400 + 55 * s, top - 20),
    ]
    if sleeves == "long":
        cuff_y = max(length - 70 * s, top + 380 * s)
        left_sleeve = [
            (400 - shoulder, top),
            (400 - shoulder - 70 * s, top + 150),
            (400 - shoulder - 120 * s, cuff_y),
            (400 - shoulder - 62 * s, cuff_y + 18),
            (400 - body - 5, top + 130),
        ]
    else:
        left_sleeve = [
            (400 - shoulder, top),
            (400 - shoulder - 80 * s, top + 120),
            (400 - shoulder - 35 * s, top + 165),
            (400 - body - 5, top + 110),
        ]
    sleeves_shapes = [left_sleeve, mirror(left_sleeve)]
    for sleeve in sleeves_shapes:
        pen.polygon(sleeve, fill=c.panel if yoke else c.base, edge=c.edge)
        if sleeves == "long":
            a, b = sleeve[2], sleeve[3]
            pen.line([a, b], c.seam, 16)
    if hood:
        pen.ellipse(
            [400 - 80 * s, top - 150 * s, 400 + 80 * s, top + 20], fill=c.panel, edge=c.edge
        )
    pen.polygon(torso, fill=c.base, edge=c.edge)
    shapes = [torso, *sleeves_shapes]
    with pen.clipped(*shapes) as inner:
        if yoke:
            inner.polygon([(0, 0), (800, 0), (800, top + 110), (0, top + 110)], fill=c.panel)
            inner.line([(0, top + 110), (800, top + 110)], c.edge, 3)
        if quilting:
            for y in range(top + quilting, int(length), quilting):
                inner.line([(0, y), (800, y + 6)], c.seam, 4)
        if texture == "grid":
            hatch(inner, [100, top - 40, 700, length], c.panel, 12, 2)
        if texture == "heather":
            for row, y in enumerate(range(top - 20, int(length), 9)):
                for x in range(100 + (row % 3) * 4, 700, 13):
                    inner.line([(x, y), (x + 3, y)], c.panel, 2)
        if stripes:
            for y in (top + 230, length - 90):
                inner.line([(0, y), (800, y)], REFLECTIVE, 14)
    pen.polygon(torso, edge=c.edge)
    if back:
        if hood:
            pen.ellipse(
                [400 - 80 * s, top - 150 * s, 400 + 80 * s, top + 20], fill=c.panel, edge=c.edge
            )
            pen.line([(400, top - 140 * s), (400, top + 10)], c.seam, 4)
        else:
            pen.arc([400 - 60 * s, top - 60, 400 + 60 * s, top + 10], 20, 160, c.edge, 4)
        if label:
            pen.label((400, top + 60), label, c.trim, c.base, 24)
        return
    if hood:
        pen.ellipse([400 - 55 * s, top - 120 * s, 400 + 55 * s, top - 5], fill=INSIDE)
        if hood == "brim":
            pen.arc([400 - 70 * s, top - 150 * s, 400 + 70 * s, top - 30 * s], 200, 340, c.edge, 8)
    elif collar == "crew":
        pen.chord([400 - 55 * s, top - 60, 400 + 55 * s, top + 30], 0, 180, fill=INSIDE)
        pen.arc([400 - 58 * s, top - 64, 400 + 58 * s, top + 34], 0, 180, c.seam, 8)
    elif collar == "vee":
        pen.polygon(
            [(400 - 55 * s, top - 20), (400, top + 60), (400 + 55 * s, top - 20)], fill=INSIDE
        )
        pen.line([(400 - 55 * s, top - 20), (400, top + 60), (400 + 55 * s, top - 20)], c.seam, 8)
    else:
        pen.rect(
            [400 - 58 * s, top - 60, 400 + 58 * s, top + 4], fill=c.panel, edge=c.edge, radius=12
        )
    if zip:
        zip_end = length if zip == "full" else top + 130
        zip_top = top - 60 if not hood else top - 5
        pen.line([(400, zip_top), (400, zip_end)], c.trim, 5)
        pen.rect([393, zip_top + 10, 407, zip_top + 46], fill=c.trim, radius=4)
    for pocket in pockets:
        kind, x, y = pocket
        for px in (400 - x, 400 + x) if kind != "chest" else (400 + x,):
            if kind in ("zip", "chest"):
                pen.line([(px - 45, y), (px + 45, y - 30)], c.trim, 5)
            elif kind == "patch":
                pen.rect([px - 45, y, px + 45, y + 80], fill=c.panel, edge=c.edge, radius=10)
            elif kind == "flap":
                pen.rect([px - 50, y, px + 50, y + 110], fill=c.panel, edge=c.edge, radius=8)
                pen.rect([px - 54, y - 6, px + 54, y + 30], fill=c.base, edge=c.edge, radius=8)
    if pass_pocket:
        cuff_x, cuff_y = left_sleeve[2]
        pen.rect(
            [cuff_x + 14, cuff_y - 150, cuff_x + 62, cuff_y - 96],
            fill=c.panel,
            edge=c.edge,
            radius=6,
        )
    if hem_cord:
        pen.line([(400 - hem + 20, length - 16), (400 + hem - 20, length - 16)], c.seam, 4)
        pen.rect([400 + hem - 40, length - 10, 400 + hem - 26, length + 30], fill=c.trim, radius=5)
    if label:
        pen.label((400 - 70 * s, top + 110), label, c.trim, c.base, 20)


def trousers(
    pen,
    c,
    back,
    *,
    cut="straight",
    waist_y=230,
    side_zips=False,
    cargo=False,
    knees=False,
    cuffs=False,
    scuff=False,
    label="",
):
    """Trousers laid flat: the cut sets the legs' width at the hem."""
    hem_out, hem_in = {"straight": (125, 20), "wide": (145, 15), "slim": (100, 28)}[cut]
    legs = [
        (280, waist_y + 40),
        (520, waist_y + 40),
        (530, 430),
        (400 + hem_out, 860),
        (400 + hem_in, 860),
        (400, 450),
        (400 - hem_in, 860),
        (400 - hem_out, 860),
        (270, 430),
    ]
    pen.polygon(legs, fill=c.base, edge=c.edge)
    pen.rect([278, waist_y, 522, waist_y + 48], fill=c.panel, edge=c.edge, radius=8)
    with pen.clipped(legs) as inner:
        if scuff:
            inner.rect(
                [0, 800, 800, 870],
                fill=shade(c.base, 0.55) if luminance(c.base) > 70 else (70, 74, 82),
            )
        if knees:
            for x in (400 - hem_out / 2 - 25, 400 + hem_out / 2 + 25):
                inner.arc([x - 55, 560, x + 55, 660], 200, 340, c.seam, 5)
                inner.arc([x - 55, 590, x + 55, 690], 200, 340, c.seam, 5)
    if not back:
        pen.line([(400, waist_y + 48), (400, 420)], c.seam, 4)
        pen.line([(300, waist_y + 60), (330, 380)], c.seam, 4)
        pen.line([(500, waist_y + 60), (470, 380)], c.seam, 4)
        pen.rect([392, waist_y + 8, 408, waist_y + 40], fill=c.trim, radius=4)
    for x in (300, 360, 440, 500):
        pen.rect([x - 5, waist_y - 4, x + 5, waist_y + 52], fill=c.panel, edge=c.edge, width=2)
    if cargo:
        for x in (300, 500):
            pen.rect([x - 45, 480, x + 45, 600], fill=c.panel, edge=c.edge, radius=8)
            pen.rect([x - 48, 474, x + 48, 510], fill=c.base, edge=c.edge, radius=8)
    if side_zips:
        for x_top, x_bottom in ((274, 400 - hem_out + 4), (526, 400 + hem_out - 4)):
            pen.line(
                [
                    (x_top + (6 if x_top < 400 else -6), 440),
                    (x_bottom + (6 if x_top < 400 else -6), 840),
                ],
                c.trim,
                5,
            )
    if cut == "wide":
        pen.line([(300, 400), (320, 520)], c.trim, 5)
        pen.line([(500, 400), (480, 520)], c.trim, 5)
    if cuffs:
        for x in (400 - (hem_out + hem_in) / 2, 400 + (hem_out + hem_in) / 2):
            pen.rect([x - 46, 830, x + 46, 862], fill=c.panel, edge=c.edge, radius=8)
    if label:
        pen.label((330, waist_y + 110), label, c.trim, c.base, 20)


def ski_suit(pen, c, back, label=""):
    """A child's one-piece ski suit: a hooded jacket that goes on into legs."""
    trousers(pen, c, back, cut="straight", waist_y=440, knees=True, scuff=True)
    top_garment(
        pen, c, back, length=560, hood=True, stripes=True, small=True, zip="full", label=label
    )
    pen.rect([300, 540, 500, 576], fill=c.panel, edge=c.edge, radius=10)
    pen.rect([382, 534, 418, 582], fill=c.trim, radius=6)


def gloves(pen, c, back, label=""):
    """A pair of gauntlet gloves, palm reinforcements showing on the right one."""

    def glove(cx, flip, show_palm):
        def at(points):
            return [(cx + flip * x, y) for x, y in points]

        cuff = at([(-95, 560), (95, 560), (120, 820), (-120, 820)])
        pen.polygon(cuff, fill=c.panel, edge=c.edge)
        pen.line(at([(-112, 770), (112, 770)]), c.seam, 5)
        pen.rect([cx - 10, 800, cx + 10, 850], fill=c.trim, radius=5)
        palm = [cx - 95, 330, cx + 95, 600]
        pen.rect(palm, fill=c.base, edge=c.edge, radius=40)
        fingers = [(-70, 200, 42), (-22, 165, 44), (26, 180, 44), (72, 230, 40)]
        for fx, fy, fw in fingers:
            x = cx + flip * fx
            pen.rect([x - fw / 2, fy, x + fw / 2, 380], fill=c.base, edge=c.edge, radius=21)
            if show_palm:
                pen.rect([x - fw / 2 + 3, fy + 3, x + fw / 2 - 3, fy + 60], fill=LEATHER, radius=18)
        thumb = at([(-85, 470), (-150, 380), (-175, 330), (-140, 310), (-90, 380), (-60, 420)])
        pen.polygon(thumb, fill=LEATHER if show_palm else c.base, edge=c.edge)
        if show_palm:
            pen.rect([cx - 80, 430, cx + 80, 590], fill=LEATHER, edge=c.edge, radius=30)
        else:
            pen.label((cx, 480), label, c.trim, c.base, 20)
            pen.line(at([(-60, 530), (60, 530)]), c.seam, 4)

    glove(290, 1, False)
    glove(520, -1, True)


SHOE_TOPS = {
    # The top line of each upper from heel to toe, in profile; the sole runs under it.
    "approach": [
        (200, 640),
        (212, 590),
        (290, 602),
        (335, 585),
        (430, 620),
        (530, 655),
        (595, 672),
        (632, 692),
        (648, 720),
    ],
    "trail": [
        (196, 630),
        (206, 578),
        (290, 600),
        (340, 580),
        (440, 624),
        (545, 660),
        (610, 680),
        (648, 700),
        (664, 724),
    ],
    "hike": [
        (196, 560),
        (204, 462),
        (300, 452),
        (338, 440),
        (372, 478),
        (440, 580),
        (530, 640),
        (600, 662),
        (640, 684),
        (656, 722),
    ],
    "kid": [
        (236, 590),
        (242, 510),
        (320, 500),
        (350, 492),
        (378, 528),
        (440, 610),
        (520, 660),
        (576, 676),
        (608, 700),
        (620, 726),
    ],
}


def shoe_sole_view(pen, c, label):
    """The outsole seen from below: lugs, and a smooth climbing zone at the toe."""
    pen.ellipse([295, 150, 505, 520], fill=SOLE)
    pen.ellipse([318, 560, 482, 860], fill=SOLE)
    pen.polygon([(300, 380), (500, 380), (478, 720), (322, 720)], fill=SOLE)
    footprint = [
        ("ellipse", [295, 150, 505, 520]),
        ("ellipse", [318, 560, 482, 860]),
        [(300, 380), (500, 380), (478, 720), (322, 720)],
    ]
    with pen.clipped(*footprint) as inner:
        inner.rect([280, 140, 520, 300], fill=(86, 86, 92))
        for row, y in enumerate(range(330, 870, 44)):
            for x in range(290 + (row % 2) * 24, 520, 48):
                inner.polygon(
                    [(x, y), (x + 26, y + 8), (x + 20, y + 30), (x - 4, y + 22)], fill=(96, 98, 104)
                )
        inner.rect([380, 560, 420, 700], fill=c.base, radius=8)
    pen.label((400, 225), label, c.base, (240, 240, 240), 22)


def shoe(pen, c, back, style="hike", label=""):
    """A shoe or boot in profile (toe to the right), or its sole seen from below."""
    if back:
        shoe_sole_view(pen, c, label)
    else:
        with pen.zoomed(1.2, (427, 620)):
            shoe_profile(pen, c, style, label)


def shoe_profile(pen, c, style, label):
    top_line = SHOE_TOPS[style]
    heel, toe, sole_top = top_line[0][0], top_line[-1][0], 740
    upper = [(heel + 6, sole_top), *top_line, (toe + 2, sole_top)]
    pen.polygon(upper, fill=c.base, edge=c.edge)
    tongue, instep = top_line[3], top_line[-4]
    with pen.clipped(upper) as inner:
        inner.polygon(
            [(heel - 10, 600), (heel + 90, 640), (heel + 110, 760), (heel - 10, 760)], fill=c.panel
        )
        inner.line(top_line[:4], c.panel, 30)
        inner.line(top_line[:4], c.seam, 4)
        if style == "approach":
            inner.rect([0, sole_top - 34, 800, 800], fill=(84, 84, 90))
            inner.polygon(
                [(toe - 170, 800), (toe - 150, 690), (800, 660), (800, 800)], fill=(84, 84, 90)
            )
        elif style in ("hike", "kid"):
            inner.polygon(
                [(toe - 130, 800), (toe - 110, 680), (800, 650), (800, 800)], fill=c.panel
            )
            inner.line([(heel, sole_top - 16), (toe, sole_top - 16)], c.seam, 4)
        else:
            inner.line([(heel + 40, 718), (heel + 200, 660), (toe - 90, 700)], c.trim, 12)
    if style == "trail":
        pen.rect(
            [heel - 4, sole_top - 10, toe + 10, sole_top + 22],
            fill=(236, 236, 236),
            edge=(150, 150, 156),
            width=2,
            radius=14,
        )
        pen.rect([heel, sole_top + 18, toe + 6, sole_top + 44], fill=SOLE, radius=12)
        lugs = range(heel + 10, toe, 28)
        lug_y = sole_top + 40
        pen.rect(
            [heel - 14, top_line[1][1] - 30, heel + 16, top_line[1][1] + 20],
            edge=WEBBING,
            width=7,
            radius=8,
        )
    else:
        sole_colour = (70, 74, 82) if style == "kid" else SOLE
        pen.rect([heel - 8, sole_top - 6, toe + 10, sole_top + 40], fill=sole_colour, radius=18)
        lugs = range(heel + 6, toe, 34)
        lug_y = sole_top + 36
    for x in lugs:
        pen.rect([x, lug_y, x + 18, lug_y + 12], fill=SOLE, radius=3)
    laces_ink = (30, 30, 34) if luminance(c.base) > 70 else (210, 210, 214)
    start, end = (tongue[0] + 6, tongue[1] + 20), (instep[0] - 20, instep[1] + 14)
    if style == "kid":
        for t in (0.15, 0.6):
            x, y = start[0] + (end[0] - start[0]) * t, start[1] + (end[1] - start[1]) * t
            pen.polygon(
                [(x - 12, y - 34), (x + 58, y + 10), (x + 36, y + 44), (x - 34, y)],
                fill=c.light,
                edge=c.edge,
            )
    else:
        pen.line([start, end], laces_ink, 16)
        for i in range(6):
            x = start[0] + (end[0] - start[0]) * i / 5
            y = start[1] + (end[1] - start[1]) * i / 5
            pen.line([(x - 22, y - 14), (x + 22, y + 12)], (232, 232, 236), 5)
        if style == "hike":
            for i in range(3):
                pen.ellipse(
                    [
                        start[0] - 40 + i * 14,
                        start[1] - 10 + i * 30,
                        start[0] - 28 + i * 14,
                        start[1] + 2 + i * 30,
                    ],
                    fill=(200, 200, 204),
                )
    pen.label((heel + 80, top_line[1][1] + 90), label, c.trim, c.base, 20)


# --- Small things ------------------------------------------------------------------------------


def beanie(pen, c, back, label=""):
    """A knitted beanie with a turned-up cuff and a pompom."""
    dome = [250, 300, 550, 760]
    pen.pieslice(dome, 180, 360, fill=c.base, edge=c.edge)
    pen.rect([250, 520, 550, 640], fill=c.base)
    with pen.clipped(("ellipse", dome), [(250, 530), (550, 530), (550, 640), (250, 640)]) as inner:
        for row, y in enumerate(range(320, 640, 26)):
            for x in range(250 + (row % 2) * 13, 560, 26):
                inner.line([(x - 10, y - 8), (x, y + 6), (x + 10, y - 8)], c.seam, 3)
    pen.rect([235, 600, 565, 740], fill=c.panel, edge=c.edge, radius=24)
    for x in range(252, 556, 16):
        pen.line([(x, 612), (x, 728)], c.seam, 4)
    pen.ellipse([335, 190, 465, 320], fill=c.light, edge=c.edge)
    for angle in range(0, 360, 30):
        x, y = 400 + 40 * cos(pi * angle / 180), 255 + 40 * sin(pi * angle / 180)
        pen.line([(400, 255), (x, y)], c.base, 4)
    pen.label((470, 670), label, (240, 236, 226), c.edge, 20)


@drawn_larger(1.25, (456, 503))
def cap(pen, c, back, label=""):
    """A running cap in profile: crown panels, vents, a peak to the right, strap behind."""
    crown = [240, 380, 540, 720]
    pen.polygon(
        [(460, 528), (590, 526), (676, 548), (716, 580), (700, 600), (610, 590), (460, 584)],
        fill=c.panel,
        edge=c.edge,
    )
    pen.line([(520, 586), (610, 590), (700, 600)], shade(c.seam, 0.8), 8)
    pen.pieslice(crown, 180, 360, fill=c.base, edge=c.edge)
    with pen.clipped(("ellipse", crown)) as inner:
        inner.rect([240, 400, 330, 560], fill=c.panel)
        hatch(inner, [240, 380, 330, 560], c.seam, 12, 2)
    for x in (300, 390, 480):
        pen.line([(390, 382), (x, 550)], c.seam, 4)
    pen.rect([236, 530, 544, 566], fill=c.panel, edge=c.edge, radius=12)
    pen.ellipse([380, 366, 400, 392], fill=c.panel, edge=c.edge)
    for x, y in [(430, 440), (450, 470), (470, 500), (410, 470), (430, 500)]:
        pen.ellipse([x - 6, y - 6, x + 6, y + 6], fill=c.edge)
    pen.line([(246, 548), (200, 600), (215, 640)], WEBBING, 10)
    pen.rect([196, 590, 226, 612], fill=(200, 200, 204), radius=4)
    pen.label((470, 520), label, c.trim, c.base, 18)


def soft_flask(pen, c, back, label=""):
    """A soft flask half full of water, with its bite valve."""
    pouch = [
        (370, 320),
        (430, 320),
        (490, 400),
        (505, 720),
        (470, 820),
        (330, 820),
        (295, 720),
        (310, 400),
    ]
    pen.polygon(pouch, fill=mix(c.base, (255, 255, 255), 0.45), edge=shade(c.base, 0.6))
    with pen.clipped(pouch) as inner:
        inner.polygon([(280, 520), (520, 500), (520, 840), (280, 840)], fill=c.base)
        inner.line([(330, 420), (325, 760)], (250, 252, 253), 12)
    for i, y in enumerate(range(520, 800, 50)):
        pen.line([(470 - (10 if i % 2 else 0), y), (490, y)], shade(c.base, 0.45), 4)
    pen.text((440, 500), label, shade(c.base, 0.35), 24)
    pen.rect([378, 240, 422, 330], fill=(30, 30, 34), radius=8)
    pen.rect([388, 200, 412, 245], fill=(60, 60, 66), radius=10)


def rain_cover(pen, c, back, label=""):
    """A pack rain cover fitted over a pack: gathered elastic edge, hip belt poking out."""
    raindrops(pen)
    for side in (-1, 1):
        wing = [
            (400 + side * 140, 660),
            (400 + side * 210, 680),
            (400 + side * 210, 740),
            (400 + side * 140, 760),
        ]
        pen.polygon(wing, fill=WEBBING, edge=(20, 20, 24))
    pen.rect([360, 190, 440, 240], edge=WEBBING, width=10, radius=12)
    cover = [250, 220, 550, 840]
    pen.rect(cover, fill=c.base, edge=c.edge, radius=120)
    pen.rect([262, 232, 538, 828], edge=c.seam, width=6, radius=110)
    for y in range(290, 800, 22):
        for x in (256, 544):
            pen.line([(x - 8, y), (x + 8, y + 6)], c.seam, 3)
    pen.line([(255, 520), (545, 520)], REFLECTIVE, 16)
    pen.rect([388, 800, 412, 850], fill=(24, 24, 28), radius=6)
    pen.label((400, 380), label, c.trim, c.base, 26)


def gaiters(pen, c, back, label=""):
    """A pair of gaiters worn between trousers and boots; the boots' toes show ahead."""
    boot = (126, 84, 50) if luminance(c.base) < 90 else (60, 62, 70)
    for cx, dy in ((300, 0), (480, 40)):
        sole_top = 780 + dy
        pen.polygon(
            [
                (cx - 110, sole_top),
                (cx - 112, 640 + dy),
                (cx + 40, 640 + dy),
                (cx + 120, 720 + dy),
                (cx + 168, 748 + dy),
                (cx + 176, sole_top),
            ],
            fill=boot,
            edge=(30, 24, 20),
        )
        for i in range(3):
            x = cx + 92 + i * 22
            pen.line([(x - 12, 716 + dy + i * 10), (x + 12, 736 + dy + i * 10)], (230, 230, 232), 5)
        pen.rect([cx - 118, sole_top - 4, cx + 182, sole_top + 26], fill=SOLE, radius=10)
        # The walker's trouser leg goes into the gaiter.
        pen.polygon(
            [(cx - 78, 90), (cx + 56, 90), (cx + 60, 320 + dy), (cx - 82, 320 + dy)],
            fill=(92, 104, 118),
            edge=(52, 60, 70),
        )
        tube = [
            (cx - 88, 300 + dy),
            (cx + 66, 300 + dy),
            (cx + 50, 520 + dy),
            (cx + 45, 620 + dy),
            (cx + 96, 716 + dy),
            (cx + 60, 748 + dy),
            (cx - 114, 776 + dy),
            (cx - 92, 620 + dy),
            (cx - 88, 520 + dy),
        ]
        pen.polygon(tube, fill=c.base, edge=c.edge)
        with pen.clipped(tube) as inner:
            inner.rect([0, 580 + dy, 800, 900], fill=c.panel)
            inner.line([(0, 580 + dy), (800, 580 + dy)], c.edge, 3)
        pen.rect([cx - 92, 290 + dy, cx + 70, 326 + dy], fill=c.panel, edge=c.edge, radius=12)
        pen.rect([cx - 104, 296 + dy, cx - 84, 330 + dy], fill=(200, 200, 204), radius=5)
        pen.line([(cx + 44, 316 + dy), (cx + 30, 600 + dy), (cx + 80, 706 + dy)], c.seam, 14)
        pen.rect([cx + 52, 306 + dy, cx + 68, 340 + dy], fill=c.trim, radius=4)
        pen.line([(cx + 88, 712 + dy), (cx + 104, 724 + dy)], (190, 192, 198), 6)
        pen.line([(cx + 30, sole_top + 14), (cx + 70, 742 + dy)], (20, 20, 24), 12)
    pen.label((290, 450), label, c.trim, c.base, 20)


# --- Which drawing for which product ---------------------------------------------------------

# Each demo product's drawing and what sets it apart.
LOOKS = {
    "sac-toile-hommage-annapurna": (backpack, {"style": "heritage", "label": "50"}),
    "sac-alpinisme-peuterey-45": (backpack, {"style": "alpine", "label": "45"}),
    "sac-trekking-armature-60": (backpack, {"style": "trek", "label": "60"}),
    "sac-randonnee-hiker-30": (backpack, {"style": "day", "label": "30"}),
    "sac-randonnee-hiker-20-femme": (
        backpack,
        {"style": "day", "label": "20", "narrow": 25, "low": 60},
    ),
    "sac-ski-rando-mixt-25": (backpack, {"style": "ski", "label": "25"}),
    "sac-escalade-rock-20": (backpack, {"style": "climb", "label": "ROCK"}),
    "sac-enfant-kid-12": (backpack, {"style": "kid", "label": "12"}),
    "sac-voyage-urban-28": (backpack, {"style": "urban", "label": "URBAN"}),
    "sac-trail-drome-light-5": (running_vest, {"label": "5 L"}),
    "sac-trail-intense-10": (running_vest, {"roomy": True, "label": "10 L"}),
    "ceinture-trail-run-belt": (run_belt, {"label": "RUN"}),
    "sac-couchage-duvet-expedition-20": (sleeping_bag, {"girth": 1.25, "label": "-20°"}),
    "sac-couchage-duvet-alpin-5": (sleeping_bag, {"girth": 1.05, "label": "-5°"}),
    "sac-couchage-randonnee-5": (
        sleeping_bag,
        {"shape": "rect", "quilting": "lines", "label": "5°"},
    ),
    "sac-couchage-trek-0": (sleeping_bag, {"girth": 0.9, "quilting": "diagonal", "label": "0°"}),
    "sac-couchage-enfant-10": (
        sleeping_bag,
        {"shape": "rect", "quilting": "lines", "small": True, "dotted": True, "label": "10°"},
    ),
    "drap-sac-soie": (silk_liner, {"label": "SOIE"}),
    "veste-ski-freeride-gore-tex-homme": (
        top_garment,
        {
            "hood": "brim",
            "yoke": True,
            "pass_pocket": True,
            "length": 830,
            "pockets": [("zip", 70, 470)],
            "label": "GTX",
        },
    ),
    "veste-ski-femme-powder": (
        top_garment,
        {
            "hood": True,
            "fitted": True,
            "yoke": True,
            "pass_pocket": True,
            "hem_cord": True,
            "pockets": [("zip", 75, 640)],
        },
    ),
    "pantalon-ski-femme-alpine": (trousers, {"cut": "wide", "scuff": True}),
    "pantalon-ski-rando-touring-homme": (
        trousers,
        {"cut": "slim", "side_zips": True, "knees": True, "label": "TOURING"},
    ),
    "combinaison-ski-enfant": (ski_suit, {}),
    "gants-ski-expert": (gloves, {"label": "EXPERT"}),
    "veste-guide-chamonix": (
        top_garment,
        {"hood": "brim", "pockets": [("zip", 70, 430)], "label": "GUIDE"},
    ),
    "veste-pluie-fitz-roy-femme": (
        top_garment,
        {
            "hood": True,
            "fitted": True,
            "length": 840,
            "hem_cord": True,
            "pockets": [("chest", 70, 420)],
        },
    ),
    "doudoune-trilogy-homme": (
        top_garment,
        {"quilting": 42, "pockets": [("zip", 75, 640)], "label": "TRILOGY"},
    ),
    "doudoune-femme-k-down": (
        top_garment,
        {"hood": True, "fitted": True, "quilting": 70, "length": 760},
    ),
    "doudoune-enfant-hiver": (
        top_garment,
        {"hood": True, "quilting": 56, "small": True, "stripes": True},
    ),
    "polaire-randonnee-homme": (
        top_garment,
        {"zip": "quarter", "texture": "grid", "pockets": [("chest", 70, 420)]},
    ),
    "polaire-randonnee-femme": (
        top_garment,
        {"fitted": True, "texture": "grid", "yoke": True, "pockets": [("zip", 75, 620)]},
    ),
    "polaire-enfant": (top_garment, {"small": True, "texture": "grid", "yoke": True}),
    "tee-shirt-merinos-homme": (
        top_garment,
        {
            "sleeves": "short",
            "collar": "crew",
            "zip": None,
            "texture": "heather",
            "label": "MERINO",
        },
    ),
    "tee-shirt-trail-femme": (
        top_garment,
        {
            "sleeves": "short",
            "collar": "vee",
            "zip": None,
            "fitted": True,
            "yoke": True,
            "length": 760,
        },
    ),
    "pantalon-randonnee-homme": (trousers, {"cargo": True}),
    "pantalon-escalade-femme": (trousers, {"cut": "slim", "cuffs": True, "knees": True}),
    "chaussures-approche-rock": (shoe, {"style": "approach", "label": "ROCK"}),
    "chaussures-randonnee-hike-mid-gtx": (shoe, {"style": "hike", "label": "GTX"}),
    "chaussures-trail-light-rush": (shoe, {"style": "trail", "label": "RUSH"}),
    "chaussures-randonnee-enfant": (shoe, {"style": "kid"}),
    "bonnet-laine-millet": (beanie, {"label": "MILLET"}),
    "casquette-trail": (cap, {"label": "TRAIL"}),
    "gourde-souple-500": (soft_flask, {"label": "500"}),
    "housse-pluie-sac-40": (rain_cover, {"label": "30-50 L"}),
    "guetres-alpinisme": (gaiters, {}),
}
# Products added later are drawn from words in their slug, else by category.
KINDS = [
    ("ceinture", run_belt),
    ("sac-trail", running_vest),
    ("drap", silk_liner),
    ("couchage", sleeping_bag),
    ("housse", rain_cover),
    ("gourde", soft_flask),
    ("casquette", cap),
    ("bonnet", beanie),
    ("guetres", gaiters),
    ("gants", gloves),
    ("chaussures", shoe),
    ("combinaison", ski_suit),
    ("pantalon", trousers),
    ("sac", backpack),
    ("tee-shirt", top_garment),
    ("veste", top_garment),
]
CATEGORY_KINDS = {
    "sacs-a-dos": backpack,
    "sacs-trail": running_vest,
    "sacs-de-couchage": sleeping_bag,
    "chaussures": shoe,
    "accessoires": beanie,
}


def look_for(product):
    """The drawing function and its details for one product (fixture fields)."""
    slug = product["slug"]
    if slug in LOOKS:
        return LOOKS[slug]
    for word, drawer in KINDS:
        if word in slug:
            return drawer, {}
    return CATEGORY_KINDS.get(product["category"][0], top_garment), {}


def draw_picture(product, colour_name, back_view):
    pen = Pen()
    backdrop(pen, back_view)
    colour = COLOURS.get(colour_name.lower(), COLOURS["gris"])
    drawer, details = look_for(product)
    drawer(pen, Palette.of(colour), back_view, **details)
    brand_mark(pen, product.get("brand", "millet"))
    return pen.finish()


class Command(BaseCommand):
    help = (
        "Draw the demo product pictures named in fixtures/catalog.json with Pillow "
        "(800 × 1000 JPEG, one per picture row, in that row's colour) into "
        "fixtures/media/products/."
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
                first_colour.setdefault(row["fields"]["product"][0], row["fields"]["colour_fr"])
        images = sorted(
            (r["fields"] for r in rows if r["model"] == "catalog.productimage"),
            key=lambda image: (image["product"][0], image["position"]),
        )
        if only:
            images = [image for image in images if image["product"][0] == only]
            if not images:
                raise CommandError(f"no image for a product called {only!r}")
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        total, drawn = 0, set()
        for done, image in enumerate(images, 1):
            slug = image["product"][0]
            colour = image.get("colour_fr") or first_colour.get(slug, "")
            # The first picture of a colour is the front; a second one shows the back.
            back_view = (slug, colour) in drawn
            drawn.add((slug, colour))
            picture = draw_picture(products[slug], colour, back_view)
            target = folder / Path(image["image"]).name
            picture.save(target, "JPEG", quality=70, optimize=True, progressive=True)
            total += target.stat().st_size
            if done % 10 == 0 or done == len(images):
                self.stdout.write(f"{done}/{len(images)} pictures drawn")
        if not only:
            named = {Path(image["image"]).name for image in images}
            stale = sorted(p.name for p in folder.glob("*.jpg") if p.name not in named)
            if stale:
                self.stdout.write(
                    self.style.WARNING(
                        f"{len(stale)} file(s) in {folder} no fixture row names: "
                        + ", ".join(stale)
                    )
                )
        self.stdout.write(
            self.style.SUCCESS(f"{len(images)} pictures, {total / 1024:.0f} KB, in {folder}")
        )
