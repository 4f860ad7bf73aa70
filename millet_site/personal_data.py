"""Shoppers' personal data across the shop, the repair service and the back-in-stock
alerts: the right of access
(everything held for an e-mail address) and the retention periods (what is past them).

The writes themselves are the apps' services, `order_anonymise` and
`repair_anonymise`; this module only finds the records and gathers them. An
alert is nothing but an address: past its period it is deleted whole.
"""

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db.models import Q, QuerySet
from django.utils import timezone

from alerts.models import StockAlert
from common.shoppers import verified_emails
from repairs.models import RepairPhoto, RepairRequest
from shop.models import Order

# Days a back-in-stock alert is kept: never confirmed, from the day it was
# asked for; once its restock was seen, from that day (time for the e-mail's
# retries and for the shopper to order).
ALERT_UNCONFIRMED_DAYS = 7
ALERT_SPENT_DAYS = 30


def export_for(email: str) -> dict:
    """Every order and repair request held for `email` (any case), with their lines,
    steps and photos (JPEG, base64), as a JSON-ready dict."""
    orders = (
        Order.objects.filter(email__iexact=email)
        .select_related("store")
        .prefetch_related("lines")
        .order_by("created_at")
    )
    repairs = (
        RepairRequest.objects.filter(email__iexact=email)
        .select_related("product")
        .prefetch_related("history", "photos")
        .order_by("created_at")
    )
    alerts = (
        StockAlert.objects.filter(email__iexact=email)
        .select_related("variant__product")
        .order_by("created_at")
    )
    return {
        "email": email,
        "exported_at": timezone.now().isoformat(),
        "orders": [_order(order) for order in orders],
        "repair_requests": [_repair(repair) for repair in repairs],
        "stock_alerts": [_alert(alert) for alert in alerts],
    }


def export_for_account(user) -> dict:
    """Everything held for a shopper's account: the account, its saved addresses, and
    what `export_for` finds for each address it has verified."""
    emails = verified_emails(user)
    parts = [export_for(email) for email in emails]
    return {
        "account": {
            "email": user.email,
            "joined_at": user.date_joined.isoformat(),
            "verified_emails": emails,
            "saved_addresses": [
                {
                    "label": address.label,
                    "delivery": address.get_delivery_display(),
                    "name": address.name,
                    "phone": address.phone,
                    "street": address.street,
                    "postcode": address.postcode,
                    "city": address.city,
                    "collection_store": address.store.name if address.store_id else None,
                }
                for address in user.saved_addresses.select_related("store")
            ],
        },
        "exported_at": timezone.now().isoformat(),
        "orders": [order for part in parts for order in part["orders"]],
        "repair_requests": [repair for part in parts for repair in part["repair_requests"]],
        "stock_alerts": [alert for part in parts for alert in part["stock_alerts"]],
    }


def _order(order: Order) -> dict:
    return {
        "number": order.number,
        "placed_at": order.created_at.isoformat(),
        "status": order.get_status_display(),
        "email": order.email,
        "name": order.name,
        "phone": order.phone,
        "street": order.street,
        "postcode": order.postcode,
        "city": order.city,
        "delivery": order.get_delivery_display(),
        "collection_store": order.store.name if order.store_id else None,
        "payment": order.get_payment_method_display(),
        "language": order.language,
        "subtotal": str(order.subtotal),
        "delivery_fee": str(order.delivery_fee),
        "total": str(order.total),
        "lines": [
            {
                "product": line.product_name,
                "size_colour": line.variant_label,
                "sku": line.sku,
                "unit_price": str(line.unit_price),
                "quantity": line.quantity,
                "line_total": str(line.line_total),
            }
            for line in order.lines.all()
        ],
    }


def _repair(repair: RepairRequest) -> dict:
    return {
        "reference": repair.reference,
        "submitted_at": repair.created_at.isoformat(),
        "status": repair.get_status_display(),
        "name": repair.name,
        "email": repair.email,
        "phone": repair.phone,
        "street": repair.street,
        "postcode": repair.postcode,
        "city": repair.city,
        "country": repair.country,
        "item": repair.item,
        "purchase_year": repair.purchase_year,
        "damage": repair.damage,
        "quote": str(repair.quote_amount) if repair.quote_amount is not None else None,
        "quote_details": repair.quote_note,
        "quote_answer": repair.get_quote_decision_display(),
        "language": repair.language,
        "steps": [
            {"status": step.get_status_display(), "at": step.at.isoformat(), "note": step.note}
            for step in repair.history.all()
        ],
        "photos": [_photo(photo) for photo in repair.photos.all()],
    }


def _alert(alert: StockAlert) -> dict:
    def moment(value):
        return value.isoformat() if value else None

    return {
        "product": alert.variant.product.name,
        "sku": alert.variant.sku,
        "email": alert.email,
        "language": alert.language,
        "asked_at": alert.created_at.isoformat(),
        "confirmed_at": moment(alert.confirmed_at),
        "restock_seen_at": moment(alert.notified_at),
        "emailed_at": moment(alert.emailed_at),
    }


def _photo(photo: RepairPhoto) -> dict:
    try:
        with photo.image.open("rb") as file:
            data = base64.b64encode(file.read()).decode("ascii")
    except FileNotFoundError:
        data = None
    return {"width": photo.width, "height": photo.height, "jpeg_base64": data}


@dataclass(frozen=True)
class PastRetention:
    """What the retention periods have run out on, as of `now`."""

    now: datetime
    orders: QuerySet
    repairs: QuerySet
    stock_alerts: QuerySet
    expired_sessions: QuerySet


def past_retention(now: datetime | None = None) -> PastRetention:
    """Orders placed more than ORDER_RETENTION_DAYS ago and repair requests untouched for
    REPAIR_RETENTION_DAYS, whose details are still held; back-in-stock alerts left
    unconfirmed for ALERT_UNCONFIRMED_DAYS or spent for ALERT_SPENT_DAYS; sessions past
    their expiry."""
    now = now or timezone.now()
    order_cutoff = now - timedelta(days=settings.ORDER_RETENTION_DAYS)
    repair_cutoff = now - timedelta(days=settings.REPAIR_RETENTION_DAYS)
    return PastRetention(
        now=now,
        orders=Order.objects.filter(anonymised_at=None, created_at__lt=order_cutoff).order_by(
            "created_at"
        ),
        repairs=RepairRequest.objects.filter(
            anonymised_at=None, updated_at__lt=repair_cutoff
        ).order_by("updated_at"),
        stock_alerts=StockAlert.objects.filter(
            Q(confirmed_at=None, created_at__lt=now - timedelta(days=ALERT_UNCONFIRMED_DAYS))
            | Q(notified_at__lt=now - timedelta(days=ALERT_SPENT_DAYS))
        ),
        expired_sessions=Session.objects.filter(expire_date__lt=now),
    )
