"""The checkout on a phone (390 px): one column, the total right above the order button,
an error summary that takes the focus, and a switch of delivery that never gets stuck."""

from playwright.sync_api import expect

from shop.models import Order
from tests.factories import NO_BREAK, make_product, make_variant
from tests.shop.factories import make_store


def _a_bag_in_the_cart(journey):
    """Sac Trilogy 35 (149 €) in the cart, as its product page's form sends it; an open store."""
    variant = make_variant(
        product=make_product(name="Sac Trilogy 35", price="149.00"),
        size="M",
        colour="Bleu",
        stock=4,
    )
    make_store(name="Millet Annecy")
    added = journey.page.request.post(
        journey.base_url + "/panier/ajouter/",
        form={"variant": str(variant.pk), "quantity": "1"},
        headers={"Origin": journey.base_url},
        max_redirects=0,
    )
    assert added.status == 302
    return variant


def _text(locator):
    return " ".join(locator.inner_text().translate(NO_BREAK).split())


def test_a_shopper_on_a_phone_mistypes_the_postcode_then_collects_in_store(journey):
    _a_bag_in_the_cart(journey)
    page = journey.visit("/commande/")

    page.get_by_label("E-mail").fill("lea@example.org")
    page.get_by_label("Nom complet").fill("Léa Martin")
    page.get_by_role("radio", name="Livraison à domicile").check()
    page.get_by_label("Numéro et rue").fill("3 chemin des Alpages")
    page.get_by_label("Code postal").fill("7300")
    page.get_by_label("Ville").fill("Chambéry")
    page.get_by_label("J’accepte les conditions générales de vente.").check()
    # Paying at the store goes with click and collect only; card is chosen at first.
    expect(page.get_by_role("radio", name="Paiement au retrait")).to_be_hidden()
    expect(page.get_by_role("radio", name="Carte bancaire")).to_be_checked()

    # One column: the summary comes after the form; the total to pay right above the button.
    button = page.get_by_role("button", name="Commander avec obligation de paiement")
    due = page.locator(".checkout__due")
    assert _text(due) == "Total avec livraison à domicile 149,00 €"
    button.scroll_into_view_if_needed()
    due_box, button_box = due.bounding_box(), button.bounding_box()
    assert 0 <= button_box["y"] - (due_box["y"] + due_box["height"]) < 32
    assert due_box["y"] >= 0  # both on the screen together
    form_box = page.locator(".checkout__form").bounding_box()
    assert (
        page.locator(".checkout__summary").bounding_box()["y"] > form_box["y"] + form_box["height"]
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    button.click()
    page.wait_for_load_state("load")
    journey.check()
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert _text(summary.get_by_role("heading")) == (
        "Votre commande n’a pas pu être passée : 1 point à corriger"
    )
    summary.get_by_role("link", name="Un code postal français comporte cinq chiffres.").click()
    expect(page.get_by_label("Code postal")).to_be_focused()
    assert Order.objects.count() == 0

    page.get_by_role("radio", name="Retrait en magasin").check()
    page.get_by_label("Magasin de retrait").select_option(label="Millet Annecy (Annecy)")
    page.get_by_role("radio", name="Paiement au retrait").check()
    assert _text(due) == "Total avec retrait en magasin 149,00 €"
    expect(page.get_by_label("Code postal")).to_be_hidden()
    button.click()

    page.wait_for_url("**/commande/*/")
    journey.check()
    order = Order.objects.get()
    assert (order.delivery, order.payment_method, order.postcode) == ("collect", "at_store", "")
    main = _text(page.get_by_role("main"))
    assert "Statut : À régler au retrait" in main
    assert "Retrait en magasin gratuit" in main


def test_on_a_laptop_the_summary_stays_beside_the_form(journey):
    _a_bag_in_the_cart(journey)
    journey.page.set_viewport_size({"width": 1366, "height": 900})
    page = journey.visit("/commande/")

    form_box = page.locator(".checkout__form").bounding_box()
    summary_box = page.locator(".checkout__summary").bounding_box()
    assert summary_box["x"] >= form_box["x"] + form_box["width"]
    assert summary_box["y"] < form_box["y"] + 200
    # With no delivery chosen yet, both totals show above the button.
    assert _text(page.locator(".checkout__due")) == (
        "Total avec livraison à domicile 149,00 € Total avec retrait en magasin 149,00 €"
    )
