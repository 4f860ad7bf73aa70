"""`{% json_ld data %}`: a schema.org dict written as a JSON-LD block."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from millet_site import structured_data

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data):
    """A data block, never run as a script: the CSP has nothing to allow, and the page
    carries no nonce that a cached copy would repeat."""
    if not data:
        return ""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def _request(context):
    return context["request"]


@register.simple_tag(takes_context=True)
def product_ld(context, product):
    """The product page's ProductGroup (prefetched variants and images)."""
    return json_ld(structured_data.product_data(_request(context), product))


@register.simple_tag(takes_context=True)
def breadcrumb_ld(context, *names_and_paths):
    """A BreadcrumbList from name, path, name, path… as the page's breadcrumb shows them,
    ending with the page itself."""
    trail = list(zip(names_and_paths[::2], names_and_paths[1::2], strict=True))
    return json_ld(structured_data.breadcrumb_data(_request(context), trail))


@register.simple_tag(takes_context=True)
def organization_ld(context):
    return json_ld(structured_data.organization_data(_request(context)))


@register.simple_tag(takes_context=True)
def stores_ld(context, *store_lists):
    """One Store block per store of the given lists."""
    request = _request(context)
    stores = [store for stores in store_lists for store in stores]
    return json_ld(
        {
            "@context": structured_data.SCHEMA,
            "@graph": [
                {
                    k: v
                    for k, v in structured_data.store_data(request, store).items()
                    if k != "@context"
                }
                for store in stores
            ],
        }
        if stores
        else None
    )
