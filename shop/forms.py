from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from catalog.models import Variant
from common.forms import TOO_LONG, FrenchPostcodeField, PhoneField, shop_errors
from common.visible_text import VisibleTextForm
from shop.cart import MAX_QUANTITY
from shop.models import Order, Return, Store

# The fields only home delivery uses, and what each says when left empty.
ADDRESS_NEEDED = {
    "street": _("Give your street and number for home delivery."),
    "postcode": _("Give your postal code for home delivery."),
    "city": _("Give your city for home delivery."),
}


class AddToCartForm(forms.Form):
    variant = forms.ModelChoiceField(
        queryset=Variant.objects.filter(product__is_published=True).select_related("product"),
        label=_("Size and colour"),
        error_messages={"invalid_choice": _("Choose a size and colour that we sell.")},
    )
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, initial=1
    )


class CartLineForm(forms.Form):
    variant = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=MAX_QUANTITY)


class CheckoutForm(VisibleTextForm):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,  # Order.email's
        error_messages=shop_errors(
            _("Give your e-mail address: we send the confirmation there."),
            invalid=_("Enter a valid e-mail address, such as anne@example.org."),
        ),
    )
    name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        error_messages=shop_errors(_("Give your first and last name.")),
    )
    phone = PhoneField(required=False)
    delivery = forms.ChoiceField(
        label=_("Delivery"),
        choices=Order.Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose home delivery or click and collect."),
            "invalid_choice": _("Choose home delivery or click and collect."),
        },
    )
    street = forms.CharField(
        label=_("Street and number"),
        max_length=200,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )
    postcode = FrenchPostcodeField(required=False)
    city = forms.CharField(
        label=_("City"),
        max_length=100,
        required=False,
        error_messages={"max_length": TOO_LONG},
    )
    store = forms.ModelChoiceField(
        label=_("Collection store"),
        queryset=Store.objects.none(),
        required=False,
        empty_label=_("Choose a store"),
        error_messages={
            "invalid_choice": _("This store does not take click-and-collect orders today.")
        },
    )
    payment_method = forms.ChoiceField(
        label=_("Payment"),
        choices=Order.Payment.choices,
        widget=forms.RadioSelect,
        initial=Order.Payment.CARD,
        error_messages={
            "required": _("Choose how you will pay."),
            "invalid_choice": _("Choose how you will pay."),
        },
    )
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of sale."),
        error_messages={"required": _("Please accept the terms of sale to order.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.collect_points(timezone.localdate())
        terms = reverse("pages:detail", kwargs={"slug": "conditions-generales-de-vente"})
        self.fields["accept_terms"].label = format_html(
            _('I accept the <a href="{url}" target="_blank" rel="noopener">terms of sale</a>.'),
            url=terms,
        )

    def clean(self):
        """Check the fields of the delivery chosen; the other choice's fields, hidden on the
        page, never block the order (a postcode mistyped under home delivery before the
        shopper switched to click and collect)."""
        data = super().clean()
        delivery = data.get("delivery")
        if delivery == Order.Delivery.HOME:
            self._forget("store")
            for name, needed in ADDRESS_NEEDED.items():
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, needed)
            data["store"] = None
        elif delivery == Order.Delivery.COLLECT:
            for name in ADDRESS_NEEDED:
                self._forget(name)
            if not data.get("store") and "store" not in self.errors:
                self.add_error("store", _("Choose the store where you will collect your order."))
        if (
            data.get("payment_method") == Order.Payment.AT_STORE
            and delivery != Order.Delivery.COLLECT
        ):
            self.add_error(
                "payment_method", _("Paying at the store is only possible with click and collect.")
            )
        return data

    def _forget(self, name):
        """Drop the error of a field the delivery chosen does not use; it is left empty."""
        if self._errors.pop(name, None) is not None:
            self.cleaned_data[name] = None if name == "store" else ""


class ReturnForm(VisibleTextForm):
    """What the shopper sends back: a quantity for each line still returnable, a reason."""

    reason = forms.ChoiceField(label=_("Why are you returning it?"), choices=Return.Reason.choices)
    comment = forms.CharField(
        label=_("Anything we should know"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, lines, available, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = []
        for line in lines:
            most = available.get(line.pk, 0)
            if most <= 0:
                continue
            label = line.product_name + (f" ({line.variant_label})" if line.variant_label else "")
            name = f"line_{line.pk}"
            self.fields[name] = forms.IntegerField(
                label=label, min_value=0, max_value=most, initial=0, required=False
            )
            self.lines.append((line, name))
        self.order_fields([*(name for _, name in self.lines), "reason", "comment"])

    def line_fields(self):
        return [self[name] for _, name in self.lines]

    def quantities(self):
        return {line.pk: self.cleaned_data.get(name) or 0 for line, name in self.lines}

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(self.quantities().values()):
            raise forms.ValidationError(_("Choose at least one item to return."))
        return cleaned
