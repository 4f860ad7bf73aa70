"""An unpaid card order holds its stock for PAYMENT_HOLD_MINUTES, then the worker
releases it once; a payment that goes through later takes the stock again or is
refunded at once. Time is moved on by moving the hold and the queued task."""

import datetime
import secrets
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alerts.models import StockAlert
from catalog.models import Variant
from shop import payments
from shop.models import Order, Payment, PaymentEvent, Refund
from shop.services import (
    TransitionRefused,
    order_advance,
    order_hold_release,
    order_payment_switch,
    order_settle,
)
from tests.shop.factories import CARD_OK, buy, card_token, make_card_order

pytestmark = pytest.mark.django_db


def move_time_past_the_hold(order):
    """The hold has run out: the order is due, and so is the worker's task for it."""
    past = timezone.now() - datetime.timedelta(minutes=1)
    Order.objects.filter(pk=order.pk).update(payment_due_by=past)
    DBTaskResult.objects.filter(task_path__endswith="order_hold_expire").update(run_after=past)


def stock_of(order):
    return Variant.objects.get(pk=order.lines.get().variant_id).stock


def pay_in_flight(provider, order):
    """A try that passed the payment page's checks before the release and reaches the
    provider after it: the money is taken, the shop settles it late."""
    payment, refusal = payments.payment_start(
        order=order, card_token=card_token(provider, CARD_OK), attempt=secrets.token_urlsafe(24)
    )
    assert refusal == "" and payment.status == Payment.Status.SUCCEEDED
    return payment


def test_the_hold_is_set_from_the_setting(settings, provider):
    settings.PAYMENT_HOLD_MINUTES = 30
    before = timezone.now()
    order = make_card_order()
    after = timezone.now()

    hold = datetime.timedelta(minutes=30)
    assert before + hold <= order.payment_due_by <= after + hold


def test_the_worker_leaves_a_held_order_alone_until_the_hold_ends(provider, on_commit, task_worker):
    with on_commit():
        order = make_card_order(quantity=2, stock=2)

    assert task_worker.run() == 0  # the task is not due yet
    assert order_hold_release(order) == "still held"
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT and stock_of(order) == 0


def test_an_unpaid_order_is_released_once_and_the_shopper_told(provider, on_commit, task_worker):
    with on_commit():
        order = make_card_order(quantity=2, stock=3)
    assert stock_of(order) == 1

    move_time_past_the_hold(order)
    with on_commit():
        task_worker.run()
        again = order_hold_release(order)
    task_worker.run()

    order.refresh_from_db()
    assert again == "nothing to release"
    assert order.status == Order.Status.CANCELLED and order.hold_released_at is not None
    assert stock_of(order) == 3
    [email] = mail.outbox
    assert order.number in email.subject and email.to == ["lea@example.org"]


def test_the_release_lets_back_in_stock_alerts_go(provider, on_commit, task_worker):
    with on_commit():
        order = make_card_order(quantity=1, stock=1)
    variant = Variant.objects.get(pk=order.lines.get().variant_id)
    StockAlert.objects.create(
        variant=variant, email="paul@example.org", confirmed_at=timezone.now()
    )

    move_time_past_the_hold(order)
    with on_commit():
        task_worker.run()
    task_worker.run()

    assert StockAlert.objects.get().notified_at is not None
    assert "paul@example.org" in [address for email in mail.outbox for address in email.to]


def test_a_payment_that_went_through_before_the_release_pays_instead(provider, on_commit):
    with on_commit():
        order = make_card_order()
    pay_in_flight(provider, order)  # its answer lost: the order was never settled

    move_time_past_the_hold(order)
    with on_commit():
        outcome = order_hold_release(order)

    order.refresh_from_db()
    assert outcome == "paid"
    assert order.status == Order.Status.PAID and stock_of(order) == 0


def test_a_late_payment_takes_the_stock_again_when_it_is_there(provider, on_commit, task_worker):
    with on_commit():
        order = make_card_order(quantity=2, stock=5)
    move_time_past_the_hold(order)
    with on_commit():
        task_worker.run()
    assert stock_of(order) == 5

    with on_commit():
        order_settle(pay_in_flight(provider, order))
    task_worker.run()

    order.refresh_from_db()
    assert order.status == Order.Status.PAID and order.hold_released_at is None
    assert stock_of(order) == 3 and order.invoice
    assert not Refund.objects.exists()
    subjects = [email.subject for email in mail.outbox]
    assert any("paiement" in subject and "arrivé" in subject for subject in subjects)


