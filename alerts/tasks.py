"""Background work of the back-in-stock alerts, run by the task worker."""

from django.conf import settings
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alerts.models import StockAlert
from common.mail import render_email, send_or_retry


def _alert_context(alert: StockAlert) -> dict:
    """Links of the e-mails, in the shopper's language (the alert's variant and product)."""
    with translation.override(alert.language):
        return {
            "alert": alert,
            "variant": alert.variant,
            "product": alert.variant.product,
            "product_url": settings.SITE_URL + alert.variant.product.get_absolute_url(),
            "confirm_url": settings.SITE_URL
            + reverse("alerts:confirm", kwargs={"token": alert.token}),
            "unsubscribe_url": settings.SITE_URL
            + reverse("alerts:unsubscribe", kwargs={"token": alert.token}),
        }


def _message(alert: StockAlert, *, subject: str, template: str):
    """The e-mail from `template`, with the unsubscribe link also in its headers."""
    context = _alert_context(alert)
    message = render_email(
        subject=subject,
        template=template,
        context=context,
        to=[alert.email],
        language=alert.language,
    )
    message.extra_headers["List-Unsubscribe"] = f"<{context['unsubscribe_url']}>"
    return message


def _alert(alert_id: int) -> StockAlert | None:
    return StockAlert.objects.select_related("variant__product").filter(pk=alert_id).first()


@task
def stock_alert_confirmation_send(*, alert_id: int, attempt: int = 1) -> str:
    """E-mail the shopper the link that confirms their alert, while it is unconfirmed."""
    alert = _alert(alert_id)
    if alert is None:
        return "alert cancelled"
    if alert.confirmed_at is not None:
        return "already confirmed"
    with translation.override(alert.language):
        subject = _("Confirm your back-in-stock alert: %(product)s") % {
            "product": alert.variant.product.name
        }
    message = _message(alert, subject=subject, template="alerts/emails/confirm")
    send_or_retry(message, task=stock_alert_confirmation_send, attempt=attempt, alert_id=alert_id)
    return "sent"


@task
def stock_alert_send(*, alert_id: int, attempt: int = 1) -> str:
    """E-mail the shopper that their variant is back in stock, once.

    Marked e-mailed as soon as the relay takes it: a retry after that sends
    nothing more, nor does a later restock (the alert is already seen).
    """
    alert = _alert(alert_id)
    if alert is None:
        return "alert cancelled"
    if alert.emailed_at is not None:
        return "already sent"
    with translation.override(alert.language):
        subject = _("Back in stock: %(product)s") % {"product": alert.variant.product.name}
    message = _message(alert, subject=subject, template="alerts/emails/restock")
    send_or_retry(message, task=stock_alert_send, attempt=attempt, alert_id=alert_id)
    StockAlert.objects.filter(pk=alert.pk).update(emailed_at=timezone.now())
    return "sent"
