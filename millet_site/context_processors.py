"""Template context shared by every page."""

from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

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


def navigation(request):
    current = request.path
    items = []
    for label, url_name, url in section_urls(get_language(), get_script_prefix()):
        is_current = current == url if url_name == "home" else current.startswith(url)
        items.append({"label": label, "url": url, "current": is_current})
    return {"main_navigation": items}
