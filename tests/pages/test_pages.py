"""Information pages: shipped in the fixtures, shown in both languages, linked from the footer."""

import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse, translate_url
from django.utils import translation
from django.views.defaults import server_error

from pages.models import Page
from shop.cart import DELIVERY_FEE, FREE_DELIVERY_FROM
from tests.factories import make_variant

pytestmark = pytest.mark.django_db

FIXTURE = "fixtures/pages.json"
# slug: (French title, English title)
SHIPPED = {
    "contact": ("Contact", "Contact"),
    "livraison-et-retours": ("Livraison et retours", "Delivery and returns"),
    "conditions-generales-de-vente": ("Conditions générales de vente", "Terms of sale"),
    "mentions-legales": ("Mentions légales", "Legal notice"),
    "confidentialite": ("Politique de confidentialité", "Privacy policy"),
    "cookies": ("Cookies", "Cookies"),
}


@pytest.fixture
def shipped_pages():
    call_command("loaddata", FIXTURE, verbosity=0)


def make_page(**overrides):
    fields = {
        "slug": "a-propos",
        "title_fr": "À propos",
        "title_en": "About",
        "body_fr": "<p>Texte.</p>",
        "body_en": "<p>Text.</p>",
        **overrides,
    }
    return Page.objects.create(**fields)


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def footer_of(html):
    return html[html.index('<footer class="site-footer">') :]


def test_the_fixture_holds_every_page_in_both_languages_and_reloads_unchanged(shipped_pages):
    first = {page.slug: page for page in Page.objects.all()}
    call_command("loaddata", FIXTURE, verbosity=0)

    again = {page.slug: page for page in Page.objects.all()}
    assert set(again) == set(SHIPPED)
    for slug, page in again.items():
        assert page.pk == first[slug].pk
        assert (page.title_fr, page.title_en) == SHIPPED[slug]
        assert page.body_fr == first[slug].body_fr and page.body_en == first[slug].body_en
        assert page.body_fr.strip() and page.body_en.strip()


def test_no_shipped_page_carries_a_script_or_an_inline_style(shipped_pages):
    for page in Page.objects.all():
        for body in (page.body_fr, page.body_en):
            assert "<script" not in body.lower(), page.slug
            assert not re.search(r"\son\w+=|\sstyle=", body, re.I), page.slug


@pytest.mark.parametrize("slug", SHIPPED)
def test_each_page_answers_in_french_and_in_english(client, shipped_pages, slug):
    title_fr, title_en = SHIPPED[slug]

    french = html_of(client, f"/informations/{slug}/")
    english = html_of(client, f"/en/informations/{slug}/")

    assert '<html lang="fr">' in french
    assert f"<h1>{title_fr}</h1>" in french
    assert '<html lang="en">' in english
    assert f"<h1>{title_en}</h1>" in english


def test_the_terms_of_sale_give_the_fourteen_day_withdrawal_and_its_model_form(
    client, shipped_pages
):
    with translation.override("fr"):
        french = html_of(client, reverse("pages:detail", args=["conditions-generales-de-vente"]))
    with translation.override("en"):
        english = html_of(client, reverse("pages:detail", args=["conditions-generales-de-vente"]))

    assert "Vous disposez d’un délai de quatorze jours pour vous rétracter" in french
    assert "L221-18" in french
    assert "Formulaire type de rétractation" in french
    assert "(*) Rayez la mention inutile." in french
    assert "You have fourteen days to withdraw from a purchase" in english
    assert "Model withdrawal form" in english
    assert "(*) Delete as appropriate." in english


def test_the_terms_state_the_delivery_fee_and_threshold_that_the_cart_charges(
    client, shipped_pages
):
    # If the cart's fee or threshold changes, the published terms must change with it.
    french = html_of(client, "/informations/conditions-generales-de-vente/")
    english = html_of(client, "/en/informations/conditions-generales-de-vente/")

    fee = f"{DELIVERY_FEE:.2f}"
    threshold = f"{FREE_DELIVERY_FROM:.0f} €"
    # French pages keep the amount and its euro sign together (a no-break space).
    french_threshold = threshold.replace(" ", "\u00a0")
    assert f"{fee.replace('.', ',')}\u00a0€ par commande, offerte dès {french_threshold}" in french
    # English pages put the euro sign first, as English readers write it.
    assert f"€{fee} per order, free on orders of €{FREE_DELIVERY_FROM:.0f} or more" in english


