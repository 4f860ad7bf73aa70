"""Card payment in the browser: the real checkout form, then the payment page with
localstripe's stand-in for Stripe.js (a card field of five plain inputs, and a modal
for the bank's 3-D Secure check), against a live localstripe server.

Whatever the browser saw, the order is only paid when the provider says so: each
journey checks the order in the database and the PaymentIntents at the provider."""

import re

import pytest
from playwright.sync_api import expect

from shop import payments
from shop.models import Order, Payment
from tests.factories import NO_BREAK, make_image, make_product, make_variant
from tests.shop.factories import CARD_3DS, CARD_DECLINED, CARD_OK

pytestmark = pytest.mark.usefixtures("provider")

PAY = re.compile(r"^Payer \d")


def _a_card_order_at_the_payment_page(journey):
    """A bag bought through the checkout, delivered at home and paid by card: the
    shopper lands on the payment page. Returns the order."""
    product = make_product(name="Sac de trail Drôme Light 5", price="149.00")
    make_variant(product=product, size="M", colour="Rouge", stock=4)
    make_image(product=product)

    page = journey.visit(product.get_absolute_url())
    page.get_by_role("radio", name="M · Rouge").check()
    page.get_by_role("button", name="Ajouter au panier").click()
    page.wait_for_url("**/panier/")
    journey.check()
    page.get_by_role("link", name="Commander").click()
    page.wait_for_url("**/commande/")
    journey.check()
    page.get_by_label("E-mail").fill("lea@example.org")
    page.get_by_label("Nom complet").fill("Léa Martin")
    page.get_by_role("radio", name="Livraison à domicile").check()
    page.get_by_label("Numéro et rue").fill("3 place Bellecour")
    page.get_by_label("Code postal").fill("69002")
    page.get_by_label("Ville").fill("Lyon")
    page.get_by_role("radio", name="Carte bancaire").check()
    page.get_by_label("J’accepte les conditions générales de vente.").check()
    page.get_by_role("button", name="Commander avec obligation de paiement").click()

    page.wait_for_url("**/commande/*/paiement/")
    order = Order.objects.get()
    assert page.url.endswith(f"/commande/{order.token}/paiement/")
    # The provider's card field is mounted once its script and the shop's have run.
    expect(_card_input(page, "number")).to_be_visible()
    journey.check()
    assert page.get_by_role("heading", level=1).inner_text().translate(NO_BREAK) == (
        f"Payer la commande {order.number}"
    )
    assert order.status == Order.Status.AWAITING_PAYMENT
    return order


def _card_input(page, name):
    """One of the stand-in's inputs (number, exp_month, exp_year, cvc, postal_code)."""
    return page.locator("#card-element").get_by_placeholder(name, exact=True)


def _type_card(page, number, *, month="12", year="31", cvc="123"):
    """Type a card in the provider's field, as a shopper does (the year takes 2 digits)."""
    for name, value in (
        ("number", number),
        ("exp_month", month),
        ("exp_year", year),
        ("cvc", cvc),
    ):
        field = _card_input(page, name)
        field.clear()
        field.press_sequentially(value)


def _pay_button(page):
    return page.get_by_role("button", name=PAY)


def _lands_on_the_paid_order(journey, order):
    page = journey.page
    page.wait_for_url(f"**{order.get_absolute_url()}")
    journey.check()
    assert page.get_by_role("heading", level=1).inner_text().translate(NO_BREAK) == (
        f"Merci : la commande {order.number} est enregistrée"
    )
    main = page.get_by_role("main").inner_text().translate(NO_BREAK)
    # "Payée · par carte, le 06/12/2026" (the wording has been "payée par carte le" too).
    assert re.search(r"Statut : Payée · [^\n]*par carte,? le \d\d/\d\d/\d{4}", main), main
    expect(page.get_by_role("link", name="Télécharger la facture")).to_be_visible()
    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.paid_at is not None
    assert order.invoice.number > 0


def _intents_of(order):
    """The provider's PaymentIntents for `order`'s customer, as the provider lists them:
    a try the shop forgot would be here too."""
    customers = set(order.payments.values_list("customer_id", flat=True))
    assert customers and "" not in customers
    listed = payments.provider().v1.payment_intents.list(params={"limit": 100})
    return [intent for intent in listed.auto_paging_iter() if intent.customer in customers]


def _charges_of(order):
    (customer,) = set(order.payments.values_list("customer_id", flat=True))
    listed = payments.provider().v1.charges.list(params={"customer": customer, "limit": 100})
    return list(listed.auto_paging_iter())


