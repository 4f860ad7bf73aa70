"""Bytes on the wire: HTML compressed for browsers that ask, pictures kept by browsers."""

import gzip

import pytest
from django.conf import settings

from tests.factories import make_image, make_variant

pytestmark = pytest.mark.django_db


def test_html_is_compressed_for_a_browser_that_accepts_gzip(client):
    make_variant()

    plain = client.get("/produits/")
    packed = client.get("/produits/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")

    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert html.startswith("<!doctype html>")
    # A page of the listing's size shrinks to well under a third.
    assert len(packed.content) < len(plain.content) / 3


def test_private_pages_are_compressed_too_and_stay_private(client):
    response = client.get("/panier/", HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.skipif(not settings.SERVE_MEDIA, reason="the proxy serves media here")
def test_pictures_served_by_django_may_be_kept_a_month(client):
    image = make_image()

    response = client.get(image.image.url)

    assert response.status_code == 200
    assert "max-age=2592000" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    assert client.get("/media/products/nowhere.jpg").status_code == 404
