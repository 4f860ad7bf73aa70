"""Checkout: the form's rules, the order it places, the e-mails and the confirmation page."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from catalog.models import Variant
from shop.models import Order
from tests.factories import NO_BREAK, make_product, make_variant
from tests.shop.factories import make_store

pytestmark = pytest.mark.django_db


@pytest.fixture
def cart(client):
    """A cart holding 2 × a 29.90 € hat and 1 × a 45.00 € pack."""
    hat = make_variant(product=make_product(name="Bonnet", price="29.90"), size="", stock=10)
    pack = make_variant(product=make_product(name="Sac Hiker 20", price="45.00"), size="", stock=3)
    client.post("/panier/ajouter/", {"variant": hat.pk, "quantity": 2})
    client.post("/panier/ajouter/", {"variant": pack.pk, "quantity": 1})
    return {"hat": hat, "pack": pack}


def home_delivery(**overrides):
    return {
        "email": "lea@example.org",
        "name": "Léa Martin",
        "phone": "06 12 34 56 78",
        "delivery": "home",
        "street": "3 chemin des Alpages",
        "postcode": "73000",
        "city": "Chambéry",
        "payment_method": "transfer",
        "accept_terms": "on",
        **overrides,
    }


def checkout(client, *, follow=False, **overrides):
    """Send the checkout form as the page does, with this cart's one-time key."""
    data = {"checkout_key": client.session.get("checkout_key", ""), **home_delivery(**overrides)}
    return client.post("/commande/", data, follow=follow)


def test_a_home_delivery_order_freezes_prices_takes_stock_and_empties_the_cart(client, cart):
    response = checkout(client, follow=True)

    order = Order.objects.get()
    assert response.redirect_chain[-1][0] == f"/commande/{order.token}/"
    assert order.number == f"M-{datetime.date.today().year}-{order.pk:06d}"
    assert order.subtotal == Decimal("104.80")
    assert order.delivery_fee == Decimal("0.00")  # free from 100 €
    assert order.total == Decimal("104.80")
    assert [(line.product_name, line.quantity, line.line_total) for line in order.lines.all()] == [
        ("Bonnet", 2, Decimal("59.80")),
        ("Sac Hiker 20", 1, Decimal("45.00")),
    ]
    assert Variant.objects.get(pk=cart["hat"].pk).stock == 8
    assert Variant.objects.get(pk=cart["pack"].pk).stock == 2
    assert client.session["cart"] == {}
    html = response.content.decode().translate(NO_BREAK)
    assert f"Merci : la commande {order.number} est enregistrée" in html
    assert "FR76 3000 6000 0112 3456 7890 189" in html


def test_prices_come_from_the_database_not_the_cart(client, cart):
    product = cart["pack"].product
    product.price = Decimal("50.00")
    product.save()

    checkout(client)

    assert Order.objects.get().subtotal == Decimal("109.80")


def test_home_delivery_below_the_threshold_pays_the_flat_fee(client):
    variant = make_variant(product=make_product(price="29.90"), stock=5)
    client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 1})

    checkout(client)

    order = Order.objects.get()
    assert (order.delivery_fee, order.total) == (Decimal("6.90"), Decimal("36.80"))


def test_click_and_collect_at_an_open_store_pays_there_and_notifies_the_store(
    client, cart, mailoutbox, on_commit, task_worker
):
    store = make_store(name="Millet Annecy", email="annecy@millet.example")

    with on_commit():
        checkout(
            client,
            delivery="collect",
            store=store.pk,
            street="",
            postcode="",
            city="",
            payment_method="at_store",
        )
    assert mailoutbox == []  # the worker sends, not the page
    assert task_worker.run() == 1

    order = Order.objects.get()
    assert (order.store, order.delivery_fee, order.payment_method) == (store, 0, "at_store")
    assert [message.to for message in mailoutbox] == [
        ["lea@example.org"],
        ["annecy@millet.example"],
    ]
    shopper, shop = mailoutbox
    assert order.number in shopper.subject
    assert "Vous payez au retrait de votre commande." in shopper.body
    assert f"http://127.0.0.1:8000/commande/{order.token}/" in shopper.body
    assert shopper.alternatives[0].mimetype == "text/html"
    assert "[" + cart["hat"].sku + "]" in shop.body
    assert order.confirmation_sent_at is not None
    assert order.store_notified_at is not None


def test_the_confirmation_e_mail_gives_the_bank_details_for_a_transfer(
    client, cart, mailoutbox, on_commit, task_worker
):
    with on_commit():
        checkout(client)
    task_worker.run()

    (message,) = mailoutbox
    order = Order.objects.get()
    assert f"avec la référence {order.number}" in message.body
    assert "104,80\u00a0€" in message.body


def test_an_english_shopper_gets_the_e_mail_in_english(
    client, cart, mailoutbox, on_commit, task_worker
):
    with on_commit():
        client.post(
            "/en/commande/",
            {"checkout_key": client.session["checkout_key"], **home_delivery()},
        )
    task_worker.run()

    (message,) = mailoutbox
    assert Order.objects.get().language == "en"
    assert message.subject.startswith("Your Millet order")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"email": "pas-un-email"}, "email", "Saisissez une adresse e-mail valide"),
        ({"postcode": "7300"}, "postcode", "Un code postal français comporte cinq chiffres."),
        ({"postcode": "ABCDE"}, "postcode", "Un code postal français comporte cinq chiffres."),
        ({"city": ""}, "city", "Indiquez votre ville pour la livraison à domicile."),
        ({"phone": "<script>"}, "phone", "Saisissez un numéro de téléphone"),
        ({"accept_terms": ""}, "accept_terms", "Merci d’accepter les conditions générales"),
        ({"payment_method": "at_store"}, "payment_method", "n’est possible qu’avec le retrait"),
        ({"delivery": "collect"}, "store", "Choisissez le magasin"),
        ({"delivery": "drone"}, "delivery", "Choisissez la livraison à domicile ou le retrait"),
    ],
)
def test_each_field_is_checked_with_a_clear_message(client, cart, changes, field, message):
    response = checkout(client, **changes)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert not Order.objects.exists()
    assert Variant.objects.get(pk=cart["hat"].pk).stock == 10


