"""What shoppers type into the site's forms: text a person can see, nothing else.

PostgreSQL cannot store a NUL in text, and the other control characters
(and halves of a surrogate pair) have no place in a name, an address or a
message: they only come from a strange paste or a forged request. Django's
text fields refuse NUL alone, in a programmer's words ("Null characters are
not allowed"); a form built on `VisibleTextForm` refuses them all, in the
shop's, before anything reaches the database.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

# C0 controls but tab, line feed and carriage return (a textarea sends them),
# DEL, the C1 controls, and lone surrogates (they cannot be encoded).
INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def visible_text(value):
    """Raise ValidationError if `value` holds a character that cannot be typed or seen."""
    if isinstance(value, str) and INVISIBLE.search(value):
        raise ValidationError(
            _(
                "This text contains an invisible character that cannot be recorded: "
                "please type it again instead of pasting it."
            ),
            code="invisible_character",
        )


class VisibleTextForm(forms.Form):
    """A form whose text fields all refuse invisible characters (`visible_text`)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators = [
                    validator
                    for validator in field.validators
                    if not isinstance(validator, ProhibitNullCharactersValidator)
                ] + [visible_text]
