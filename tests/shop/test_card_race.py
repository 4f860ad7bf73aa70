"""Fifty shoppers at once on five units, paying by card against localstripe: the stock
is never oversold, a declined card's hold runs out and its units go back once, the
next rush takes them, and every paid order has one payment and one invoice number."""

import datetime
import re
import secrets
import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from catalog.models import Variant
from shop import payments
from shop.models import Invoice, InvoiceSequence, Order, Payment, Refund
from shop.services import order_hold_release, order_pay_by_card
from tests.conftest import TaskWorker
from tests.factories import make_product, make_variant
from tests.shop.factories import CARD_DECLINED, CARD_OK, card_token

BUYERS = 50
STOCK = 5
# What a shopper who came too late reads: the checkout's refusal, or the cart's own
# when the unit was gone before their form was read.
TOO_LATE = ("n’est plus disponible dans cette quantité", "Cette taille n’est plus disponible")
DECLINED = "Votre banque a refusé cette carte. Essayez une autre carte."
PAY_PAGE = re.compile(r"^/commande/([A-Za-z0-9_-]+)/paiement/$")


def at_once(jobs):
    """Run each (prepare, act) in its own thread and connection: every thread prepares,
    then all act together. Returns what each act returned, or the exception it raised."""
    start = threading.Barrier(len(jobs), timeout=60)
    results = [None] * len(jobs)

    def run(index, prepare, act):
        try:
            ready = prepare()
            # The test client keeps a thread's connection open between requests:
            # hand it back before waiting for the others.
            connections.close_all()
            start.wait()
            results[index] = act(ready)
        except Exception as error:  # a failed thread must not hang the others
            start.abort()
            results[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, prepare, act))
        for index, (prepare, act) in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def checkout_rush(variant, buyers, first):
    """`buyers` shoppers, each with 1 unit in their cart, send the checkout at once,
    paying by card. Returns (the orders placed, the pages of the shoppers refused)."""

    def buyer(index):
        client = Client()

        def prepare():
            client.post("/panier/ajouter/", {"variant": variant.pk, "quantity": 1})
            return {
                "email": f"buyer{index}@example.org",
                "name": f"Buyer {index}",
                "delivery": "home",
                "street": "1 rue du Lac",
                "postcode": "74000",
                "city": "Annecy",
                "payment_method": "card",
                "accept_terms": "on",
                "checkout_key": client.session["checkout_key"],
            }

        def act(form):
            response = client.post("/commande/", form, follow=True)
            return response.status_code, response.request["PATH_INFO"], response.content.decode()

        return prepare, act

    answers = at_once([buyer(index) for index in range(first, first + buyers)])

    assert [a for a in answers if isinstance(a, Exception)] == []
    assert [status for status, _path, _html in answers] == [200] * buyers
    tokens = [PAY_PAGE.match(path)[1] for _status, path, _html in answers if PAY_PAGE.match(path)]
    refused = [html for _status, path, html in answers if not PAY_PAGE.match(path)]
    return list(Order.objects.filter(token__in=tokens).order_by("pk")), refused


def pay_at_once(provider, cards):
    """Each order of `cards` {order: card number} is paid at the same moment, each try
    with its own one-time key and card token. Returns {order pk: (payment, refusal)}."""

    def payer(order, number):
        def prepare():
            return card_token(provider, number)

        def act(token):
            fresh = Order.objects.get(pk=order.pk)
            return order_pay_by_card(
                order=fresh, card_token=token, attempt=secrets.token_urlsafe(24)
            )

        return prepare, act

    answers = at_once([payer(order, number) for order, number in cards.items()])
    assert [a for a in answers if isinstance(a, Exception)] == []
    return {order.pk: answer for order, answer in zip(cards, answers, strict=True)}


def move_time_past_the_hold(orders):
    """The holds have run out: the orders are due, and so are the worker's tasks."""
    past = timezone.now() - datetime.timedelta(minutes=1)
    Order.objects.filter(pk__in=[order.pk for order in orders]).update(payment_due_by=past)
    DBTaskResult.objects.filter(task_path__endswith="order_hold_expire").update(run_after=past)


def stock(variant):
    return Variant.objects.get(pk=variant.pk).stock


def held_units(variant):
    """Units taken by orders that are not cancelled."""
    return (
        Order.objects.exclude(status=Order.Status.CANCELLED)
        .filter(lines__variant=variant)
        .aggregate(units=Sum("lines__quantity", default=0))["units"]
    )


