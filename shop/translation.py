"""Stores' texts in French and English (django-modeltranslation); French required."""

from modeltranslation.translator import register

from catalog.translation import FrenchRequired
from shop.models import Store


@register(Store)
class StoreTranslationOptions(FrenchRequired):
    fields = ("name", "assortment", "opening_hours")
