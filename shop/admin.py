from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from shop.models import Order, OrderLine, Store
from shop.services import TransitionRefused, order_advance


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "kind", "opens_on", "closes_on", "click_and_collect"]
    list_filter = ["kind", "click_and_collect", "city"]
    search_fields = ["name", "city", "postcode"]
    prepopulated_fields = {"slug": ["name"]}


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ["product_name", "variant_label", "sku", "unit_price", "quantity", "line_total"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def transition_action(status, description):
    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        moved, refused = 0, []
        for order in queryset:
            try:
                order_advance(order=order, to_status=status)
                moved += 1
            except TransitionRefused as reason:
                refused.append(str(reason))
        if moved:
            modeladmin.message_user(
                request,
                ngettext("%(count)s order updated.", "%(count)s orders updated.", moved)
                % {"count": moved},
                messages.SUCCESS,
            )
        for reason in refused:
            modeladmin.message_user(request, reason, messages.ERROR)

    action.__name__ = f"mark_{status}"
    return action


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "created_at", "name", "email", "delivery", "store", "total", "status"]
    list_filter = ["status", "delivery", "payment_method", "store"]
    list_select_related = ["store"]
    search_fields = ["number", "email", "name"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline]
    readonly_fields = [
        "number",
        "status",
        "subtotal",
        "delivery_fee",
        "total",
        "delivery",
        "store",
        "payment_method",
        "stock_returned",
        "created_at",
        "updated_at",
    ]
    fields = [
        "number",
        "status",
        ("email", "name", "phone"),
        ("street", "postcode", "city"),
        ("delivery", "store", "payment_method"),
        ("subtotal", "delivery_fee", "total"),
        "stock_returned",
        ("created_at", "updated_at"),
    ]
    actions = [
        transition_action(Order.Status.PAID, _("Mark as paid")),
        transition_action(Order.Status.READY, _("Mark as ready for collection")),
        transition_action(Order.Status.SHIPPED, _("Mark as shipped")),
        transition_action(Order.Status.COLLECTED, _("Mark as collected")),
        transition_action(Order.Status.CANCELLED, _("Cancel (puts the stock back)")),
    ]

    def has_add_permission(self, request):
        return False  # orders come from the checkout
