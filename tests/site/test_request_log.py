"""Every answer has a request id, sent back and logged in one JSON line; error pages show
it for support; the log never holds an order's private address."""

import json
import logging

import pytest
from django.test import Client
from django.urls import path

from millet_site import urls
from tests.factories import make_variant

pytestmark = pytest.mark.django_db


def log_lines(caplog):
    return [
        json.loads(record.getMessage())
        for record in caplog.records
        if record.name == "millet.requests"
    ]


def test_each_answer_has_an_id_and_one_log_line(client, caplog):
    variant = make_variant()
    with caplog.at_level(logging.INFO, logger="millet.requests"):
        first = client.get(variant.product.get_absolute_url())
        second = client.get("/produits/nulle-part/")

    ids = [first["X-Request-ID"], second["X-Request-ID"]]
    assert len(set(ids)) == 2 and all(len(i) == 32 for i in ids)
    lines = log_lines(caplog)
    assert [(line["request_id"], line["status"]) for line in lines] == [
        (ids[0], 200),
        (ids[1], 404),
    ]
    assert lines[0]["route"] == "/produit/<slug:slug>/"
    assert lines[0]["view"] == "catalog:product"
    assert lines[0]["method"] == "GET" and lines[0]["ms"] >= 0


def test_the_log_names_the_route_not_an_orders_private_address(client, caplog):
    with caplog.at_level(logging.INFO, logger="millet.requests"):
        client.get("/commande/a-private-token-of-the-shopper/")

    (line,) = log_lines(caplog)
    assert "a-private-token" not in json.dumps(line)
    assert line["route"] == "/commande/<order_token:token>/"


def test_behind_the_proxy_its_id_is_kept_and_a_bad_one_replaced(client, settings):
    settings.BEHIND_PROXY = True
    kept = client.get("/robots.txt", headers={"X-Request-ID": "0f3c2a9e-nginx-1234"})
    replaced = client.get("/robots.txt", headers={"X-Request-ID": "<script>"})
    settings.BEHIND_PROXY = False
    ignored = client.get("/robots.txt", headers={"X-Request-ID": "0f3c2a9e-nginx-1234"})

    assert kept["X-Request-ID"] == "0f3c2a9e-nginx-1234"
    assert replaced["X-Request-ID"] != "<script>" and len(replaced["X-Request-ID"]) == 32
    assert ignored["X-Request-ID"] != "0f3c2a9e-nginx-1234"


def test_error_pages_show_the_reference_to_quote(client, settings):
    missing = client.get("/produit/nulle-part/")
    html = missing.content.decode().replace("\u00a0", " ")
    assert f"Référence à donner à notre équipe : {missing['X-Request-ID']}" in html


def boom(request):
    raise RuntimeError("an unexpected failure")


urlpatterns = [path("boom/", boom), *urls.urlpatterns]
handler500 = urls.handler500


@pytest.mark.urls(__name__)
def test_the_500_page_shows_the_reference_too():
    client = Client(raise_request_exception=False)

    response = client.get("/boom/")

    assert response.status_code == 500
    html = response.content.decode().replace("\u00a0", " ")
    assert f"Référence à donner à notre équipe : {response['X-Request-ID']}" in html


def test_metrics_count_requests_for_the_internal_address_and_staff_only(client):
    from django.contrib.auth.models import User

    client.get("/robots.txt")
    inside = client.get("/metrics")  # the test client is 127.0.0.1
    outsider = Client(REMOTE_ADDR="203.0.113.9")
    staff = Client(REMOTE_ADDR="203.0.113.10")
    staff.force_login(User.objects.create_user("chef", password="pw-chef-1", is_staff=True))
    customer = Client(REMOTE_ADDR="203.0.113.11")
    customer.force_login(User.objects.create_user("paul", password="pw-paul-1"))

    assert inside.status_code == 200
    assert inside["Content-Type"].startswith("text/plain")
    text = inside.content.decode()
    assert 'millet_http_requests_total{method="GET",status="200",view="robots_txt"}' in text
    assert "millet_http_request_duration_seconds_bucket" in text
    assert outsider.get("/metrics").status_code == 404
    assert customer.get("/metrics").status_code == 404
    assert staff.get("/metrics").status_code == 200
