"""The fields of a page that exist in French and in English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from pages.models import Page


@register(Page)
class PageTranslationOptions(TranslationOptions):
    fields = ("title", "body")
    # A legal page must exist in both languages: the admin requires both.
    required_languages = ("fr", "en")
