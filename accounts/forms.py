from allauth.account import forms as allauth_forms
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import SavedAddress
from common.forms import TOO_LONG, FrenchPostcodeField, PhoneField, shop_errors
from common.visible_text import VisibleTextForm
from shop.models import Store

# What home delivery needs, and the words that ask for it.
HOME_NEEDS = {
    "street": _("Give the street and number."),
    "postcode": _("Give your postal code."),
    "city": _("Give your city."),
}


class SavedAddressForm(VisibleTextForm, forms.ModelForm):
    phone = PhoneField(required=False)
    postcode = FrenchPostcodeField(required=False)

    class Meta:
        model = SavedAddress
        fields = ["label", "delivery", "name", "phone", "street", "postcode", "city", "store"]
        widgets = {"delivery": forms.RadioSelect}
        error_messages = {
            "label": shop_errors(_("Name this address, e.g. “Home” or “Work”.")),
            "name": shop_errors(_("Give your first and last name.")),
            "delivery": {
                "required": _("Choose home delivery or click and collect."),
                "invalid_choice": _("Choose home delivery or click and collect."),
            },
            "street": {"max_length": TOO_LONG},
            "city": {"max_length": TOO_LONG},
            "store": {"invalid_choice": _("This store does not take click-and-collect orders.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["store"].queryset = Store.objects.collect_points(timezone.localdate())
        self.fields["store"].empty_label = _("Choose a store")
        self.fields["delivery"].choices = SavedAddress.Delivery.choices

    def clean(self):
        data = super().clean()
        if data.get("delivery") == SavedAddress.Delivery.HOME:
            for name, needed in HOME_NEEDS.items():
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, needed)
            data["store"] = None
        elif data.get("delivery") == SavedAddress.Delivery.COLLECT:
            if not data.get("store") and "store" not in self.errors:
                self.add_error("store", _("Choose the store where you will collect."))
            for name in HOME_NEEDS:
                self.errors.pop(name, None)
                data[name] = ""
        return data


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and its saved addresses are deleted for good."),
        error_messages={"required": _("Tick the box to confirm.")},
    )


class _ShopEmailLabel:
    """allauth's forms, with the address named as everywhere else in the shop."""

    email_field = "email"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields[self.email_field]
        field.label = _("E-mail address")
        field.widget.attrs.pop("placeholder", None)
        for other in self.fields.values():
            other.widget.attrs.pop("placeholder", None)


class LoginForm(_ShopEmailLabel, allauth_forms.LoginForm):
    email_field = "login"


class SignupForm(_ShopEmailLabel, allauth_forms.SignupForm):
    pass


class ResetPasswordForm(_ShopEmailLabel, allauth_forms.ResetPasswordForm):
    pass


class AddEmailForm(_ShopEmailLabel, allauth_forms.AddEmailForm):
    pass
