"""Writes on back-in-stock alerts: asking for one, confirming or cancelling it, and
releasing the waiting ones when their variant is back in stock."""

from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts.models import StockAlert
from alerts.tasks import stock_alert_confirmation_send, stock_alert_send
from catalog.models import Variant
from common.mail import enqueue_on_commit


@transaction.atomic
def stock_alert_request(*, variant: Variant, email: str, language: str) -> StockAlert:
    """Record that `email` wants to hear when `variant` is back, and e-mail the link that
    confirms it. Asking again never makes a second alert: an unconfirmed one gets its
    e-mail again, a spent one (its restock was seen) starts afresh, a confirmed one
    that still waits is left as it is."""
    alert = (
        StockAlert.objects.select_for_update().filter(variant=variant, email__iexact=email).first()
    )
    if alert is None:
        alert = StockAlert(variant=variant, email=email.lower(), language=language)
    elif alert.confirmed_at is not None and alert.notified_at is None:
        return alert
    else:
        alert.confirmed_at = alert.notified_at = alert.emailed_at = None
        alert.language = language
    alert.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            alert.save()
    except IntegrityError:  # the form sent twice at once: the other request made it
        return StockAlert.objects.get(variant=variant, email=alert.email)
    enqueue_on_commit(stock_alert_confirmation_send, alert_id=alert.pk)
    return alert


@transaction.atomic
def stock_alert_confirm(*, alert: StockAlert) -> StockAlert:
    """Confirm `alert` (a second confirmation changes nothing). A variant already back
    in stock is shown on the page that confirms it: no e-mail will follow."""
    alert = StockAlert.objects.select_for_update().select_related("variant").get(pk=alert.pk)
    if alert.confirmed_at is None:
        alert.confirmed_at = timezone.now()
        if alert.variant.in_stock:
            alert.notified_at = alert.confirmed_at
        alert.save(update_fields=["confirmed_at", "notified_at"])
    return alert


@transaction.atomic
def stock_alert_cancel(*, alert: StockAlert) -> None:
    """Forget `alert` and its e-mail address."""
    StockAlert.objects.filter(pk=alert.pk).delete()


def stock_alerts_restocked(product_ids) -> None:
    """Once the current transaction commits, e-mail the waiting alerts on the variants of
    these products that are now in stock, each once (see `stock_alerts_release`).

    Called on every stock change (the catalogue's `stock_changed` signal); it runs
    no query before the commit, so a checkout holds its lock no longer."""
    product_ids = set(product_ids)
    if product_ids:
        transaction.on_commit(partial(stock_alerts_release, product_ids), robust=True)


def stock_alerts_release(product_ids) -> list[int]:
    """Mark the waiting alerts on in-stock variants of these products as seen and enqueue
    one e-mail each. One read when none waits (no write lock: on SQLite a transaction
    would take it); otherwise three queries and an insert per e-mail.

    Marked in one transaction, under row locks on PostgreSQL (SQLite's
    transactions run one at a time): two restocks committed together release
    an alert once, and a later restock finds it spent."""
    due = StockAlert.objects.waiting().filter(
        variant__product__in=product_ids, variant__stock__gt=0
    )
    if not due.exists():
        return []
    with transaction.atomic():
        released = list(due.select_for_update(of=("self",)).values_list("pk", flat=True))
        StockAlert.objects.filter(pk__in=released).update(notified_at=timezone.now())
        for alert_id in released:
            enqueue_on_commit(stock_alert_send, alert_id=alert_id)
    return released
