"""Checking uploaded images and making their renditions, with Pillow.

An upload is opened by Pillow before anything is stored: its real format must
be JPEG, PNG or WebP and match its extension, its size and pixel count are
bounded (decompression bombs), and it must decode to the end (truncated
files). Shoppers' repair photos are re-encoded on arrival: only a clean copy,
without metadata, is kept. Renditions are WebP plus the original's format at
a few widths, made once when the image is saved, never on a request.
"""

import math
from contextlib import contextmanager
from io import BytesIO
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, Image, ImageCms, ImageOps, UnidentifiedImageError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 30_000_000
# Shoppers' photos: a phone saves 12 to 24 MP by default (4,032 × 3,024 up to
# 5,712 × 4,284); more only costs CPU to decode. They are kept at 2,048 px on
# the long side, enough for the workshop to see a seam.
PHOTO_MAX_PIXELS = 25_000_000
PHOTO_MAX_SIDE = 2048
# A WebP is decoded whole by libwebp's animation decoder, which holds two
# canvases and a copy besides the image: 16 bytes a pixel, 400 MB for 25 MP.
# No smaller decoding of it exists in Pillow, so WebP photos are held to
# fewer pixels (what a phone saves is a JPEG; a WebP is an image from the web).
PHOTO_MAX_WEBP_PIXELS = 6_000_000
# Rows of the copy drawn at a time from a decoded photo (each strip copies
# about 2.5 times as many rows of the original: 3.5 MB for a 25 MP photo).
STRIP_ROWS = 64
# EXIF orientation -> the turn that makes the picture upright (as ImageOps.exif_transpose).
ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
RENDITION_WIDTHS = (320, 640, 1024)

# Pillow format name -> extensions it may carry.
FORMATS = {
    "JPEG": {".jpg", ".jpeg"},
    "PNG": {".png"},
    "WEBP": {".webp"},
}


def validate_image(upload, *, max_pixels=MAX_PIXELS):
    """Raise ValidationError naming the problem unless `upload` is a sound image.

    A file already in storage was checked when it arrived: only new uploads
    are opened again.
    """
    if getattr(upload, "_committed", False):
        return
    with _checked(upload, max_pixels=max_pixels) as picture:
        # Decoding the whole image catches truncated or corrupt data.
        picture.load()


def photo_reencode(
    upload,
    *,
    max_pixels=PHOTO_MAX_PIXELS,
    max_side=PHOTO_MAX_SIDE,
    max_webp_pixels=PHOTO_MAX_WEBP_PIXELS,
):
    """A clean JPEG copy of a shopper's photo, or ValidationError as `validate_image` gives.

    The copy is upright (the EXIF orientation applied), at most `max_side`
    pixels on its long side, in sRGB, and carries no metadata at all: it is
    drawn into a new image, so no EXIF, GPS, XMP, comment or colour profile
    of the original can follow. The original is decoded once, a JPEG at a
    reduced scale when it is much larger than the copy, and never copied
    whole: the worker holds at most the decoded original and the copy.
    """
    drawn, orientation, profile = _photo_drawn(
        upload, max_pixels=max_pixels, max_side=max_side, max_webp_pixels=max_webp_pixels
    )
    # The decoded original is released: only the copy, `max_side` at most, is held.
    if method := ORIENTATIONS.get(orientation):
        drawn = drawn.transpose(method)
    drawn = _to_srgb(drawn, profile)
    flat = Image.new("RGB", drawn.size)
    flat.paste(drawn.convert("RGB"))
    buffer = BytesIO()
    flat.save(buffer, "JPEG", quality=85, optimize=True)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def _photo_drawn(upload, *, max_pixels, max_side, max_webp_pixels):
    """The photo drawn at its copy's size, with its EXIF orientation and colour profile."""
    with _checked(upload, max_pixels=max_pixels) as picture:
        width, height = picture.size
        if picture.format == "WEBP" and width * height > max_webp_pixels:
            raise ValidationError(
                _(
                    "This WebP image is %(width)s × %(height)s pixels; the limit for WebP "
                    "is %(limit)s MP. Please send it as a JPEG."
                ),
                code="too_many_pixels",
                params={
                    "width": width,
                    "height": height,
                    "limit": max_webp_pixels // 1_000_000,
                },
            )
        size = _fitted(picture.size, max_side)
        # A JPEG is decoded at 1/2, 1/4 or 1/8 scale when that still covers `size`;
        # `source` is the part of the decoded image the original's pixels fill.
        drafted = picture.draft("RGB", size)
        picture.load()  # the whole file is decoded: truncated or corrupt data is caught
        source = drafted[1][2:] if drafted else picture.size
        orientation = picture.getexif().get(ExifTags.Base.Orientation, 1)
        profile = picture.info.get("icc_profile")
        drawn = _drawn(picture, size, source)
    # Returning drops the last reference to the decoded original, which frees it.
    return drawn, orientation, profile


def _fitted(size, max_side):
    """`size` brought down to `max_side` on its long side, its proportions kept."""
    width, height = size
    if max(width, height) <= max_side:
        return size
    if width >= height:
        return max_side, max(1, round(height * max_side / width))
    return max(1, round(width * max_side / height)), max_side


