import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from shop.models import Order
from tests.factories import NO_BREAK, make_image, make_product, make_variant
from tests.shop.factories import make_store


def _fill_the_checkout_form(page):
    """The shopper's details: click and collect at Millet Annecy, paid at the store."""
    page.get_by_label("E-mail").fill("lea@example.org")
    page.get_by_label("Nom complet").fill("Léa Martin")
    page.get_by_role("radio", name="Retrait en magasin").check()
    page.get_by_label("Magasin de retrait").select_option(label="Millet Annecy (Annecy)")
    page.get_by_role("radio", name="Paiement au retrait").check()
    page.get_by_label("J’accepte les conditions générales de vente.").check()


def _a_cart_at_the_checkout(journey, stock=4):
    """A bag in the cart and the checkout form filled in; returns its variant."""
    product = make_product(name="Sac de trail Drôme Light 5", price="149.00")
    variant = make_variant(product=product, size="M", colour="Rouge", stock=stock)
    make_image(product=product)
    make_store(name="Millet Annecy")

    page = journey.visit(product.get_absolute_url())
    page.get_by_role("radio", name="M · Rouge").check()
    page.get_by_role("button", name="Ajouter au panier").click()
    page.wait_for_url("**/panier/")
    journey.check()
    page.get_by_role("link", name="Commander").click()
    page.wait_for_url("**/commande/")
    journey.check()
    _fill_the_checkout_form(page)
    return variant


