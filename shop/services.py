"""Writes that span the shop's models: placing an order, moving it along."""

import datetime
import logging
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Variant, stock_flags_refresh
from common.mail import enqueue_on_commit
from shop import payments
from shop.cart import totals
from shop.invoices import invoice_issue
from shop.models import Order, OrderLine, Payment, Refund, Store, new_token
from shop.payment_tasks import order_hold_expire, payment_email_send
from shop.tasks import (
    STATUS_EMAILS,
    order_emails_send,
    order_shipped_email_send,
    order_status_email_send,
    transfer_email_send,
)

logger = logging.getLogger("shop.payments")

# Card tries one order may make: a shopper needs two or three, a card tester hundreds.
MAX_CARD_TRIES = 10


class LineUnavailable(Exception):
    """A cart line cannot be served; nothing was written."""

    def __init__(self, variant_id, name, reason):
        super().__init__(f"{name}: {reason}")
        self.variant_id = variant_id
        self.name = name
        self.reason = reason


class TransitionRefused(Exception):
    pass


@dataclass(frozen=True)
class Customer:
    email: str
    name: str
    phone: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""


@transaction.atomic
def order_place(
    *,
    items: dict[int, int],
    customer: Customer,
    delivery: str,
    payment_method: str,
    checkout_key: str,
    store: Store | None = None,
    language: str = "fr",
) -> Order:
    """Turn cart items {variant id: quantity} into an order, taking the stock.

    `checkout_key` is the one-time key of the checkout form. An order already
    placed with it is returned as it is: a double click, a resubmitted form or
    a retry after a lost response never places a second order. The order row
    claims the key (a unique column) before any stock is taken, so a
    concurrent submission of the same form waits for the first to commit,
    then finds its order.

    Prices, names and stock are read from the database, never from the cart.
    Each line's stock is taken with a conditional UPDATE (stock >= quantity),
    so two buyers can never both take the last unit. If one line cannot be
    served, LineUnavailable is raised and the transaction rolls back: no order,
    no stock taken. The e-mails are enqueued when the order commits.
    """
    placed = Order.objects.filter(checkout_key=checkout_key).first()
    if placed is not None:
        return placed
    if not items:
        raise LineUnavailable(None, "", _("Your cart is empty."))
    today = timezone.localdate()
    if delivery == Order.Delivery.COLLECT:
        if store is None or not Store.objects.collect_points(today).filter(pk=store.pk).exists():
            raise TransitionRefused(_("This store does not take click-and-collect orders today."))
    else:
        store = None

    variants = {
        v.pk: v for v in Variant.objects.select_related("product").filter(pk__in=list(items))
    }
    for variant_id in sorted(items):
        variant = variants.get(variant_id)
        if variant is None or not variant.product.is_published:
            name = variant.product.name if variant else _("A product")
            raise LineUnavailable(variant_id, name, _("it is no longer sold."))
    lines = [
        OrderLine(
            variant=variants[variant_id],
            product_name=variants[variant_id].product.name,
            variant_label=" / ".join(
                part for part in (variants[variant_id].size, variants[variant_id].colour) if part
            ),
            sku=variants[variant_id].sku,
            unit_price=variants[variant_id].product.price,
            quantity=quantity,
            line_total=variants[variant_id].product.price * quantity,
        )
        for variant_id, quantity in sorted(items.items())
    ]
    amounts = totals(sum((line.line_total for line in lines), Decimal("0.00")), delivery)
    order = Order(
        number=f"TMP-{secrets.token_hex(8)}",
        checkout_key=checkout_key,
        language=language,
        email=customer.email,
        name=customer.name,
        phone=customer.phone,
        street=customer.street,
        postcode=customer.postcode,
        city=customer.city,
        delivery=delivery,
        store=store,
        payment_method=payment_method,
        **amounts,
    )
    if payment_method == Order.Payment.CARD:
        hold = datetime.timedelta(minutes=settings.PAYMENT_HOLD_MINUTES)
        order.payment_due_by = timezone.now() + hold
    # Uniqueness is the database's to enforce: a check here could not see a
    # concurrent submission that has not committed yet.
    order.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:
        placed = Order.objects.filter(checkout_key=checkout_key).first()
        if placed is None:
            raise
        return placed

    # A fixed order of updates: concurrent orders on the same variants wait
    # for each other instead of deadlocking.
    for line in lines:
        # One row, no join: PostgreSQL re-checks "stock >= quantity" against
        # the row a concurrent order just updated, and skips it if short.
        taken = Variant.objects.filter(pk=line.variant_id, stock__gte=line.quantity).update(
            stock=F("stock") - line.quantity
        )
        if not taken:
            raise LineUnavailable(
                line.variant_id,
                line.product_name,
                _("it is no longer available in that quantity."),
            )
    # Stock shows on kept pages ("Only 3 left", "Sold out") and in the listing's
    # filters, which read each product's stock flags: announced from there.
    stock_flags_refresh(variants[line.variant_id].product_id for line in lines)
    # The number comes from the row's own id: unique without a counter to lock.
    order.number = f"M-{today.year}-{order.pk:06d}"
    order.save(update_fields=["number"])
    for line in lines:
        line.order = order
    OrderLine.objects.bulk_create(lines)
    if order.payment_due_by:
        # Confirmed by e-mail once paid; released if still unpaid when the hold ends.
        expire = order_hold_expire.using(run_after=order.payment_due_by)
        enqueue_on_commit(expire, order_id=order.pk)
    else:
        enqueue_on_commit(order_emails_send, order_id=order.pk)
    return order


