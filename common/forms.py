"""Form fields shared by the shop's forms: one French postcode and one phone rule, and
the words a shopper reads when a field is left empty or too long."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.utils.translation import gettext_lazy as _
from localflavor.fr.forms import FRZipCodeField

_PHONE_SEPARATORS = re.compile(r"[ .()-]")
_FRENCH_PHONE = re.compile(r"^(?:0|\+33|0033)([1-9])(\d{8})$")
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


class FrenchPhoneField(forms.CharField):
    """A French phone number, written any usual way, kept as "06 12 34 56 78".

    django-localflavor dropped its phone fields; the rule is small enough to
    keep here, in one place for the shop and the repair service.
    """

    default_error_messages = {"invalid": _("Enter a French phone number, e.g. 06 12 34 56 78.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Phone"))
        kwargs.setdefault("max_length", 25)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "tel", "autocomplete": "tel"})

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return ""
        match = _FRENCH_PHONE.fullmatch(_PHONE_SEPARATORS.sub("", value))
        if match is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        digits = "0" + match[1] + match[2]
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
