"""Links from the page on screen to the same page in each of the site's languages."""

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.encoding import escape_uri_path, iri_to_uri
from django.utils.html import format_html
from django.utils.translation import get_language, get_language_info, override

register = template.Library()


def translated_path(path, code):
    """`path` (no query) in language `code`, as `translate_url` gives it."""
    return translate_url(path, code)


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per language of settings.LANGUAGES to the page on screen, its query kept.

    A page with no address in the other language (an error page, or a
    rendering without a request) links to that language's home page.
    """
    request = context.get("request")
    # The path and query as request.get_full_path() writes them.
    path = escape_uri_path(request.path) if request else None
    query = iri_to_uri(request.META.get("QUERY_STRING", "")) if request else ""
    current = get_language()
    links = []
    for code, _name in settings.LANGUAGES:
        url = translated_path(path, code) if path else None
        if url is None or (url == path and code != current):
            with override(code):
                url = reverse("home")
        elif query:
            url = f"{url}?{query}"
        links.append(
            {
                "code": code,
                "name": get_language_info(code)["name_local"],
                "url": url,
                "current": code == current,
            }
        )
    return links


@register.simple_tag(takes_context=True)
def page_addresses(context):
    """The page's canonical address and its alternates for search engines, absolute.

    The canonical address is the path itself, with `?page=N` kept from page 2 on
    (each page of a list is a page of its own) and every other parameter
    (filters, sort, search) dropped. The alternates are the same address in each
    language, plus x-default, the French one.
    """
    request = context.get("request")
    if request is None:
        return {"canonical": "", "alternates": []}
    query = ""
    page = request.GET.get("page", "")
    if page.isdigit() and 1 < int(page) < 100_000:
        query = f"?page={int(page)}"
    origin = f"{request.scheme}://{request.get_host()}"
    alternates = []
    for code, _name in settings.LANGUAGES:
        path = translated_path(request.path, code)
        alternates.append({"hreflang": code, "href": origin + path + query})
    alternates.append(
        {"hreflang": "x-default", "href": alternates[0]["href"] if alternates else ""}
    )
    return {"canonical": origin + request.path + query, "alternates": alternates}


def fallback_language(obj, field):
    """The language `obj.field` is shown in when it is not the page's: French when the
    page is English and only the French text is written. None otherwise."""
    default = settings.LANGUAGE_CODE
    language = get_language()
    if obj is None or language == default or getattr(obj, f"{field}_{language}", None):
        return None
    return default if getattr(obj, f"{field}_{default}", None) else None


@register.filter
def lang_of(obj, field):
    """` lang="fr"` for an element showing `obj.field` in French on an English page,
    else nothing: `<h1{{ product|lang_of:"name" }}>{{ product.name }}</h1>`."""
    language = fallback_language(obj, field)
    return format_html(' lang="{}"', language) if language else ""


@register.filter
def text_of(obj, field):
    """`obj.field`, escaped, in a `<span lang="fr">` when it is shown in French on an
    English page (for text inside a sentence of the page's language)."""
    value = getattr(obj, field, "")
    language = fallback_language(obj, field)
    return format_html('<span lang="{}">{}</span>', language, value) if language else value
