from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin

from millet_site.admin_tools import ErasedFilter, erase_action
from shop.models import Order, OrderLine, Store
from shop.services import (
    PERSONAL_FIELDS,
    TransitionRefused,
    order_advance,
    order_anonymise,
    order_emails_resend,
)


@admin.register(Store)
class StoreAdmin(TranslationAdmin):
    list_display = ["name", "city", "kind", "phone", "opens_on", "closes_on", "click_and_collect"]
    list_filter = ["kind", "click_and_collect", "city"]
    search_fields = ["name_fr", "name_en", "city", "postcode"]
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


@admin.action(description=_("E-mail the confirmation again"), permissions=["change"])
def resend_confirmation(modeladmin, request, queryset):
    for order in queryset:
        order_emails_resend(order=order)
        modeladmin.log_change(request, order, _("Confirmation e-mail queued again."))
    count = len(queryset)
    modeladmin.message_user(
        request,
        ngettext(
            "%(count)s confirmation will be sent again within a minute.",
            "%(count)s confirmations will be sent again within a minute.",
            count,
        )
        % {"count": count},
        messages.SUCCESS,
    )


anonymise = erase_action(
    erase=lambda order: order_anonymise(order=order),
    refused=TransitionRefused,
    description=_("Erase the shopper's details (keeps amounts and lines)"),
    log_message=_("Shopper's details erased."),
    done_message=lambda count: (
        ngettext(
            "%(count)s order no longer holds the shopper's details.",
            "%(count)s orders no longer hold the shopper's details.",
            count,
        )
        % {"count": count}
    ),
)


class EmailSentFilter(admin.SimpleListFilter):
    title = _("confirmation e-mail")
    parameter_name = "emailed"

    def lookups(self, request, model_admin):
        return [("no", _("Not sent yet")), ("yes", _("Sent"))]

    def queryset(self, request, queryset):
        match self.value():
            case "no":
                return queryset.filter(confirmation_sent_at__isnull=True)
            case "yes":
                return queryset.filter(confirmation_sent_at__isnull=False)
        return queryset


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "created_at",
        "name",
        "email",
        "delivery",
        "store",
        "total",
        "status",
        "emailed",
    ]
    list_filter = [
        "status",
        EmailSentFilter,
        "delivery",
        "payment_method",
        "store",
        ErasedFilter,
    ]
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
        "confirmation_sent_at",
        "store_notified_at",
        "created_at",
        "updated_at",
        "anonymised_at",
    ]
    fields = [
        "number",
        "status",
        ("email", "name", "phone"),
        ("street", "postcode", "city"),
        ("delivery", "store", "payment_method"),
        ("subtotal", "delivery_fee", "total"),
        "stock_returned",
        ("confirmation_sent_at", "store_notified_at"),
        ("created_at", "updated_at", "anonymised_at"),
    ]
    actions = [
        resend_confirmation,
        anonymise,
        transition_action(Order.Status.PAID, _("Mark as paid")),
        transition_action(Order.Status.READY, _("Mark as ready for collection")),
        transition_action(Order.Status.SHIPPED, _("Mark as shipped")),
        transition_action(Order.Status.COLLECTED, _("Mark as collected")),
        transition_action(Order.Status.CANCELLED, _("Cancel (puts the stock back)")),
    ]

    @admin.display(description=_("e-mailed"), boolean=True, ordering="confirmation_sent_at")
    def emailed(self, order):
        return order.confirmation_sent_at is not None

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.anonymised_at is not None:
            return [*self.readonly_fields, *PERSONAL_FIELDS]
        return self.readonly_fields

    def has_add_permission(self, request):
        return False  # orders come from the checkout
