"""The provider's webhook: signed, kept once by event id, acted on by the worker from
what the provider says now, so repeats and events out of order change nothing."""

import hashlib
import hmac
import json
import secrets
import time

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from shop import payments
from shop.models import Order, Payment, PaymentEvent
from tests.shop.factories import CARD_3DS, CARD_OK, bank_check, card_token, make_card_order

pytestmark = pytest.mark.django_db

WEBHOOK = "/paiement/webhook/"


def event(event_type, intent_id, *, event_id=None):
    return {
        "id": event_id or f"evt_{secrets.token_hex(8)}",
        "object": "event",
        "type": event_type,
        "data": {"object": {"id": intent_id, "object": "payment_intent"}},
    }


def deliver(client, payload, *, secret="whsec_localstripe", timestamp=None):  # noqa: S107
    """POST `payload` signed as the provider signs: HMAC-SHA256 of "<time>.<body>"."""
    body = json.dumps(payload)
    timestamp = timestamp or int(time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256)
    return client.post(
        WEBHOOK,
        body,
        content_type="application/json",
        headers={"Stripe-Signature": f"t={timestamp},v1={signature.hexdigest()}"},
    )


def handled_tasks():
    return DBTaskResult.objects.filter(task_path__endswith="payment_event_handle").count()


def paid_elsewhere(provider, order, number=CARD_OK):
    """A try the provider took the money for, the shop not told yet."""
    payment, _ = payments.payment_start(
        order=order, card_token=card_token(provider, number), attempt=secrets.token_urlsafe(24)
    )
    return payment


def test_the_address_is_the_one_the_readme_gives():
    assert reverse("payment_webhook") == WEBHOOK


@pytest.mark.parametrize(
    "signature",
    ["", "t=1,v1=00", "garbage", None],
    ids=["empty", "wrong", "malformed", "other-secret"],
)
def test_a_bad_signature_is_refused_and_changes_nothing(client, signature):
    payload = event("payment_intent.succeeded", "pi_forged")
    if signature is None:
        response = deliver(client, payload, secret="whsec_someone_else")
    else:
        response = client.post(
            WEBHOOK,
            json.dumps(payload),
            content_type="application/json",
            headers={"Stripe-Signature": signature},
        )

    assert response.status_code == 400
    assert not PaymentEvent.objects.exists() and handled_tasks() == 0


def test_an_old_signed_event_is_refused(client):
    response = deliver(client, event("payment_intent.succeeded", "pi_x"), timestamp=1_000_000)

    assert response.status_code == 400


def test_a_signed_body_that_is_not_an_event_is_refused(client):
    response = deliver(client, ["not", "an", "event"])

    assert response.status_code == 400


def test_the_webhook_needs_no_csrf_token_and_only_takes_post(client):
    assert client.get(WEBHOOK).status_code == 405


def test_the_same_event_twice_is_acted_on_once(provider, client, on_commit, task_worker):
    order = make_card_order()
    payment = paid_elsewhere(provider, order)
    payload = event("payment_intent.succeeded", payment.intent_id)

    with on_commit():
        first = deliver(client, payload)
        second = deliver(client, payload)
    with on_commit():
        task_worker.run()  # the event: the order is paid, its confirmation queued
    task_worker.run()

    order.refresh_from_db()
    assert first.status_code == second.status_code == 200
    assert PaymentEvent.objects.count() == 1 and handled_tasks() == 1
    assert order.status == Order.Status.PAID
    [confirmation] = mail.outbox
    assert order.number in confirmation.subject


def test_events_out_of_order_end_with_what_the_provider_says_now(
    provider, client, on_commit, task_worker
):
    order = make_card_order()
    payment = paid_elsewhere(provider, order, CARD_3DS)
    assert payment.status == Payment.Status.REQUIRES_ACTION
    bank_check(provider, payments.client_secret(payment), success=True)

    # The success arrives first, then the older "check needed" event.
    with on_commit():
        deliver(client, event("payment_intent.succeeded", payment.intent_id))
        deliver(client, event("payment_intent.requires_action", payment.intent_id))
    task_worker.run()

    order.refresh_from_db()
    payment.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert payment.status == Payment.Status.SUCCEEDED
    assert PaymentEvent.objects.filter(handled_at__isnull=False).count() == 2


def test_a_failure_event_after_the_success_leaves_the_order_paid(
    provider, client, on_commit, task_worker
):
    order = make_card_order()
    payment = paid_elsewhere(provider, order)
    with on_commit():
        deliver(client, event("payment_intent.succeeded", payment.intent_id))
        deliver(client, event("payment_intent.payment_failed", payment.intent_id))
    task_worker.run()

    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.invoice.number > 0


def test_an_event_for_no_order_of_ours_is_taken_and_ignored(
    provider, client, on_commit, task_worker
):
    with on_commit():
        response = deliver(client, event("payment_intent.succeeded", "pi_not_ours"))
        other = deliver(client, event("charge.refunded", "ch_x"))
    task_worker.run()

    assert response.status_code == other.status_code == 200
    # The payment event is kept, as answered; the customer's event is not ours to keep.
    assert list(PaymentEvent.objects.values_list("outcome", flat=True)) == ["no payment of ours"]
    assert not Order.objects.exists()


def test_a_payment_the_shop_could_not_note_is_found_by_the_webhook(
    provider, client, on_commit, task_worker
):
    order = make_card_order()
    payment = paid_elsewhere(provider, order)
    intent_id = payment.intent_id
    # The process stopped after the provider's answer, before noting the intent's id.
    Payment.objects.filter(pk=payment.pk).update(intent_id=None)

    with on_commit():
        deliver(client, event("payment_intent.succeeded", intent_id))
    with on_commit():
        task_worker.run()

    order.refresh_from_db()
    payment.refresh_from_db()
    assert payment.intent_id == intent_id
    assert order.status == Order.Status.PAID and order.paid_by == payment


def test_two_tries_that_both_went_through_keep_one_and_refund_the_other(
    provider, client, on_commit, task_worker
):
    order = make_card_order()
    older = paid_elsewhere(provider, order)  # its answer lost
    newer = paid_elsewhere(provider, order)  # the shopper's retry, settled first

    with on_commit():
        deliver(client, event("payment_intent.succeeded", newer.intent_id))
        deliver(client, event("payment_intent.succeeded", older.intent_id))
    with on_commit():
        task_worker.run()

    order.refresh_from_db()
    assert order.paid_by == newer
    [refund] = older.refunds.all()
    assert refund.amount == older.amount and not newer.refunds.exists()
