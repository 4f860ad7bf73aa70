"""The story's texts in French and English (django-modeltranslation); French required."""

from modeltranslation.translator import register

from catalog.translation import FrenchRequired
from heritage.models import Expedition, Person, TimelineEvent


@register(Person)
class PersonTranslationOptions(FrenchRequired):
    # A person's name is the same in every language.
    fields = ("role", "bio")


@register(Expedition)
class ExpeditionTranslationOptions(FrenchRequired):
    fields = ("name", "summit", "text")


@register(TimelineEvent)
class TimelineEventTranslationOptions(FrenchRequired):
    fields = ("title", "summary", "text", "period_label", "image_alt")
