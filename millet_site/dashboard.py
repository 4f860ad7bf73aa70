"""The admin's home page: what needs staff today, in a fixed number of queries.

Each part is read only for staff allowed to view what it counts: the 30 days of
paid orders (one query), the orders to prepare and awaiting payment (one), the
card refunds (one), the returns to receive and to refund with the other refunds
(one), repairs by workshop step with the accepted quotes (one), low stock (one).
Store staff count only their own stores' orders (one more query, for their groups).
Every figure links to the admin list that shows its rows.
"""

import datetime
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from catalog.models import Variant
from repairs.models import RepairRequest, Status
from shop.models import Order, Refund, Return

SALES_DAYS = 30
# An order with a payment received: what the takings link lists (the cancelled left out).
PAID_STATUSES = [
    Order.Status.PAID,
    Order.Status.READY,
    Order.Status.SHIPPED,
    Order.Status.COLLECTED,
]
LOW_STOCK_ROWS = 10

# The sales chart, in SVG user units: one bar per day, drawn on the server.
BAR_WIDTH = 16
BAR_GAP = 4
CHART_HEIGHT = 120
AXIS_SPACE = 20  # below the bars, for the first and last dates


def dashboard_context(user) -> dict:
    """The dashboard's figures for `user`; a part they may not view is None."""
    # The product list's low-stock filter sets the threshold. Imported here: the admin
    # modules load while the admin site (which imports this module) is being set up.
    from catalog.admin import LOW_STOCK

    today = timezone.localdate()
    since = today - datetime.timedelta(days=SALES_DAYS - 1)
    context = {
        "sales": None,
        "to_prepare": None,
        "awaiting_payment": None,
        "takings": None,
        "returns": None,
        "repair_steps": None,
        "accepted_quotes": None,
        "low_stock": None,
        "low_stock_limit": LOW_STOCK,
    }
    if user.has_perm("shop.view_order"):
        # Store staff count their own stores' orders only, as their order list shows them.
        orders = Order.objects.visible_to(user)
        context["sales"] = sales_chart(today, orders)
        context.update(
            orders.aggregate(
                to_prepare=Count("pk", filter=Q(pk__in=Order.objects.to_prepare().values("pk"))),
                awaiting_payment=Count("pk", filter=Q(status=Order.Status.AWAITING_PAYMENT)),
            )
        )
        refunds = card_refunds(since, orders) + other_refunds(since, orders)
        context["takings"] = {
            "since": since,
            "sales": context["sales"]["total"],
            "refunds": refunds,
            "net": context["sales"]["total"] - refunds,
            "paid_statuses": ",".join(PAID_STATUSES),
        }
    if user.has_perm("shop.view_return"):
        context["returns"] = Return.objects.aggregate(
            to_receive=Count("pk", filter=Q(status=Return.Status.REQUESTED)),
            to_refund=Count("pk", filter=Q(status=Return.Status.RECEIVED)),
        )
    if user.has_perm("repairs.view_repairrequest"):
        context["repair_steps"], context["accepted_quotes"] = repair_steps()
    if user.has_perm("catalog.view_variant"):
        context["low_stock"] = list(
            Variant.objects.filter(product__is_published=True, stock__lte=LOW_STOCK)
            .select_related("product")
            .order_by("stock", "sku")[:LOW_STOCK_ROWS]
        )
    return context


def card_refunds(since: datetime.date, orders=None) -> Decimal:
    """Money sent back to cards for the returns refunded since `since`. A cancelled or
    duplicate payment's refund is left out: its order never counted as takings."""
    refunds = Refund.objects.filter(reason=Refund.Reason.RETURN, parcel__refunded_on__gte=since)
    if orders is not None:
        refunds = refunds.filter(payment__order__in=orders)
    total = refunds.aggregate(total=Sum("amount"))
    return total["total"] or Decimal()


def other_refunds(since: datetime.date, orders=None) -> Decimal:
    """Returns refunded by transfer or at the store since `since` (card ones are Refunds)."""
    returns = Return.objects.filter(refunded_on__gte=since, refund_amount__isnull=False)
    if orders is not None:
        returns = returns.filter(order__in=orders)
    total = returns.exclude(refund_method=Return.RefundMethod.CARD).aggregate(
        total=Sum("refund_amount")
    )
    return total["total"] or Decimal()


def paid_per_day(since: datetime.date, orders=None):
    """One row per day since `since` on which `orders` (all by default) were paid:
    {"day", "orders", "revenue"}. An order awaiting its transfer or its payment at the store
    is not takings yet."""
    return (
        (Order.objects.all() if orders is None else orders)
        .sales()
        .filter(paid_at__isnull=False, paid_at__date__gte=since)
        .annotate(day=TruncDate("paid_at"))
        .values("day")
        .annotate(orders=Count("pk"), revenue=Sum("total"))
        .order_by("day")
    )


def sales_chart(today: datetime.date, orders=None) -> dict:
    """The last SALES_DAYS days up to `today`, each with the paid `orders` (all by default),
    their takings and bar."""
    since = today - datetime.timedelta(days=SALES_DAYS - 1)
    rows = {row["day"]: row for row in paid_per_day(since, orders)}
    days = []
    for offset in range(SALES_DAYS):
        day = since + datetime.timedelta(days=offset)
        row = rows.get(day, {})
        days.append(
            {"day": day, "orders": row.get("orders", 0), "revenue": row.get("revenue") or Decimal()}
        )
    highest = max(day["revenue"] for day in days)
    for index, day in enumerate(days):
        height = round(CHART_HEIGHT * day["revenue"] / highest) if highest else 0
        # A day with sales keeps a visible bar, however small next to the best day.
        height = max(height, 2) if day["revenue"] else 0
        day["bar"] = {
            "x": index * (BAR_WIDTH + BAR_GAP),
            "y": CHART_HEIGHT - height,
            "height": height,
        }
    return {
        "today": days[-1],
        "days": days,
        "total": sum(day["revenue"] for day in days),
        "orders": sum(day["orders"] for day in days),
        "best": max(days, key=lambda day: day["revenue"]) if highest else None,
        "bar_width": BAR_WIDTH,
        "width": SALES_DAYS * (BAR_WIDTH + BAR_GAP) - BAR_GAP,
        "height": CHART_HEIGHT + AXIS_SPACE,
        "baseline": CHART_HEIGHT,
        "label_y": CHART_HEIGHT + AXIS_SPACE - 4,
    }


def repair_steps() -> tuple[list[dict], int]:
    """Open repair requests per workshop step, every step listed, in the workshop's order;
    and the quotes the shoppers accepted that wait for the workshop to start."""
    rows = (
        RepairRequest.objects.exclude(status=Status.CLOSED)
        .values("status")
        .annotate(
            count=Count("pk"),
            accepted=Count("pk", filter=Q(quote_decision=RepairRequest.Decision.ACCEPTED)),
        )
        .order_by()
    )
    counts = {row["status"]: row for row in rows}
    steps = [
        {
            "status": status,
            "label": status.label,
            "count": counts.get(status.value, {}).get("count", 0),
        }
        for status in Status
        if status != Status.CLOSED
    ]
    return steps, counts.get(Status.QUOTED.value, {}).get("accepted", 0)
