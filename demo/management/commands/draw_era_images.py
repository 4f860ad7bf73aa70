"""Draw the timeline's era illustrations with Pillow.

One small picture per period of the story (heritage/eras.py names them), in
the manner of the demo product pictures (catalog's draw_demo_images): flat
shapes in front of a mountain ridge, supersampled then reduced, with the
product drawings themselves reused where an era is about a pack or a jacket.
They show only what the story tells (a canvas shoulder bag, a turn to the
mountains, a pack with a metal frame, a needle and thread…), never a
photograph or a likeness of a person. The drawings are deterministic: the
same code gives the same files, committed under static/img/eras/.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from PIL import Image, ImageOps

from demo.management.commands.draw_demo_images import (
    COLOURS,
    SUPERSAMPLE,
    WEBBING,
    Palette,
    Pen,
    backpack,
    running_vest,
    shade,
    shoe_profile,
    top_garment,
)
from heritage.eras import ERAS

WIDTH, HEIGHT = 720, 450
# The product drawings live in an 800 × 1000 frame centred here.
PRODUCT_CENTRE = (400, 500)
SKY_TOP, SKY_BOTTOM = (226, 236, 244), (200, 214, 228)
ROCK, ROCK_DARK, SNOW = (150, 162, 178), (118, 128, 142), (250, 252, 253)
CANVAS, CANVAS_DARK = (196, 168, 122), (150, 124, 84)
WOOD, WOOD_DARK = (150, 104, 64), (112, 76, 46)
THREAD = (179, 17, 31)


def canvas():
    image = Image.new("RGB", (WIDTH * SUPERSAMPLE, HEIGHT * SUPERSAMPLE))
    gradient = Image.linear_gradient("L").resize(image.size)
    image.paste(ImageOps.colorize(gradient, SKY_TOP, SKY_BOTTOM))
    return Pen(image)


def placed(pen, drawer, palette, at, scale, **details):
    """Draw a product drawing (800 × 1000 frame) with its centre at `at`, `scale` times smaller."""
    (x, y), (cx, cy) = at, PRODUCT_CENTRE
    fixed = ((x - scale * cx) / (1 - scale), (y - scale * cy) / (1 - scale))
    with pen.zoomed(scale, fixed):
        drawer(pen, palette, False, **details)


def ridge(pen, points, fill, snow=None):
    pen.polygon([*points, (WIDTH, HEIGHT), (0, HEIGHT)], fill=fill)
    if snow:
        pen.polygon(snow, fill=SNOW)


def far_mountains(pen):
    ridge(
        pen,
        [(0, 300), (120, 220), (210, 260), (330, 150), (420, 230), (520, 190), (720, 280)],
        (184, 196, 210),
        [(330, 150), (304, 180), (334, 176), (352, 190), (366, 172)],
    )


def ground(pen, colour=(214, 220, 226), top=380):
    pen.rect([0, top, WIDTH, HEIGHT], fill=colour)


def musette(pen, x, y, colour=CANVAS):
    """The canvas shoulder bag of the first workshop: a flap bag on a long strap."""
    pen.line(
        [(x - 70, y - 10), (x - 20, y - 170), (x + 40, y - 175), (x + 70, y - 10)],
        shade(colour, 0.75),
        10,
    )
    pen.rect([x - 90, y - 20, x + 90, y + 110], fill=colour, edge=shade(colour, 0.6), radius=16)
    pen.polygon(
        [(x - 90, y - 20), (x + 90, y - 20), (x + 80, y + 45), (x - 80, y + 45)],
        fill=shade(colour, 0.88),
        edge=shade(colour, 0.6),
    )
    for stitch in range(-80, 81, 16):
        pen.line([(x + stitch, y + 36), (x + stitch + 8, y + 36)], shade(colour, 0.55), 2)
    pen.rect([x - 12, y + 30, x + 12, y + 60], fill=(122, 78, 44), radius=4)


def workshop_1920s(pen):
    """A workbench near Lyon: canvas, scissors, a spool and a finished musette."""
    pen.rect([0, 0, WIDTH, 300], fill=(236, 228, 214))
    for x in range(40, WIDTH, 120):  # the workshop window's panes
        pen.rect([x, 40, x + 90, 200], fill=(206, 222, 236), edge=(170, 150, 120), width=6)
    pen.polygon([(40, 200), (100, 130), (130, 170), (130, 200)], fill=(184, 196, 210))
    pen.rect([0, 300, WIDTH, HEIGHT], fill=WOOD)
    pen.rect([0, 300, WIDTH, 320], fill=WOOD_DARK)
    pen.polygon([(60, 360), (330, 340), (350, 420), (80, 440)], fill=CANVAS, edge=CANVAS_DARK)
    for offset in range(0, 250, 18):
        pen.line(
            [(80 + offset, 352 - offset * 0.07), (90 + offset, 351 - offset * 0.07)], CANVAS_DARK, 2
        )
    pen.ellipse([370, 360, 420, 410], fill=(230, 230, 230), edge=(90, 90, 90))
    pen.ellipse([388, 378, 402, 392], fill=THREAD)
    pen.line([(395, 385), (440, 430), (470, 426)], THREAD, 3)
    musette(pen, 560, 250)


def turn_1930s(pen):
    """The turn to mountaineering: a high ridge, a coiled rope and an ice axe."""
    far_mountains(pen)
    ridge(
        pen,
        [(0, 360), (160, 250), (250, 300), (400, 120), (470, 210), (560, 170), (720, 330)],
        ROCK,
        [(400, 120), (366, 170), (404, 160), (426, 182), (446, 164)],
    )
    ground(pen, (222, 226, 230), 390)
    for radius in (60, 48, 36):
        pen.ellipse(
            [170 - radius, 400 - radius * 0.45, 170 + radius, 400 + radius * 0.45],
            edge=THREAD,
            width=9,
        )
    pen.line([(520, 440), (560, 250)], WOOD_DARK, 14)
    pen.polygon(
        [(520, 250), (610, 240), (614, 256), (560, 262), (526, 266)],
        fill=(120, 126, 136),
        edge=(80, 84, 92),
    )


def savoie_1940s(pen):
    """The first high-mountain packs, made by the sons in Savoie."""
    far_mountains(pen)
    ridge(
        pen,
        [(0, 330), (90, 250), (200, 300), (300, 210), (380, 280), (720, 250)],
        ROCK_DARK,
        [(300, 210), (280, 236), (304, 232), (318, 244)],
    )
    ground(pen, (206, 214, 200), 380)
    placed(pen, backpack, Palette.of(COLOURS["sable"]), (250, 280), 0.3, style="heritage")
    placed(pen, backpack, Palette.of(COLOURS["rouge"]), (470, 290), 0.28, style="day")


def annapurna_1950s(pen):
    """A Himalayan summit, and the metal-framed pack of the decade."""
    ridge(
        pen,
        [(0, 380), (110, 300), (200, 330), (330, 90), (420, 200), (500, 160), (720, 360)],
        (164, 176, 192),
        [(330, 90), (272, 180), (320, 160), (350, 190), (380, 150), (410, 190)],
    )
    pen.line([(330, 90), (330, 50)], (60, 60, 60), 4)
    pen.polygon([(330, 50), (362, 58), (330, 68)], fill=THREAD)
    ground(pen, (232, 236, 240), 390)
    placed(pen, backpack, Palette.of(COLOURS["vert"]), (560, 300), 0.3, style="trek")


def catalogue_grows(pen):
    """Decade after decade, clothing and shoes join the packs."""
    far_mountains(pen)
    ground(pen, (214, 220, 226), 360)
    placed(pen, backpack, Palette.of(COLOURS["bleu"]), (140, 250), 0.3, style="alpine")
    placed(pen, top_garment, Palette.of(COLOURS["rouge"]), (360, 240), 0.32, hood=True)
    # The shoe drawing zooms itself by 1.2 about (427, 620): both zooms, composed.
    scale, zoom = 0.3, 0.3 * 1.2
    at, (sx, sy) = (575, 262), (427, 620)
    fixed_x = (at[0] - scale * PRODUCT_CENTRE[0]) / (1 - scale)
    fixed_y = (at[1] - scale * PRODUCT_CENTRE[1]) / (1 - scale)
    centre = (
        (fixed_x * (1 - scale) + scale * sx * (1 - 1.2)) / (1 - zoom),
        (fixed_y * (1 - scale) + scale * sy * (1 - 1.2)) / (1 - zoom),
    )
    with pen.zoomed(zoom, centre):
        shoe_profile(pen, Palette.of(COLOURS["gris"]), "approach", "")


def repairs_2000s(pen):
    """The repair workshop in France: a torn pack patched, a needle and thread."""
    pen.rect([0, 0, WIDTH, HEIGHT], fill=(234, 230, 222))
    pen.rect([0, 330, WIDTH, HEIGHT], fill=WOOD)
    placed(pen, backpack, Palette.of(COLOURS["orange"]), (270, 230), 0.36, style="day")
    pen.rect([238, 190, 302, 240], fill=CANVAS, edge=CANVAS_DARK, width=2, radius=4)
    for x in range(242, 300, 9):
        pen.line([(x, 187), (x + 4, 193)], THREAD, 2)
        pen.line([(x, 237), (x + 4, 243)], THREAD, 2)
    pen.line([(470, 380), (620, 200)], (120, 126, 136), 5)
    pen.ellipse([612, 190, 628, 206], edge=(120, 126, 136), width=3)
    pen.line([(620, 198), (660, 250), (600, 300), (640, 360)], THREAD, 3)
    pen.ellipse([500, 350, 580, 420], fill=(230, 230, 230), edge=(90, 90, 90))
    pen.ellipse([528, 373, 552, 397], fill=THREAD)


def popup_2020s(pen):
    """A winter pop-up store: an awning, ski jackets and packs in the window."""
    far_mountains(pen)
    ground(pen, (206, 210, 214), 400)
    pen.rect([120, 120, 600, 400], fill=(238, 240, 242), edge=(60, 64, 70), width=6)
    for index, x in enumerate(range(120, 600, 60)):
        fill = THREAD if index % 2 == 0 else (250, 250, 250)
        pen.polygon([(x, 100), (x + 60, 100), (x + 60, 150), (x, 150)], fill=fill)
    pen.rect([150, 170, 570, 380], fill=(206, 222, 236), edge=(60, 64, 70), width=4)
    # Small drawings would round a 1-pixel line to nothing.
    placed(pen, top_garment, Palette.of(COLOURS["bleu"]), (245, 280), 0.27, hood=True)
    placed(pen, top_garment, Palette.of(COLOURS["noir"]), (360, 280), 0.27, hood=True)
    placed(pen, backpack, Palette.of(COLOURS["rouge"]), (475, 280), 0.27, style="ski")
    pen.line([(120, 100), (600, 100)], WEBBING, 6)
    for x, y in [(60, 60), (660, 80), (90, 260), (650, 300), (40, 380)]:
        pen.ellipse([x - 5, y - 5, x + 5, y + 5], fill=(255, 255, 255))


def drome_today(pen):
    """Rolling hills and the trail vest made in the Drôme."""
    ridge(pen, [(0, 280), (140, 230), (300, 270), (460, 210), (720, 260)], (176, 192, 176))
    ridge(pen, [(0, 340), (180, 300), (380, 330), (560, 290), (720, 320)], (150, 170, 140))
    ground(pen, (196, 184, 150), 390)
    pen.line([(0, 430), (200, 400), (420, 410), (720, 380)], (226, 214, 180), 10)
    placed(pen, running_vest, Palette.of(COLOURS["rouge"]), (470, 250), 0.34)


SCENES = {
    "workshop": workshop_1920s,
    "turn": turn_1930s,
    "savoie": savoie_1940s,
    "annapurna": annapurna_1950s,
    "catalogue": catalogue_grows,
    "repairs": repairs_2000s,
    "popup": popup_2020s,
    "drome": drome_today,
}


class Command(BaseCommand):
    help = (
        "Draw the timeline's era illustrations with Pillow "
        f"({WIDTH} × {HEIGHT} WebP, one per era of heritage/eras.py) into static/img/eras/."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "static" / "img" / "eras")
        )

    def handle(self, *args, output, **options):
        folder = Path(output)
        folder.mkdir(parents=True, exist_ok=True)
        total = 0
        for done, era in enumerate(ERAS.values(), 1):
            pen = canvas()
            SCENES[era.scene](pen)
            picture = pen.image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
            target = folder / f"{era.scene}.webp"
            picture.save(target, "WEBP", quality=72, method=6)
            total += target.stat().st_size
            self.stdout.write(f"{done}/{len(ERAS)} {target.name}")
        self.stdout.write(
            self.style.SUCCESS(f"{len(ERAS)} illustrations, {total / 1024:.0f} KB, in {folder}")
        )
