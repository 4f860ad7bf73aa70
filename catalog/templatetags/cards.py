"""Product cards, a whole list at a time."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

register = template.Library()

CARD_TEMPLATE = "includes/cards/product.html"


@register.simple_tag
def product_cards(products, eager_first=False):
    """Each product's card (products from `for_listing()`) in an <li>, the card template
    loaded once for the list. `eager_first`: the first picture is above the fold and
    loads at once."""
    card = get_template(CARD_TEMPLATE)
    drawn = (
        card.render({"product": product, "eager": eager_first and index == 0})
        for index, product in enumerate(products)
    )
    return mark_safe("".join(f"<li>{html}</li>" for html in drawn))  # noqa: S308
