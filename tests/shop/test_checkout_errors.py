"""What a shopper reads when a form is refused, and what the checkout lets through.

Only the shop's own words reach a shopper: Django's default messages ("Ce champ est
obligatoire.", "Assurez-vous que cette valeur comporte au moins…") name neither the field
nor what to do. The checkout lists its problems at the top of the form, each linking to
its field; the fields of the delivery not chosen never block an order; the totals say
"Retrait en magasin : gratuit", and a cart whose items changed names each of them.
"""

import re

import pytest
from django import forms
from django.core import validators
from django.utils import translation

from catalog.models import Variant
from repairs.models import RepairRequest
from shop import views
from shop.models import Order
from tests.factories import NO_BREAK, make_product, make_variant
from tests.shop.factories import make_order, make_store

pytestmark = pytest.mark.django_db

SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}
# Values put into Django's messages to cut them into their fixed words.
PARAMS = {"limit_value": 7, "show_value": 9, "value": "VALEUR"}


def django_default_words():
    """The fixed words of Django's default messages, in French, from Django's own catalogue:
    a field left empty, too short or too long, not an e-mail, a number or a choice."""
    messages = [
        forms.Field.default_error_messages["required"],
        forms.ChoiceField.default_error_messages["invalid_choice"],
        forms.ModelChoiceField.default_error_messages["invalid_choice"],
        forms.IntegerField.default_error_messages["invalid"],
        forms.DecimalField.default_error_messages["invalid"],
        validators.EmailValidator.message,
        validators.RegexValidator.message,
        validators.MaxLengthValidator.message,
        validators.MinLengthValidator.message,
        validators.MaxValueValidator.message,
        validators.MinValueValidator.message,
        validators.ProhibitNullCharactersValidator.message,
    ]
    with translation.override("fr"):
        texts = [str(message % PARAMS) for message in messages]
    words = {
        piece.strip()
        for text in texts
        for piece in re.split(r"7|9|VALEUR", text)
        if len(piece.strip()) >= 8
    }
    # Django's French catalogue is there: the check below could not pass for want of it.
    assert "Ce champ est obligatoire." in words
    assert "Assurez-vous que cette valeur comporte au moins" in words
    return words


DJANGO_WORDS = django_default_words()


def django_words_in(response):
    page = response.content.decode().translate(NO_BREAK)
    return sorted(words for words in DJANGO_WORDS if words.translate(NO_BREAK) in page)


def test_the_check_finds_django_words_when_they_are_there():
    with translation.override("fr"):
        try:
            forms.CharField(min_length=5).clean("7300")
        except forms.ValidationError as error:
            page = " ".join(error.messages)

    assert any(words in page for words in DJANGO_WORDS)


@pytest.fixture
def cart(client):
    """A cart holding one 149 € bag, and an open store for click and collect."""
    product = make_product(name="Sac Trilogy 35", price="149.00")
    variant = make_variant(product=product, size="M", colour="Bleu", stock=4)
    client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 1})
    return {"variant": variant, "store": make_store(name="Millet Annecy")}


def checkout(client, **fields):
    data = {"checkout_key": client.session.get("checkout_key", ""), **fields}
    return client.post("/commande/", data)


HOME = {
    "email": "lea@example.org",
    "name": "Léa Martin",
    "delivery": "home",
    "street": "3 chemin des Alpages",
    "postcode": "73000",
    "city": "Chambéry",
    "payment_method": "transfer",
    "accept_terms": "on",
}
LONG = "x" * 400
CHECKOUT_CASES = {
    "all empty": dict.fromkeys(HOME, ""),
    "nothing sent": {},
    "postcode too short": {**HOME, "postcode": "7300"},
    "postcode too long": {**HOME, "postcode": "730000"},
    "postcode not digits": {**HOME, "postcode": "ABCDE"},
    "texts too long": {**HOME, "name": LONG, "street": LONG, "city": LONG},
    "e-mail too long": {**HOME, "email": "a" * 300 + "@example.org"},
    "e-mail malformed": {**HOME, "email": "pas-un-email"},
    "phone malformed": {**HOME, "phone": "<script>"},
    "phone too long": {**HOME, "phone": "0" * 40},
    "unknown delivery": {**HOME, "delivery": "drone"},
    "unknown payment": {**HOME, "payment_method": "bitcoin"},
    "store not a number": {**HOME, "delivery": "collect", "store": "abc"},
    "store unknown": {**HOME, "delivery": "collect", "store": "999999"},
    "invisible character": {**HOME, "name": "Léa\x00", "city": "Cham\x07béry"},
}


