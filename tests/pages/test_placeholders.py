"""A note to staff ("[À COMPLÉTER : …]") never reaches a shopper, and `check --deploy`
refuses to open a shop whose legal pages are unfinished or still the demo's."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core import checks
from django.core.management import call_command

from catalog.models import Product
from heritage.models import TimelineEvent
from pages.checks import legal_pages
from pages.models import FOOTER_SLUGS, DemoData, Page
from shop.documents import terms_of_sale_html
from shop.models import Order
from tests.pages.test_pages import make_page

pytestmark = pytest.mark.django_db

PLACEHOLDERS = ("À COMPLÉTER", "TO COMPLETE")
FIXTURES = sorted(str(path) for path in (Path(settings.BASE_DIR) / "fixtures").glob("*.json"))


def problems(databases=("default",)):
    return legal_pages(None, databases=list(databases) if databases else None)


def ids(found):
    return sorted(problem.id for problem in found)


def assert_no_placeholder(html, where):
    for placeholder in PLACEHOLDERS:
        assert placeholder not in html, f"{where} shows {placeholder!r}"
    assert "<mark>" not in html, where


def test_no_page_a_shopper_opens_in_the_demo_shows_a_note_to_staff(client):
    call_command("loaddata", *FIXTURES, verbosity=0)
    product = Product.objects.published().filter(in_stock=True).order_by("pk").first()
    variant = product.variants.filter(stock__gt=0).first()
    event = TimelineEvent.objects.order_by("pk").first()
    paths = [
        "/",
        "/produits/",
        f"/produits/{product.category.slug}/",
        product.get_absolute_url(),
        "/boutiques/",
        "/histoire/",
        event.get_absolute_url(),
        "/fabrique-en-france/",
        "/reparation/",
        *(f"/informations/{slug}/" for slug in FOOTER_SLUGS),
    ]
    for path in paths:
        for url in (path, f"/en{path}"):
            response = client.get(url)
            assert response.status_code == 200, url
            assert_no_placeholder(response.content.decode(), url)

    # With a cart: the cart and the checkout, which links the terms.
    client.post(
        "/panier/ajouter/",
        {"variant": variant.pk, "quantity": 1},
        headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
    )
    for url in ("/panier/", "/commande/", "/en/panier/", "/en/commande/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_placeholder(response.content.decode(), url)

    # The terms of sale mailed as a PDF with each order.
    assert_no_placeholder(terms_of_sale_html(Order.objects.order_by("pk").first()), "terms PDF")


def test_the_demo_fills_every_legal_fact_with_a_value_marked_as_made_up(client):
    call_command("loaddata", "fixtures/pages.json", verbosity=0)

    assert all(page.to_complete == 0 for page in Page.objects.all())
    french = client.get("/informations/mentions-legales/").content.decode()
    english = client.get("/en/informations/mentions-legales/").content.decode()
    assert "Millet Démo SAS (société fictive)" in french
    assert "RCS Annecy 000\u00a0000\u00a0000 (fictif)" in french  # French spacing
    assert "Millet Démo SAS (fictitious company)" in english
    assert "RCS Annecy 000 000 000 (fictitious)" in english
    terms = client.get("/informations/conditions-generales-de-vente/").content.decode()
    assert "Médiateur Démo de la consommation (organisme fictif)" in terms


def test_a_fact_staff_have_not_filled_in_shows_as_a_blank(client):
    make_page(
        body_fr="<p>Siège : <mark>[À COMPLÉTER : adresse]</mark>. RCS : [À COMPLÉTER : numéro]</p>",
        body_en="<p>Office: <mark>[TO COMPLETE: address]</mark>.</p>",
    )

    french = client.get("/informations/a-propos/").content.decode()
    english = client.get("/en/informations/a-propos/").content.decode()

    assert_no_placeholder(french, "French page")
    assert_no_placeholder(english, "English page")
    assert "<p>Siège\u00a0: —. RCS\u00a0: —</p>" in french
    assert "<p>Office: —.</p>" in english
    # Staff still see what is left to do in the admin.
    assert Page.objects.get().to_complete == 3


def test_the_deploy_check_refuses_a_page_with_a_note_to_staff():
    make_page(slug="mentions-legales", body_en="<p>RCS: [TO COMPLETE: number]</p>")
    make_page(slug="contact")

    (error,) = problems()

    assert isinstance(error, checks.Error)
    assert error.id == "pages.E001"
    assert "mentions-legales" in error.msg and "contact" not in error.msg


def test_the_deploy_check_refuses_the_demo_s_made_up_legal_details_and_warns_of_its_data():
    call_command("loaddata", "fixtures/pages.json", verbosity=0)

    assert ids(problems()) == ["pages.E002", "pages.W001"]
    assert [p.level for p in sorted(problems(), key=lambda p: p.id)] == [
        checks.ERROR,
        checks.WARNING,
    ]

    DemoData.objects.all().delete()
    assert ids(problems()) == ["pages.E002"]


def test_the_deploy_check_passes_finished_pages():
    make_page(slug="mentions-legales", body_fr="<p>Millet SAS, RCS Annecy 123 456 789.</p>")

    assert problems() == []


def test_the_deploy_check_reads_a_database_only_when_asked(django_assert_num_queries):
    make_page(body_fr="<p>[À COMPLÉTER : tout]</p>")

    # As Django's own checks: plain `check --deploy` reads no database.
    with django_assert_num_queries(0):
        assert problems(databases=None) == []
    assert ids(problems()) == ["pages.E001"]


def test_the_deploy_check_is_registered_for_deployment_only():
    registered = checks.registry.registry.get_checks(include_deployment_checks=True)
    everyday = checks.registry.registry.get_checks(include_deployment_checks=False)

    assert legal_pages in registered
    assert legal_pages not in everyday
    assert checks.Tags.security in legal_pages.tags
