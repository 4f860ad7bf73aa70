"""Background work of the shop, run by the task worker."""

import datetime

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.mail import render_email, send_or_retry
from shop.documents import contract_documents
from shop.invoices import invoice_filename, invoice_issue, invoice_pdf
from shop.models import Order


def shopper_email(order: Order, *, subject, template: str, context: dict):
    """An e-mail about `order` to its shopper, in their language, its subject filled with
    the order's number."""
    return render_email(
        subject=subject,
        subject_values={"number": order.number},
        template=template,
        context={"order": order, "site_url": settings.SITE_URL, **context},
        to=[order.email],
        language=order.language,
    )


@task
def order_emails_send(*, order_id: int, attempt: int = 1) -> str:
    """E-mail the shopper their order and, for click and collect, the store.

    The shopper's e-mail carries the terms of sale and the withdrawal form as PDF,
    the durable medium article L221-13 of the Code de la consommation asks for.
    Each e-mail is marked sent as soon as the relay takes it, so a retry after
    a failure sends only what is still missing: never the same e-mail twice.
    """
    order = Order.objects.select_related("store").filter(pk=order_id).first()
    if order is None:
        return "order deleted"
    if order.anonymised_at is not None:
        return "details erased: nothing sent"
    context = {"order": order, "lines": list(order.lines.all()), "site_url": settings.SITE_URL}
    sent = []
    if order.confirmation_sent_at is None:
        documents = contract_documents(order)
        message = shopper_email(
            order,
            subject=_("Your Millet order %(number)s"),
            template="shop/emails/confirmation",
            # The withdrawal form always goes; the terms of sale, if their page exists.
            context={**context, "terms_attached": len(documents) == 2},
        )
        for filename, pdf in documents:
            message.attach(filename, pdf, "application/pdf")
        send_or_retry(message, task=order_emails_send, attempt=attempt, order_id=order_id)
        Order.objects.filter(pk=order.pk).update(confirmation_sent_at=timezone.now())
        sent.append("shopper")
    if order.store_id and order.store_notified_at is None:
        message = render_email(
            subject=_("Click and collect: order %(number)s"),
            subject_values={"number": order.number},
            template="shop/emails/store_notice",
            context=context,
            to=[order.store.email],
            language=settings.LANGUAGE_CODE,
        )
        send_or_retry(message, task=order_emails_send, attempt=attempt, order_id=order_id)
        Order.objects.filter(pk=order.pk).update(store_notified_at=timezone.now())
        sent.append("store")
    return ", ".join(sent) or "nothing left to send"


@task
def order_shipped_email_send(*, order_id: int, attempt: int = 1) -> str:
    """E-mail the shopper that their order has left, with its invoice as PDF.

    Enqueued once, when the order moves to "shipped". A shipped order is paid: its
    invoice is issued here if the payment did not issue it.
    """
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return "order deleted"
    if order.anonymised_at is not None:
        return "details erased: nothing sent"
    with transaction.atomic():
        invoice = invoice_issue(order)
    message = shopper_email(
        order,
        subject=_("Your Millet order %(number)s is on its way"),
        template="shop/emails/shipped",
        context={"invoice": invoice},
    )
    message.attach(invoice_filename(invoice), invoice_pdf(invoice), "application/pdf")
    send_or_retry(message, task=order_shipped_email_send, attempt=attempt, order_id=order_id)
    return f"invoice {invoice.label}"


RETURN_EMAILS = {
    # step: (marker field, subject, template)
    "requested": (
        "requested_emailed_at",
        _("Your return for order %(number)s"),
        "shop/emails/return_requested",
    ),
    "received": (
        "received_emailed_at",
        _("We received your return for order %(number)s"),
        "shop/emails/return_received",
    ),
    "refunded": (
        "refunded_emailed_at",
        _("Your refund for order %(number)s"),
        "shop/emails/return_refunded",
    ),
}


@task
def return_email_send(*, return_id: int, step: str, attempt: int = 1) -> str:
    """E-mail the shopper a step of their return, once."""
    from shop.models import Return

    marker, subject, template = RETURN_EMAILS[step]
    parcel = Return.objects.select_related("order").filter(pk=return_id).first()
    if parcel is None:
        return "return deleted"
    order = parcel.order
    if order.anonymised_at is not None:
        return "details erased: nothing sent"
    if getattr(parcel, marker) is not None:
        return "already sent"
    context = {
        "order": order,
        "parcel": parcel,
        "lines": list(parcel.lines.select_related("order_line")),
        "site_url": settings.SITE_URL,
    }
    message = shopper_email(order, subject=subject, template=template, context=context)
    send_or_retry(message, task=return_email_send, attempt=attempt, return_id=return_id, step=step)
    Return.objects.filter(pk=parcel.pk).update(**{marker: timezone.now()})
    return step