@pytest.mark.parametrize("fields", CHECKOUT_CASES.values(), ids=CHECKOUT_CASES.keys())
def test_a_refused_checkout_speaks_in_the_shops_words(client, cart, fields):
    response = checkout(client, **fields)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert django_words_in(response) == []
    assert not Order.objects.exists()


REPAIR = {
    "name": "Paul Durand",
    "email": "paul@example.org",
    "product_description": "Vieux sac rouge des années 1990",
    "purchase_year": "1995",
    "damage": "La bretelle gauche est déchirée.",
    "street": "8 rue du Vercors",
    "postcode": "38000",
    "city": "Grenoble",
}
REPAIR_CASES = {
    "all empty": dict.fromkeys(REPAIR, ""),
    "nothing sent": {},
    "postcode too short": {**REPAIR, "postcode": "380"},
    "postcode too long": {**REPAIR, "postcode": "3800000"},
    "texts too long": {
        **REPAIR,
        **dict.fromkeys(("name", "product_description", "street", "city"), LONG),
        "product": LONG,
        "damage": "x" * 2100,
    },
    "e-mail malformed": {**REPAIR, "email": "paul"},
    "e-mail too long": {**REPAIR, "email": "a" * 300 + "@example.org"},
    "year not a number": {**REPAIR, "purchase_year": "quatre-vingt-quinze"},
    "year too early": {**REPAIR, "purchase_year": "1800"},
    "phone malformed": {**REPAIR, "phone": "12"},
}


@pytest.mark.parametrize("fields", REPAIR_CASES.values(), ids=REPAIR_CASES.keys())
def test_a_refused_repair_request_speaks_in_the_shops_words(client, fields):
    response = client.post("/reparation/", fields)

    assert response.status_code == 200
    assert response.context["form"].errors
    assert django_words_in(response) == []
    assert not RepairRequest.objects.exists()


ALERT_CASES = {
    "e-mail empty": {"email": ""},
    "e-mail malformed": {"email": "pas une adresse"},
    "e-mail too long": {"email": "a" * 300 + "@example.org"},
    "e-mail with an invisible character": {"email": "anne\x00@example.org"},
    "size empty": {"variant": ""},
    "size not a number": {"variant": "abc"},
    "size unknown": {"variant": "999999"},
}


@pytest.mark.parametrize("fields", ALERT_CASES.values(), ids=ALERT_CASES.keys())
def test_a_refused_stock_alert_speaks_in_the_shops_words(client, fields):
    product = make_product(name="Veste Trilogy")
    sold_out = make_variant(product=product, size="L", colour="Bleu", stock=0)
    data = {"variant": sold_out.pk, "email": "anne@example.org", **fields}
    data["next"] = product.get_absolute_url()

    response = client.post("/alerte-stock/", data, headers=SAME_ORIGIN, follow=True)

    assert response.redirect_chain[-1][0] == product.get_absolute_url()
    assert "message--error" in response.content.decode()
    assert django_words_in(response) == []


def test_a_four_digit_postcode_gets_one_message_in_the_shops_words(client, cart):
    response = checkout(client, **{**HOME, "postcode": "7300"})

    assert response.context["form"].errors["postcode"] == [
        "Un code postal français comporte cinq chiffres."
    ]


