"""Addresses and forms carrying what PostgreSQL cannot hold in text (a NUL byte) or what
no token, reference or typed text has: a 404 or a form error in the shop's words, never a
server error, and nothing saved. Run on SQLite and on PostgreSQL, where they used to fail."""

import pytest
from django.contrib.auth.models import User

from repairs.models import RepairRequest
from shop.models import Order, Return
from shop.services import Customer, order_advance, order_place
from tests.factories import NO_BREAK, make_product, make_variant, unique
from tests.repairs.test_repairs import request_data

pytestmark = pytest.mark.django_db

INVISIBLE_MESSAGE = (
    "Ce texte contient un caractère invisible qui ne peut pas être enregistré : "
    "retapez-le au lieu de le coller."
)
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


def text_of(response):
    return response.content.decode().translate(NO_BREAK)


def errors_of(response, field):
    return [error.translate(NO_BREAK) for error in response.context["form"].errors[field]]


@pytest.fixture
def order():
    """A shipped order, within its return period: its page and return form exist."""
    variant = make_variant(product=make_product(name="Sac Hiker 30", price="80.00"), stock=5)
    placed = order_place(
        items={variant.pk: 1},
        customer=Customer(email="lea@example.org", name="Léa Martin"),
        delivery="home",
        payment_method="transfer",
        checkout_key=unique("key"),
    )
    order_advance(order=placed, to_status=Order.Status.PAID)
    order_advance(order=placed, to_status=Order.Status.SHIPPED)
    return placed


@pytest.fixture
def cart(client):
    variant = make_variant(product=make_product(name="Sac Drôme", price="149.00"), stock=5)
    client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 1})
    client.get("/commande/")  # the page that hands out the checkout key
    return variant


@pytest.fixture
def repair(client):
    """A repair request sent from `client`: its pages are this visitor's to see."""
    response = client.post("/reparation/", request_data())
    assert response.status_code == 302
    return RepairRequest.objects.get()


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize(
    "token",
    [
        "%00",
        "%00abc",
        "{token}%00",  # a real order's token, then a NUL
        "%ED%A0%80",  # the UTF-8 of a lone surrogate
        "{token}%C2%A0",  # a no-break space after a real token
        "a" * 41,  # longer than any token
    ],
)
@pytest.mark.parametrize("page", ["", "retour/"])
def test_an_order_address_no_token_could_have_is_not_found(client, order, prefix, token, page):
    address = f"{prefix}/commande/{token.format(token=order.token)}/{page}"

    assert client.get(address).status_code == 404
    assert client.get(f"{prefix}/commande/{order.token}/{page}").status_code == 200


def test_a_return_sent_to_an_address_with_a_nul_records_nothing(client, order):
    line = order.lines.get()
    data = {f"line_{line.pk}": "1", "reason": "size", "comment": ""}

    response = client.post("/commande/%00/retour/", data)

    assert response.status_code == 404
    assert not Return.objects.exists()


@pytest.mark.parametrize("prefix", ["", "/en"])
@pytest.mark.parametrize(
    "address",
    [
        "reparation/suivi/%00/",
        "reparation/suivi/{reference}%00/",
        "reparation/envoyee/%00/",
        "reparation/suivi/%00/photo/1/",
        "reparation/suivi/r-2026-00001/",  # references are written in capitals
        "reparation/suivi/R-2026-%D9%A1%D9%A2%D9%A3%D9%A4%D9%A5/",  # Arabic-Indic digits
    ],
)
def test_a_repair_address_no_reference_could_have_is_not_found(client, repair, prefix, address):
    response = client.get(f"{prefix}/{address.format(reference=repair.reference)}")

    assert response.status_code == 404
    assert client.get(f"{prefix}/reparation/suivi/{repair.reference}/").status_code == 200


def test_a_quote_answer_sent_to_an_address_with_a_nul_records_nothing(client, repair):
    response = client.post("/reparation/suivi/%00/devis/", {"answer": "accept"})

    assert response.status_code == 404
    repair.refresh_from_db()
    assert repair.quote_decision == ""


def test_a_checkout_key_starting_with_a_nul_orders_nothing(client, cart):
    key = client.session["checkout_key"]

    response = client.post("/commande/", {**HOME, "checkout_key": "\x00" + key[1:]})

    assert response.status_code == 200
    assert "Cette page avait expiré et rien n’a été commandé." in text_of(response)
    assert not Order.objects.exists()
    assert client.session["cart"] == {str(cart.pk): 1}  # kept, to order again
    # The page's own key still places the order.
    assert client.post("/commande/", {**HOME, "checkout_key": key}).status_code == 302
    assert Order.objects.count() == 1


@pytest.mark.parametrize("field", ["name", "street", "city", "email"])
@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b"])
def test_an_invisible_character_typed_into_the_checkout_is_refused(client, cart, field, character):
    data = {**HOME, "checkout_key": client.session["checkout_key"]}
    data[field] = data[field][:3] + character + data[field][3:]

    response = client.post("/commande/", data)

    assert response.status_code == 200
    assert INVISIBLE_MESSAGE in errors_of(response, field)
    assert INVISIBLE_MESSAGE in text_of(response)
    assert not Order.objects.exists()


def test_a_return_comment_with_a_nul_is_refused(client, order):
    line = order.lines.get()

    response = client.post(
        f"/commande/{order.token}/retour/",
        {f"line_{line.pk}": "1", "reason": "size", "comment": "Trop\x00 petit"},
    )

    assert response.status_code == 200
    assert errors_of(response, "comment") == [INVISIBLE_MESSAGE]
    assert not Return.objects.exists()


def test_a_repair_request_with_a_nul_is_refused(client):
    response = client.post("/reparation/", request_data(damage="La bretelle\x00 est déchirée."))

    assert response.status_code == 200
    assert errors_of(response, "damage") == [INVISIBLE_MESSAGE]
    assert not RepairRequest.objects.exists()


def test_tracking_with_a_nul_in_the_reference_is_refused(client, repair):
    response = client.post(
        "/reparation/suivi/", {"reference": f"{repair.reference}\x00", "email": "paul@example.org"}
    )

    assert response.status_code == 200
    assert errors_of(response, "reference") == [INVISIBLE_MESSAGE]


@pytest.mark.parametrize("value", ["%00", "sac%00", "%ED%A0%80"])
def test_a_product_parameter_no_slug_could_have_leaves_the_repair_form_empty(client, value):
    response = client.get(f"/reparation/?produit={value}")

    assert response.status_code == 200
    assert response.context["form"]["product"].value() is None


@pytest.mark.parametrize(
    "address",
    [
        "/produit/sac%00/",
        "/en/admin/shop/order/?q=%00",
        "/histoire/%00/",
        "/admin/shop/order/?status=%00",
    ],
)
def test_a_nul_byte_in_a_path_or_an_admin_query_is_not_found(client, address):
    """The admin's list filters included: staff signed in. (The shop's own pages drop
    such characters from their queries: tests/catalog/test_hostile_queries.py.)"""
    staff = User.objects.create_superuser("chef", "chef@millet.example", "pw-1921")
    client.force_login(staff)
    response = client.get(address)
    assert response.status_code == 404
    words = "This path leads nowhere" if address.startswith("/en/") else "Ce chemin ne mène"
    assert words in response.content.decode().translate(NO_BREAK)
