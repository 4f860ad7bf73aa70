"""Translated texts in SQL: the active language's column, French where it is empty."""

from django.conf import settings
from django.db.models import F, TextField, Value
from django.db.models.functions import Coalesce, NullIf
from modeltranslation.utils import get_language


def localized(field, language=None):
    """An expression reading `field` in `language` (the active one by default), the
    French text where that language's is empty: what `obj.field` gives in Python,
    for ordering, folding and searching in SQL."""
    language = language or get_language()
    default = settings.LANGUAGE_CODE
    if language == default:
        return F(f"{field}_{default}")
    text = TextField()
    return Coalesce(
        NullIf(F(f"{field}_{language}"), Value(""), output_field=text),
        F(f"{field}_{default}"),
        output_field=text,
    )
