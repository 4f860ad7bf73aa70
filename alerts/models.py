import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Variant


def new_token() -> str:
    return secrets.token_urlsafe(32)


class StockAlertQuerySet(models.QuerySet):
    def waiting(self):
        """Confirmed alerts whose restock has not been seen yet."""
        return self.filter(confirmed_at__isnull=False, notified_at=None)


class StockAlert(models.Model):
    """A shopper's wish to hear, once, when a sold-out variant is back in stock.

    Double opt-in: only a confirmed alert is sent. `notified_at` is set when a
    restock is seen, in one step that no second restock can repeat;
    `emailed_at` when the relay took the e-mail, so a retry never sends twice.
    """

    variant = models.ForeignKey(
        Variant, verbose_name=_("variant"), on_delete=models.CASCADE, related_name="stock_alerts"
    )
    email = models.EmailField(_("e-mail address"))
    language = models.CharField(
        _("language"), max_length=8, default="fr", editable=False, help_text=_("Of the e-mails.")
    )
    token = models.CharField(max_length=43, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed on"), null=True, blank=True, editable=False)
    notified_at = models.DateTimeField(_("restock seen on"), null=True, blank=True, editable=False)
    emailed_at = models.DateTimeField(_("alert e-mailed on"), null=True, blank=True, editable=False)

    objects = StockAlertQuerySet.as_manager()

    class Meta:
        verbose_name = _("back-in-stock alert")
        verbose_name_plural = _("back-in-stock alerts")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["variant", "email"], name="stock_alert_once_per_email")
        ]
        indexes = [
            # What every stock change looks up once it commits: the few alerts
            # still waiting, never the whole table.
            models.Index(
                fields=["variant"],
                condition=Q(confirmed_at__isnull=False, notified_at=None),
                name="stock_alert_waiting",
            ),
        ]

    def __str__(self):
        return f"{self.email} · {self.variant}"
