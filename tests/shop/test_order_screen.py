"""The order's admin page: one click per step, one e-mail per step for the shopper,
and the history of who did what."""

import datetime
import secrets

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from repairs.models import RepairRequest
from shop.models import Order, OrderNote
from shop.services import order_advance, order_pay_by_card
from tests.factories import unique
from tests.shop.factories import CARD_OK, card_token, make_card_order, make_order

pytestmark = pytest.mark.django_db


def admin_url(name, *args):
    """An admin page's address, in English (with the `english` cookie where the admin's
    address carries no language)."""
    with translation.override("en"):
        return reverse(f"admin:{name}", args=args)


def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def moved(response, before, after):
    """“Paid → Ready for collection” as the page `response` writes it, in its language."""
    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        return f"{Order.Status(before).label} → {Order.Status(after).label}"


@pytest.fixture
def clerk(client):
    """A staff member who may view and change orders, nothing more, reading English."""
    english(client)
    user = User.objects.create_user(unique("clerk"), is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_order", "change_order"])
    )
    client.force_login(user)
    client.user = user
    return client


def step(client, order, status, **data):
    """Click a step's button on the order's page, in the English admin."""
    return client.post(admin_url("shop_order_step", order.pk, status), data, follow=True)


def test_a_collected_transfer_order_moves_in_one_click_per_step(
    clerk, on_commit, task_worker, settings
):
    with on_commit():
        order = make_order(payment_method=Order.Payment.TRANSFER, language="en")
    task_worker.run()
    mail.outbox.clear()  # the confirmation and the store's notice
    page = admin_url("shop_order_change", order.pk)

    response = clerk.get(page)
    assert reverse("admin:shop_order_step", args=[order.pk, "paid"]) in response.text
    assert reverse("admin:shop_order_step", args=[order.pk, "shipped"]) not in response.text

    sent = []
    for status in ["paid", "ready", "collected"]:
        with on_commit():
            response = step(clerk, order, status)
        assert response.redirect_chain[-1][0].endswith(f"/shop/order/{order.pk}/change/")
        task_worker.run()
        sent.append([message.subject for message in mail.outbox])
        mail.outbox.clear()

    order.refresh_from_db()
    assert order.status == Order.Status.COLLECTED
    assert sent == [
        [f"We have received your payment for order {order.number}"],
        [f"Your order {order.number} is ready for collection"],
        [f"Thank you for collecting your order {order.number}"],
    ]
    response = clerk.get(page)
    assert response.text.count(clerk.user.username) >= 3
    assert moved(response, "paid", "ready") in response.text
    assert moved(response, "ready", "collected") in response.text


def test_the_ready_email_names_the_store_its_address_and_hours(on_commit, task_worker):
    with on_commit():
        order = make_order(language="en")
    task_worker.run()
    mail.outbox.clear()
    order.store.opening_hours = "Mon–Sat 10:00–19:00"
    order.store.save()

    with on_commit():
        order_advance(order=order, to_status=Order.Status.READY)
    task_worker.run()

    (message,) = mail.outbox
    assert "ready" in message.subject
    assert order.store.name in message.body
    assert "12 rue Royale" in message.body
    assert "Mon–Sat 10:00–19:00" in message.body
    assert "You pay €79.90 when you collect it." in message.body


def test_a_repeated_step_is_refused_and_sends_nothing(clerk, on_commit, task_worker):
    order = make_order(payment_method=Order.Payment.TRANSFER)
    with on_commit():
        step(clerk, order, "paid")
    with on_commit():
        response = step(clerk, order, "paid")
    mail.outbox.clear()
    task_worker.run()

    with translation.override(response.wsgi_request.LANGUAGE_CODE):
        refusal = gettext("Order %(number)s cannot go from “%(from)s” to “%(to)s”.") % {
            "number": order.number,
            "from": Order.Status.PAID.label,
            "to": Order.Status.PAID.label,
        }
    assert escape(refusal) in response.text
    assert len(mail.outbox) == 1


def test_shipping_needs_a_carrier_and_a_tracking_number_that_the_email_gives(
    clerk, on_commit, task_worker
):
    order = make_card_order()  # home delivery
    Order.objects.filter(pk=order.pk).update(payment_method=Order.Payment.TRANSFER, language="en")
    order_advance(order=order, to_status=Order.Status.PAID)

    with on_commit():
        response = step(clerk, order, "shipped", carrier="colissimo")
    order.refresh_from_db()
    assert order.status == Order.Status.PAID

    with on_commit():
        step(clerk, order, "shipped", carrier="colissimo", tracking_number="6A12345678901")
    mail.outbox.clear()
    task_worker.run()

    order.refresh_from_db()
    assert order.status == Order.Status.SHIPPED
    assert (order.carrier, order.tracking_number) == ("colissimo", "6A12345678901")
    (message,) = mail.outbox  # one e-mail, the invoice attached
    assert message.attachments
    assert "Colissimo, tracking number 6A12345678901" in message.body
    assert "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901" in message.body
    response = clerk.get(admin_url("shop_order_change", order.pk))
    assert moved(response, "paid", "shipped") + " (Colissimo 6A12345678901)" in response.text