def _take_stock(lines) -> bool:
    """Take each line's quantity again, all or none (the caller's savepoint undoes a part)."""
    for line in sorted(lines, key=lambda line: line.variant_id):
        taken = Variant.objects.filter(pk=line.variant_id, stock__gte=line.quantity).update(
            stock=F("stock") - line.quantity
        )
        if not taken:
            return False
    return True


def _mark_paid(order: Order, payment: Payment) -> None:
    order.status = Order.Status.PAID
    order.paid_at = timezone.now()
    order.paid_by = payment
    # A try already under way when the shopper chose a transfer still paid by card.
    order.payment_method = Order.Payment.CARD
    order.payment_due_by = None
    order.save(
        update_fields=[
            "status",
            "paid_at",
            "paid_by",
            "payment_method",
            "payment_due_by",
            "updated_at",
        ]
    )
    invoice_issue(order)
    enqueue_on_commit(order_emails_send, order_id=order.pk)


@transaction.atomic
def order_settle(payment: Payment) -> Order:
    """Act on what the provider said of `payment` (read server to server, never from
    the browser): a payment that went through pays its order, once.

    - The order awaits payment: it is paid, invoiced and confirmed by e-mail.
    - The order was released (its hold ran out, the stock went back): the stock is
      taken again if it is all still there, and the order is paid; otherwise the
      payment is refunded at once. The shopper is told which.
    - The order was already paid by another try: this one is refunded at once.
    """
    order = Order.objects.select_for_update().get(pk=payment.order_id)
    payment.refresh_from_db()
    if payment.status != Payment.Status.SUCCEEDED:
        return order
    if order.paid_by_id == payment.pk:
        return order  # settled before (the webhook and the page both tell us)
    if order.status == Order.Status.AWAITING_PAYMENT and order.paid_at is None:
        _mark_paid(order, payment)
        logger.info("Order %s paid by card (%s)", order.number, payment.intent_id)
        return order
    if order.status == Order.Status.CANCELLED and order.hold_released_at is not None:
        lines = list(order.lines.exclude(variant=None))
        with transaction.atomic():
            kept = _take_stock(lines)
            if not kept:
                transaction.set_rollback(True)
        if kept:
            order.stock_returned = False
            order.hold_released_at = None
            order.save(update_fields=["stock_returned", "hold_released_at", "updated_at"])
            stock_flags_refresh(
                Variant.objects.filter(order_lines__order=order).values_list(
                    "product_id", flat=True
                )
            )
            _mark_paid(order, payment)
            enqueue_on_commit(payment_email_send, order_id=order.pk, kind="late_kept")
            logger.info("Order %s paid after its release: stock taken again", order.number)
            return order
        if _refund_all(payment, Refund.Reason.LATE_PAYMENT):
            logger.info("Order %s paid after its release, stock gone: refunded", order.number)
            enqueue_on_commit(payment_email_send, order_id=order.pk, kind="late_refunded")
        return order
    # Whatever else: paid already (another try, two tabs, a transfer), cancelled by
    # staff, no longer waiting for a card: the money goes back at once.
    reason = Refund.Reason.DUPLICATE if order.paid_at else Refund.Reason.CANCELLATION
    if _refund_all(payment, reason):
        logger.info("Order %s: a payment it did not need is refunded", order.number)
    return order


