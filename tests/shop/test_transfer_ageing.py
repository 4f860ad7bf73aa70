"""Unpaid bank transfers: the shopper is reminded after TRANSFER_REMINDER_DAYS, the order
cancelled and its stock put back after TRANSFER_CANCEL_DAYS, each e-mailed once, by the
periodic sweep (`manage.py payments_sweep`). Time moves by passing `now`."""

import datetime
import logging
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import gettext

from catalog.models import Variant
from shop.models import Order
from shop.services import order_advance, transfer_remind, transfers_sweep
from tests.conftest import TaskWorker
from tests.factories import unique
from tests.shop.factories import make_order
from tests.shop.test_card_race import at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def transfer(on_commit, task_worker, settings):
    """A click-and-collect order awaiting its bank transfer, its last unit taken; the
    confirmation and the store's notice already sent."""
    settings.TRANSFER_REMINDER_DAYS = 5
    settings.TRANSFER_CANCEL_DAYS = 10
    with on_commit():
        order = make_order(payment_method=Order.Payment.TRANSFER, language="en")
    task_worker.run()
    mail.outbox.clear()
    return order


def days_after(order, days, **more):
    return order.created_at + datetime.timedelta(days=days, **more)


def sweep(on_commit, task_worker, now):
    """Run the sweep at `now` and the worker after it: (reminded, cancelled), subjects sent."""
    with on_commit():
        counts = transfers_sweep(now=now)
    task_worker.run()
    subjects = [message.subject for message in mail.outbox]
    mail.outbox.clear()
    return counts, subjects


def stock_of(order):
    return Variant.objects.get(pk=order.lines.get().variant_id).stock


def test_a_transfer_unpaid_for_five_days_is_reminded_once(transfer, on_commit, task_worker):
    assert sweep(on_commit, task_worker, days_after(transfer, 4, hours=23)) == ((0, 0), [])

    with on_commit():
        assert transfers_sweep(now=days_after(transfer, 5, minutes=1)) == (1, 0)
    task_worker.run()

    (message,) = mail.outbox
    mail.outbox.clear()
    assert message.to == ["anne@example.org"]
    assert message.subject == f"Order {transfer.number} is still awaiting your bank transfer"
    assert "€79.90 to IBAN FR76 3000 6000 0112 3456 7890 189" in message.body
    assert f"with the reference {transfer.number}." in message.body
    with translation.override("en"):
        cancel_on = date_format(timezone.localdate(days_after(transfer, 10)), "DATE_FORMAT")
    assert f"If it has not arrived by {cancel_on}, the order will be cancelled" in message.body
    # A second run, or the next one, sends nothing more.
    assert sweep(on_commit, task_worker, days_after(transfer, 5, minutes=1)) == ((0, 0), [])
    assert sweep(on_commit, task_worker, days_after(transfer, 9)) == ((0, 0), [])
    transfer.refresh_from_db()
    assert transfer.status == Order.Status.AWAITING_PAYMENT
    assert transfer.transfer_reminded_at == days_after(transfer, 5, minutes=1)


def test_after_ten_days_the_order_is_cancelled_its_stock_put_back_and_the_shopper_told_once(
    transfer, on_commit, task_worker
):
    assert stock_of(transfer) == 0
    sweep(on_commit, task_worker, days_after(transfer, 5))

    counts, subjects = sweep(on_commit, task_worker, days_after(transfer, 10))

    assert counts == (0, 1)
    assert subjects == [f"Order {transfer.number} is cancelled: no bank transfer arrived"]
    transfer.refresh_from_db()
    assert transfer.status == Order.Status.CANCELLED
    assert transfer.stock_returned
    assert transfer.hold_released_at == days_after(transfer, 10)
    assert stock_of(transfer) == 1
    # Run again: nothing cancelled twice, no stock put back twice, no e-mail.
    assert sweep(on_commit, task_worker, days_after(transfer, 11)) == ((0, 0), [])
    assert stock_of(transfer) == 1


def test_the_cancellation_email_says_nothing_was_charged_and_what_if_the_money_comes(
    transfer, on_commit, task_worker
):
    sweep(on_commit, task_worker, days_after(transfer, 5))
    with on_commit():
        transfers_sweep(now=days_after(transfer, 10))
    task_worker.run()

    (message,) = mail.outbox
    assert "No bank transfer reached us for order" in message.body
    assert "Nothing was charged." in message.body
    assert "we send it back to the account it came from within 14 days" in message.body


def test_a_reminder_sent_late_still_leaves_the_shopper_the_days_it_promises(
    transfer, on_commit, task_worker
):
    # The sweep did not run for a week: the reminder goes first, the cancellation later.
    counts, subjects = sweep(on_commit, task_worker, days_after(transfer, 12))
    assert counts == (1, 0)
    assert subjects == [f"Order {transfer.number} is still awaiting your bank transfer"]

    assert sweep(on_commit, task_worker, days_after(transfer, 16, hours=23))[0] == (0, 0)
    assert sweep(on_commit, task_worker, days_after(transfer, 17))[0] == (0, 1)


