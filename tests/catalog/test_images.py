"""Uploads are checked by Pillow before they are stored; renditions are made once."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from catalog.images import make_renditions, validate_image
from tests.factories import image_bytes, make_image


def upload(name, content, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def error_of(file):
    with pytest.raises(ValidationError) as error:
        validate_image(file)
    return error.value


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("pack.jpg", "JPEG"), ("pack.JPEG", "JPEG"), ("pack.png", "PNG"), ("pack.webp", "WEBP")],
)
def test_a_sound_jpeg_png_or_webp_is_accepted(name, fmt):
    validate_image(upload(name, image_bytes(fmt)))


def test_a_png_renamed_jpg_is_refused():
    error = error_of(upload("pack.jpg", image_bytes("PNG")))

    assert error.code == "bad_extension"
    assert "PNG" in error.messages[0]


def test_a_truncated_jpeg_is_refused():
    content = image_bytes("JPEG", size=(1200, 1200))

    error = error_of(upload("pack.jpg", content[: len(content) // 2]))

    assert error.code == "damaged"


def test_a_huge_pixel_count_is_refused_before_decoding():
    buffer = BytesIO()
    # 8000 × 5000 = 40 megapixels that compress to a few kilobytes.
    Image.new("L", (8000, 5000)).save(buffer, "PNG")

    error = error_of(upload("bomb.png", buffer.getvalue(), "image/png"))

    assert error.code == "too_many_pixels"
    assert "8000 × 5000" in error.messages[0]


def test_a_text_file_is_refused():
    error = error_of(upload("notes.jpg", b"not an image at all\n" * 20, "text/plain"))

    assert error.code == "not_an_image"


def test_a_gif_is_refused_by_format():
    buffer = BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, "GIF")

    error = error_of(upload("pack.gif", buffer.getvalue(), "image/gif"))

    assert error.code == "bad_format"


def test_a_file_above_the_size_limit_is_refused(settings):
    too_big = upload("pack.jpg", image_bytes("JPEG"))
    too_big.size = 11 * 1024 * 1024

    assert error_of(too_big).code == "too_large"


@pytest.mark.django_db
def test_renditions_are_webp_plus_fallback_at_several_widths():
    image = make_image(image=upload("front.jpg", image_bytes("JPEG", size=(1600, 2000))))

    renditions = make_renditions(image)

    assert [r["width"] for r in renditions] == [320, 640, 1024, 1600]
    for rendition in renditions:
        with default_storage.open(rendition["webp"]) as stored, Image.open(stored) as webp:
            assert webp.format == "WEBP"
            assert webp.size == (rendition["width"], rendition["height"])
        with default_storage.open(rendition["fallback"]) as stored, Image.open(stored) as jpeg:
            assert jpeg.format == "JPEG"
    assert renditions[0]["height"] == 400


@pytest.mark.django_db
def test_a_small_original_is_never_enlarged_and_a_png_keeps_png_fallbacks():
    image = make_image(image=upload("logo.png", image_bytes("PNG", size=(500, 500)), "image/png"))

    renditions = make_renditions(image)

    assert [r["width"] for r in renditions] == [320, 500]
    assert all(r["fallback"].endswith(".png") for r in renditions)


@pytest.mark.django_db
def test_making_renditions_twice_replaces_the_files_instead_of_piling_up():
    image = make_image()
    first = make_renditions(image)

    second = make_renditions(image)

    assert first == second
    folder = first[0]["webp"].rsplit("/", 1)[0]
    assert len(default_storage.listdir(folder)[1]) == 2 * len(first)


def test_a_truncated_jpeg_is_refused_after_a_pdf_was_made_in_the_same_process():
    from common.pdf import html_to_pdf

    html_to_pdf("<p>Facture</p>")  # WeasyPrint, imported, flips a Pillow setting
    content = image_bytes("JPEG", size=(1200, 1200))

    error = error_of(upload("pack.jpg", content[: len(content) // 2]))

    assert error.code == "damaged"