def _center_of(locator):
    """Where a mouse clicks `locator`, once scrolled into view."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _wait_until(page, condition):
    """Let the browser run until `condition()` holds (the route handlers run meanwhile)."""
    for _ in range(200):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("the checkout form never reached the server")


def test_a_shopper_goes_from_the_home_page_to_a_click_and_collect_order(journey):
    product = make_product(name="Sac de trail Drôme Light 5", price="149.00")
    make_variant(product=product, size="S", colour="Rouge", stock=0)
    make_variant(product=product, size="M", colour="Rouge", stock=4, position=1)
    make_image(product=product)
    make_store(name="Millet Annecy")

    page = journey.visit("/")
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Catalogue"
    ).click()
    journey.check()
    page.get_by_role("link", name="Sac de trail Drôme Light 5").first.click()
    journey.check()

    page.get_by_role("radio", name="M · Rouge").check()
    page.get_by_role("button", name="Ajouter au panier").click()
    page.wait_for_url("**/panier/")
    journey.check()
    assert "a été ajouté à votre panier" in page.locator(".messages").inner_text().translate(
        NO_BREAK
    )
    assert page.locator(".cart-count").first.inner_text().translate(NO_BREAK).startswith("1")

    page.get_by_role("link", name="Commander").click()
    page.wait_for_url("**/commande/")
    journey.check()
    _fill_the_checkout_form(page)
    page.get_by_role("button", name="Commander avec obligation de paiement").click()

    page.wait_for_url("**/commande/*/")
    journey.check()
    order = Order.objects.get()
    assert page.get_by_role("heading", level=1).inner_text().translate(NO_BREAK) == (
        f"Merci : la commande {order.number} est enregistrée"
    )
    assert "Retirez-la chez Millet Annecy" in page.content()


def test_a_double_click_on_place_my_order_places_one_order(journey):
    variant = _a_cart_at_the_checkout(journey, stock=4)
    page = journey.page
    # Chromium merges the two submissions of a dblclick() into one request, so
    # the shopper clicks twice, the second time while the first answer is slow
    # to come: the server has placed the order, its answer is held back.
    sent, held = [], []

    def slow_first_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        sent.append(route.request)
        if len(sent) == 1:
            held.append(route.fetch(max_redirects=0))
        else:
            route.continue_()

    page.route("**/commande/", slow_first_answer)
    button = page.get_by_role("button", name="Commander avec obligation de paiement")
    x, y = _center_of(button)
    button.click(no_wait_after=True)
    _wait_until(page, lambda: held)
    # A locator would wait for the pending navigation: the mouse does not.
    page.mouse.click(x, y)

    # The second navigation cancels the first: wait_for_url() would report
    # that cancelled one, so the address is polled instead.
    expect(page).to_have_url(re.compile(r"/commande/[\w-]+/$"))
    journey.check()
    order = Order.objects.get()
    assert len(sent) == 2
    assert held[0].headers["location"] == order.get_absolute_url()
    assert sent[1].response().headers["location"] == order.get_absolute_url()
    assert page.get_by_role("heading", level=1).inner_text().translate(NO_BREAK) == (
        f"Merci : la commande {order.number} est enregistrée"
    )
    assert order.lines.get().quantity == 1
    variant.refresh_from_db()
    assert variant.stock == 3


# How the answer to the checkout was lost; the order is committed either way.
ANSWER_LOST_ON_THE_WAY = pytest.param(True, id="answer lost on the way")
# The session still holds the cart and its key.
SERVER_DIED_BEFORE_SAVING_THE_SESSION = pytest.param(
    False, id="server died before saving the session"
)


def _lose_the_checkout_answer(journey, session_saved):
    """Send the checkout form; the server commits the order, the browser never hears back.

    With `session_saved` the server finished the request, its session write
    included, and the answer was lost on the way; without, the server died
    between the order's commit and the session's save.
    """
    variant = _a_cart_at_the_checkout(journey, stock=4)
    page = journey.page
    session_key = next(
        c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME
    )
    before = Session.objects.get(session_key=session_key).session_data
    lost = []

    def lose_the_answer(route):
        if route.request.method != "POST":
            route.continue_()
            return
        # The server places the order and commits; its answer never arrives.
        lost.append(route.fetch(max_redirects=0))
        route.abort()

    page.route("**/commande/", lose_the_answer)
    button = page.get_by_role("button", name="Commander avec obligation de paiement")
    button.click(no_wait_after=True)
    _wait_until(page, lambda: lost)
    page.unroute("**/commande/")
    order = Order.objects.get()
    assert lost[0].headers["location"] == order.get_absolute_url()
    if not session_saved:
        Session.objects.filter(session_key=session_key).update(session_data=before)
    return order, variant


@pytest.mark.parametrize(
    "session_saved", [ANSWER_LOST_ON_THE_WAY, SERVER_DIED_BEFORE_SAVING_THE_SESSION]
)
def test_a_shopper_whose_confirmation_never_arrived_finds_the_order_on_the_cart_page(
    journey, session_saved
):
    order, variant = _lose_the_checkout_answer(journey, session_saved)
    page = journey.page

    journey.visit("/panier/")
    main = page.get_by_role("main")
    assert f"Votre commande {order.number} est enregistrée : voir sa confirmation." in (
        main.inner_text().translate(NO_BREAK)
    )
    assert "Votre panier est vide." in main.inner_text().translate(NO_BREAK)
    assert page.locator(".cart-count").first.inner_text().translate(NO_BREAK).startswith("0")

    main.get_by_role("link", name="voir sa confirmation").click()
    page.wait_for_url(f"**{order.get_absolute_url()}")
    journey.check()
    assert page.get_by_role("heading", level=1).inner_text().translate(NO_BREAK) == (
        f"Merci : la commande {order.number} est enregistrée"
    )
    assert Order.objects.count() == 1
    variant.refresh_from_db()
    assert variant.stock == 3


@pytest.mark.parametrize(
    "session_saved",
    [
        ANSWER_LOST_ON_THE_WAY,
        SERVER_DIED_BEFORE_SAVING_THE_SESSION,
    ],
)
def test_a_shopper_whose_confirmation_never_arrived_goes_back_to_the_checkout_and_finds_the_order(
    journey, session_saved
):
    order, variant = _lose_the_checkout_answer(journey, session_saved)
    page = journey.page

    journey.visit("/commande/")
    assert page.url.endswith(order.get_absolute_url())
    assert page.get_by_role("heading", level=1).inner_text().translate(NO_BREAK) == (
        f"Merci : la commande {order.number} est enregistrée"
    )

    journey.visit("/panier/")
    assert "Votre panier est vide." in page.get_by_role("main").inner_text().translate(NO_BREAK)
    assert Order.objects.count() == 1
    variant.refresh_from_db()
    assert variant.stock == 3


def test_a_shopper_adds_to_cart_from_a_page_served_from_the_cache(journey):
    """The cached page carries no token and sets no cookie; Chromium's own Sec-Fetch-Site
    and Origin headers let its form through."""
    product = make_product(name="Sac à dos Hiker 30", price="79.90")
    make_variant(product=product, size="", colour="Rouge", stock=3)
    page = journey.page

    first = page.goto(journey.base_url + product.get_absolute_url())
    served = page.reload()
    journey.check()

    assert (first.headers["x-page-cache"], served.headers["x-page-cache"]) == ("miss", "hit")
    assert page.context.cookies() == []
    page.get_by_role("radio", name=re.compile("Taille unique · Rouge")).check()
    page.get_by_role("button", name="Ajouter au panier").click()
    page.wait_for_url("**/panier/")
    journey.check()
    expect(page.get_by_role("link", name="Sac à dos Hiker 30")).to_be_visible()
    expect(page.locator(".cart-count")).to_have_text(re.compile(r"^\s*1 article"))