def test_cancelling_an_unpaid_order_says_nothing_was_charged(on_commit, task_worker):
    order = make_order(payment_method=Order.Payment.TRANSFER, language="en")
    mail.outbox.clear()
    with on_commit():
        order_advance(order=order, to_status=Order.Status.CANCELLED)
    task_worker.run()

    (message,) = mail.outbox
    assert "cancelled" in message.subject
    assert "Nothing was charged" in message.body


def test_cancelling_a_paid_transfer_says_staff_send_the_money_back(on_commit, task_worker):
    order = make_order(payment_method=Order.Payment.TRANSFER, language="en")
    order_advance(order=order, to_status=Order.Status.PAID)
    mail.outbox.clear()
    with on_commit():
        order_advance(order=order, to_status=Order.Status.CANCELLED)
    task_worker.run()

    (message,) = mail.outbox
    assert "We will send back the €79.90 you paid by bank transfer" in message.body


def test_cancelling_a_card_order_says_the_card_is_refunded(provider, on_commit, task_worker):
    order = make_card_order(price="80.00", language="en")
    with on_commit():
        order_pay_by_card(
            order=order, card_token=card_token(provider, CARD_OK), attempt=secrets.token_urlsafe(24)
        )
    task_worker.run()
    mail.outbox.clear()

    with on_commit():
        order_advance(order=order, to_status=Order.Status.CANCELLED)
    task_worker.run()

    (message,) = mail.outbox
    assert f"We refunded €{order.total} to the card that paid" in message.body


def test_a_card_order_paid_gets_its_confirmation_only(provider, on_commit, task_worker):
    order = make_card_order(language="en")
    with on_commit():
        order_pay_by_card(
            order=order, card_token=card_token(provider, CARD_OK), attempt=secrets.token_urlsafe(24)
        )
    task_worker.run()

    assert [message.subject for message in mail.outbox] == [f"Your Millet order {order.number}"]


def test_staff_notes_keep_their_author_and_nobody_deletes_orders_or_repairs(clerk):
    order = make_order()
    page = admin_url("shop_order_change", order.pk)
    form = {
        "email": order.email,
        "name": order.name,
        "phone": "",
        "street": "",
        "postcode": "",
        "city": "",
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "1",
        "lines-0-id": order.lines.get().pk,
        "lines-0-order": order.pk,
        "payments-TOTAL_FORMS": "0",
        "payments-INITIAL_FORMS": "0",
        "notes-TOTAL_FORMS": "1",
        "notes-INITIAL_FORMS": "0",
        "notes-0-text": "Shopper called: collects on Saturday.",
        "notes-0-order": order.pk,
    }
    response = clerk.post(page, form)
    assert response.status_code == 302, response.context and response.context["errors"]

    note = OrderNote.objects.get()
    assert note.author == clerk.user
    assert "Shopper called" in clerk.get(page).text
    assert clerk.get(admin_url("shop_order_delete", order.pk)).status_code == 403
    superuser = User.objects.create_superuser(unique("chef"), "chef@millet.example", "pw")
    clerk.force_login(superuser)
    assert clerk.get(admin_url("shop_order_delete", order.pk)).status_code == 403
    repairs = clerk.get(admin_url("repairs_repairrequest_changelist"))
    assert repairs.status_code == 200
    assert RepairRequest._meta.model_name in repairs.text
    assert "delete_selected" not in repairs.text


def test_the_list_shows_six_columns_and_finds_late_and_ready_orders(clerk, settings):
    late = make_order(payment_method=Order.Payment.TRANSFER)
    recent = make_order(payment_method=Order.Payment.TRANSFER)
    at_store = make_order()
    ready = make_order()
    order_advance(order=ready, to_status=Order.Status.READY)
    past_reminder = timezone.now() - datetime.timedelta(days=settings.TRANSFER_REMINDER_DAYS + 1)
    Order.objects.filter(pk__in=[late.pk, at_store.pk]).update(created_at=past_reminder)

    def listed(query):
        response = clerk.get(admin_url("shop_order_changelist") + f"?{query}")
        return {order.number for order in response.context["cl"].result_list}

    assert listed("prepare=late") == {late.number}  # paying at the store is never late
    assert listed("prepare=ready") == {ready.number}
    assert recent.number not in listed("prepare=late")
    columns = clerk.get(admin_url("shop_order_changelist")).context["cl"].list_display
    assert columns == [
        "action_checkbox",
        "number",
        "placed",
        "name",
        "total",
        "state",
        "delivery_place",
    ]
