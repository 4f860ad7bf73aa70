"""order_place and order_advance: all-or-nothing orders, allowed moves, no overselling."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test import Client

from catalog.models import Variant
from shop.models import Order
from shop.services import Customer, LineUnavailable, TransitionRefused, order_advance, order_place
from tests.factories import make_product, make_variant, unique
from tests.shop.factories import make_store

CUSTOMER = Customer(
    email="a@example.org", name="Anne", street="1 rue", postcode="74000", city="Annecy"
)


def place(items, **overrides):
    fields = {
        "customer": CUSTOMER,
        "delivery": "home",
        "payment_method": "transfer",
        "checkout_key": unique("key"),
        **overrides,
    }
    return order_place(items=items, **fields)


@pytest.mark.django_db
def test_one_line_short_places_nothing_at_all():
    plenty = make_variant(stock=10)
    short = make_variant(stock=1)

    with pytest.raises(LineUnavailable) as problem:
        place({plenty.pk: 3, short.pk: 2})

    assert problem.value.variant_id == short.pk
    assert not Order.objects.exists()
    assert Variant.objects.get(pk=plenty.pk).stock == 10
    assert Variant.objects.get(pk=short.pk).stock == 1


@pytest.mark.django_db
def test_an_unpublished_product_cannot_be_ordered():
    hidden = make_variant(product=make_product(is_published=False), stock=5)

    with pytest.raises(LineUnavailable):
        place({hidden.pk: 1})
    assert Variant.objects.get(pk=hidden.pk).stock == 5


@pytest.mark.django_db
def test_order_lines_keep_their_name_and_price_when_the_catalogue_changes():
    variant = make_variant(
        product=make_product(name="Veste Guide", price="649.00"), size="M", colour="Rouge", stock=2
    )
    order = place({variant.pk: 1})
    variant.product.name = "Veste Guide 2027"
    variant.product.price = Decimal("699.00")
    variant.product.save()

    line = order.lines.get()
    assert (line.product_name, line.unit_price, line.variant_label) == (
        "Veste Guide",
        Decimal("649.00"),
        "M / Rouge",
    )


@pytest.mark.django_db
def test_allowed_moves_and_refused_ones():
    order = place({make_variant(stock=5).pk: 1})

    order = order_advance(order=order, to_status="paid")
    with pytest.raises(TransitionRefused):
        order_advance(order=order, to_status="collected")  # a home delivery is never collected
    order = order_advance(order=order, to_status="shipped")
    with pytest.raises(TransitionRefused):
        order_advance(order=order, to_status="cancelled")
    assert order.status == "shipped"


@pytest.mark.django_db
def test_pay_at_collection_orders_can_be_ready_before_payment():
    store = make_store()
    order = place(
        {make_variant(stock=5).pk: 1}, delivery="collect", store=store, payment_method="at_store"
    )

    order = order_advance(order=order, to_status="ready")
    order = order_advance(order=order, to_status="collected")
    assert order.status == "collected"


@pytest.mark.django_db
def test_cancelling_puts_the_stock_back_exactly_once():
    variant = make_variant(stock=5)
    order = place({variant.pk: 2})
    assert Variant.objects.get(pk=variant.pk).stock == 3

    order = order_advance(order=order, to_status="cancelled")
    assert Variant.objects.get(pk=variant.pk).stock == 5
    with pytest.raises(TransitionRefused):
        order_advance(order=order, to_status="cancelled")
    assert Variant.objects.get(pk=variant.pk).stock == 5
    assert order.stock_returned


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_buyers_on_five_units_make_exactly_five_orders(require_postgres):
    variant = make_variant(product=make_product(name="Sac Drôme", price="149.00"), stock=5)
    buyers = 20
    start = threading.Barrier(buyers, timeout=60)
    outcomes = []

    def buy(index):
        client = Client()
        try:
            client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 1})
            # The test client keeps a thread's connection open between requests:
            # hand it back to the pool before waiting for the others.
            connections.close_all()
            start.wait()
            response = client.post(
                "/commande/",
                {
                    "email": f"buyer{index}@example.org",
                    "name": f"Buyer {index}",
                    "delivery": "home",
                    "street": "1 rue du Lac",
                    "postcode": "74000",
                    "city": "Annecy",
                    "payment_method": "transfer",
                    "accept_terms": "on",
                    "checkout_key": client.session["checkout_key"],
                },
                follow=True,
            )
            outcomes.append((response.status_code, response.content.decode()))
        except Exception as error:  # a failed buyer must not hang the others
            start.abort()
            outcomes.append((repr(error), ""))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buy, args=(i,)) for i in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [o for o, _ in outcomes if not isinstance(o, int)] == []
    assert Order.objects.count() == 5
    assert Variant.objects.get(pk=variant.pk).stock == 0
    assert [status for status, _ in outcomes] == [200] * buyers
    winners = [html for _, html in outcomes if "est enregistrée" in html]
    losers = [
        html
        for _, html in outcomes
        if "n’est plus disponible dans cette quantité" in html
        or "Cette taille n’est plus disponible" in html
    ]
    assert len(winners) == 5
    assert len(losers) == 15
    assert connection.vendor == "postgresql"
