from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from alerts.models import StockAlert


@admin.register(StockAlert)
class StockAlertAdmin(admin.ModelAdmin):
    list_display = [
        "email",
        "variant",
        "product",
        "language",
        "created_at",
        "confirmed",
        "notified",
    ]
    list_filter = [
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("notified_at", admin.EmptyFieldListFilter),
        "language",
        "created_at",
    ]
    list_select_related = ["variant__product"]
    search_fields = ["email", "variant__sku", "variant__product__name_fr"]
    # Shoppers ask for alerts themselves (double opt-in); staff read or delete them.
    fields = readonly_fields = [
        "variant",
        "email",
        "language",
        "created_at",
        "confirmed_at",
        "notified_at",
        "emailed_at",
    ]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("product"), ordering="variant__product__name")
    def product(self, alert):
        return alert.variant.product

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed_at")
    def confirmed(self, alert):
        return alert.confirmed_at is not None

    @admin.display(description=_("restock seen"), boolean=True, ordering="notified_at")
    def notified(self, alert):
        return alert.notified_at is not None
