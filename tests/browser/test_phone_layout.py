"""Phone first: every public page fits a 360 or 390 px wide screen, the header
stays compact, a product's price and a way to buy show on the first screen, and
the catalogue does not jump while it loads."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from catalog.models import Category, Variant
from heritage.models import Expedition, Person, TimelineEvent
from shop.services import Customer, order_place
from tests.browser.conftest import Journey

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = sorted(str(path) for path in (ROOT / "fixtures").glob("*.json"))
PHONES = [pytest.param((360, 740), id="360x740"), pytest.param((390, 844), id="390x844")]
# A long name with two colours, seven sizes of shoes, and a jacket in two colours.
PRODUCTS = [
    "sac-toile-hommage-annapurna",
    "chaussures-approche-rock",
    "veste-ski-freeride-gore-tex-homme",
]

# Adds up the layout shifts that no click or key press caused, from the first
# paint on (the page's own scripts run after this one).
LAYOUT_SHIFTS = """
window.__layoutShift = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (!entry.hadRecentInput) window.__layoutShift += entry.value;
  }
}).observe({ type: "layout-shift", buffered: true });
"""

# What sticks out on the right of the screen, for the failure message.
OVERFLOW = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll("body *")]
    .filter((element) => element.getBoundingClientRect().right > width + 0.5)
    .slice(0, 5)
    .map((element) => `${element.tagName.toLowerCase()}.${element.classList.value}`);
}"""


@pytest.fixture(scope="module")
def shared_media(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture
def demo_shop(transactional_db, settings, shared_media):
    """The demo fixtures; their pictures' renditions are made once for the module."""
    settings.MEDIA_ROOT = shared_media
    call_command("loaddata", *FIXTURES, verbosity=0)


@pytest.fixture(params=PHONES)
def phone(request, browser, axe, live_server):
    """A journey (axe, console and CSP checks on every page) on a phone-sized screen."""
    width, height = request.param
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield Journey(page, axe, live_server.url)
    context.close()


def _public_paths(order):
    """One page of each kind the site shows to the public (three products), in French
    and in English; the cart and checkout need an item in the session's cart."""
    pages = [
        ("home", {}),
        ("catalog:list", {}),
        ("catalog:category", {"category": Category.objects.order_by("pk").first().slug}),
        *[("catalog:product", {"slug": slug}) for slug in PRODUCTS],
        ("shop:cart", {}),
        ("shop:checkout", {}),
        ("shop:order", {"token": order.token}),
        ("shop:stores", {}),
        ("heritage:timeline", {}),
        ("heritage:event", {"slug": TimelineEvent.objects.order_by("pk").first().slug}),
        ("heritage:person", {"slug": Person.objects.order_by("pk").first().slug}),
        ("heritage:expedition", {"slug": Expedition.objects.order_by("pk").first().slug}),
        ("heritage:made_in_france", {}),
        ("repairs:service", {}),
        ("repairs:tracking", {}),
    ]
    if apps.is_installed("pages"):
        slugs = apps.get_model("pages", "Page").objects.values_list("slug", flat=True)
        pages += [("pages:detail", {"slug": slug}) for slug in slugs]
    paths = []
    for language in ("fr", "en"):
        with translation.override(language):
            paths += [reverse(name, kwargs=kwargs) for name, kwargs in pages]
    return paths


def _add_to_cart(journey, slug):
    page = journey.visit(reverse("catalog:product", kwargs={"slug": slug}))
    page.locator(
        ".size-group:not([hidden]) .size-option:not(.size-option--out) input"
    ).first.check()
    page.get_by_role("button", name="Ajouter au panier").click()
    page.wait_for_url("**/panier/")
    journey.check()


def _placed_order():
    variant = Variant.objects.filter(stock__gt=0).order_by("pk").first()
    return order_place(
        items={variant.pk: 1},
        customer=Customer(
            email="lea.martin-des-grands-montets@example.org",
            name="Léa Martin",
            street="12 rue des Aiguilles-Rouges",
            postcode="74400",
            city="Chamonix-Mont-Blanc",
        ),
        delivery="home",
        payment_method="transfer",
        checkout_key="phone-layout",
    )


def _bottom(locator):
    box = locator.bounding_box()
    assert box is not None, f"{locator} is not shown"
    return box["y"] + box["height"]


def test_no_public_page_scrolls_sideways_on_a_phone(phone, demo_shop):
    _add_to_cart(phone, PRODUCTS[0])
    too_wide = {}

    for path in _public_paths(_placed_order()):
        page = phone.visit(path)
        sticking_out = page.evaluate(OVERFLOW)
        if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
            too_wide[path] = sticking_out

    assert too_wide == {}, f"pages wider than the screen: {too_wide}"


def test_the_price_and_a_way_to_buy_show_on_a_phones_first_screen(journey, demo_shop):
    assert journey.page.viewport_size == {"width": 390, "height": 844}

    for slug in PRODUCTS:
        page = journey.visit(reverse("catalog:product", kwargs={"slug": slug}))

        assert page.evaluate("window.scrollY") == 0
        # The picture at the screen's width comes first (issue 31): the price under it,
        # and the form's button or, while it is below, the bar at the foot of the screen.
        assert page.locator(".product__gallery img").first.bounding_box()["width"] >= 389, slug
        assert _bottom(page.locator(".product__price")) <= 844, slug
        button = page.locator("[data-main-button]")
        if _bottom(button) > 844:
            bar = page.locator(".buy-bar")
            bar.wait_for(state="visible")
            assert _bottom(bar.get_by_role("button")) <= 844, slug


@pytest.mark.parametrize(
    "viewport",
    [*PHONES, pytest.param((1280, 900), id="1280x900")],
)
def test_the_catalogue_does_not_shift_while_it_loads(
    browser, axe, live_server, demo_shop, viewport
):
    width, height = viewport
    context = browser.new_context(locale="fr-FR", viewport={"width": width, "height": height})
    journey = Journey(context.new_page(), axe, live_server.url)
    journey.page.add_init_script(LAYOUT_SHIFTS)

    page = journey.visit("/produits/")
    page.wait_for_timeout(1_000)

    assert page.evaluate("window.__layoutShift") <= 0.01
    search = page.get_by_role("searchbox", name="Rechercher")
    # Folded on a phone, beside the results on a wide screen, from the first paint.
    assert search.is_visible() == (width >= 960)
    context.close()


def test_the_header_is_compact_on_a_phone_and_keeps_the_cart_in_view(journey, demo_shop):
    for path in ("/", "/produits/", f"/en/produit/{PRODUCTS[2]}/", "/panier/"):
        page = journey.visit(path)

        header = page.locator(".site-header")
        assert header.bounding_box()["height"] <= 64, path
        cart = "Cart" if path.startswith("/en/") else "Panier"
        assert header.get_by_role("link", name=cart).is_visible(), path
        assert not header.locator(".site-nav a").first.is_visible(), path

    page = journey.visit("/")
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Notre histoire"
    ).click()
    page.wait_for_url("**/histoire/")
    journey.check()
    # The menu closes again on the new page, so the header is back to one row.
    assert page.locator(".site-header").bounding_box()["height"] <= 64