def test_a_late_payment_is_refunded_at_once_when_the_stock_is_gone(
    provider, on_commit, task_worker
):
    with on_commit():
        order = make_card_order(price="64.50", quantity=1, stock=1)
    move_time_past_the_hold(order)
    with on_commit():
        task_worker.run()
    variant = Variant.objects.get(pk=order.lines.get().variant_id)
    buy(variant)  # the unit went to another shopper

    payment = pay_in_flight(provider, order)
    with on_commit():
        order_settle(payment)
        order_settle(payment)  # the webhook's event, arriving as well
    task_worker.run()

    order.refresh_from_db()
    [refund] = Refund.objects.all()
    assert order.status == Order.Status.CANCELLED and stock_of(order) == 0
    assert refund.amount == payment.amount == order.total
    at_provider = payments.provider().v1.refunds.retrieve(refund.provider_id)
    assert at_provider.amount == 6450 + 690 and at_provider.payment_intent == payment.intent_id
    subjects = [email.subject for email in mail.outbox]
    assert any("remboursé" in subject for subject in subjects)


def test_cancelling_a_paid_card_order_refunds_it(provider, on_commit):
    with on_commit():
        order = make_card_order(price="150.00")
    payment = pay_in_flight(provider, order)
    with on_commit():
        order_settle(payment)

    order_advance(order=order, to_status=Order.Status.CANCELLED)

    [refund] = Refund.objects.all()
    assert refund.reason == Refund.Reason.CANCELLATION and refund.amount == Decimal("150.00")
    assert payments.provider().v1.refunds.retrieve(refund.provider_id).amount == 15000


def test_a_second_try_that_also_went_through_is_refunded(provider, on_commit):
    with on_commit():
        order = make_card_order()
    first = pay_in_flight(provider, order)
    second = pay_in_flight(provider, order)

    with on_commit():
        order_settle(first)
        order_settle(second)

    order.refresh_from_db()
    [refund] = Refund.objects.all()
    assert order.status == Order.Status.PAID
    assert refund.payment == second and refund.reason == Refund.Reason.DUPLICATE


def test_staff_cancelling_while_a_payment_went_through_unseen_refund_it(provider, on_commit):
    with on_commit():
        order = make_card_order(price="70.00")
    payment = pay_in_flight(provider, order)  # taken at the provider, not settled yet

    order_advance(order=order, to_status=Order.Status.CANCELLED)
    order_settle(payment)  # its webhook, arriving after

    order.refresh_from_db()
    [refund] = Refund.objects.all()
    assert order.status == Order.Status.CANCELLED and order.paid_at is None
    assert refund.payment == payment and refund.amount == payment.amount


def test_staff_cannot_mark_a_card_order_paid(provider):
    order = make_card_order()

    with pytest.raises(TransitionRefused):
        order_advance(order=order, to_status=Order.Status.PAID)


def test_a_card_try_under_way_when_the_shopper_chose_a_transfer_pays_by_card(provider, on_commit):
    with on_commit():
        order = make_card_order()
    order_payment_switch(order=order, method=Order.Payment.TRANSFER)

    with on_commit():
        order_settle(pay_in_flight_after_switch(provider, order))

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.payment_method == Order.Payment.CARD and not Refund.objects.exists()


def pay_in_flight_after_switch(provider, order):
    Order.objects.filter(pk=order.pk).update(payment_method=Order.Payment.CARD)
    payment = pay_in_flight(provider, order)
    Order.objects.filter(pk=order.pk).update(payment_method=Order.Payment.TRANSFER)
    return payment


def test_the_sweep_catches_up_on_orders_and_events_left_behind(provider, on_commit, task_worker):
    with on_commit():
        order = make_card_order(quantity=1, stock=1)
    Order.objects.filter(pk=order.pk).update(
        payment_due_by=timezone.now() - datetime.timedelta(hours=3)
    )
    DBTaskResult.objects.all().delete()  # its task lost
    event = PaymentEvent.objects.create(event_id="evt_left", type="payment_intent.succeeded")
    PaymentEvent.objects.filter(pk=event.pk).update(
        received_at=timezone.now() - datetime.timedelta(hours=1)
    )

    call_command("payments_sweep", stdout=StringIO())
    task_worker.run()

    order.refresh_from_db()
    event.refresh_from_db()
    assert order.status == Order.Status.CANCELLED and stock_of(order) == 1
    assert event.handled_at is not None


def test_a_refund_the_provider_does_not_answer_says_it_may_be_made(provider, on_commit, settings):
    with on_commit():
        order = make_card_order()
    payment = pay_in_flight(provider, order)
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    with pytest.raises(payments.PaymentUnavailable, match="Stripe"):
        payments.refund_card(
            payment=payment, amount=Decimal("1.00"), reason=Refund.Reason.RETURN, key="x"
        )
    assert not Refund.objects.exists()