def _refund_all(payment: Payment, reason: str) -> bool:
    """Send back what is left of `payment`; False if nothing was left."""
    left = payments.refundable(payment)
    if left <= 0:
        return False
    payments.refund_card(payment=payment, amount=left, reason=reason, key=f"all-{payment.pk}")
    return True


def order_pay_by_card(*, order: Order, card_token: str, attempt: str) -> tuple[Payment, str]:
    """Charge the card for `order` and settle what the provider answered.

    Returns the payment and the refusal message for the shopper ("" if none)."""
    if not order_awaits_card_payment(order):
        raise payments.PaymentRefused(_("This order is not waiting for a card payment."))
    if order.payments.count() >= MAX_CARD_TRIES:
        raise payments.PaymentRefused(
            _("This order had too many card tries. Pay by bank transfer, or write to us.")
        )
    payment, refusal = payments.payment_start(order=order, card_token=card_token, attempt=attempt)
    if not refusal:
        order_settle(payment)
    return payment, refusal


def order_payment_check(payment: Payment) -> Payment:
    """Read `payment` again from the provider (after the bank's check) and settle it."""
    payment = payments.payment_refresh(payment)
    order_settle(payment)
    return payment


def order_awaits_card_payment(order: Order) -> bool:
    return (
        order.payment_method == Order.Payment.CARD
        and order.status == Order.Status.AWAITING_PAYMENT
        and order.payment_due_by is not None
        and order.payment_due_by > timezone.now()
    )


@transaction.atomic
def order_payment_switch(*, order: Order, method: str) -> Order:
    """The shopper gives up the card and pays by transfer (or at the store, when
    collecting): the hold ends, the order is confirmed by e-mail as other orders are."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not order_awaits_card_payment(order):
        raise TransitionRefused(_("This order is not waiting for a card payment."))
    if method == Order.Payment.AT_STORE and order.delivery != Order.Delivery.COLLECT:
        raise TransitionRefused(_("Paying at the store is only possible with click and collect."))
    if method not in (Order.Payment.TRANSFER, Order.Payment.AT_STORE):
        raise TransitionRefused(_("Choose bank transfer or paying at the store."))
    for payment in order.payments.exclude(status=Payment.Status.CANCELED):
        payments.payment_cancel(payment)
        if payment.status == Payment.Status.SUCCEEDED:
            raise TransitionRefused(_("This order is already paid by card."))
    order.payment_method = method
    order.payment_due_by = None
    order.save(update_fields=["payment_method", "payment_due_by", "updated_at"])
    enqueue_on_commit(order_emails_send, order_id=order.pk)
    return order


@transaction.atomic
def order_hold_release(order: Order) -> str:
    """The hold of an unpaid card order ran out: cancel it and put its stock back, once.

    The provider is asked first: a payment that went through without its webhook
    having arrived yet pays the order instead. Open tries are cancelled at the
    provider, so none can take the money later."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.payment_method != Order.Payment.CARD or order.status != Order.Status.AWAITING_PAYMENT:
        return "nothing to release"
    if order.payment_due_by and order.payment_due_by > timezone.now():
        return "still held"
    for payment in order.payments.exclude(status=Payment.Status.CANCELED):
        payments.payment_cancel(payment)
        if payment.status == Payment.Status.SUCCEEDED:
            order_settle(payment)
            return "paid"
    order = order_advance(order=order, to_status=Order.Status.CANCELLED)
    order.hold_released_at = timezone.now()
    order.save(update_fields=["hold_released_at"])
    enqueue_on_commit(payment_email_send, order_id=order.pk, kind="released")
    logger.info("Order %s unpaid after its hold: cancelled, stock put back", order.number)
    return "released"


def transfers_awaited():
    """Orders still waiting for their bank transfer: they hold their stock."""
    return Order.objects.filter(
        status=Order.Status.AWAITING_PAYMENT, payment_method=Order.Payment.TRANSFER
    )


def transfer_cancel_due(order: Order) -> datetime.datetime | None:
    """When `order`, still awaiting its transfer, is cancelled: TRANSFER_CANCEL_DAYS after it
    was placed, and never sooner after the reminder than the days between the two settings,
    so a reminder sent late still leaves the shopper the time it promises. None before the
    reminder: no order is cancelled without one."""
    if order.transfer_reminded_at is None:
        return None
    grace = settings.TRANSFER_CANCEL_DAYS - settings.TRANSFER_REMINDER_DAYS
    return max(
        order.created_at + datetime.timedelta(days=settings.TRANSFER_CANCEL_DAYS),
        order.transfer_reminded_at + datetime.timedelta(days=grace),
    )


