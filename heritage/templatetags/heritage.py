from django import template

from heritage.models import TimelineEvent

register = template.Library()


@register.inclusion_tag("heritage/includes/lineage.html")
def product_lineage(product, events=None):
    """The events of the brand's story that shaped `product`: `events` when the page
    has them already, else one query."""
    if events is None:
        events = TimelineEvent.objects.for_product(product).order_by("position")
    return {"events": list(events)}
