"""Shoppers' repair photos: cleaned on arrival, seen by their owner and by staff only,
removed with their request, and counted before they cost any work."""

import json
import subprocess
import sys
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from PIL import Image

from repairs import views
from repairs.models import RepairRequest
from tests.factories import NO_BREAK
from tests.repairs.test_repairs import request_data

pytestmark = pytest.mark.django_db

RED, BLUE = (200, 20, 20), (20, 20, 200)
PHONE_MODEL = "Pixel Trail 9 Pro"


def phone_photo(size=(600, 300), orientation=6, name="sac.jpg"):
    """A JPEG as a phone saves it: sideways pixels with an orientation tag, the place it
    was taken, the phone's model, a comment and an XMP packet. Left half red, right blue."""
    width, height = size
    picture = Image.new("RGB", size, BLUE)
    picture.paste(RED, (0, 0, width // 2, height))
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation: 6 means "turn 90° clockwise to view"
    exif[0x0110] = PHONE_MODEL  # Model
    exif[0x8825] = {1: "N", 2: (45.0, 53.0, 59.0), 3: "E", 4: (6.0, 7.0, 23.0)}  # GPS
    buffer = BytesIO()
    picture.save(
        buffer,
        "JPEG",
        exif=exif,
        comment=b"Chamonix, chez Paul",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">Paul Durand</x:xmpmeta>',
    )
    return SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg")


def assert_clean_and_upright(data: bytes):
    """What a person (or a program) can read from the bytes: no hidden data, right way up."""
    for trace in (b"Exif", b"GPS", PHONE_MODEL.encode(), b"Chamonix", b"xmpmeta", b"Paul"):
        assert trace not in data, trace
    with Image.open(BytesIO(data)) as picture:
        assert picture.format == "JPEG"
        assert not picture.getexif()
        assert not {"exif", "xmp", "comment", "icc_profile"} & set(picture.info)
        # Turned clockwise: the red left half is now on top, the blue one below.
        assert picture.size == (300, 600)
        rgb = picture.convert("RGB")
        assert _near(rgb.getpixel((150, 100)), RED)
        assert _near(rgb.getpixel((150, 500)), BLUE)


def _near(pixel, colour, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


@pytest.fixture
def sent(client):
    """A request sent from `client` with one phone photo: (request, photo)."""
    response = client.post("/reparation/", request_data(photos=[phone_photo()]))
    assert response.status_code == 302
    repair = RepairRequest.objects.get()
    return repair, repair.photos.get()


@pytest.fixture
def chef():
    return User.objects.create_superuser("chef", "chef@millet.example", "pw-chef-1")


def staff_url(repair, photo):
    return f"/admin/repairs/repairrequest/{repair.pk}/photo/{photo.pk}/"


def test_the_stored_and_served_photo_has_no_hidden_data_and_is_upright(client, sent):
    repair, photo = sent

    stored = Path(photo.image.path).read_bytes()
    assert_clean_and_upright(stored)
    assert photo.image.name.endswith(".jpg")
    assert (photo.width, photo.height) == (300, 600)
    served = client.get(f"/reparation/suivi/{repair.reference}/photo/{photo.pk}/")
    assert served["Content-Type"] == "image/jpeg"
    assert "no-store" in served["Cache-Control"]
    assert b"".join(served.streaming_content) == stored


def test_only_the_cleaned_copy_is_kept(sent, settings):
    files = [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()]

    assert len(files) == 1
    assert_clean_and_upright(files[0].read_bytes())


@pytest.mark.parametrize(
    ("size", "kept"),
    [
        ((4032, 3024), (2048, 1536)),
        ((1000, 5000), (410, 2048)),
        ((800, 600), (800, 600)),
        ((6120, 4080), (2048, 1365)),  # 25 MP, the most accepted
    ],
)
def test_photos_are_brought_down_to_2048_pixels_on_the_long_side(client, size, kept):
    client.post("/reparation/", request_data(photos=[phone_photo(size, orientation=1)]))

    photo = RepairRequest.objects.get().photos.get()
    with Image.open(photo.image.path) as picture:
        assert picture.size == kept == (photo.width, photo.height)


def test_a_png_with_transparency_becomes_a_plain_jpeg(client):
    buffer = BytesIO()
    Image.new("RGBA", (400, 200), (0, 0, 0, 0)).save(buffer, "PNG")
    upload = SimpleUploadedFile("capture.png", buffer.getvalue(), "image/png")

    client.post("/reparation/", request_data(photos=[upload]))

    photo = RepairRequest.objects.get().photos.get()
    with Image.open(photo.image.path) as picture:
        assert (picture.format, picture.mode) == ("JPEG", "RGB")
        assert _near(picture.getpixel((10, 10)), (255, 255, 255))  # white, not black


def test_more_pixels_than_a_phone_takes_is_refused_without_decoding(client):
    buffer = BytesIO()
    Image.new("L", (5470, 5480)).save(buffer, "PNG")  # 30 MP in a small file
    upload = SimpleUploadedFile("plan.png", buffer.getvalue(), "image/png")

    response = client.post("/reparation/", request_data(photos=[upload]))

    errors = " ".join(response.context["form"].errors["photos"]).translate(NO_BREAK)
    assert "5470 × 5480 pixels ; la limite est de 25 mégapixels" in errors
    assert not RepairRequest.objects.exists()


def test_staff_see_the_photo_from_the_admin(client, sent, chef):
    repair, photo = sent
    staff = Client()
    staff.force_login(chef)

    page = (
        staff.get(f"/admin/repairs/repairrequest/{repair.pk}/change/")
        .content.decode()
        .translate(NO_BREAK)
    )
    assert f'href="{staff_url(repair, photo)}"' in page
    assert f'src="{staff_url(repair, photo)}"' in page
    assert "/media/repairs/" not in page
    response = staff.get(staff_url(repair, photo))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert_clean_and_upright(b"".join(response.streaming_content))


def test_everyone_else_gets_404_for_the_staff_photo(client, sent):
    repair, photo = sent
    clerk = User.objects.create_user("vendeur", password="pw-vendeur-1", is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_order"))
    signed_in_clerk = Client()
    signed_in_clerk.force_login(clerk)
    shopper = User.objects.create_user("paul", password="pw-paul-1")  # not staff
    signed_in_shopper = Client()
    signed_in_shopper.force_login(shopper)

    assert Client().get(staff_url(repair, photo)).status_code == 404
    assert client.get(staff_url(repair, photo)).status_code == 404  # the owner, not staff
    assert signed_in_shopper.get(staff_url(repair, photo)).status_code == 404
    assert signed_in_clerk.get(staff_url(repair, photo)).status_code == 404
    # Another request's number with this photo: nothing either.
    assert (
        Client().get(f"/admin/repairs/repairrequest/{repair.pk + 1}/photo/{photo.pk}/").status_code
        == 404
    )


def test_deleting_a_request_removes_its_photos_once_it_commits(client, chef, settings, on_commit):
    client.post("/reparation/", request_data(photos=[phone_photo(), phone_photo()]))
    repair = RepairRequest.objects.get()
    paths = [Path(photo.image.path) for photo in repair.photos.all()]
    assert all(path.exists() for path in paths)
    staff = Client()
    staff.force_login(chef)

    # Staff never delete a request in the admin (it is kept, then erased on schedule)…
    refused = staff.post(f"/admin/repairs/repairrequest/{repair.pk}/delete/", {"post": "yes"})
    assert refused.status_code == 403
    # …but when a request goes (the retention purge, a database clean-up), its files go too.
    with on_commit():
        repair.delete()

    assert not RepairRequest.objects.exists()
    assert not any(path.exists() for path in paths)
    assert [p for p in Path(settings.PRIVATE_MEDIA_ROOT).rglob("*") if p.is_file()] == []


def test_a_deletion_that_rolls_back_keeps_the_files(client, on_commit):
    client.post("/reparation/", request_data(photos=[phone_photo()]))
    repair = RepairRequest.objects.get()
    pk, path = repair.pk, Path(repair.photos.get().image.path)

    with on_commit(), pytest.raises(RuntimeError), transaction.atomic():
        repair.delete()
        raise RuntimeError("the deletion fails further on")

    assert RepairRequest.objects.get(pk=pk).photos.count() == 1
    assert path.exists()


def test_uploads_are_counted_before_they_are_checked(client, monkeypatch):
    monkeypatch.setattr(views, "UPLOAD_RATE", "3/h")
    broken = SimpleUploadedFile("sac.jpg", b"\xff\xd8\xff not really a photo", "image/jpeg")

    for _ in range(3):  # each is checked: the photo is refused, the form kept
        response = client.post("/reparation/", request_data(photos=[broken], email="paul"))
        assert "pas une image" in " ".join(response.context["form"].errors["photos"])
    response = client.post("/reparation/", request_data(photos=[broken]))

    assert response.status_code == 429
    html = response.content.decode().translate(NO_BREAK)
    assert "a envoyé beaucoup de demandes de réparation" in html
    assert "pas une image" not in html  # refused before the photo was opened
    assert "La bretelle gauche est déchirée à la couture." in html  # what was typed stays
    # Without photos, the request still goes through: only uploads are held back.
    assert client.post("/reparation/", request_data()).status_code == 302


def test_behind_nginx_the_app_checks_and_nginx_sends_the_photo(client, sent, chef, settings):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/private/"
    repair, photo = sent
    staff = Client()
    staff.force_login(chef)

    response = staff.get(staff_url(repair, photo))

    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/private/{photo.image.name}"
    assert response.content == b""
    assert "no-store" in response["Cache-Control"]
    # The check still comes first: a stranger gets no redirect to follow.
    stranger = Client().get(staff_url(repair, photo))
    assert stranger.status_code == 404
    assert "X-Accel-Redirect" not in stranger


# A worker's extra memory for one repair form with three photos, however many pixels.
FORM_MEMORY_LIMIT_MB = 150

# Run in a fresh Python, whose memory is its own: a process's peak resident
# size only grows, and Pillow's pixel buffers are not allocated through
# Python (tracemalloc does not see them). The peak is the kernel's (VmHWM of
# /proc/self/status, Linux: getrusage's would start from pytest's own size,
# which it inherits). Prints what the form made of three copies of one file.
MEASURE_FORM = """
import json, os, sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.datastructures import MultiValueDict
from PIL import Image
from repairs.forms import RepairRequestForm

def status_mb(field):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024

path = sys.argv[1]
content = open(path, "rb").read()
name = os.path.basename(path)
files = [SimpleUploadedFile(name, content, "image/jpeg") for _ in range(3)]
form = RepairRequestForm(json.loads(sys.argv[2]), MultiValueDict({"photos": files}))
try:
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")  # the peak starts again from here
except OSError:
    pass  # the peak since this Python started: higher, never lower
before = status_mb("VmRSS")
form.is_valid()
extra = status_mb("VmHWM") - before
photos = []
for copy in form.cleaned_data.get("photos", []):
    with Image.open(copy) as picture:
        rgb = picture.convert("RGB")
        left, right = rgb.getpixel((10, 10)), rgb.getpixel((rgb.width - 10, 10))
        photos.append(
            {"format": picture.format, "size": picture.size, "left": left, "right": right}
        )
print(json.dumps({"extra_mb": extra, "photos": photos, "errors": form.errors.get("photos", [])}))
"""
needs_proc = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="measures memory with Linux's /proc"
)


@pytest.fixture(scope="module")
def large_photos(tmp_path_factory):
    """Photos of as many pixels as the form takes, left half red and right half blue.

    A camera's 25 MP JPEG at 3:2, a 25 MP PNG with transparency (the copy
    must flatten it), a WebP at its lower limit and a 25 MP WebP. Made one
    at a time: each costs 100 MB while it is drawn.
    """
    folder = tmp_path_factory.mktemp("large-photos")
    for name, size, mode, options in [
        ("appareil.jpg", (6120, 4080), "RGB", {"quality": 90}),
        ("capture.png", (5000, 5000), "RGBA", {"compress_level": 1}),
        ("web.webp", (3000, 2000), "RGB", {"method": 0}),
        ("grande.webp", (5000, 5000), "RGB", {"method": 0}),
    ]:
        width, height = size
        picture = Image.new(mode, size, BLUE)
        picture.paste(RED, (0, 0, width // 2, height))
        picture.save(folder / name, **options)
        del picture
    return folder


def form_in_a_fresh_worker(path):
    """What one repair form with three copies of the photo at `path` gives, and costs."""
    data = {k: v for k, v in request_data().items() if k != "photos"}
    finished = subprocess.run(
        [sys.executable, "-c", MEASURE_FORM, str(path), json.dumps(data)],
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    return json.loads(finished.stdout)


@needs_proc
@pytest.mark.parametrize(
    ("name", "kept"),
    [("appareil.jpg", (2048, 1365)), ("capture.png", (2048, 2048)), ("web.webp", (2048, 1365))],
)
def test_three_photos_at_the_pixel_limit_fit_in_a_worker_and_are_kept_whole(
    large_photos, name, kept
):
    result = form_in_a_fresh_worker(large_photos / name)

    assert result["errors"] == []
    assert result["extra_mb"] < FORM_MEMORY_LIMIT_MB, result["extra_mb"]
    assert len(result["photos"]) == 3
    for photo in result["photos"]:
        assert photo["format"] == "JPEG"
        assert tuple(photo["size"]) == kept
        assert _near(photo["left"], RED)
        assert _near(photo["right"], BLUE)


@needs_proc
def test_a_webp_too_large_to_decode_in_a_worker_is_refused_from_its_header(large_photos):
    result = form_in_a_fresh_worker(large_photos / "grande.webp")

    assert result["extra_mb"] < FORM_MEMORY_LIMIT_MB, result["extra_mb"]
    assert result["photos"] == []
    errors = " ".join(result["errors"]).translate(NO_BREAK)
    assert errors.count("grande.webp : Cette image WebP mesure 5000 × 5000 pixels") == 3
    assert "en WebP, la limite est de 6 mégapixels" in errors
    assert "Envoyez-la plutôt en JPEG" in errors
