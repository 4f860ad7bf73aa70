"""Product cards, kept in each worker's memory and read a whole list at a time."""

import hashlib

from django import template
from django.core.cache import caches
from django.template.loader import get_template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

CARD_TEMPLATE = "includes/cards/product.html"
CARD_SECONDS = 300


def card_key(product, eager, language):
    """The key of a card: what it shows. Its product's version (any edit of the product
    renews `updated_at`), stock flag, category name and cover picture, whether the
    picture loads at once, and the language."""
    category, cover = product.category, product.cover
    shown = [category.name_fr, category.name_en]
    if cover is not None:
        shown += [cover.pk, cover.image.name, cover.renditions]
        shown += [cover.alt_text_fr, cover.alt_text_en]
    digest = hashlib.blake2b(repr(shown).encode(), digest_size=8).hexdigest()
    version = product.updated_at.timestamp()
    return f"card:{product.pk}:{version}:{product.buyable}:{digest}:{eager}:{language}"


@register.simple_tag
def product_cards(products, eager_first=False):
    """Each product's card (products from `for_listing()`) in an <li>.

    Drawing two dozen cards was most of a listing's time: each card is kept five
    minutes in the worker's memory (the "fragments" cache) and a list's cards are
    read in one call; only the missing ones are drawn. `eager_first`: the first
    picture is above the fold and loads at once.
    """
    products = list(products)
    language = get_language()
    eager = [eager_first and index == 0 for index in range(len(products))]
    keys = [card_key(p, e, language) for p, e in zip(products, eager, strict=True)]
    cache = caches["fragments"]
    found = cache.get_many(keys)
    drawn = {}
    card = get_template(CARD_TEMPLATE)
    for product, is_eager, key in zip(products, eager, keys, strict=True):
        if key not in found:
            drawn[key] = found[key] = card.render({"product": product, "eager": is_eager})
    if drawn:
        cache.set_many(drawn, CARD_SECONDS)
    return mark_safe("".join(f"<li>{found[key]}</li>" for key in keys))  # noqa: S308