def test_empty_fields_say_what_to_give(client, cart):
    errors = checkout(client, **{**HOME, "email": "", "name": ""}).context["form"].errors

    assert [message.translate(NO_BREAK) for message in errors["email"]] == [
        "Indiquez votre adresse e-mail : nous y envoyons la confirmation."
    ]
    assert errors["name"] == ["Indiquez votre prénom et votre nom."]


def test_a_refused_checkout_lists_its_problems_at_the_top_with_links_to_the_fields(client, cart):
    response = checkout(client, **{**HOME, "email": "", "postcode": "7300", "delivery": ""})
    html = response.content.decode().translate(NO_BREAK)

    start = html.index('class="error-summary"')
    summary = html[start : html.index("</ul>", start)]
    assert '<div class="error-summary" tabindex="-1" data-error-summary>' in html
    assert "Votre commande n’a pas pu être passée : 3 points à corriger" in summary
    assert re.findall(r'<a href="#(\w+)">', summary) == ["id_email", "id_delivery_0", "id_postcode"]
    assert "Un code postal français comporte cinq chiffres." in summary
    # The summary comes first in the form, before its first field.
    assert html.index('class="error-summary"') < html.index('id="id_email"')
    # Each message stays next to its field too.
    errors = html[html.index('id="id_postcode_errors"') :]
    assert errors.index("Un code postal français comporte cinq chiffres.") < errors.index("</ul>")
    assert "js/error-summary" in html


def test_a_valid_or_unsent_checkout_has_no_error_summary(client, cart):
    assert "error-summary" not in client.get("/commande/").content.decode().split("</head>")[1]


def test_the_total_with_delivery_comes_right_above_the_order_button(client, cart):
    html = client.get("/commande/").content.decode().translate(NO_BREAK)

    form = html[html.index("<form") : html.index("</form>")]
    due = form[form.index('class="totals checkout__due"') :]
    assert re.search(
        r"Total avec livraison à domicile</dt><dd>149,00 €</dd>.*"
        r"Total avec retrait en magasin</dt><dd>149,00 €</dd>\s*</div>\s*</dl>\s*"
        r"<button[^>]*>Commander avec obligation de paiement</button>",
        due,
        re.S,
    )


def test_card_is_the_payment_chosen_at_first(client, cart):
    html = client.get("/commande/").content.decode()

    assert re.search(r'<input type="radio" name="payment_method" value="card"[^>]* checked', html)


def test_the_stuck_sequence_from_home_delivery_to_click_and_collect_places_the_order(client, cart):
    """Home delivery, a mistyped postcode, refused; then click and collect: ordered."""
    refused = checkout(client, **{**HOME, "postcode": "7300"})
    assert "postcode" in refused.context["form"].errors

    placed = checkout(
        client,
        **{
            **HOME,
            "postcode": "7300",
            "city": "x" * 400,
            "delivery": "collect",
            "store": cart["store"].pk,
            "payment_method": "at_store",
        },
    )

    order = Order.objects.get()
    assert placed["Location"] == order.get_absolute_url()
    assert (order.delivery, order.store, order.payment_method) == (
        "collect",
        cart["store"],
        "at_store",
    )
    # What the hidden fields held is dropped, not kept: the order has no address.
    assert (order.postcode, order.city) == ("", "")


def test_a_store_picked_before_switching_to_home_delivery_never_blocks(client, cart):
    checkout(client, **{**HOME, "store": "abc"})

    assert Order.objects.get().store is None


def test_paying_at_the_store_with_home_delivery_is_refused_clearly(client, cart):
    response = checkout(client, **{**HOME, "payment_method": "at_store"})

    assert response.context["form"].errors["payment_method"] == [
        "Le paiement en magasin n’est possible qu’avec le retrait en magasin."
    ]
    assert not Order.objects.exists()


