from django import template

register = template.Library()


@register.filter
def sold_out(variants):
    """The variants (already fetched: no query) that have none in stock."""
    return [variant for variant in variants if not variant.in_stock]