def test_paid_card_and_at_store_orders_are_never_reminded_nor_cancelled(
    transfer, on_commit, task_worker
):
    order_advance(order=transfer, to_status=Order.Status.PAID)
    at_store = make_order()  # paid when collected: never late
    mail.outbox.clear()

    for day in (5, 10, 30):
        assert sweep(on_commit, task_worker, days_after(transfer, day)) == ((0, 0), [])
    at_store.refresh_from_db()
    assert at_store.status == Order.Status.AWAITING_PAYMENT
    assert at_store.transfer_reminded_at is None


def test_a_reminder_is_not_sent_if_the_transfer_arrives_before_the_worker_runs(
    transfer, on_commit, task_worker
):
    with on_commit():
        assert transfer_remind(order=transfer, now=days_after(transfer, 6))
    with on_commit():
        order_advance(order=transfer, to_status=Order.Status.PAID)
    task_worker.run()

    assert [message.subject for message in mail.outbox] == [
        f"We have received your payment for order {transfer.number}"
    ]


def test_the_periodic_sweep_logs_each_step_and_the_order_page_shows_them(
    transfer, client, caplog, task_worker, django_capture_on_commit_callbacks
):
    Order.objects.filter(pk=transfer.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=11)
    )
    out = StringIO()
    with caplog.at_level(logging.INFO, logger="shop.payments"):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("payments_sweep", stdout=out)
        task_worker.run()
        # The reminder promised five more days: they are over.
        Order.objects.filter(pk=transfer.pk).update(
            transfer_reminded_at=timezone.now() - datetime.timedelta(days=5, minutes=1)
        )
        with django_capture_on_commit_callbacks(execute=True):
            call_command("payments_sweep", stdout=out)
    task_worker.run()

    assert "1 shopper(s) reminded of their bank transfer, 0 order(s) cancelled" in out.getvalue()
    assert "0 shopper(s) reminded of their bank transfer, 1 order(s) cancelled" in out.getvalue()
    assert f"Order {transfer.number}: transfer awaited, shopper reminded" in caplog.text
    assert f"Order {transfer.number}: no transfer arrived, cancelled and stock put back" in (
        caplog.text
    )
    assert len(mail.outbox) == 2
    client.force_login(User.objects.create_superuser(unique("chef"), "chef@millet.example", "pw"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    with translation.override("en"):
        response = client.get(reverse("admin:shop_order_change", args=[transfer.pk]))
    assert response.status_code == 200, response.content.decode()[:3000]
    page = response.text
    history = page[page.index('class="order-timeline"') :]
    with translation.override(response.wsgi_request.LANGUAGE_CODE):  # the admin's language
        reminded = gettext("Bank transfer reminder e-mailed to the shopper")
        released = gettext("%(before)s → %(after)s: no payment arrived in time, stock put back") % {
            "before": Order.Status.AWAITING_PAYMENT.label,
            "after": Order.Status.CANCELLED.label,
        }
        automatic = gettext("The shop (automatic)")
    assert history.index(escape(reminded)) < history.index(escape(released))
    assert history.count(escape(automatic)) == 2


def test_the_reminder_is_written_in_the_shoppers_language(on_commit, task_worker):
    with on_commit():
        order = make_order(payment_method=Order.Payment.TRANSFER, language="fr")
    task_worker.run()
    mail.outbox.clear()

    with on_commit():
        transfers_sweep(now=days_after(order, 5))
    task_worker.run()

    (message,) = mail.outbox
    cancel_day = timezone.localdate(days_after(order, 10))
    with translation.override("fr"):
        assert date_format(cancel_day, "DATE_FORMAT") in message.body  # “16 décembre 2026”
    with translation.override("en"):
        assert date_format(cancel_day, "DATE_FORMAT") not in message.body  # “Dec. 16, 2026”
    assert "79,90\u00a0€" in message.body
    assert "Suivre votre commande" in message.body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sweeps_run_at_once_remind_and_cancel_once(require_postgres, settings):
    settings.TRANSFER_REMINDER_DAYS = 5
    settings.TRANSFER_CANCEL_DAYS = 10
    order = make_order(payment_method=Order.Payment.TRANSFER, language="en")
    worker = TaskWorker()
    worker.run()
    mail.outbox.clear()

    def three_sweeps(now):
        return at_once([(lambda: None, lambda _: transfers_sweep(now=now))] * 3)

    reminders = three_sweeps(days_after(order, 5))
    worker.run()
    reminded = [message.subject for message in mail.outbox]
    mail.outbox.clear()
    cancellations = three_sweeps(days_after(order, 10))
    worker.run()

    assert sorted(reminders) == [(0, 0), (0, 0), (1, 0)]
    assert sorted(cancellations) == [(0, 0), (0, 0), (0, 1)]
    assert reminded == [f"Order {order.number} is still awaiting your bank transfer"]
    assert [message.subject for message in mail.outbox] == [
        f"Order {order.number} is cancelled: no bank transfer arrived"
    ]
    assert stock_of(order) == 1  # put back once
