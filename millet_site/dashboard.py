"""The admin's home page: what needs staff today, in a fixed number of queries.

Each part is read only for staff allowed to view what it counts: today's
orders and the 30 days of sales (one query), orders to prepare (one), repairs
by workshop step (one), low stock (one).
"""

import datetime
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone

from catalog.models import Variant
from repairs.models import RepairRequest, Status
from shop.models import Order

SALES_DAYS = 30
LOW_STOCK = 3
LOW_STOCK_ROWS = 10

# The sales chart, in SVG user units: one bar per day, drawn on the server.
BAR_WIDTH = 16
BAR_GAP = 4
CHART_HEIGHT = 120
AXIS_SPACE = 20  # below the bars, for the first and last dates


def dashboard_context(user) -> dict:
    """The dashboard's figures for `user`; a part they may not view is None."""
    today = timezone.localdate()
    context = {
        "sales": None,
        "to_prepare": None,
        "repair_steps": None,
        "low_stock": None,
        "low_stock_limit": LOW_STOCK,
    }
    if user.has_perm("shop.view_order"):
        context["sales"] = sales_chart(today)
        context["to_prepare"] = Order.objects.to_prepare().count()
    if user.has_perm("repairs.view_repairrequest"):
        context["repair_steps"] = repair_steps()
    if user.has_perm("catalog.view_variant"):
        context["low_stock"] = list(
            Variant.objects.filter(product__is_published=True, stock__lte=LOW_STOCK)
            .select_related("product")
            .order_by("stock", "sku")[:LOW_STOCK_ROWS]
        )
    return context


def sales_chart(today: datetime.date) -> dict:
    """The last SALES_DAYS days up to `today`, each with its orders, takings and bar."""
    since = today - datetime.timedelta(days=SALES_DAYS - 1)
    rows = {row["day"]: row for row in Order.objects.daily_sales(since=since)}
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


def repair_steps() -> list[dict]:
    """Open repair requests per workshop step, every step listed, in the workshop's order."""
    counts = dict(
        RepairRequest.objects.exclude(status=Status.CLOSED)
        .values_list("status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return [
        {"status": status, "label": status.label, "count": counts.get(status.value, 0)}
        for status in Status
        if status != Status.CLOSED
    ]
