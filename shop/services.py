"""Writes that span the shop's models: placing an order, moving it along."""

import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.models import Variant, stock_flags_refresh
from common.mail import enqueue_on_commit
from shop.cart import totals
from shop.models import Order, OrderLine, Store, new_token
from shop.tasks import order_emails_send


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
    enqueue_on_commit(order_emails_send, order_id=order.pk)
    return order


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


@transaction.atomic
def order_advance(*, order: Order, to_status: str) -> Order:
    """Move `order` to `to_status` if the move is allowed; cancelling puts the stock back once.

    A click-and-collect order paid at the store may go to "ready" before it is
    paid; it is paid when collected. Home deliveries are shipped, never collected.
    """
    order = Order.objects.select_for_update().get(pk=order.pk)
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
    if to_status not in allowed:
        raise TransitionRefused(
            _("Order %(number)s cannot go from “%(from)s” to “%(to)s”.")
            % {
                "number": order.number,
                "from": order.get_status_display(),
                "to": Order.Status(to_status).label,
            }
        )
    if to_status == Order.Status.CANCELLED and not order.stock_returned:
        for line in order.lines.exclude(variant=None):
            Variant.objects.filter(pk=line.variant_id).update(stock=F("stock") + line.quantity)
        order.stock_returned = True
        stock_flags_refresh(
            Variant.objects.filter(order_lines__order=order).values_list("product_id", flat=True)
        )
    if to_status in (Order.Status.SHIPPED, Order.Status.COLLECTED):
        order.handed_over_at = timezone.now()
    order.status = to_status
    order.save(update_fields=["status", "stock_returned", "handed_over_at", "updated_at"])
    return order


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
