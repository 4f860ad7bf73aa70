"""Bodies larger than any form takes are refused from their Content-Length, unread."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from catalog.images import MAX_BYTES
from repairs.models import RepairRequest
from repairs.services import MAX_PHOTOS

pytestmark = pytest.mark.django_db


def announce(client, path, length, body=b"--x\r\nshort\r\n--x--\r\n"):
    """POST `body` while the headers announce `length` bytes. The test client's payload
    fails loudly if anything reads past `body`, so a 413 proves nothing was read."""
    return client.generic(
        "POST",
        path,
        body,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(length),
    )


def test_the_limit_fits_the_largest_form():
    fields = 1024 * 1024  # the repair form's text fields, with room to spare
    assert MAX_PHOTOS * MAX_BYTES + fields == settings.REQUEST_MAX_BYTES


@pytest.mark.parametrize("path", ["/reparation/", "/en/reparation/", "/panier/ajouter/", "/admin/"])
def test_a_body_over_the_limit_is_answered_413_before_it_is_read(path):
    response = announce(Client(), path, 300 * 1024 * 1024)

    assert response.status_code == 413
    html = response.content.decode()
    assert "300" in html
    assert "31" in html
    assert not RepairRequest.objects.exists()


def test_the_413_page_says_what_to_do_in_the_shoppers_language():
    french = announce(Client(), "/reparation/", settings.REQUEST_MAX_BYTES + 1).content.decode()
    english = announce(Client(), "/en/reparation/", settings.REQUEST_MAX_BYTES + 1)

    assert "Votre envoi est trop lourd" in french
    assert "rien n’a été enregistré" in french
    assert 'href="/reparation/"' in french
    assert "What you sent is too large" in english.content.decode()


def test_the_size_is_checked_before_the_csrf_token():
    guarded = Client(enforce_csrf_checks=True)

    assert announce(guarded, "/reparation/", settings.REQUEST_MAX_BYTES + 1).status_code == 413


@pytest.mark.parametrize("length", ["", "abc", "-5"])
def test_a_missing_or_malformed_length_is_no_server_error(length):
    response = Client().generic(
        "POST", "/reparation/", b"", content_type="text/plain", CONTENT_LENGTH=length
    )

    assert response.status_code == 200  # the empty form again, with its errors
    assert not RepairRequest.objects.exists()


def test_more_files_than_any_form_takes_is_refused(client):
    files = [SimpleUploadedFile(f"{n}.jpg", b"x", "image/jpeg") for n in range(11)]

    response = client.post("/reparation/", {"photos": files})

    assert response.status_code == 400
    assert not RepairRequest.objects.exists()