def test_a_shopper_pays_by_card_and_gets_the_confirmation(journey, mailoutbox, task_worker):
    order = _a_card_order_at_the_payment_page(journey)
    page = journey.page

    _type_card(page, CARD_OK)
    _pay_button(page).click()

    _lands_on_the_paid_order(journey, order)
    (payment,) = order.payments.all()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.amount == order.total
    (intent,) = _intents_of(order)
    assert (intent.id, intent.status) == (payment.intent_id, "succeeded")
    assert (intent.amount, intent.currency) == (14900, "eur")
    assert intent.metadata["order"] == order.number

    task_worker.run()
    (confirmation,) = [message for message in mailoutbox if message.to == ["lea@example.org"]]
    assert order.number in confirmation.subject
    # The contract's documents go with the confirmation; the invoice with the parcel.
    attached = [name for name, _content, _type in confirmation.attachments]
    assert attached and all(name.endswith(".pdf") for name in attached)
    assert not any("facture" in name.lower() for name in attached)


def test_a_shopper_passes_the_banks_check(journey):
    order = _a_card_order_at_the_payment_page(journey)
    page = journey.page

    _type_card(page, CARD_3DS)
    _pay_button(page).click()

    complete = page.get_by_role("button", name="Complete authentication")
    expect(complete).to_be_visible()
    expect(page.get_by_text("Votre banque vérifie le paiement…")).to_be_visible()
    journey.check()  # the page with the bank's check open
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert order.payments.get().status == Payment.Status.REQUIRES_ACTION
    complete.click()

    _lands_on_the_paid_order(journey, order)
    (payment,) = order.payments.all()
    assert payment.status == Payment.Status.SUCCEEDED
    (intent,) = _intents_of(order)
    assert (intent.id, intent.status) == (payment.intent_id, "succeeded")


def test_a_shopper_fails_the_banks_check_then_passes_it(journey):
    order = _a_card_order_at_the_payment_page(journey)
    page = journey.page
    alert = page.get_by_role("alert")

    _type_card(page, CARD_3DS)
    _pay_button(page).click()
    page.get_by_role("button", name="Fail authentication").click()

    expect(alert).to_have_text(
        "La vérification de votre banque (3-D Secure) n’a pas abouti. "
        "Réessayez, ou utilisez une autre carte."
    )
    expect(_pay_button(page)).to_be_enabled()
    journey.check()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT and order.paid_at is None
    (failed,) = order.payments.all()
    assert failed.status == Payment.Status.REQUIRES_PAYMENT_METHOD

    # The same card again, a new try: the bank's check passes this time.
    _pay_button(page).click()
    page.get_by_role("button", name="Complete authentication").click()

    _lands_on_the_paid_order(journey, order)
    paid = order.payments.exclude(pk=failed.pk).get()
    assert paid.status == Payment.Status.SUCCEEDED
    statuses = {intent.id: intent.status for intent in _intents_of(order)}
    assert statuses == {
        failed.intent_id: "requires_payment_method",
        paid.intent_id: "succeeded",
    }


def test_a_declined_card_then_another_one(journey):
    order = _a_card_order_at_the_payment_page(journey)
    page = journey.page
    alert = page.get_by_role("alert")

    _type_card(page, CARD_DECLINED)
    _pay_button(page).click()

    expect(alert).to_have_text("Votre banque a refusé cette carte. Essayez une autre carte.")
    expect(_pay_button(page)).to_be_enabled()
    assert page.url.endswith(f"/commande/{order.token}/paiement/")
    journey.check()
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT and order.paid_at is None
    (refused,) = order.payments.all()
    assert refused.status == Payment.Status.REQUIRES_PAYMENT_METHOD

    _type_card(page, CARD_OK)
    _pay_button(page).click()

    _lands_on_the_paid_order(journey, order)
    paid = order.payments.exclude(pk=refused.pk).get()
    assert paid.status == Payment.Status.SUCCEEDED
    assert paid.attempt != refused.attempt
    statuses = {intent.id: intent.status for intent in _intents_of(order)}
    assert statuses == {
        refused.intent_id: "requires_payment_method",
        paid.intent_id: "succeeded",
    }
    charges = _charges_of(order)
    assert sorted(charge.paid for charge in charges) == [False, True]
    (taken,) = [charge for charge in charges if charge.paid]
    assert (taken.payment_intent, taken.amount) == (paid.intent_id, 14900)


def test_a_double_click_on_pay_charges_once(journey):
    order = _a_card_order_at_the_payment_page(journey)
    page = journey.page
    # The shop's answer is held back: the shopper clicks again meanwhile.
    held = []

    def hold_the_payment(route):
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    page.route(f"**/commande/{order.token}/paiement/", hold_the_payment)
    _type_card(page, CARD_OK)
    button = _pay_button(page)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.dblclick(x, y)

    expect(button).to_be_disabled()
    expect(page.get_by_text("Paiement en cours…")).to_be_visible()
    page.mouse.click(x, y)
    # Enter in the card field would submit the form again: its button is disabled.
    _card_input(page, "cvc").press("Enter")
    page.wait_for_timeout(500)
    assert len(held) == 1
    held[0].continue_()

    _lands_on_the_paid_order(journey, order)
    (payment,) = order.payments.all()
    assert payment.status == Payment.Status.SUCCEEDED
    (intent,) = _intents_of(order)
    assert intent.id == payment.intent_id
