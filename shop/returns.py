"""Returns under the right of withdrawal: the shopper asks within 14 days of receiving
the goods, staff receive and inspect them, put the resaleable items back on sale
once, and record the refund. Each step e-mails the shopper through the task worker."""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Variant, stock_flags_refresh
from common.mail import enqueue_on_commit
from common.templatetags.typography import price
from shop import payments
from shop.models import Order, Refund, Return, ReturnLine

RETURN_DAYS = 14
# A parcel shipped today reaches the shopper within this many days; their 14 days
# start on receipt, which the shop does not see, so the window opens this much later.
DELIVERY_ALLOWANCE_DAYS = 5


class ReturnRefused(Exception):
    """A return the rules do not allow; its message is for the person who asked."""


def return_deadline(order: Order) -> datetime.date | None:
    """The last day the shopper may ask for a return, or None before the goods left us."""
    if order.status not in (Order.Status.SHIPPED, Order.Status.COLLECTED):
        return None
    handed_over = timezone.localdate(order.handed_over_at or order.updated_at)
    if order.status == Order.Status.SHIPPED:
        handed_over += datetime.timedelta(days=DELIVERY_ALLOWANCE_DAYS)
    deadline = handed_over + datetime.timedelta(days=RETURN_DAYS)
    # A period ending on a Saturday or a Sunday runs to the Monday.
    while deadline.weekday() >= 5:
        deadline += datetime.timedelta(days=1)
    return deadline


def returnable_quantities(order: Order) -> dict[int, int]:
    """Each order line's quantity not yet in a return: {order line id: quantity}."""
    taken = dict(
        ReturnLine.objects.filter(order_line__order=order)
        .values("order_line")
        .annotate(total=Sum("quantity"))
        .values_list("order_line", "total")
    )
    return {line.pk: line.quantity - taken.get(line.pk, 0) for line in order.lines.all()}


@transaction.atomic
def return_request(
    *, order: Order, quantities: dict[int, int], reason: str, comment: str = ""
) -> Return:
    """The shopper sends back `quantities` ({order line id: quantity}) of `order`."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    deadline = return_deadline(order)
    if deadline is None:
        raise ReturnRefused(_("A return can be asked for once the order is shipped or collected."))
    if timezone.localdate() > deadline:
        raise ReturnRefused(
            _("The 14 days to return this order ended on %(date)s.")
            % {"date": deadline.strftime("%d/%m/%Y")}
        )
    available = returnable_quantities(order)
    wanted = {line_id: quantity for line_id, quantity in quantities.items() if quantity > 0}
    if not wanted:
        raise ReturnRefused(_("Choose at least one item to return."))
    for line_id, quantity in wanted.items():
        if quantity > available.get(line_id, 0):
            raise ReturnRefused(_("You cannot return more items than you ordered."))
    parcel = Return.objects.create(order=order, reason=reason, comment=comment)
    ReturnLine.objects.bulk_create(
        ReturnLine(parcel=parcel, order_line_id=line_id, quantity=quantity)
        for line_id, quantity in wanted.items()
    )
    _email(parcel, "requested")
    return parcel


@transaction.atomic
def return_receive(*, parcel: Return) -> Return:
    """The parcel arrived and was inspected: its resaleable items go back on sale, once."""
    parcel = Return.objects.select_for_update().get(pk=parcel.pk)
    if parcel.status != Return.Status.REQUESTED:
        raise ReturnRefused(_("This return was already received."))
    now = timezone.now()
    if parcel.restocked_at is None:
        lines = parcel.lines.filter(resaleable=True).exclude(order_line__variant=None)
        variants = {}
        for line in lines.select_related("order_line__variant"):
            variant = line.order_line.variant
            Variant.objects.filter(pk=variant.pk).update(stock=F("stock") + line.quantity)
            variants[variant.pk] = variant.product_id
        if variants:
            stock_flags_refresh(set(variants.values()))
        parcel.restocked_at = now
    parcel.status = Return.Status.RECEIVED
    parcel.received_at = now
    parcel.save(update_fields=["status", "received_at", "restocked_at", "updated_at"])
    _email(parcel, "received")
    return parcel


def refund_ceiling(parcel: Return) -> Decimal:
    """The most a return may refund: its items, plus the delivery paid for the order
    when it sends back everything ordered (the law refunds the standard delivery)."""
    order = parcel.order
    items = sum((line.amount for line in parcel.lines.select_related("order_line")), Decimal(0))
    everything = all(quantity == 0 for quantity in returnable_quantities(order).values())
    return items + (order.delivery_fee if everything else Decimal(0))


@transaction.atomic
def return_refund(*, parcel: Return, amount: Decimal, method: str, on: datetime.date) -> Return:
    """Staff refunded `amount` by `method` on the day `on`."""
    parcel = Return.objects.select_for_update().get(pk=parcel.pk)
    if parcel.status != Return.Status.RECEIVED:
        raise ReturnRefused(_("Record the refund once the return is received and inspected."))
    ceiling = refund_ceiling(parcel)
    if not Decimal(0) < amount <= ceiling:
        raise ReturnRefused(
            _("The refund must be more than 0 and at most %(ceiling)s.")
            % {"ceiling": price(ceiling)}
        )
    if on > timezone.localdate():
        raise ReturnRefused(_("The refund date cannot be in the future."))
    if method == Return.RefundMethod.CARD:
        _refund_to_card(parcel, amount)
        on = timezone.localdate()
    parcel.refund_amount, parcel.refund_method, parcel.refunded_on = amount, method, on
    parcel.status = Return.Status.REFUNDED
    parcel.save(
        update_fields=["refund_amount", "refund_method", "refunded_on", "status", "updated_at"]
    )
    _email(parcel, "refunded")
    return parcel


def _refund_to_card(parcel: Return, amount: Decimal) -> None:
    """Send `amount` back through the provider to the card that paid the order."""
    paid = parcel.order.paid_by_card
    if paid is None:
        raise ReturnRefused(
            _("This order was not paid by card: refund it by bank transfer or at the store.")
        )
    try:
        payments.refund_card(
            payment=paid,
            amount=amount,
            reason=Refund.Reason.RETURN,
            key=f"return-{parcel.pk}",
            parcel=parcel,
        )
    except payments.PaymentRefused as refusal:
        raise ReturnRefused(str(refusal)) from refusal


def _email(parcel: Return, step: str) -> None:
    from shop.tasks import return_email_send

    if parcel.order.anonymised_at is None:
        enqueue_on_commit(return_email_send, return_id=parcel.pk, step=step)
