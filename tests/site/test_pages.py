import socket
import subprocess
import sys

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from common import first_paint
from tests.site.test_configuration import ROOT

pytestmark = pytest.mark.django_db


def test_the_home_page_speaks_french_by_default(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Passer au contenu" in html
    assert "Fabriqué en France" in html


def test_the_english_home_page_lives_under_en(client):
    response = client.get("/en/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Skip to content" in html


def test_every_page_has_a_title_description_and_canonical_link(client):
    html = client.get("/", headers={"host": "127.0.0.1"}).content.decode()

    assert "<title>" in html
    assert '<meta name="description" content="' in html
    assert '<link rel="canonical" href="http://127.0.0.1/">' in html


def test_pages_send_a_strict_content_security_policy(client):
    response = client.get("/")

    directives = dict(
        directive.strip().split(" ", 1)
        for directive in response.headers["Content-Security-Policy"].split(";")
    )
    assert directives["default-src"] == "'self'"
    for name in ("script-src", "style-src"):
        # 'self' and, when a page uses one, the request's nonce; for styles, the hash
        # of the first screen's rules (common.first_paint): nothing else.
        sources = directives[name].split()
        assert sources[0] == "'self'"
        allowed = [first_paint.SOURCE] if name == "style-src" else []
        assert all(s.startswith("'nonce-") or s in allowed for s in sources[1:]), sources
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"


def test_the_language_switcher_moves_to_the_english_page(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/en/"


def test_an_unknown_page_gets_a_404_in_the_site_look(client):
    response = client.get("/nulle-part/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "Ce chemin ne mène nulle part" in html
    assert 'class="site-header"' in html


def test_the_500_page_wears_the_site_look_without_a_request_context():
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    html = response.content.decode()
    assert 'class="site-header"' in html
    assert "500" in html


def test_the_health_check_answers_when_the_database_does(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"


# Seconds a load balancer gives the health check before it counts a time-out
# instead of the 503 it needs to take the server out of rotation.
BALANCER_PATIENCE = 2.0

HEALTH_CHECK = """
import time
import django
django.setup()
from django.test import Client
started = time.monotonic()
status = Client().get("/healthz").status_code
print(status, time.monotonic() - started)
"""


def health_check_against(database_url):
    """Run /healthz in a fresh process whose database is `database_url`: (status, seconds)."""
    result = subprocess.run(
        [sys.executable, "-c", HEALTH_CHECK],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "millet_site.settings",
            "DATABASE_URL": database_url,
            "DJANGO_ALLOWED_HOSTS": "testserver",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    status, seconds = result.stdout.split()
    return int(status), float(seconds)


def test_the_health_check_reports_503_in_time_when_nothing_listens():
    # A real unreachable server: nothing listens on port 9.
    status, seconds = health_check_against("postgres://postgres@127.0.0.1:9/postgres")

    assert status == 503
    # The answer a load balancer needs, within its patience (a contract, not a speed budget).
    assert seconds < BALANCER_PATIENCE


def test_the_health_check_reports_503_in_time_when_the_server_hangs():
    # A server that accepts the connection and never says a word.
    with socket.create_server(("127.0.0.1", 0)) as silent:
        port = silent.getsockname()[1]
        status, seconds = health_check_against(f"postgres://postgres@127.0.0.1:{port}/postgres")

    assert status == 503
    assert seconds < BALANCER_PATIENCE


def test_robots_txt_keeps_crawlers_out_of_private_pages(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    rules = response.content.decode().splitlines()
    for path in ("admin/", "panier/", "commande/", "reparation/suivi/", "reparation/envoyee/"):
        assert f"Disallow: /{path}" in rules
        assert f"Disallow: /en/{path}" in rules
    assert "Disallow: /produits/" not in rules
    assert "Disallow: /en/" not in rules
    assert "Sitemap: http://testserver/sitemap.xml" in rules


def test_the_admin_is_closed_to_anonymous_visitors(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]


def test_the_sitemap_lists_published_products_and_categories(client):
    from tests.factories import make_product

    shown = make_product(slug="sac-hiker-30")
    make_product(slug="prototype-secret", is_published=False)

    xml = client.get("/sitemap.xml").content.decode()

    assert f"http://testserver/produit/{shown.slug}/" in xml
    assert f"http://testserver/produits/{shown.category.slug}/" in xml
    assert "prototype-secret" not in xml


def test_the_home_page_sells_staffs_selection_categories_and_the_made_in_france_pick(
    client, django_assert_num_queries
):
    from tests.factories import make_category, make_image, make_product, make_variant

    packs = make_category(name="Sacs à dos", slug="sacs-a-dos")
    trail = make_category(name="Sacs de trail", slug="sacs-trail", parent=packs)
    drome = make_product(
        name="Drôme Light 5",
        category=trail,
        made_in_france=True,
        workshop="Drôme",
        country_of_manufacture="France",
        featured_position=1,
        price="129.00",
    )
    hiker = make_product(name="Hiker 30", category=packs, featured_position=2, price="79.90")
    make_product(name="Pas choisi", category=packs)
    for product in (drome, hiker):
        make_variant(product=product, stock=3)
        make_image(product=product, alt_text=f"{product.name}, vue de face")

    # 1. featured products with their covers, 2. categories with their
    # picture's id, 3. those pictures
    with django_assert_num_queries(3):
        html = client.get("/").content.decode()

    selection = html[html.index("Notre sélection") : html.index("Acheter par catégorie")]
    assert selection.index("Drôme Light 5") < selection.index("Hiker 30")
    assert "Pas choisi" not in selection
    assert "129,00" in selection
    tiles = html[html.index("Acheter par catégorie") :]
    assert 'href="/produits/sacs-a-dos/"' in tiles
    assert 'alt="Drôme Light 5, vue de face"' in tiles  # the category's picture
    made_in_france = html[html.index('id="france-title"') :]
    assert "Drôme Light 5" in made_in_france


def test_the_home_page_read_again_runs_no_query_until_the_catalogue_changes(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    from tests.factories import make_product

    product = make_product(name="Hiker 30", featured_position=1, price="79.90")
    client.get("/")

    # Kept in the worker under the content version (millet_site.views.home).
    with django_assert_num_queries(0):
        assert "79,90" in client.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        product.price = "69.90"
        product.save()
    html = client.get("/").content.decode()
    assert "69,90" in html and "79,90" not in html