STATUS_EMAILS = {
    # status: (subject, template); "shipped" has its own e-mail, with the invoice.
    Order.Status.PAID: (
        _("We have received your payment for order %(number)s"),
        "shop/emails/status_paid",
    ),
    Order.Status.READY: (
        _("Your order %(number)s is ready for collection"),
        "shop/emails/status_ready",
    ),
    Order.Status.COLLECTED: (
        _("Thank you for collecting your order %(number)s"),
        "shop/emails/status_collected",
    ),
    Order.Status.CANCELLED: (
        _("Your order %(number)s is cancelled"),
        "shop/emails/status_cancelled",
    ),
}


def _cancelled_money(order: Order) -> tuple[str, object]:
    """What became of the money of a cancelled order: (how, card refunds total)."""
    from shop.models import Refund

    refunds = Refund.objects.filter(payment__order=order, reason=Refund.Reason.CANCELLATION)
    refunded = sum((refund.amount for refund in refunds), 0)
    if refunded:
        return "card", refunded
    if order.paid_at is None:
        return "nothing", 0
    return "staff", order.total


@task
def order_status_email_send(*, order_id: int, status: str, attempt: int = 1) -> str:
    """E-mail the shopper that their order reached `status` (paid, ready, collected with its
    invoice, cancelled).

    Enqueued once, by shop.services.order_advance, when the move commits. A card
    order is confirmed when paid (order_emails_send), and a card order cancelled
    at the end of its hold is told so by its own e-mail: neither gets this one.
    """
    order = Order.objects.select_related("store").filter(pk=order_id).first()
    if order is None:
        return "order deleted"
    if order.anonymised_at is not None:
        return "details erased: nothing sent"
    if status == Order.Status.PAID and order.paid_by_id is not None:
        return "paid by card: the confirmation says so"
    if status == Order.Status.CANCELLED and order.hold_released_at is not None:
        return "released unpaid: its own e-mail says so"
    subject, template = STATUS_EMAILS[status]
    context = {"order": order, "store": order.store, "site_url": settings.SITE_URL}
    if status == Order.Status.CANCELLED:
        context["money"], context["refunded"] = _cancelled_money(order)
    invoice = None
    if status == Order.Status.COLLECTED:
        # Paid at the latest when collected: the invoice is issued by then.
        with transaction.atomic():
            invoice = context["invoice"] = invoice_issue(order)
    message = shopper_email(order, subject=subject, template=template, context=context)
    if invoice is not None:
        message.attach(invoice_filename(invoice), invoice_pdf(invoice), "application/pdf")
    send_or_retry(
        message, task=order_status_email_send, attempt=attempt, order_id=order_id, status=status
    )
    return status


TRANSFER_EMAILS = {
    # kind: (subject, template)
    "reminder": (
        _("Order %(number)s is still awaiting your bank transfer"),
        "shop/emails/transfer_reminder",
    ),
    "cancelled": (
        _("Order %(number)s is cancelled: no bank transfer arrived"),
        "shop/emails/transfer_cancelled",
    ),
}


@task
def transfer_email_send(*, order_id: int, kind: str, cancel_on: str = "", attempt: int = 1) -> str:
    """Remind the shopper of a bank transfer still awaited (with the day the order is
    cancelled without it, `cancel_on`), or tell them it was cancelled for want of one.

    Enqueued once each, by shop.services.transfer_remind and transfer_cancel. A reminder
    whose order was paid or cancelled before the worker got to it is not sent.
    """
    subject, template = TRANSFER_EMAILS[kind]
    order = Order.objects.filter(pk=order_id).first()
    if order is None or order.anonymised_at is not None:
        return "nobody to tell"
    if kind == "reminder" and order.status != Order.Status.AWAITING_PAYMENT:
        return "paid or cancelled meanwhile: nothing sent"
    context = {
        "order": order,
        "lines": list(order.lines.all()),
        "cancel_on": datetime.date.fromisoformat(cancel_on) if cancel_on else None,
        "site_url": settings.SITE_URL,
    }
    message = shopper_email(order, subject=subject, template=template, context=context)
    send_or_retry(
        message,
        task=transfer_email_send,
        attempt=attempt,
        order_id=order_id,
        kind=kind,
        cancel_on=cancel_on,
    )
    return kind