def _drawn(picture, size, source):
    """`picture` resampled to `size`, opaque (transparency on white), a strip at a time.

    Only strips of the decoded picture are ever copied: a whole copy (to
    convert it, or by Pillow's resize, which copies a transparent image
    first) would double the memory a large photo takes. Each strip carries
    the rows the Lanczos filter reads around it: every pixel of the copy is
    drawn from the same pixels, with the same weights, as by a resize of the
    whole picture. `source` is the (width, height) that the original's
    pixels fill in `picture` (a draft's last row and column may be partial).
    """
    source_width, source_height = source
    width, height = size
    transparent = picture.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        "transparency" in picture.info
    )
    mode = "RGB" if transparent or picture.mode not in ("RGB", "L", "CMYK") else picture.mode
    drawn = Image.new(mode, size)
    scale = source_height / height
    reach = math.ceil(3 * max(scale, 1)) + 2  # Lanczos reads 3 pixels each side, scaled
    for top in range(0, height, STRIP_ROWS):
        bottom = min(top + STRIP_ROWS, height)
        if source == size:  # nothing to resample
            drawn.paste(_opaque(picture.crop((0, top, width, bottom)), transparent), (0, top))
            continue
        first, last = top * scale, bottom * scale
        crop_top = max(0, math.floor(first) - reach)
        crop_bottom = min(picture.height, math.ceil(last) + reach)
        strip = _opaque(picture.crop((0, crop_top, picture.width, crop_bottom)), transparent)
        box = (0, first - crop_top, source_width, last - crop_top)
        drawn.paste(
            strip.resize((width, bottom - top), Image.Resampling.LANCZOS, box=box), (0, top)
        )
    return drawn


def _opaque(strip, transparent):
    """`strip` in RGB, L or CMYK; what was transparent in it is now white."""
    if transparent:
        strip = strip.convert("RGBA")
        flat = Image.new("RGB", strip.size, "white")
        flat.paste(strip, mask=strip.getchannel("A"))
        return flat
    return strip if strip.mode in ("RGB", "L", "CMYK") else strip.convert("RGB")


def _to_srgb(picture, profile):
    """`picture` converted from its colour `profile` (ICC bytes), if any, to sRGB."""
    if not profile or picture.mode not in ("RGB", "L", "CMYK"):
        return picture
    try:
        source = ImageCms.ImageCmsProfile(BytesIO(profile))
        return ImageCms.profileToProfile(
            picture, source, ImageCms.createProfile("sRGB"), outputMode="RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError):
        return picture  # a broken profile: keep the pixels as they are


@contextmanager
def _checked(upload, *, max_pixels):
    """Open `upload` with Pillow after checking its size, format, name and pixel count.

    Any failure to read it, inside this block too, becomes a ValidationError
    that says what is wrong.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(
            _("The file is too large (%(size)s MB); the limit is %(limit)s MB."),
            code="too_large",
            params={
                "size": number_format(size / 1024 / 1024, 1),
                "limit": MAX_BYTES // 1024 // 1024,
            },
        )
    upload.seek(0)
    try:
        with Image.open(upload) as picture:
            image_format = picture.format
            width, height = picture.size
            if image_format not in FORMATS:
                raise ValidationError(
                    _("Only JPEG, PNG and WebP images are accepted, not %(format)s."),
                    code="bad_format",
                    params={"format": image_format},
                )
            extension = PurePosixPath(upload.name or "").suffix.lower()
            if extension not in FORMATS[image_format]:
                raise ValidationError(
                    _("The file is named %(extension)s but is really a %(format)s image."),
                    code="bad_extension",
                    params={"extension": extension or "?", "format": image_format},
                )
            if width * height > max_pixels:
                raise ValidationError(
                    _("The image is %(width)s × %(height)s pixels; the limit is %(limit)s MP."),
                    code="too_many_pixels",
                    params={"width": width, "height": height, "limit": max_pixels // 1_000_000},
                )
            yield picture
    except ValidationError:
        raise
    except UnidentifiedImageError:
        raise ValidationError(
            _("This file is not an image that can be read."), code="not_an_image"
        ) from None
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError(
            _("The image is damaged or incomplete; please export it again."), code="damaged"
        ) from None
    finally:
        upload.seek(0)


def planned_renditions(product_image, size=None):
    """The renditions `product_image` should have, from `size` or its stored width and height.

    Each width narrower than the original gets a WebP file and a file in the
    original's format (PNG stays PNG, anything else becomes JPEG); the
    original's own width is always included. Names are fixed, derived from
    the original's unique file name, so making them again replaces files
    instead of piling up copies.
    """
    name = PurePosixPath(product_image.image.name)
    fallback_ext = "png" if name.suffix.lower() == ".png" else "jpg"
    folder = "renditions/" + name.name.replace(".", "-")
    width, height = size or (product_image.width, product_image.height)
    widths = sorted({w for w in RENDITION_WIDTHS if w < width} | {width})
    return [
        {
            "width": w,
            "height": round(height * w / width),
            "webp": f"{folder}/{w}.webp",
            "fallback": f"{folder}/{w}.{fallback_ext}",
        }
        for w in widths
    ]


def make_renditions(product_image, storage=default_storage):
    """Write the planned renditions of `product_image` and record them (not saved)."""
    source = product_image.image
    source.open("rb")
    try:
        with Image.open(source) as opened:
            # Phones store rotation in EXIF: plan from the upright picture.
            original = ImageOps.exif_transpose(opened)
            renditions = planned_renditions(product_image, original.size)
            for entry in renditions:
                resized = original.resize(
                    (entry["width"], entry["height"]), Image.Resampling.LANCZOS
                )
                for key in ("webp", "fallback"):
                    _save(resized, entry[key], storage)
    finally:
        source.close()
    product_image.renditions = renditions
    return renditions


def _save(picture, name, storage):
    fmt = {"webp": "WEBP", "png": "PNG"}.get(name.rsplit(".", 1)[-1], "JPEG")
    if fmt == "JPEG" and picture.mode not in ("RGB", "L"):
        picture = picture.convert("RGB")
    options = {"optimize": True} if fmt == "PNG" else {"quality": 80}
    buffer = BytesIO()
    picture.save(buffer, fmt, **options)
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(buffer.getvalue()))