@transaction.atomic
def transfer_remind(*, order: Order, now: datetime.datetime | None = None) -> bool:
    """Remind the shopper of a transfer awaited for TRANSFER_REMINDER_DAYS, once: the
    reminder is marked on the locked order in the transaction that enqueues its e-mail.
    False (and nothing done) if the order was paid, cancelled or reminded meanwhile."""
    now = now or timezone.now()
    order = transfers_awaited().select_for_update().filter(pk=order.pk).first()
    if order is None or order.transfer_reminded_at is not None:
        return False
    if order.created_at > now - datetime.timedelta(days=settings.TRANSFER_REMINDER_DAYS):
        return False
    order.transfer_reminded_at = now
    order.save(update_fields=["transfer_reminded_at"])
    cancel_on = timezone.localdate(transfer_cancel_due(order))
    enqueue_on_commit(
        transfer_email_send, order_id=order.pk, kind="reminder", cancel_on=cancel_on.isoformat()
    )
    logger.info("Order %s: transfer awaited, shopper reminded", order.number)
    return True


@transaction.atomic
def transfer_cancel(*, order: Order, now: datetime.datetime | None = None) -> bool:
    """Cancel an order whose transfer never came (see `transfer_cancel_due`): its stock goes
    back on sale, the shopper is told once, and the order shows it was released unpaid.
    False (and nothing done) if it is not due, or was paid or cancelled meanwhile."""
    now = now or timezone.now()
    order = transfers_awaited().select_for_update().filter(pk=order.pk).first()
    if order is None or order.transfer_reminded_at is None or transfer_cancel_due(order) > now:
        return False
    order = order_advance(order=order, to_status=Order.Status.CANCELLED)
    order.hold_released_at = now  # the cancelled e-mail of order_advance gives way to ours
    order.save(update_fields=["hold_released_at"])
    enqueue_on_commit(transfer_email_send, order_id=order.pk, kind="cancelled")
    logger.info("Order %s: no transfer arrived, cancelled and stock put back", order.number)
    return True