def test_the_menu_and_the_filters_open_without_javascript(browser, live_server):
    context = browser.new_context(
        java_script_enabled=False, locale="fr-FR", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.goto(live_server.url + "/")
    menu = page.get_by_role("navigation", name="Navigation principale")
    assert not menu.get_by_role("link", name="Catalogue").is_visible()

    page.locator("summary", has_text="Menu").click()
    menu.get_by_role("link", name="Catalogue").click()
    page.wait_for_url("**/produits/")

    assert not page.get_by_role("searchbox", name="Rechercher").is_visible()
    page.locator("summary", has_text="Filtres et tri").click()
    assert page.get_by_role("searchbox", name="Rechercher").is_visible()
    context.close()


def test_a_wide_screen_shows_the_plain_navigation(journey):
    journey.page.set_viewport_size({"width": 1280, "height": 900})

    page = journey.visit("/")

    assert not page.locator("summary", has_text="Menu").is_visible()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Boutiques"
    ).click()
    page.wait_for_url("**/boutiques/")
    journey.check()


def test_the_language_links_keep_the_page_and_its_query(journey):
    page = journey.visit("/produits/?stock=true")
    languages = page.get_by_role("navigation", name="Langue")
    english = languages.get_by_role("link", name="EN English")
    french = languages.get_by_role("link", name="FR Français")

    assert english.get_attribute("href") == "/en/produits/?stock=true"
    assert english.get_attribute("hreflang") == "en"
    assert english.get_attribute("lang") == "en"
    assert english.get_attribute("aria-current") is None
    assert french.get_attribute("aria-current") == "true"

    english.click()
    page.wait_for_url("**/en/produits/?stock=true")
    journey.check()
    assert page.locator("html").get_attribute("lang") == "en"
    french = page.get_by_role("navigation", name="Language").get_by_role("link", name="FR Français")
    assert french.get_attribute("href") == "/produits/?stock=true"
    assert french.get_attribute("hreflang") == "fr"

    # A page that does not exist leads to the other language's home page.
    page.goto(journey.base_url + "/en/nowhere/")
    french = page.get_by_role("navigation", name="Language").get_by_role("link", name="FR Français")
    assert french.get_attribute("href") == "/"
