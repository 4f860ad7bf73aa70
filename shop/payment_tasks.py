"""Card payment work done by the task worker: the provider's webhook events, the end of
an unpaid order's hold, and the e-mails that tell the shopper what became of a payment."""

import datetime

from django.conf import settings
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.mail import send_or_retry
from shop.models import Order, PaymentEvent, Refund
from shop.tasks import shopper_email

# Seconds before asking the provider again when it could not be reached.
PROVIDER_RETRY_DELAYS = [60, 300, 900, 3600]


def _again_later(task_function, attempt: int, **kwargs) -> bool:
    """Enqueue `task_function` again after the next delay; False once they are used up."""
    if attempt > len(PROVIDER_RETRY_DELAYS):
        return False
    run_after = timezone.now() + datetime.timedelta(seconds=PROVIDER_RETRY_DELAYS[attempt - 1])
    task_function.using(run_after=run_after).enqueue(attempt=attempt + 1, **kwargs)
    return True


@task
def payment_event_handle(*, event_id: str, attempt: int = 1) -> str:
    """Act on a webhook event once: the payment it names is read again from the
    provider and settled, so events that arrive twice or out of order change nothing."""
    from shop.payments import PaymentRefused, PaymentUnavailable, payment_of_intent
    from shop.services import order_payment_check

    event = PaymentEvent.objects.filter(event_id=event_id).first()
    if event is None or event.handled_at is not None:
        return "already handled"
    try:
        payment = payment_of_intent(event.intent_id) if event.intent_id else None
        if payment is not None:
            payment = order_payment_check(payment)
    except (PaymentUnavailable, PaymentRefused):
        # Left unhandled: asked again later, then by `manage.py payments_sweep`.
        if _again_later(payment_event_handle, attempt, event_id=event_id):
            return "provider unreachable or refusing: asked again later"
        raise
    outcome = f"payment {payment.get_status_display()}" if payment else "no payment of ours"
    PaymentEvent.objects.filter(pk=event.pk).update(handled_at=timezone.now(), outcome=outcome)
    return outcome


@task
def order_hold_expire(*, order_id: int, attempt: int = 1) -> str:
    """The hold of an unpaid card order ends: release it (shop.services)."""
    from shop.payments import PaymentRefused, PaymentUnavailable
    from shop.services import TransitionRefused, order_hold_release

    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return "order deleted"
    try:
        return order_hold_release(order)
    except (PaymentUnavailable, PaymentRefused, TransitionRefused):
        # Left held: asked again later, then by `manage.py payments_sweep`.
        if _again_later(order_hold_expire, attempt, order_id=order_id):
            return "provider unreachable: asked again later"
        raise


PAYMENT_EMAILS = {
    "released": (
        _("Order %(number)s is cancelled: no payment arrived"),
        "shop/emails/payment_released",
    ),
    "late_kept": (_("Your payment for order %(number)s arrived"), "shop/emails/payment_late_kept"),
    "late_refunded": (
        _("Your payment for order %(number)s is refunded"),
        "shop/emails/payment_late_refunded",
    ),
}


@task
def payment_email_send(*, order_id: int, kind: str, attempt: int = 1) -> str:
    """Tell the shopper what became of their card order: released unpaid, or paid after
    its release (kept, or refunded because the items were gone)."""
    subject, template = PAYMENT_EMAILS[kind]
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.anonymised_at is not None:
        return "nobody to tell"
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "refunded": sum(refund.amount for refund in Refund.objects.filter(payment__order=order)),
        "site_url": settings.SITE_URL,
    }
    message = shopper_email(order, subject=subject, template=template, context=context)
    send_or_retry(message, task=payment_email_send, attempt=attempt, order_id=order_id, kind=kind)
    return kind
