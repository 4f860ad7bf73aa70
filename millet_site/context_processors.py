"""Template context shared by every page."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pages.models import FOOTER_SLUGS

# (label, URL name) of the sections in the header and footer.
MAIN_NAVIGATION = [
    (_("Catalogue"), "catalog:list"),
    (_("Our story"), "heritage:timeline"),
    (_("Stores"), "shop:stores"),
    (_("Repairs"), "repairs:service"),
]


@lru_cache(maxsize=32)
def section_urls(language, script_prefix):
    """The sections' (label, URL name, URL) in `language`: reversed once per process."""
    return [(label, name, reverse(name)) for label, name in MAIN_NAVIGATION]


@lru_cache(maxsize=32)
def marked_urls(language, script_prefix):
    """The addresses the header and footer mark as the current page when they are: the
    cart and the footer's pages (templates/includes/footer.html)."""
    footer = [reverse("pages:detail", kwargs={"slug": slug}) for slug in FOOTER_SLUGS]
    return frozenset([reverse("shop:cart"), *footer])


def navigation(request):
    current = request.path
    language, script_prefix = get_language(), get_script_prefix()
    items, marks = [], []
    for label, url_name, url in section_urls(language, script_prefix):
        is_current = current == url if url_name == "home" else current.startswith(url)
        items.append({"label": label, "url": url, "current": is_current})
        marks.append("1" if is_current else "0")
    marked = current if current in marked_urls(language, script_prefix) else ""
    return {
        "main_navigation": items,
        # What the header and footer show, but for the cart's count and the language
        # links: they are drawn once per value and kept (templates/base.html).
        "layout_key": f"{language}:{script_prefix}:{''.join(marks)}:{marked}",
    }
