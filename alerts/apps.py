from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def products_restocked(sender, in_stock, **kwargs):
    """Waiting alerts on the products with a variant in stock are sent after the commit."""
    from alerts.services import stock_alerts_restocked

    stock_alerts_restocked(in_stock)


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = _("Back-in-stock alerts")

    def ready(self):
        from catalog.signals import stock_changed

        stock_changed.connect(products_restocked, dispatch_uid="alerts-restocked")
