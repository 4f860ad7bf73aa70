"""Every page says the shop is a demonstration while the demo data is loaded, and only then."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from pages.models import DemoData
from tests.pages.test_pages import make_page
from tests.shop.factories import make_store

pytestmark = pytest.mark.django_db

ENGLISH = "Demo shop: products, prices, stock and stores are made up"
# Needs the French catalogue with this strings (make messages).
FRENCH = "Boutique de démonstration\u00a0: produits, prix, stocks et boutiques fictifs"
BANNER = re.compile(r'<aside class="demo-banner"[^>]*>.*?</aside>', re.S)
PAGES = ["/", "/en/", "/boutiques/", "/en/boutiques/", "/informations/contact/", "/panier/"]


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run what a change defers to its commit, as `loaddata` or the admin would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def demo(commit):
    with commit():
        call_command("loaddata", "fixtures/stores.json", "fixtures/pages.json", verbosity=0)


def banner_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    found = BANNER.findall(response.content.decode())
    return found[0] if found else None


def test_every_page_says_the_shop_is_a_demo_while_the_demo_data_is_loaded(client, demo):
    for url in PAGES:
        banner = banner_of(client, url)
        assert banner is not None, url
    assert ENGLISH in banner_of(client, "/en/boutiques/")
    assert 'aria-label="Demo shop"' in banner_of(client, "/en/")


def test_the_banner_reads_in_french_on_french_pages(client, demo):
    assert FRENCH in banner_of(client, "/boutiques/")


def test_a_shop_that_never_loaded_the_demo_shows_no_banner(client, commit):
    # Its own store and pages, written by staff.
    with commit():
        make_store()
        make_page(slug="contact", body_fr="<p>04 50 00 00 00</p>")

    for url in PAGES:
        assert banner_of(client, url) is None, url


def test_a_kept_page_loses_the_banner_once_the_demo_data_is_deleted(client, demo, commit):
    assert banner_of(client, "/boutiques/") is not None
    kept = client.get("/boutiques/")
    assert kept["X-Page-Cache"] == "hit"
    assert BANNER.search(kept.content.decode())

    with commit():
        DemoData.objects.all().delete()

    again = client.get("/boutiques/")
    assert again["X-Page-Cache"] == "miss"
    assert not BANNER.search(again.content.decode())
    # The same page a visitor gets rendered for them (a session: never from the cache).
    fresh = Client()
    fresh.cookies["sessionid"] = "none"
    assert not BANNER.search(fresh.get("/boutiques/").content.decode())


def test_a_page_kept_before_the_demo_data_was_loaded_gets_the_banner(client, commit):
    with commit():
        make_store()
    assert banner_of(client, "/boutiques/") is None
    assert client.get("/boutiques/")["X-Page-Cache"] == "hit"

    with commit():
        call_command("loaddata", "fixtures/pages.json", verbosity=0)

    assert banner_of(client, "/boutiques/") is not None


def test_the_banner_stays_while_any_demo_fixture_is_still_loaded(client, demo, commit):
    with commit():
        DemoData.objects.filter(fixture="pages").delete()

    assert banner_of(client, "/en/") is not None


def test_the_banner_asks_nothing_of_the_database(client, demo, django_assert_num_queries):
    # A page that reads no row (no session either): the banner adds no query.
    with django_assert_num_queries(0):
        assert banner_of(client, "/reparation/suivi/") is not None


def test_the_demo_fixtures_load_their_marker_once(demo):
    call_command("loaddata", "fixtures/stores.json", "fixtures/pages.json", verbosity=0)

    assert sorted(DemoData.objects.values_list("fixture", flat=True)) == ["pages", "stores"]


def test_staff_turn_the_banner_off_by_deleting_the_demo_data_in_the_admin(client, demo, commit):
    client.force_login(User.objects.create_superuser("chef", "chef@millet.example", "x"))
    listing = client.get("/admin/pages/demodata/").content.decode()
    assert "stores" in listing and "pages" in listing
    assert client.get("/admin/pages/demodata/add/").status_code == 403

    with commit():
        client.post(
            "/admin/pages/demodata/",
            {
                "action": "delete_selected",
                "_selected_action": list(DemoData.objects.values_list("pk", flat=True)),
                "post": "yes",
            },
        )

    assert not DemoData.objects.exists()
    client.logout()
    assert banner_of(client, "/en/") is None
