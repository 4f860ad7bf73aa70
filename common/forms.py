"""Form fields shared by the shop's forms: one French postcode and one phone rule, and
the words a shopper reads when a field is left empty or too long."""

import phonenumbers
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.utils.translation import gettext_lazy as _
from localflavor.fr.forms import FRZipCodeField
from phonenumber_field.formfields import PhoneNumberField

TOO_LONG = _("Shorten this to %(limit_value)d characters at most (it has %(show_value)d).")


def shop_errors(required, **more):
    """A field's error messages in the shop's words: `required` names what to give,
    a text too long says its limit; Django's own words name neither the field nor the shop."""
    return {"required": required, "max_length": TOO_LONG, **more}


class FrenchPostcodeField(FRZipCodeField):
    """A French postal code: five digits (django-localflavor's rule)."""

    default_error_messages = {
        "invalid": _("A French postal code has five digits."),
        "required": _("Give your postal code."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Postal code"))
        super().__init__(**kwargs)
        # Four or six digits break the length rules and the pattern alike: one message.
        self.validators = [
            validator
            for validator in self.validators
            if not isinstance(validator, MaxLengthValidator | MinLengthValidator)
        ]
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "postal-code"})


class PhoneField(PhoneNumberField):
    """A phone number, French by default (06 12 34 56 78), any other country with its
    +code (django-phonenumber-field, Google's libphonenumber rules). Kept as a French
    reader writes it: "06 12 34 56 78", or "+41 22 345 67 89" abroad."""

    default_error_messages = {
        "invalid": _("Enter a phone number, e.g. 06 12 34 56 78, or +41 22 345 67 89 abroad.")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Phone"))
        kwargs.setdefault("max_length", 25)
        kwargs.setdefault("region", "FR")
        super().__init__(**kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def to_python(self, value):
        number = super().to_python(value)
        if number in self.empty_values:
            return ""
        if number.country_code == 33:
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
        return number.as_international
