from django import template

from heritage.models import TimelineEvent

register = template.Library()


@register.inclusion_tag("heritage/includes/lineage.html")
def product_lineage(product):
    """The events of the brand's story that shaped `product` (one query)."""
    return {"events": list(TimelineEvent.objects.for_product(product).order_by("position"))}
