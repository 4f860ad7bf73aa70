from django import template

from common.page_cache import depends_on
from pages.demo import TAG, demo_data_loaded

register = template.Library()


@register.simple_tag(takes_context=True)
def demo_banner_shown(context) -> bool:
    """Whether this page shows the demo banner: while the demo data is loaded. A page
    rendered without a request (the 500 page) asks nothing and shows none."""
    request = context.get("request")
    if request is None:
        return False
    # Only a page that is kept already names what it shows; one that names nothing
    # is never kept, and must stay so.
    if getattr(request, "page_tags", None):
        depends_on(request, TAG)
    return demo_data_loaded()
