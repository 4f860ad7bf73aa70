"""Card payment against localstripe, a real HTTP server speaking the provider's API:
paid only when the provider says so, one charge per try, declines, 3-D Secure, the
provider unreachable."""

import secrets

import pytest
from django.core import mail
from django.urls import reverse

from catalog.models import Variant
from shop import payments
from shop.models import Order, Payment
from shop.services import order_pay_by_card
from tests.shop.factories import (
    CARD_3DS,
    CARD_DECLINED,
    CARD_OK,
    bank_check,
    card_token,
    make_card_order,
)

pytestmark = pytest.mark.django_db

# What the payment script asks for: the answer as JSON.
JSON = {"Accept": "application/json"}


def attempt():
    return secrets.token_urlsafe(24)


def intents_of(order):
    """The provider's PaymentIntents for `order` (its customer there), as the provider lists
    them: tries the shop forgot would be here too."""
    customers = set(order.payments.values_list("customer_id", flat=True))
    listed = payments.provider().v1.payment_intents.list(params={"limit": 100})
    return [intent for intent in listed.auto_paging_iter() if intent.customer in customers]


def test_a_card_order_holds_its_stock_and_waits_for_the_payment(provider):
    order = make_card_order(quantity=2, stock=5)
    variant = Variant.objects.get(pk=order.lines.get().variant_id)

    assert order.status == Order.Status.AWAITING_PAYMENT
    assert order.payment_due_by is not None
    assert variant.stock == 3
    assert not hasattr(order, "invoice")


def test_the_success_card_pays_the_order_once(provider, on_commit, task_worker):
    order = make_card_order(price="120.00")

    with on_commit():
        payment, refusal = order_pay_by_card(
            order=order, card_token=card_token(provider, CARD_OK), attempt=attempt()
        )

    order.refresh_from_db()
    assert refusal == ""
    assert payment.status == Payment.Status.SUCCEEDED
    assert order.status == Order.Status.PAID and order.paid_at is not None
    assert order.invoice.number > 0
    [intent] = intents_of(order)
    assert intent.amount == 12000 and intent.currency == "eur" and intent.status == "succeeded"
    task_worker.run()
    [confirmation] = mail.outbox
    assert order.number in confirmation.subject


def test_a_double_click_charges_once(provider, on_commit):
    order = make_card_order()
    token, key = card_token(provider, CARD_OK), attempt()

    with on_commit():
        order_pay_by_card(order=order, card_token=token, attempt=key)
    order.refresh_from_db()
    with pytest.raises(payments.PaymentRefused):
        order_pay_by_card(order=order, card_token=token, attempt=key)

    assert len(intents_of(order)) == 1
    assert Payment.objects.filter(order=order).count() == 1


def test_the_same_try_sent_twice_before_it_is_paid_is_one_payment(provider):
    order = make_card_order()
    key = attempt()

    first, _refusal = payments.payment_start(
        order=order, card_token=card_token(provider, CARD_DECLINED), attempt=key
    )
    again, _ = payments.payment_start(
        order=order, card_token=card_token(provider, CARD_DECLINED), attempt=key
    )

    assert first.pk == again.pk
    assert len(intents_of(order)) == 1


def test_a_declined_card_leaves_the_order_waiting_and_a_new_try_pays(provider, on_commit):
    order = make_card_order()

    declined, refusal = order_pay_by_card(
        order=order, card_token=card_token(provider, CARD_DECLINED), attempt=attempt()
    )
    order.refresh_from_db()
    assert declined.status == Payment.Status.REQUIRES_PAYMENT_METHOD
    assert refusal == "Votre banque a refusé cette carte. Essayez une autre carte."
    assert order.status == Order.Status.AWAITING_PAYMENT

    with on_commit():
        _paid, refusal = order_pay_by_card(
            order=order, card_token=card_token(provider, CARD_OK), attempt=attempt()
        )
    order.refresh_from_db()
    assert refusal == "" and order.status == Order.Status.PAID
    assert sorted(intent.status for intent in intents_of(order)) == [
        "requires_payment_method",
        "succeeded",
    ]


def test_3d_secure_pays_only_once_the_provider_says_so(provider, client, on_commit):
    order = make_card_order()
    payment, _refusal = order_pay_by_card(
        order=order, card_token=card_token(provider, CARD_3DS), attempt=attempt()
    )
    assert payment.status == Payment.Status.REQUIRES_ACTION
    check = reverse("shop:order_pay_check", kwargs={"token": order.token})

    # Reaching the check before the bank's answer pays nothing.
    answer = client.post(check, {"attempt": payment.attempt}).json()
    assert answer["state"] == "requires_action"
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT

    bank_check(provider, payments.client_secret(payment), success=True)
    with on_commit():
        answer = client.post(check, {"attempt": payment.attempt}).json()
    order.refresh_from_db()
    assert answer == {"state": "paid", "redirect": order.get_absolute_url()}
    assert order.status == Order.Status.PAID