def test_the_cookie_page_names_every_cookie_that_the_site_sets(client, shipped_pages):
    variant = make_variant(stock=3)
    product_url = variant.product.get_absolute_url()
    seen = set()
    for response in (
        client.get("/"),
        client.get(product_url),
        client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 1}),
        client.get("/panier/"),
        client.get("/en/"),
        client.get("/reparation/"),
    ):
        seen |= set(response.cookies)
    # The session, the forms' token and a message carried to the next page.
    assert seen >= {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME, "messages"}
    # Django's language-choice view, still routed, remembers the choice in a cookie.
    seen |= set(client.post("/i18n/setlang/", {"language": "en", "next": "/"}).cookies)
    assert settings.LANGUAGE_COOKIE_NAME in seen

    for url in ("/informations/cookies/", "/en/informations/cookies/"):
        html = html_of(client, url)
        for name in seen:
            assert f"<code>{name}</code>" in html, (url, name)


def test_the_published_lifetimes_are_the_ones_the_settings_give():
    # The cookie and privacy pages say "two weeks", "one year" and "until you close
    # your browser": change them there if these settings change.
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * 3600
    assert not settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.CSRF_COOKIE_AGE == 52 * 7 * 24 * 3600
    assert settings.LANGUAGE_COOKIE_AGE is None


def test_the_footer_of_the_home_page_links_every_page_in_both_languages(client, shipped_pages):
    french = footer_of(html_of(client, "/"))
    english = footer_of(html_of(client, "/en/"))

    for slug, (title_fr, title_en) in SHIPPED.items():
        assert f'<a href="/informations/{slug}/">{title_fr}</a>' in french
        assert f'<a href="/en/informations/{slug}/">{title_en}</a>' in english


def test_the_footer_links_the_legal_pages_without_a_query(client, django_assert_num_queries):
    # A visitor without a session on a page that needs no data: nothing asked of the database.
    with django_assert_num_queries(0):
        footer = footer_of(html_of(client, "/reparation/suivi/"))

    assert footer.index("Contact") < footer.index("Conditions générales de vente")
    assert '<a href="/informations/mentions-legales/">Mentions légales</a>' in footer


def test_the_footer_marks_the_page_being_read(client):
    make_page(slug="cookies", title_fr="Cookies")

    footer = footer_of(html_of(client, "/informations/cookies/"))

    assert '<a href="/informations/cookies/" aria-current="page">Cookies</a>' in footer


def test_an_unknown_slug_is_a_404_in_both_languages(client, shipped_pages):
    assert client.get("/informations/nulle-part/").status_code == 404
    assert client.get("/en/informations/nowhere/").status_code == 404


def test_the_page_is_read_only(client):
    make_page()

    assert client.head("/informations/a-propos/").status_code == 200
    assert client.post("/informations/a-propos/").status_code == 405


def test_the_other_language_of_a_page_is_the_same_slug_under_en(client):
    make_page()

    with translation.override("fr"):
        assert translate_url("/informations/a-propos/", "en") == "/en/informations/a-propos/"
    with translation.override("en"):
        assert translate_url("/en/informations/a-propos/", "fr") == "/informations/a-propos/"
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/informations/a-propos/"})
    assert response.headers["Location"] == "/en/informations/a-propos/"


def test_the_body_is_staff_html_and_the_title_stays_text(client):
    make_page(title_fr="Prix <b>fous</b>", body_fr="<h2>Livraison</h2><p>Offerte.</p>")

    html = html_of(client, "/informations/a-propos/")

    assert "<h2>Livraison</h2><p>Offerte.</p>" in html
    assert "<h1>Prix &lt;b&gt;fous&lt;/b&gt;</h1>" in html


def test_an_english_page_without_its_own_text_falls_back_to_french(client):
    # The admin requires both languages; a row written another way still shows.
    make_page(title_en="", body_en="")

    html = html_of(client, "/en/informations/a-propos/")

    # It says so, for screen readers and translation tools.
    assert '<h1 lang="fr">À propos</h1>' in html


def test_a_page_runs_one_query(client, shipped_pages, django_assert_num_queries):
    # 1. the page (a visitor without a session runs no session query)
    with django_assert_num_queries(1):
        response = client.get("/informations/conditions-generales-de-vente/")
    assert response.status_code == 200


def test_the_500_page_links_the_legal_pages_and_asks_nothing_of_the_database(
    shipped_pages, django_assert_num_queries
):
    # The database may be why the page failed: the footer's links are written out.
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "/informations/mentions-legales/" in response.content.decode()


def test_the_sitemap_lists_every_page(client, shipped_pages):
    xml = html_of(client, "/sitemap.xml")

    for slug in SHIPPED:
        assert f"<loc>http://testserver/informations/{slug}/</loc>" in xml
    assert "<lastmod>2026-11-23</lastmod>" in xml


def test_to_complete_counts_what_staff_must_still_fill_in_both_languages():
    page = make_page(
        body_fr="<p>Siège : [À COMPLÉTER : adresse]. RCS : [À COMPLÉTER : numéro].</p>",
        body_en="<p>Office: [TO COMPLETE: address].</p>",
    )

    assert page.to_complete == 3
