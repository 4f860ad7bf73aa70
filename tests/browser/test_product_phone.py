"""The product page on a phone (360 and 390 px) and a laptop (1366 px): the pictures at
the screen's width, the price and a way to buy in the first screen, the bar that keeps
the button in view, colours as swatches that bring their picture, and a refusal shown
beside the choice it keeps (issue 31)."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Journey
from tests.factories import make_image, make_product, make_variant

SCREENS = [
    pytest.param((360, 740), id="360x740"),
    pytest.param((390, 844), id="390x844"),
    pytest.param((1366, 768), id="1366x768"),
]


@pytest.fixture(params=SCREENS)
def screen(request, browser, axe, live_server):
    width, height = request.param
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield Journey(page, axe, live_server.url)
    context.close()


@pytest.fixture
def jacket(db):
    product = make_product(
        name="Veste Guide Chamonix",
        slug="veste-guide-chamonix",
        price="249.00",
        summary="Une veste trois couches pour les courses de guide, par tous les temps.",
        description="Membrane trois couches, capuche compatible casque. " * 30,
    )
    make_variant(product=product, size="S", colour="Rouge", stock=0)
    make_variant(product=product, size="M", colour="Rouge", stock=2, position=1)
    make_variant(product=product, size="L", colour="Rouge", stock=5, position=2)
    make_variant(product=product, size="M", colour="Noir", stock=4, position=3)
    make_image(product=product, position=0, colour="Rouge", alt_text="Veste rouge, face")
    make_image(product=product, position=1, colour="Rouge", alt_text="Veste rouge, dos")
    make_image(product=product, position=2, colour="Noir", alt_text="Veste noire, face")
    make_image(product=product, position=3, colour="Noir", alt_text="Veste noire, dos")
    return product


def bottom(locator):
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    return box["y"] + box["height"]


def in_view(page, locator):
    box = locator.bounding_box()
    height = page.viewport_size["height"]
    return (
        box is not None
        and locator.is_visible()
        and box["y"] >= 0
        and box["y"] + box["height"] <= height
    )


def test_the_first_screen_shows_the_picture_the_price_and_a_way_to_buy(screen, jacket):
    page = screen.visit(jacket.get_absolute_url())
    width, height = page.viewport_size["width"], page.viewport_size["height"]

    cover = page.locator(".product__gallery img").first
    if width < 768:
        # At the screen's width, never a thumbnail; swiped sideways, counted.
        assert cover.bounding_box()["width"] == pytest.approx(width, abs=1)
        assert page.locator(".product__gallery").evaluate("g => getComputedStyle(g).scrollSnapType")
        assert page.locator(".gallery__count").inner_text() == "1 / 4"
        page.locator(".product__gallery").evaluate("g => g.scrollTo({left: g.clientWidth})")
        # (Locators, not a string predicate: the page's CSP refuses eval.)
        expect(page.locator(".gallery__count")).to_have_text("2 / 4")
    else:
        assert cover.bounding_box()["width"] > 500
    assert bottom(page.locator(".product__price")) <= height
    assert "TTC" in page.locator(".product__price").inner_text()
    main = page.locator("[data-main-button]")
    bar = page.locator(".buy-bar")
    assert in_view(page, main) or in_view(page, bar.get_by_role("button"))
    # The bar shows exactly while the form's own button is off the screen.
    page.wait_for_timeout(200)
    assert bar.is_visible() != in_view(page, main)


def test_the_bar_follows_the_page_down_and_adds_the_size_chosen(screen, jacket):
    page = screen.visit(jacket.get_absolute_url())
    bar = page.locator(".buy-bar")

    page.get_by_role("radio", name="L · Rouge").check()
    page.locator("footer").scroll_into_view_if_needed()
    bar.wait_for(state="visible")
    assert in_view(page, bar.get_by_role("button"))
    assert "L" in bar.locator("[data-buy-bar-choice]").inner_text()

    bar.get_by_role("button").click()
    page.wait_for_url("**/panier/")
    screen.check()
    assert "Veste Guide Chamonix" in page.locator("main").inner_text()


def test_the_bar_leads_to_the_sizes_when_none_is_chosen(screen, jacket):
    page = screen.visit(jacket.get_absolute_url())
    bar = page.locator(".buy-bar")

    page.locator("footer").scroll_into_view_if_needed()
    bar.wait_for(state="visible")
    bar.get_by_role("button").click()

    expect(page.locator("input[name=variant]:focus")).to_have_count(1)
    assert page.evaluate("document.activeElement.closest('.size-group').hidden") is False
    assert page.url.endswith(jacket.get_absolute_url())
    screen.check()


def test_a_swatch_brings_its_colour_s_picture_and_sizes(screen, jacket):
    page = screen.visit(jacket.get_absolute_url())
    pictures = page.locator(".product__gallery img")
    swatches = page.locator("[data-swatches]")

    assert swatches.get_by_role("radio", name="Rouge", exact=True).is_checked()
    assert page.get_by_role("radio", name="M · Rouge").is_visible()
    assert not page.get_by_role("radio", name="M · Noir").is_visible()

    page.get_by_role("radio", name="M · Rouge").check()
    swatches.get_by_role("radio", name="Noir", exact=True).check()

    assert pictures.first.get_attribute("alt") == "Veste noire, face"
    assert page.get_by_role("radio", name="M · Noir").is_checked()  # the same size, kept
    assert not page.get_by_role("radio", name="M · Rouge").is_visible()
    swatches.get_by_role("radio", name="Rouge", exact=True).check()
    assert pictures.first.get_attribute("alt") == "Veste rouge, face"
    screen.check()


def test_a_sold_out_size_is_struck_and_leads_to_the_alert(screen, jacket):
    page = screen.visit(jacket.get_absolute_url())
    small = page.locator(".size-option--out", has_text="S")

    assert (
        small.locator(".size-option__size").evaluate("s => getComputedStyle(s).textDecorationLine")
        == "line-through"
    )
    # The radio is disabled (keyboards have the link to the form): a tap on its button.
    small.click(force=True)

    alert = page.locator("#stock-alert")
    expect(page.locator("input[type=email]:focus")).to_have_count(1)
    assert alert.get_by_label("Taille et couleur épuisées").input_value() == str(
        jacket.variants.get(size="S").pk
    )
    screen.check()


def test_a_tap_on_a_picture_shows_it_larger(journey, jacket):
    page = journey.visit(jacket.get_absolute_url())

    page.locator(".gallery__item").first.click()

    dialog = page.locator("dialog.lightbox")
    assert dialog.is_visible()
    assert dialog.locator("img").get_attribute("alt") == "Veste rouge, face"
    journey.check()
    page.keyboard.press("Escape")
    assert not dialog.is_visible()


def test_more_than_the_stock_is_refused_beside_the_choice_which_stays(journey, jacket):
    page = journey.visit(jacket.get_absolute_url())

    page.get_by_role("radio", name="M · Rouge").check()
    page.get_by_label("Quantité").fill("5")
    page.locator("[data-main-button]").click()

    page.wait_for_url("**#choice")
    journey.check()
    error = page.get_by_role("alert")
    assert "Plus que 2" in error.inner_text()
    assert in_view(page, error)
    assert page.get_by_role("radio", name="M · Rouge").is_checked()
    assert page.get_by_label("Quantité").input_value() == "5"


def test_without_javascript_every_colour_s_sizes_show_and_the_form_adds(
    browser, live_server, jacket
):
    context = browser.new_context(
        java_script_enabled=False, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(live_server.url + jacket.get_absolute_url())

    assert not page.locator(".buy-bar").is_visible()
    assert not page.locator("[data-swatches]").is_visible()
    page.get_by_role("radio", name="M · Noir").check()
    page.locator("[data-main-button]").click()
    page.wait_for_url("**/panier/")
    assert "Noir" in page.locator("main").inner_text()
    context.close()
