from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from catalog.models import Variant
from common.forms import TOO_LONG
from common.visible_text import VisibleTextForm


class StockAlertForm(VisibleTextForm):
    variant = forms.ModelChoiceField(
        queryset=Variant.objects.filter(product__is_published=True).select_related("product"),
        label=_("Size and colour"),
        error_messages={
            "required": _("Choose the sold-out size and colour you are waiting for."),
            "invalid_choice": _("Choose a size and colour that we sell."),
        },
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address."),
            "invalid": _("Enter a valid e-mail address, such as anne@example.org."),
            "max_length": TOO_LONG,
        },
    )

    def clean_variant(self):
        variant = self.cleaned_data["variant"]
        if variant.in_stock:
            raise ValidationError(
                _("Good news: this size and colour is in stock, you can order it now."),
                code="in_stock",
            )
        return variant
