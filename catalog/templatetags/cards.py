"""Product cards, a whole list at a time."""

from django import template
from django.template.loader import get_template
from django.utils.safestring import mark_safe

from catalog.models import COVER_FIELDS, ProductImage, page_fetch_mode

register = template.Library()

CARD_TEMPLATE = "includes/cards/product.html"


@register.simple_tag
def product_cards(products, eager_first=False, colours=()):
    """Each product's card (products from `for_listing()`) in an <li>, the card template
    loaded once for the list. `eager_first`: the first picture is above the fold and
    loads at once. `colours`: the French names of the colours a shopper filters on;
    a product with a picture of one of them shows it instead of its cover (one query)."""
    products = list(products)
    pictures = colour_pictures(products, colours) if colours else {}
    card = get_template(CARD_TEMPLATE)
    drawn = (
        card.render(
            {
                "product": product,
                "picture": pictures.get(product.pk),
                "eager": eager_first and index == 0,
            }
        )
        for index, product in enumerate(products)
    )
    return mark_safe("".join(f"<li>{html}</li>" for html in drawn))  # noqa: S308


def colour_pictures(products, colours):
    """{product pk: its first picture of the first of `colours` it has a picture of}:
    one query."""
    rank = {colour: index for index, colour in enumerate(colours)}
    images = (
        ProductImage.objects.filter(product__in=[p.pk for p in products], colour_fr__in=rank)
        .only("product_id", "colour_fr", "position", *COVER_FIELDS)
        .order_by("position", "pk")
        .fetch_mode(page_fetch_mode())
    )
    chosen = {}
    for image in sorted(images, key=lambda image: rank[image.colour_fr]):
        chosen.setdefault(image.product_id, image)
    return chosen