def intents_by_customer():
    """The provider's PaymentIntents, as it lists them, by customer (one per order)."""
    listed = payments.provider().v1.payment_intents.list(params={"limit": 100})
    intents = {}
    for intent in listed.auto_paging_iter():
        intents.setdefault(intent.customer, []).append(intent.status)
    return intents


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_card_buyers_on_five_units_then_the_released_two(require_postgres, provider):
    variant = make_variant(product=make_product(name="Sac Drôme", price="149.00"), stock=STOCK)

    # Round 1: fifty shoppers, five units.
    placed, refused = checkout_rush(variant, BUYERS, first=0)

    assert len(placed) == STOCK
    assert len(refused) == BUYERS - STOCK
    assert all(any(words in html for words in TOO_LATE) for html in refused)
    assert Order.objects.count() == STOCK
    assert stock(variant) == 0 and held_units(variant) == STOCK
    assert all(order.status == Order.Status.AWAITING_PAYMENT for order in placed)

    # Three pay, two cards are declined: all at the same moment.
    paying, declined = placed[:3], placed[3:]
    answers = pay_at_once(
        provider,
        {**dict.fromkeys(paying, CARD_OK), **dict.fromkeys(declined, CARD_DECLINED)},
    )

    for order in paying:
        payment, refusal = answers[order.pk]
        assert refusal == "" and payment.status == Payment.Status.SUCCEEDED
    for order in declined:
        payment, refusal = answers[order.pk]
        assert refusal == DECLINED and payment.status == Payment.Status.REQUIRES_PAYMENT_METHOD
    statuses = dict(Order.objects.values_list("pk", "status"))
    assert [statuses[order.pk] for order in paying] == [Order.Status.PAID] * 3
    assert [statuses[order.pk] for order in declined] == [Order.Status.AWAITING_PAYMENT] * 2
    assert stock(variant) == 0

    # The holds run out: two workers and the release itself, all at once, for the
    # two unpaid orders; each is released once.
    move_time_past_the_hold(declined)
    releases = at_once(
        [(lambda: None, lambda _: TaskWorker().run()) for _ in range(2)]
        + [(lambda: None, lambda _, o=order: order_hold_release(o)) for order in declined * 2]
    )

    assert [r for r in releases if isinstance(r, Exception)] == []
    task_outcomes = list(
        DBTaskResult.objects.filter(task_path__endswith="order_hold_expire")
        .exclude(status="READY")
        .values_list("args_kwargs__kwargs__order_id", "return_value")
    )
    for order in declined:
        outcomes = [r for r, o in zip(releases[2:], declined * 2, strict=True) if o == order]
        outcomes += [value for order_id, value in task_outcomes if order_id == order.pk]
        assert sorted(outcomes) == ["nothing to release"] * (len(outcomes) - 1) + ["released"]
    for order in paying:
        assert [v for o, v in task_outcomes if o == order.pk] == ["nothing to release"]
    assert not DBTaskResult.objects.failed().exists()
    assert stock(variant) == 2 and held_units(variant) == 3

    # The release again, and the worker again: nothing changes.
    assert [order_hold_release(order) for order in declined] == ["nothing to release"] * 2
    TaskWorker().run()
    for order in declined:
        order.refresh_from_db()
        assert order.status == Order.Status.CANCELLED
        assert order.stock_returned and order.hold_released_at is not None
    assert stock(variant) == 2

    # Round 2: fifty more shoppers on the two units released; both winners pay at once.
    latecomers, refused = checkout_rush(variant, BUYERS, first=BUYERS)

    assert len(latecomers) == 2
    assert len(refused) == BUYERS - 2
    assert all(any(words in html for words in TOO_LATE) for html in refused)
    assert stock(variant) == 0 and held_units(variant) == STOCK
    answers = pay_at_once(provider, dict.fromkeys(latecomers, CARD_OK))
    assert [refusal for _payment, refusal in answers.values()] == ["", ""]
    TaskWorker().run()  # the confirmations

    # In the end: five orders paid, once each, invoiced without a gap; nothing oversold.
    paid = list(Order.objects.filter(status=Order.Status.PAID).order_by("pk"))
    assert [order.pk for order in paid] == [order.pk for order in paying + latecomers]
    assert sorted(Order.objects.values_list("status", flat=True)) == sorted(
        [Order.Status.CANCELLED] * 2 + [Order.Status.PAID] * 5
    )
    intents = intents_by_customer()
    for order in paid:
        [payment] = order.payments.all()
        assert payment.status == Payment.Status.SUCCEEDED
        assert payment.amount == order.total
        assert intents[payment.customer_id] == ["succeeded"]
    for order in declined:
        [payment] = order.payments.all()
        # The declined try was closed at the provider when the hold ran out.
        assert payment.status == Payment.Status.CANCELED and payment.intent_id
        assert intents[payment.customer_id] == ["canceled"]
    assert not Refund.objects.exists()
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, STOCK + 1))
    assert set(Invoice.objects.values_list("order", flat=True)) == {order.pk for order in paid}
    assert InvoiceSequence.objects.get().last == STOCK
    assert stock(variant) == 0 and held_units(variant) == STOCK
    assert not DBTaskResult.objects.failed().exists()
    assert connection.vendor == "postgresql"
