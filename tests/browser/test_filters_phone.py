"""The catalogue's filters on a phone (a full-screen drawer whose button says how many
products the choices give before they apply) and from a laptop's keyboard (a skip
link past the filters). English pages until the new French words are in the catalogue."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import Journey

# Where a keyboard user presses Enter on the way down: the skip links.
SKIP_LINKS = ".skip-link, .results-skip"


@pytest.fixture
def demo_catalogue(transactional_db, settings, tmp_path):
    """The demo catalogue: seven categories, 45 products, shoes and trousers."""
    settings.MEDIA_ROOT = tmp_path
    call_command("loaddata", "catalog", verbosity=0)


def test_the_drawer_shows_the_count_before_applying_it(journey, demo_catalogue):
    page = journey.visit("/en/produits/")
    assert page.locator("#results-count").inner_text() == "45 products"

    page.locator("summary", has_text="Filters and sorting").click()
    drawer = page.locator("#filters-panel")
    assert drawer.bounding_box() == {"x": 0, "y": 0, "width": 390, "height": 844}
    apply = drawer.locator(".filters__apply button")
    assert apply.inner_text() == "Show 45 products"
    journey.check()

    colours = drawer.locator(".facet-group[data-group=couleur]")
    colours.locator("summary").click()
    colours.get_by_role("checkbox", name=re.compile(r"^Black")).check()
    # Counted by the server, not applied yet: the results behind are the same.
    expect(apply).not_to_have_text("Show 45 products")
    shown = int(re.fullmatch(r"Show (\d+) products?", apply.inner_text())[1])
    assert 0 < shown < 45
    assert colours.locator("summary").inner_text() == "Colour: Black"
    assert page.locator("#results-count").inner_text() == "45 products"
    assert apply.bounding_box()["y"] + apply.bounding_box()["height"] <= 844
    journey.check()

    apply.click()
    page.wait_for_url(re.compile(r"couleur=Noir"))
    journey.check()
    assert page.locator("#results-count").inner_text() == f"{shown} products"
    assert page.locator(".product-card__link").count() == min(shown, 24)
    assert not drawer.locator("#id_q").is_visible()  # the drawer closed on the new page


def test_the_drawer_closes_with_escape(journey, demo_catalogue):
    page = journey.visit("/en/produits/")
    page.locator("summary", has_text="Filters and sorting").click()
    assert page.get_by_role("searchbox", name="Search").is_visible()

    page.keyboard.press("Escape")

    assert not page.get_by_role("searchbox", name="Search").is_visible()


def test_the_drawer_applies_without_javascript(browser, live_server, demo_catalogue):
    context = browser.new_context(
        java_script_enabled=False, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(live_server.url + "/en/produits/")

    page.locator("summary", has_text="Filters and sorting").click()
    tier = page.locator(".facet-group[data-group=gamme]")
    tier.locator("summary").click()
    tier.get_by_role("checkbox", name=re.compile("Expert")).check()
    page.get_by_role("button", name="Show the products").click()

    assert "gamme=expert" in page.url
    assert re.fullmatch(r"\d+ products?", page.locator("#results-count").inner_text())
    context.close()


def test_a_keyboard_reaches_the_first_product_in_a_few_tab_presses(
    browser, axe, live_server, demo_catalogue
):
    context = browser.new_context(locale="en-GB", viewport={"width": 1366, "height": 900})
    journey = Journey(context.new_page(), axe, live_server.url)
    page = journey.visit("/en/produits/")

    presses = 0
    while presses < 100:
        page.keyboard.press("Tab")
        presses += 1
        focused = page.evaluate_handle("document.activeElement")
        if focused.evaluate("element => element.matches('.product-card__link')"):
            break
        if focused.evaluate(f"element => element.matches('{SKIP_LINKS}')"):
            assert focused.evaluate("element => element.getBoundingClientRect().left >= 0")
            page.keyboard.press("Enter")

    assert presses <= 10, f"{presses} presses of Tab to the first product"
    first = page.locator(".product-card__link").first
    assert page.evaluate("document.activeElement") == first.evaluate("element => element")
    context.close()