def test_a_failed_bank_check_lets_the_shopper_try_again(provider, client):
    order = make_card_order()
    payment, _ = order_pay_by_card(
        order=order, card_token=card_token(provider, CARD_3DS), attempt=attempt()
    )

    bank_check(provider, payments.client_secret(payment), success=False)
    answer = client.post(
        reverse("shop:order_pay_check", kwargs={"token": order.token}),
        {"attempt": payment.attempt},
    ).json()

    assert answer["state"] == "refused"
    assert "3-D Secure" in answer["message"]
    assert answer["attempt"] != payment.attempt
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT


def test_the_provider_unreachable_charges_nothing_and_says_so(settings, client):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"
    order = make_card_order()

    response = client.post(
        reverse("shop:order_pay", kwargs={"token": order.token}),
        {"attempt": attempt(), "card_token": "tok_unreachable1"},
        headers=JSON,
    )

    assert response.status_code == 503
    assert "rien n’a été débité" in response.json()["message"]
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT
    assert not order.payments.filter(status=Payment.Status.SUCCEEDED).exists()


def test_the_browser_cannot_declare_an_order_paid(provider, client):
    order = make_card_order()
    pay = reverse("shop:order_pay", kwargs={"token": order.token})

    forged = client.post(pay, {"attempt": attempt(), "card_token": "tok_<script>"}, headers=JSON)
    unknown = client.post(
        reverse("shop:order_pay_check", kwargs={"token": order.token}), {"attempt": attempt()}
    )
    client.get(order.get_absolute_url() + "?paid=1")

    assert forged.status_code == 400
    assert unknown.json()["state"] == "refused"
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT


def test_the_payment_page_loads_the_provider_script_and_allows_it_there_alone(provider, client):
    order = make_card_order()

    page = client.get(reverse("shop:order_pay", kwargs={"token": order.token}))
    order_page = client.get(order.get_absolute_url())

    assert page.status_code == 200
    assert f'src="{provider}/js.stripe.com/v3/"' in page.text
    assert provider in page["Content-Security-Policy"]
    assert provider not in order_page["Content-Security-Policy"]
    assert "Payer 86,80\u00a0€" in page.text  # 79,90 € and the delivery
    assert "private" in page["Cache-Control"]


def test_switching_to_a_bank_transfer_ends_the_hold_and_confirms(provider, client, on_commit):
    order = make_card_order()

    with on_commit():
        response = client.post(
            reverse("shop:order_pay_switch", kwargs={"token": order.token}), {"method": "transfer"}
        )

    order.refresh_from_db()
    assert response.url == order.get_absolute_url()
    assert order.payment_method == Order.Payment.TRANSFER and order.payment_due_by is None
    assert order.status == Order.Status.AWAITING_PAYMENT


def test_paying_at_the_store_is_refused_for_a_home_delivery(provider, client):
    order = make_card_order()

    client.post(
        reverse("shop:order_pay_switch", kwargs={"token": order.token}), {"method": "at_store"}
    )

    order.refresh_from_db()
    assert order.payment_method == Order.Payment.CARD


def test_a_connection_gets_a_few_card_tries_an_hour(provider, client, settings):
    order = make_card_order()
    pay = reverse("shop:order_pay", kwargs={"token": order.token})

    answers = [
        client.post(pay, {"attempt": attempt(), "card_token": "tok_unknown"}, headers=JSON)
        for _ in range(21)
    ]

    # A token the provider never made: refused, nothing charged; then the order's own limit.
    assert [answer.status_code for answer in answers] == [200] * 10 + [409] * 10 + [429]
    assert (
        answers[0].json()["message"]
        == "Les informations de la carte ne nous sont pas parvenues. Réessayez."
    )
    assert "Payez par virement" in answers[20].json()["message"]


def test_an_order_gets_ten_card_tries(provider):
    order = make_card_order()
    for _ in range(10):
        order_pay_by_card(
            order=order, card_token=card_token(provider, CARD_DECLINED), attempt=attempt()
        )

    with pytest.raises(payments.PaymentRefused, match="trop de tentatives"):
        order_pay_by_card(order=order, card_token=card_token(provider, CARD_OK), attempt=attempt())
    order.refresh_from_db()
    assert order.status == Order.Status.AWAITING_PAYMENT


def test_a_try_key_of_another_order_is_refused_without_an_error(provider, client):
    mine, theirs = make_card_order(), make_card_order()
    key = attempt()
    payments.payment_start(
        order=theirs, card_token=card_token(provider, CARD_DECLINED), attempt=key
    )

    answer = client.post(
        reverse("shop:order_pay", kwargs={"token": mine.token}),
        {"attempt": key, "card_token": card_token(provider, CARD_OK)},
        headers=JSON,
    )

    assert answer.status_code == 409 and answer.json()["state"] == "refused"
    mine.refresh_from_db()
    assert mine.status == Order.Status.AWAITING_PAYMENT


def test_the_form_sent_without_its_script_says_a_card_needs_javascript(provider, client):
    order = make_card_order()
    pay = reverse("shop:order_pay", kwargs={"token": order.token})

    response = client.post(pay, {"attempt": attempt()}, follow=True)

    assert response.redirect_chain == [(pay, 302)]
    assert "demande JavaScript" in response.text
