"""Refunds to the card, entered by staff in the admin and made through the provider
(localstripe here): never more than paid, the provider's refund id kept and shown."""

import secrets
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.utils import timezone

from shop import payments
from shop.models import Order, Refund, Return
from shop.returns import return_receive, return_request
from shop.services import order_advance, order_pay_by_card
from tests.factories import NO_BREAK
from tests.shop.factories import CARD_OK, card_token, make_card_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    client.force_login(User.objects.create_superuser("caisse", "caisse@millet.example", "pw-1950"))
    return client


@pytest.fixture
def received(provider, on_commit):
    """Two bags at 80 € paid by card (delivery free from 100 €), shipped, both sent back
    and received."""
    order = make_card_order(price="80.00", quantity=2, stock=2)
    with on_commit():
        order_pay_by_card(
            order=order,
            card_token=card_token(provider, CARD_OK),
            attempt=secrets.token_urlsafe(24),
        )
    order_advance(order=order, to_status=Order.Status.SHIPPED)
    line = order.lines.get()
    parcel = return_request(order=order, quantities={line.pk: 2}, reason="size")
    return return_receive(parcel=parcel)


def refund_in_admin(staff, parcel, amount):
    return staff.post(
        f"/admin/shop/return/{parcel.pk}/change/",
        {
            "amount": amount,
            "method": "card",
            "on": timezone.localdate().isoformat(),
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-0-id": parcel.lines.get().pk,
            "lines-0-parcel": parcel.pk,
        },
        follow=True,
    )


def test_a_received_return_is_refunded_to_the_card_through_the_provider(staff, received):
    parcel = received
    page = refund_in_admin(staff, parcel, "120.00")  # part of it: one bag scuffed

    parcel.refresh_from_db()
    [refund] = Refund.objects.all()
    assert page.status_code == 200
    assert (parcel.status, parcel.refund_amount, parcel.refund_method) == (
        Return.Status.REFUNDED,
        Decimal("120.00"),
        Return.RefundMethod.CARD,
    )
    assert refund.parcel == parcel and refund.amount == Decimal("120.00")
    at_provider = payments.provider().v1.refunds.retrieve(refund.provider_id)
    assert at_provider.amount == 12000 and at_provider.payment_intent == refund.payment.intent_id
    shown = staff.get(f"/admin/shop/return/{parcel.pk}/change/").content.decode()
    assert refund.provider_id in shown
    order_page = staff.get(f"/admin/shop/order/{parcel.order.pk}/change/").content.decode()
    assert refund.provider_id in order_page and refund.payment.intent_id in order_page
    assert LogEntry.objects.filter(
        object_id=str(parcel.pk), change_message__contains="120"
    ).exists()


def test_a_card_refund_is_never_more_than_paid(staff, received):
    parcel = received
    page = refund_in_admin(staff, parcel, "200.00")

    parcel.refresh_from_db()
    assert parcel.status == Return.Status.RECEIVED
    assert not Refund.objects.exists()
    assert "160" in page.content.decode().translate(NO_BREAK)  # 2 × 80 €


def test_the_whole_order_refunded_leaves_nothing_to_refund(received):
    parcel = received
    payment = parcel.order.payments.get(status="succeeded")
    payments.refund_card(
        payment=payment, amount=Decimal("160.00"), reason=Refund.Reason.RETURN, key="all"
    )

    with pytest.raises(payments.PaymentRefused):
        payments.refund_card(
            payment=payment, amount=Decimal("0.01"), reason=Refund.Reason.RETURN, key="more"
        )
    assert payments.refundable(payment) == Decimal("0.00")


def test_the_same_refund_asked_twice_is_made_once(received):
    payment = received.order.payments.get(status="succeeded")

    first = payments.refund_card(
        payment=payment, amount=Decimal("10.00"), reason=Refund.Reason.RETURN, key="once"
    )
    again = payments.refund_card(
        payment=payment, amount=Decimal("10.00"), reason=Refund.Reason.RETURN, key="once"
    )

    assert first.pk == again.pk and Refund.objects.count() == 1


def test_a_transfer_order_cannot_be_refunded_to_a_card(staff, shipped_by_transfer):
    parcel = shipped_by_transfer
    page = refund_in_admin(staff, parcel, "10.00")

    parcel.refresh_from_db()
    assert parcel.status == Return.Status.RECEIVED
    assert "virement" in page.content.decode()


@pytest.fixture
def shipped_by_transfer(provider):
    order = make_card_order(price="50.00", payment_method=Order.Payment.TRANSFER)
    order_advance(order=order, to_status=Order.Status.PAID)
    order_advance(order=order, to_status=Order.Status.SHIPPED)
    parcel = return_request(order=order, quantities={order.lines.get().pk: 1}, reason="size")
    return return_receive(parcel=parcel)


def test_staff_cancelling_a_paid_card_order_refund_it_and_the_history_says_so(
    staff, provider, on_commit
):
    order = make_card_order(price="99.00")
    with on_commit():
        order_pay_by_card(
            order=order, card_token=card_token(provider, CARD_OK), attempt=secrets.token_urlsafe(24)
        )

    staff.post("/admin/shop/order/", {"action": "mark_cancelled", "_selected_action": [order.pk]})

    order.refresh_from_db()
    [refund] = Refund.objects.all()
    assert order.status == Order.Status.CANCELLED
    assert refund.amount == Decimal("105.90")  # 99 € and the delivery
    assert LogEntry.objects.filter(
        object_id=str(order.pk), change_message__contains=refund.provider_id
    ).exists()