def test_the_checkout_summary_says_click_and_collect_is_free(client, cart):
    html = client.get("/commande/").content.decode()
    aside = html[html.index("<aside") : html.index("</aside>")]

    assert "<dt>Retrait en magasin</dt><dd>gratuit</dd>" in aside


def test_a_click_and_collect_order_paid_at_the_store_reads_to_pay_at_collection(
    client, on_commit, task_worker, mailoutbox
):
    with on_commit():
        order = make_order(price="79.90")
    task_worker.run()

    text = client.get(order.get_absolute_url()).content.decode().translate(NO_BREAK)
    assert "Statut :</strong> À régler au retrait" in text
    assert "En attente de paiement" not in text
    assert re.search(r"Retrait en magasin</th>\s*<td>gratuit</td>", text)
    assert "0,00" not in text
    (confirmation,) = [m for m in mailoutbox if m.to == ["anne@example.org"]]
    assert "Retrait en magasin : gratuit" in confirmation.body.translate(NO_BREAK)
    assert "0,00" not in confirmation.body
    assert "Retrait en magasin</td><td>gratuit" in confirmation.alternatives[0].content


def test_a_home_delivery_order_still_shows_its_delivery_fee(client):
    variant = make_variant(product=make_product(price="29.90"), stock=2)
    client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 1})
    checkout(client, **HOME)
    order = Order.objects.get()

    text = client.get(order.get_absolute_url()).content.decode().translate(NO_BREAK)
    assert re.search(r"Livraison</th>\s*<td>6,90 €</td>", text)
    assert "Statut :</strong> En attente de paiement" in text


@pytest.fixture
def two_lines(client):
    """A cart of 3 × Sac Trilogy 35 (M / Bleu) and 1 × Bonnet (Noir, one size)."""
    bag = make_variant(
        product=make_product(name="Sac Trilogy 35", price="149.00"),
        size="M",
        colour="Bleu",
        stock=5,
    )
    hat = make_variant(product=make_product(name="Bonnet", price="25.00"), size="", colour="Noir")
    client.post("/panier/ajouter/", {"variant": bag.pk, "quantity": 3})
    client.post("/panier/ajouter/", {"variant": hat.pk, "quantity": 1})
    return bag, hat


def test_items_gone_meanwhile_are_each_named_with_their_size(client, two_lines):
    bag, hat = two_lines
    Variant.objects.filter(pk=bag.pk).update(stock=2)
    Variant.objects.filter(pk=hat.pk).update(stock=0)

    response = client.get("/commande/", follow=True)

    assert response.redirect_chain[-1][0] == "/panier/"
    # One line each, in the cart's order.
    assert (
        '<p class="message message--error">'
        "Ces articles ont changé depuis que vous les avez mis dans votre panier :<br>"
        "Bonnet (Noir) : épuisé<br>"
        "Sac Trilogy 35 (M / Bleu) : plus que 2</p>"
    ) in response.content.decode().translate(NO_BREAK)


def test_a_race_lost_at_the_last_moment_names_the_item_and_its_size(client, two_lines, monkeypatch):
    bag, _hat = two_lines
    place = views.order_place

    def another_buyer_first(**kwargs):
        Variant.objects.filter(pk=bag.pk).update(stock=1)
        return place(**kwargs)

    monkeypatch.setattr(views, "order_place", another_buyer_first)

    response = client.post(
        "/commande/",
        {"checkout_key": client.session["checkout_key"], **HOME},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/panier/"
    assert not Order.objects.exists()
    text = response.content.decode().translate(NO_BREAK)
    assert "Sac Trilogy 35 (M / Bleu) : plus que 1" in text
    assert "Bonnet" not in text.split("message--error")[1].split("</p>")[0]


def test_the_cart_writes_size_and_colour_as_the_order_does(client, two_lines):
    html = client.get("/panier/").content.decode()

    assert '<span class="cart__variant">M / Bleu</span>' in html
    assert '<span class="cart__variant">Noir</span>' in html
    assert "M · Bleu" not in html
