import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from modeltranslation.admin import TranslationAdmin

from common.admin_tools import ErasedFilter, erase_action
from common.templatetags.typography import price
from shop.documents import print_packing_slips, print_pick_list
from shop.models import Order, OrderLine, OrderNote, Payment, Refund, Return, ReturnLine, Store
from shop.returns import ReturnRefused, refund_ceiling, return_receive, return_refund
from shop.services import (
    PERSONAL_FIELDS,
    TransitionRefused,
    order_advance,
    order_anonymise,
    order_emails_resend,
    order_next_statuses,
)


@admin.register(Store)
class StoreAdmin(TranslationAdmin):
    list_display = ["name", "city", "kind", "phone", "opens_on", "closes_on", "click_and_collect"]
    list_filter = ["kind", "click_and_collect", "city"]
    search_fields = ["name_fr", "name_en", "city", "postcode"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["staff"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    can_delete = False
    fields = ["product_name", "variant_label", "sku", "unit_price", "quantity", "line_total"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class PaymentInline(admin.TabularInline):
    """Each try at paying by card, as the provider last said it, with its ids there."""

    model = Payment
    extra = 0
    can_delete = False
    fields = ["created_at", "amount", "status", "intent_id", "customer_id", "error"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def log_step(modeladmin, request, order, before):
    """Who moved `order`, from what to what, and any money it sent back, in its history."""
    message = f"{before} → {order.get_status_display()}"
    if order.status == Order.Status.SHIPPED and order.tracking_number:
        message += f" ({order.get_carrier_display()} {order.tracking_number})"
    refunds = ", ".join(
        f"{price(refund.amount)} ({refund.provider_id})"
        for refund in Refund.objects.filter(payment__order=order, reason=Refund.Reason.CANCELLATION)
    )
    if refunds:
        message += f"; {_('refunded to the card')}: {refunds}"
    modeladmin.log_change(request, order, message)


def transition_action(status, description):
    @admin.action(description=description, permissions=["change"])
    def action(modeladmin, request, queryset):
        moved, refused = 0, []
        for order in queryset:
            before = order.get_status_display()
            try:
                order = order_advance(order=order, to_status=status, by=request.user)
                log_step(modeladmin, request, order, before)
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


class PreparationFilter(admin.SimpleListFilter):
    """What staff have to do: orders to pack (`Order.objects.to_prepare()`, as the dashboard
    counts them), to hand over at the store, or whose transfer is late (the shopper is
    reminded after settings.TRANSFER_REMINDER_DAYS)."""

    title = _("to do")
    parameter_name = "prepare"

    def lookups(self, request, model_admin):
        return [
            ("todo", _("To prepare")),
            ("ready", _("Ready to collect")),
            (
                "late",
                ngettext(
                    "Awaiting payment for more than %(days)s day",
                    "Awaiting payment for more than %(days)s days",
                    settings.TRANSFER_REMINDER_DAYS,
                )
                % {"days": settings.TRANSFER_REMINDER_DAYS},
            ),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "todo":
                return queryset.to_prepare()
            case "ready":
                return queryset.filter(status=Order.Status.READY)
            case "late":
                since = timezone.now() - datetime.timedelta(days=settings.TRANSFER_REMINDER_DAYS)
                # Paying at the store is not late: the shopper pays when collecting.
                return queryset.filter(
                    status=Order.Status.AWAITING_PAYMENT, created_at__lt=since
                ).exclude(payment_method=Order.Payment.AT_STORE)
        return queryset


class OrderNoteInline(admin.TabularInline):
    """Staff notes: written once, never changed or deleted; one line each."""

    model = OrderNote
    extra = 1
    can_delete = False
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "text":
            # A table row's field has its label in the column's heading, not beside it.
            kwargs["widget"] = forms.Textarea(
                attrs={"rows": 2, "cols": 80, "aria-label": db_field.verbose_name}
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    # Notes are part of the order: whoever may change it may add one, whoever may see it reads them.
    def has_add_permission(self, request, obj=None):
        return request.user.has_perm("shop.change_order")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("shop.view_order") or self.has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return False


def order_timeline(order):
    """Every change of `order`, oldest first, as (when, who, what): staff's from its admin
    history, and the shop's own (a late transfer's reminder, an order released unpaid)
    from the order's dates, done by nobody in particular."""
    entries = [
        (
            entry.action_time,
            entry.user.get_full_name() or entry.user.get_username(),
            entry.get_change_message(),
        )
        for entry in LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Order), object_id=str(order.pk)
        ).select_related("user")
    ]
    shop = _("The shop (automatic)")
    if order.transfer_reminded_at:
        entries.append(
            (order.transfer_reminded_at, shop, _("Bank transfer reminder e-mailed to the shopper"))
        )
    if order.hold_released_at:
        entries.append(
            (
                order.hold_released_at,
                shop,
                _("%(before)s → %(after)s: no payment arrived in time, stock put back")
                % {
                    "before": Order.Status.AWAITING_PAYMENT.label,
                    "after": Order.Status.CANCELLED.label,
                },
            )
        )
    return [
        {"when": when, "who": who, "change": change}
        for when, who, change in sorted(entries, key=lambda entry: entry[0])
    ]


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(label=_("carrier"), choices=Order.Carrier.choices)
    tracking_number = forms.CharField(label=_("tracking number"), max_length=64)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    change_form_template = "admin/shop/order/change_form.html"
    # Readable at 1,366 px, and on a phone without the date and delivery (admin-orders.css):
    # the e-mail, the payment and the rest are on the order's page.
    list_display = ["number", "placed", "name", "total", "state", "delivery_place"]
    list_select_related = ["store"]
    list_filter = [
        PreparationFilter,
        "status",
        EmailSentFilter,
        "delivery",
        "payment_method",
        ("store", admin.RelatedOnlyFieldListFilter),  # store staff: their own stores
        ErasedFilter,
    ]
    search_fields = ["number", "email", "name"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, PaymentInline, OrderNoteInline]
    readonly_fields = [
        "number",
        "status",
        "carrier",
        "tracking_number",
        "handed_over_at",
        "paid_at",
        "payment_due_by",
        "hold_released_at",
        "card_refunds",
        "returns",
        "subtotal",
        "delivery_fee",
        "total",
        "delivery",
        "store",
        "payment_method",
        "stock_returned",
        "confirmation_sent_at",
        "store_notified_at",
        "transfer_reminded_at",
        "created_at",
        "updated_at",
        "anonymised_at",
    ]
    fieldsets = [
        (None, {"fields": ["number", "status", ("created_at", "updated_at")]}),
        (
            _("Shopper"),
            {"fields": [("email", "name", "phone"), ("street", "postcode", "city")]},
        ),
        (
            _("Delivery"),
            {
                "fields": [
                    ("delivery", "store"),
                    ("carrier", "tracking_number", "handed_over_at"),
                    "stock_returned",
                ]
            },
        ),
        (
            _("Payment"),
            {
                "fields": [
                    ("payment_method", "paid_at"),
                    ("subtotal", "delivery_fee", "total"),
                    ("payment_due_by", "hold_released_at"),
                ]
            },
        ),
        (_("Returns and refunds"), {"fields": ["returns", "card_refunds"]}),
        (
            _("E-mails"),
            {"fields": [("confirmation_sent_at", "store_notified_at", "transfer_reminded_at")]},
        ),
        (None, {"fields": ["anonymised_at"]}),
    ]
    actions = [
        resend_confirmation,
        anonymise,
        transition_action(Order.Status.PAID, _("Mark as paid")),
        transition_action(Order.Status.READY, _("Mark as ready for collection")),
        transition_action(Order.Status.SHIPPED, _("Mark as shipped")),
        transition_action(Order.Status.COLLECTED, _("Mark as collected")),
        transition_action(Order.Status.CANCELLED, _("Cancel (puts the stock back)")),
        print_packing_slips,
        print_pick_list,
    ]

    @admin.display(description=_("placed"), ordering="created_at")
    def placed(self, order):
        return date_format(timezone.localtime(order.created_at), "SHORT_DATETIME_FORMAT")

    @admin.display(description=_("status"), ordering="status")
    def state(self, order):
        # As the shopper reads it: "to pay at collection" is not late.
        return format_html(
            '<span class="order-status order-status--{}">{}</span>',
            order.status,
            order.status_label,
        )

    @admin.display(description=_("delivery"), ordering="delivery")
    def delivery_place(self, order):
        if order.store_id:
            return _("Collect in %(city)s") % {"city": order.store.city}
        return order.get_delivery_display()

    @admin.display(description=_("card refunds"))
    def card_refunds(self, order):
        refunds = Refund.objects.filter(payment__order=order)
        return (
            ", ".join(
                f"{price(refund.amount)} · {refund.get_reason_display()} · {refund.provider_id}"
                for refund in refunds
            )
            or "—"
        )

    @admin.display(description=_("returns"))
    def returns(self, order):
        parcels = order.returns.order_by("created_at")
        return (
            format_html_join(
                mark_safe("<br>"),
                '<a href="{}">{}</a> · {} · {}',
                (
                    (
                        reverse("admin:shop_return_change", args=[parcel.pk]),
                        date_format(timezone.localtime(parcel.created_at), "SHORT_DATE_FORMAT"),
                        parcel.get_status_display(),
                        f"{price(parcel.refund_amount)} ({parcel.get_refund_method_display()})"
                        if parcel.refund_amount
                        else _("not refunded yet"),
                    )
                    for parcel in parcels
                ),
            )
            or "—"
        )

    @admin.display(description=_("e-mailed"), boolean=True, ordering="confirmation_sent_at")
    def emailed(self, order):
        return order.confirmation_sent_at is not None

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.anonymised_at is not None:
            return [*self.readonly_fields, *PERSONAL_FIELDS]
        return self.readonly_fields

    def get_queryset(self, request):
        # Store staff see their own stores' click-and-collect orders only (Store.staff).
        return super().get_queryset(request).visible_to(request.user)

    def has_add_permission(self, request):
        return False  # orders come from the checkout

    def has_delete_permission(self, request, obj=None):
        return False  # kept for the accounts; cancel instead

    def save_formset(self, request, form, formset, change):
        if formset.model is OrderNote:
            for note in formset.save(commit=False):
                note.author = request.user
                note.save()
            return
        super().save_formset(request, form, formset, change)

    def get_urls(self):
        step = path(
            "<int:order_id>/step/<str:status>/",
            self.admin_site.admin_view(self.step_view),
            name="shop_order_step",
        )
        return [step, *super().get_urls()]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        order = self.get_object(request, object_id)
        if order is not None:
            may_change = self.has_change_permission(request, order)
            extra_context = {
                **(extra_context or {}),
                "steps": [
                    (
                        Order.Status(status),
                        reverse("admin:shop_order_step", args=[order.pk, status]),
                    )
                    for status in order_next_statuses(order)
                ]
                if may_change
                else [],
                "ship_form": ShipForm(),
                "timeline": order_timeline(order),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    @method_decorator(require_POST)
    def step_view(self, request, order_id, status):
        """Move the order one step on from its page (one click), as `order_advance` allows;
        "shipped" needs the carrier and the tracking number. Logged with who did it."""
        order = get_object_or_404(self.get_queryset(request), pk=order_id)
        if not self.has_change_permission(request, order):
            raise PermissionDenied
        if status not in Order.Status.values:
            raise Http404
        back = redirect("admin:shop_order_change", order.pk)
        extra = {}
        if status == Order.Status.SHIPPED:
            form = ShipForm(request.POST)
            if not form.is_valid():
                self.message_user(
                    request, _("Give the carrier and the tracking number."), messages.ERROR
                )
                return back
            extra = form.cleaned_data
        before = order.get_status_display()
        try:
            order = order_advance(order=order, to_status=status, by=request.user, **extra)
        except TransitionRefused as reason:
            self.message_user(request, str(reason), messages.ERROR)
            return back
        log_step(self, request, order, before)
        self.message_user(
            request,
            _("Order %(number)s is now “%(status)s”.")
            % {"number": order.number, "status": order.get_status_display()},
            messages.SUCCESS,
        )
        return back


class ReturnLineInline(admin.TabularInline):
    model = ReturnLine
    extra = 0
    can_delete = False
    fields = ["order_line", "quantity", "amount", "resaleable"]
    readonly_fields = ["order_line", "quantity", "amount"]

    @admin.display(description=_("amount (€)"))
    def amount(self, line):
        return line.amount

    def has_add_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        # Resaleable or not is decided on inspection, before the parcel is received.
        if obj is not None and obj.status != Return.Status.REQUESTED:
            return [*self.readonly_fields, "resaleable"]
        return self.readonly_fields


class ReturnAdminForm(forms.ModelForm):
    """The refund, entered once the parcel is received and inspected."""

    amount = forms.DecimalField(
        label=_("refund (€)"), required=False, min_value=Decimal("0.01"), decimal_places=2
    )
    method = forms.ChoiceField(
        label=_("refund method"),
        required=False,
        choices=[("", "---------"), *Return.RefundMethod.choices],
    )
    on = forms.DateField(label=_("refunded on"), required=False)

    class Meta:
        model = Return
        fields = []

    def clean(self):
        cleaned = super().clean()
        given = [cleaned.get(name) for name in ("amount", "method", "on")]
        if any(given) and not all(given):
            raise forms.ValidationError(_("Give the refund's amount, method and date together."))
        if all(given):
            if self.instance.status != Return.Status.RECEIVED:
                raise forms.ValidationError(
                    _("Record the refund once the return is received and inspected.")
                )
            ceiling = refund_ceiling(self.instance)
            if cleaned["amount"] > ceiling:
                self.add_error(
                    "amount",
                    _("At most %(ceiling)s for this return.") % {"ceiling": price(ceiling)},
                )
            if cleaned["on"] > timezone.localdate():
                self.add_error("on", _("The refund date cannot be in the future."))
            if (
                cleaned["method"] == Return.RefundMethod.CARD
                and not self.instance.order.paid_by_card
            ):
                self.add_error(
                    "method",
                    _(
                        "This order was not paid by card: "
                        "refund it by bank transfer or at the store."
                    ),
                )
        return cleaned


@admin.action(
    description=_("Mark as received (resaleable items go back on sale)"), permissions=["change"]
)
def receive(modeladmin, request, queryset):
    received = 0
    for parcel in queryset:
        try:
            return_receive(parcel=parcel)
            received += 1
        except ReturnRefused as refusal:
            modeladmin.message_user(request, f"{parcel}: {refusal}", messages.ERROR)
    if received:
        modeladmin.message_user(
            request,
            ngettext("%(count)s return received.", "%(count)s returns received.", received)
            % {"count": received},
            messages.SUCCESS,
        )


@admin.register(Return)
class ReturnAdmin(admin.ModelAdmin):
    form = ReturnAdminForm
    list_display = ["order", "created_at", "reason", "status", "refund", "refunded_on"]
    list_filter = ["status", "reason", "refund_method", "refunded_on"]
    list_select_related = ["order"]
    search_fields = ["order__number", "order__email"]
    date_hierarchy = "created_at"
    inlines = [ReturnLineInline]
    actions = [receive]
    readonly_fields = [
        "order",
        "reason",
        "comment",
        "status",
        "created_at",
        "received_at",
        "restocked_at",
        "refund_amount",
        "refund_method",
        "refunded_on",
        "card_refund",
    ]
    fieldsets = [
        (None, {"fields": ["order", ("reason", "status"), "comment"]}),
        (None, {"fields": [("created_at", "received_at", "restocked_at")]}),
        (
            _("Refund"),
            {
                "fields": [
                    ("refund_amount", "refund_method", "refunded_on"),
                    "card_refund",
                    ("amount", "method", "on"),
                ]
            },
        ),
    ]

    def get_fieldsets(self, request, obj=None):
        """The refund once: nothing before the parcel is received, the fields to fill in
        once it is, what was refunded afterwards."""
        fieldsets = super().get_fieldsets(request, obj)
        name, options = fieldsets[2]
        if obj is None or obj.status == Return.Status.REQUESTED:
            return fieldsets[:2]
        if obj.status == Return.Status.RECEIVED:
            return [*fieldsets[:2], (name, {"fields": options["fields"][2:]})]
        return [*fieldsets[:2], (name, {"fields": options["fields"][:2]})]

    def get_urls(self):
        receive_url = path(
            "<int:return_id>/recu/",
            self.admin_site.admin_view(self.receive_view),
            name="shop_return_receive",
        )
        return [receive_url, *super().get_urls()]

    def receive_view(self, request, return_id):
        """The parcel is here: one click on the return's own page (POST)."""
        parcel = get_object_or_404(Return, pk=return_id)
        if request.method != "POST" or not self.has_change_permission(request, parcel):
            raise PermissionDenied
        receive(self, request, Return.objects.filter(pk=parcel.pk))
        return redirect("admin:shop_return_change", parcel.pk)

    @admin.display(description=_("refund"), ordering="refund_amount")
    def refund(self, parcel):
        return price(parcel.refund_amount) if parcel.refund_amount is not None else "—"

    def has_add_permission(self, request):
        return False  # returns come from the shopper's order page

    def has_delete_permission(self, request, obj=None):
        return False  # kept for the accounts

    @admin.display(description=_("provider's refund id"))
    def card_refund(self, parcel):
        return ", ".join(parcel.refunds.values_list("provider_id", flat=True)) or "—"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        data = form.cleaned_data
        if not data.get("amount"):
            return
        try:
            return_refund(parcel=obj, amount=data["amount"], method=data["method"], on=data["on"])
        except ReturnRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return
        refund = obj.refunds.first()
        self.log_change(
            request,
            obj,
            f"{_('Refunded')} {price(data['amount'])} ({Return.RefundMethod(data['method']).label}"
            + (f", {refund.provider_id}" if refund else "")
            + ")",
        )

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            response.context_data["totals"] = changelist.queryset.aggregate(
                returns=Count("pk"),
                refunded=Count("refund_amount"),
                refund_total=Sum("refund_amount", default=Decimal(0)),
            )
        return response