def transfers_sweep(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Remind, then cancel, the orders whose bank transfer is late; (reminded, cancelled).

    Run by `manage.py payments_sweep`: each order is locked and checked again before
    anything is written, so a second run, or two at once, sends no e-mail twice."""
    now = now or timezone.now()
    cancelled = sum(
        transfer_cancel(order=order, now=now)
        for order in transfers_awaited().filter(
            transfer_reminded_at__isnull=False,
            created_at__lte=now - datetime.timedelta(days=settings.TRANSFER_CANCEL_DAYS),
        )
    )
    reminded = sum(
        transfer_remind(order=order, now=now)
        for order in transfers_awaited().filter(
            transfer_reminded_at=None,
            created_at__lte=now - datetime.timedelta(days=settings.TRANSFER_REMINDER_DAYS),
        )
    )
    return reminded, cancelled


def order_emails_resend(*, order: Order) -> None:
    """Send the shopper's confirmation again (staff action), and the store's notice
    if it never left."""
    Order.objects.filter(pk=order.pk).update(confirmation_sent_at=None)
    enqueue_on_commit(order_emails_send, order_id=order.pk)


TRANSITIONS = {
    Order.Status.AWAITING_PAYMENT: {Order.Status.PAID, Order.Status.CANCELLED},
    Order.Status.PAID: {Order.Status.SHIPPED, Order.Status.READY, Order.Status.CANCELLED},
    Order.Status.READY: {Order.Status.COLLECTED, Order.Status.CANCELLED},
    Order.Status.SHIPPED: set(),
    Order.Status.COLLECTED: set(),
    Order.Status.CANCELLED: set(),
}


def order_next_statuses(order: Order) -> list[str]:
    """The statuses `order` may move to next, in the order of Order.Status."""
    allowed = set(TRANSITIONS[order.status])
    if (
        order.payment_method == Order.Payment.AT_STORE
        and order.status == order.Status.AWAITING_PAYMENT
    ):
        allowed.add(Order.Status.READY)
    if order.delivery == Order.Delivery.HOME:
        allowed -= {Order.Status.READY, Order.Status.COLLECTED}
    else:
        allowed -= {Order.Status.SHIPPED}
    if order.payment_method == Order.Payment.CARD and order.paid_by_id is None:
        # Only the provider says a card order is paid (shop.services.order_settle).
        allowed.discard(Order.Status.PAID)
    return [status for status in Order.Status if status in allowed]


@transaction.atomic
def order_advance(
    *,
    order: Order,
    to_status: str,
    carrier: str = "",
    tracking_number: str = "",
    by=None,
) -> Order:
    """Move `order` to `to_status` if the move is allowed; cancelling puts the stock back once.

    A click-and-collect order paid at the store may go to "ready" before it is
    paid; it is paid when collected. Home deliveries are shipped, never collected,
    with the `carrier` and `tracking_number` staff give. `by` is the staff member
    who moved it (None for the worker).

    The shopper is told of each step by one e-mail, enqueued when the move
    commits: a status is never entered twice, so neither is its e-mail sent twice.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if to_status not in order_next_statuses(order):
        raise TransitionRefused(
            _("Order %(number)s cannot go from “%(from)s” to “%(to)s”.")
            % {
                "number": order.number,
                "from": order.get_status_display(),
                "to": Order.Status(to_status).label,
            }
        )
    if to_status == Order.Status.CANCELLED and order.payments.exists():
        _refund_whole(order)
    if to_status == Order.Status.CANCELLED and not order.stock_returned:
        for line in order.lines.exclude(variant=None):
            Variant.objects.filter(pk=line.variant_id).update(stock=F("stock") + line.quantity)
        order.stock_returned = True
        stock_flags_refresh(
            Variant.objects.filter(order_lines__order=order).values_list("product_id", flat=True)
        )
    if to_status in (Order.Status.SHIPPED, Order.Status.COLLECTED):
        order.handed_over_at = timezone.now()
    if to_status == Order.Status.SHIPPED:
        order.carrier = carrier
        order.tracking_number = tracking_number.strip()
    if to_status == Order.Status.PAID or (
        to_status == Order.Status.COLLECTED and order.paid_at is None
    ):
        order.paid_at = timezone.now()  # a transfer received, or paid at the store
    order.status = to_status
    order.save(
        update_fields=[
            "status",
            "stock_returned",
            "handed_over_at",
            "paid_at",
            "carrier",
            "tracking_number",
            "updated_at",
        ]
    )
    if order.paid_at is not None and to_status != Order.Status.CANCELLED:
        invoice_issue(order)
    if to_status == Order.Status.SHIPPED:
        enqueue_on_commit(order_shipped_email_send, order_id=order.pk)  # with the invoice
    elif to_status in STATUS_EMAILS:
        enqueue_on_commit(order_status_email_send, order_id=order.pk, status=to_status)
    if by is not None:
        logger.info("Order %s moved to %s by %s", order.number, to_status, by.get_username())
    return order


def _refund_whole(order: Order) -> None:
    """Cancelling an order closes its card tries still open at the provider and sends
    back what is left of every card payment that went through."""
    try:
        for payment in order.payments.exclude(
            status__in=[Payment.Status.CANCELED, Payment.Status.SUCCEEDED]
        ):
            payments.payment_cancel(payment)
        for payment in order.payments.filter(status=Payment.Status.SUCCEEDED):
            _refund_all(payment, Refund.Reason.CANCELLATION)
    except (payments.PaymentUnavailable, payments.PaymentRefused) as refusal:
        raise TransitionRefused(str(refusal)) from refusal


# What identifies the shopper on an order, blanked by `order_anonymise`.
PERSONAL_FIELDS = ["email", "name", "phone", "street", "postcode", "city"]


@transaction.atomic
def order_anonymise(*, order: Order, even_if_open: bool = False) -> Order:
    """Erase the shopper's details on `order`: e-mail, name, phone and address.

    Number, dates, amounts, lines and the stock they took stay for the
    accounts. The private link changes, so an old confirmation e-mail leads
    nowhere. An order still to be paid, prepared or collected is refused
    unless `even_if_open` (the retention purge).
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.anonymised_at is not None:
        return order
    if TRANSITIONS[order.status] and not even_if_open:
        raise TransitionRefused(
            _("Order %(number)s is still “%(status)s”: finish or cancel it first.")
            % {"number": order.number, "status": order.get_status_display()}
        )
    for field in PERSONAL_FIELDS:
        setattr(order, field, "")
    order.token = new_token()
    order.checkout_key = None
    order.anonymised_at = timezone.now()
    order.save(
        update_fields=[*PERSONAL_FIELDS, "token", "checkout_key", "anonymised_at", "updated_at"]
    )
    # What the shopper wrote about a return may name them too.
    order.returns.update(comment="")
    return order
