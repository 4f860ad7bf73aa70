"""Catch up on card payments whose own task gave up (the provider down for long, the
queue lost): webhook events not handled yet are handled, unpaid card orders past their
hold are released. Then the bank transfers still awaited: the shopper is reminded after
TRANSFER_REMINDER_DAYS, the order cancelled (its stock back on sale) after
TRANSFER_CANCEL_DAYS, each e-mailed once. Safe to run at any time; deploy/systemd runs it
every 5 minutes."""

import datetime

from django.core.management.base import BaseCommand
from django.utils import timezone

from shop.models import Order, PaymentEvent
from shop.payment_tasks import payment_event_handle
from shop.payments import PaymentRefused, PaymentUnavailable
from shop.services import TransitionRefused, order_hold_release, transfers_sweep

# An event younger than this is still with its own task.
GRACE = datetime.timedelta(minutes=2)


class Command(BaseCommand):
    help = (
        "Handle the payment events and release the unpaid card orders left behind; remind "
        "the shoppers whose bank transfer is late, and cancel the orders it never paid."
    )

    def handle(self, *args, **options):
        now = timezone.now()
        events = PaymentEvent.objects.filter(handled_at=None, received_at__lt=now - GRACE)
        for event in events.order_by("received_at"):
            payment_event_handle.enqueue(event_id=event.event_id)
        late = Order.objects.filter(
            payment_method=Order.Payment.CARD,
            status=Order.Status.AWAITING_PAYMENT,
            payment_due_by__lt=now,
        )
        released, left = 0, 0
        for order in late:
            try:
                order_hold_release(order)
                released += 1
            except (PaymentUnavailable, PaymentRefused, TransitionRefused) as problem:
                left += 1
                self.stderr.write(f"{order.number}: {problem}")
        self.stdout.write(
            f"{events.count()} event(s) queued again, {released} order(s) settled "
            f"after their hold, {left} left for the next run"
        )
        reminded, cancelled = transfers_sweep(now=now)
        self.stdout.write(
            f"{reminded} shopper(s) reminded of their bank transfer, "
            f"{cancelled} order(s) cancelled without it"
        )