@pytest.mark.parametrize(
    "store_changes",
    [
        {"closes_on": datetime.date(2025, 2, 25), "opens_on": datetime.date(2024, 11, 15)},
        {"opens_on": datetime.date(2099, 1, 1)},
        {"click_and_collect": False},
    ],
)
def test_a_closed_store_or_one_without_click_and_collect_is_refused(client, cart, store_changes):
    store = make_store(**store_changes)

    response = checkout(client, delivery="collect", store=store.pk)

    assert "Ce magasin ne propose pas le retrait" in response.content.decode().translate(NO_BREAK)
    assert not Order.objects.exists()


def test_a_line_sold_out_meanwhile_places_nothing_and_keeps_the_cart(client, cart):
    Variant.objects.filter(pk=cart["pack"].pk).update(stock=0)

    response = checkout(client, follow=True)

    assert not Order.objects.exists()
    assert Variant.objects.get(pk=cart["hat"].pk).stock == 10
    assert response.redirect_chain[-1][0] == "/panier/"
    assert "Cette taille n’est plus disponible." in response.content.decode().translate(NO_BREAK)
    assert len(client.session["cart"]) == 2


def test_checkout_without_csrf_token_is_refused(client, cart):
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies  # the same shopper, same cart, no token

    response = strict.post("/commande/", home_delivery())

    assert response.status_code == 403
    assert not Order.objects.exists()


def test_an_empty_cart_cannot_check_out(client):
    response = checkout(client, follow=True)

    assert "Votre panier est vide." in response.content.decode().translate(NO_BREAK)
    assert not Order.objects.exists()


def test_the_confirmation_page_needs_the_token(client, cart):
    checkout(client)
    order = Order.objects.get()

    assert client.get(f"/commande/{order.token}/").status_code == 200
    assert Client().get(f"/commande/{order.token}/").status_code == 200  # a shared link works
    assert client.get(f"/commande/{order.number}/").status_code == 404
    assert client.get(f"/commande/{order.token[:-1]}x/").status_code == 404


def test_the_checkout_page_runs_a_fixed_number_of_queries(client, cart, django_assert_num_queries):
    make_store()

    # 1. session, 2. an order already placed with this cart's checkout key,
    # 3. cart variants with products and covers, 4. open stores
    with django_assert_num_queries(4):
        response = client.get("/commande/")
    assert response.status_code == 200


def test_the_summary_gives_the_fee_and_total_of_each_delivery_choice(client):
    variant = make_variant(product=make_product(price="29.90"), stock=5)
    client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 1})

    html = client.get("/commande/").content.decode().translate(NO_BREAK)

    home = html[html.index('data-delivery="home"', html.index('class="totals"')) :]
    collect = html[html.index('data-delivery="collect"', html.index('class="totals"')) :]
    assert "6,90 €" in home[: home.index("</dl>")]
    assert "Total avec livraison à domicile</dt><dd>36,80 €" in home
    assert "gratuit" in collect[: collect.index("</dd>")]
    assert "Total avec retrait en magasin</dt><dd>29,90 €" in collect


def test_free_home_delivery_from_the_threshold_says_so(client, cart):
    html = client.get("/commande/").content.decode().translate(NO_BREAK)

    assert "Total avec livraison à domicile</dt><dd>104,80 €" in html
    assert html.count(">offert</dd>") == 1  # home delivery, from the threshold
    assert html.count(">gratuit</dd>") == 1  # click and collect, always


def test_address_and_store_fields_say_which_delivery_needs_them(client, cart):
    html = client.get("/commande/").content.decode().translate(NO_BREAK)

    for label in ("Numéro et rue", "Code postal", "Ville"):
        assert f'{label} <span class="field__optional">(pour la livraison à domicile)' in html
    assert 'Magasin de retrait <span class="field__optional">(pour le retrait en magasin)' in html
    assert "(facultatif)" not in html.split('data-delivery="home"')[1].split("</fieldset>")[0]


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("0612345678", "06 12 34 56 78"),
        ("06.12.34.56.78", "06 12 34 56 78"),
        ("+33 6 12 34 56 78", "06 12 34 56 78"),
        ("0033612345678", "06 12 34 56 78"),
        # Abroad, with the country's code: kept in the international form.
        ("+44 20 7946 0958", "+44 20 7946 0958"),
        ("+41223456789", "+41 22 345 67 89"),
    ],
)
def test_a_phone_number_is_kept_in_one_form(client, cart, typed, kept):
    checkout(client, phone=typed)

    assert Order.objects.get().phone == kept


@pytest.mark.parametrize("typed", ["12345", "06 12 34 56", "+44 20 79", "0012345678", "abc"])
def test_a_number_that_is_no_phone_number_is_refused(client, cart, typed):
    response = checkout(client, phone=typed)

    assert "Saisissez un numéro de téléphone" in response.content.decode().translate(NO_BREAK)
    assert not Order.objects.exists()


def test_the_terms_box_links_to_the_terms_of_sale_and_the_button_says_it_commits(client, cart):
    html = client.get("/commande/").content.decode().translate(NO_BREAK)

    assert 'href="/informations/conditions-generales-de-vente/"' in html
    assert "Commander avec obligation de paiement" in html
