"""HTTP manners: HEAD wherever GET works, private pages kept out of caches, error pages
in the site's look and language."""

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import path

from millet_site import urls
from repairs.models import RepairRequest
from shop.services import Customer, order_place
from tests.factories import make_variant, unique

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    variant = make_variant()
    return [
        "/",
        "/en/",
        "/produits/",
        f"/produit/{variant.product.slug}/",
        "/histoire/",
        "/boutiques/",
        "/panier/",
        "/reparation/",
        "/reparation/suivi/",
        "/healthz",
        "/robots.txt",
        "/sitemap.xml",
    ]


def test_head_answers_wherever_get_does_with_no_body(client, pages):
    for url in pages:
        response = client.head(url)
        assert response.status_code == 200, url
        assert response.content == b"", url


def test_other_methods_are_still_refused(client):
    assert client.put("/").status_code == 405
    assert client.delete("/produits/").status_code == 405


def an_order():
    variant = make_variant(stock=3)
    return order_place(
        items={variant.pk: 1},
        customer=Customer(
            email="a@example.org", name="Anne", street="1 rue", postcode="74000", city="Annecy"
        ),
        delivery="home",
        payment_method="transfer",
        checkout_key=unique("key"),
    )


def assert_private(response):
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_pages_with_personal_data_are_never_stored_by_a_cache(client):
    order = an_order()
    client.post("/panier/ajouter/", {"variant": make_variant().pk, "quantity": 1})

    assert_private(client.get(order.get_absolute_url()))
    assert_private(client.get("/panier/"))
    assert_private(client.get("/commande/"))
    assert_private(client.get("/reparation/suivi/"))


def test_a_repair_confirmation_and_its_tracking_page_are_never_stored(client):
    client.post(
        "/reparation/",
        {
            "name": "Paul Durand",
            "email": "paul@example.org",
            "product_description": "Vieux sac rouge",
            "damage": "La bretelle est déchirée.",
            "street": "8 rue du Vercors",
            "postcode": "38000",
            "city": "Grenoble",
            "country": "France",
        },
    )
    reference = RepairRequest.objects.get(pk=client.session["repairs"][-1]).reference

    assert_private(client.get(f"/reparation/envoyee/{reference}/"))
    assert_private(client.get(f"/reparation/suivi/{reference}/"))


def test_public_pages_stay_cacheable(client):
    assert "no-store" not in client.get("/produits/").get("Cache-Control", "")


def test_public_pages_may_be_indexed(client):
    for url in ("/", "/produits/", "/en/produits/", "/histoire/", "/reparation/"):
        assert "X-Robots-Tag" not in client.get(url), url


def test_the_english_twins_of_private_pages_are_never_indexed(client):
    order_page = "/en" + an_order().get_absolute_url()
    client.post("/en/panier/ajouter/", {"variant": make_variant().pk, "quantity": 1})

    assert_private(client.get(order_page))
    assert_private(client.get("/en/panier/"))
    assert_private(client.get("/en/commande/"))
    assert_private(client.get("/en/reparation/suivi/"))


@pytest.mark.parametrize(
    ("path", "title", "text"),
    [
        ("/commande/", "Ce formulaire a expiré", "Rien n’a été enregistré"),
        ("/en/commande/", "This form has expired", "Nothing was saved"),
    ],
)
def test_a_form_without_its_security_token_gets_a_page_in_the_site_look(path, title, text):
    client = Client(enforce_csrf_checks=True)

    response = client.post(path, {"email": "a@example.org"})

    assert response.status_code == 403
    html = response.content.decode()
    assert title in html and text in html
    assert 'class="site-header' in html  # the shop's own header, not Django's bare page


def forbidden(request):
    raise PermissionDenied


class UrlsWithAForbiddenPage:
    """The site's URLs plus one page that refuses everyone, in both languages."""

    urlpatterns = [
        *urls.urlpatterns,
        *i18n_patterns(path("interdit/", forbidden), prefix_default_language=False),
    ]
    handler403 = urls.handler403


@pytest.mark.parametrize(
    ("prefix", "title"),
    [("", "Cette page ne vous est pas ouverte"), ("/en", "This page is not open to you")],
)
def test_a_forbidden_page_wears_the_site_look_in_both_languages(client, prefix, title, settings):
    settings.ROOT_URLCONF = UrlsWithAForbiddenPage

    response = client.get(f"{prefix}/interdit/")

    assert response.status_code == 403
    html = response.content.decode()
    assert title in html
    assert 'class="site-header' in html


def test_a_request_for_an_unknown_host_gets_a_400_in_the_site_look(client):
    response = client.get("/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert "Nous n’avons pas pu lire cette requête" in response.content.decode()
