"""Template context shared by every page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (label, URL name) of the sections in the header and footer.
MAIN_NAVIGATION = [
    (_("Catalogue"), "catalog:list"),
    (_("Our story"), "heritage:timeline"),
    (_("Stores"), "shop:stores"),
    (_("Repairs"), "repairs:service"),
]


def navigation(request):
    current = request.path
    items = []
    for label, url_name in MAIN_NAVIGATION:
        url = reverse(url_name)
        is_current = current == url if url_name == "home" else current.startswith(url)
        items.append({"label": label, "url": url, "current": is_current})
    return {"main_navigation": items}
