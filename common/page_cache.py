"""Whole pages for visitors who have nothing of their own on them, kept in the shared cache.

A visitor with no session cookie and no message waiting sees what every other such
visitor sees on the catalogue, product, home, story, stores and information pages.
Those pages are rendered once and kept in the shared cache ("pages": files, or Redis
with REDIS_URL), so every worker and server serves them. docs/caching.md tells the
whole design; in short:

- **Key**: the release, the language, scheme and host, the path, the query string with
  its parameters in a fixed order, and the day (stores open and close by the date).
- **What a page shows**: while it renders, the view names the rows it shows as tags
  (`depends_on(request, "catalog", f"product:{pk}")`). The page is kept with the
  number each tag had.
- **What changed**: a change to those rows gives their tags a new number once it is
  committed (`changed(...)`, wired to the models in millet_site.apps). A kept page is
  served only while every tag it names still has the number it was kept with, so it
  is the page a fresh rendering would give, from the next request on.
- **No stale page kept**: the numbers come from one sequence. A page is kept only if
  none of its tags moved after its rendering began (the sequence read before the
  view runs): a change committed while it rendered may have been half seen.

What stays the visitor's own: a kept page holds no CSRF token and sets no cookie,
neither when it is stored nor when it is served; its one form, add to cart, is
protected by the origin the browser reports (common.csrf). A visitor with a session
(a cart, a signed-in member of staff) or a message waiting is never served from the
cache, and a page is kept only when its rendering touched no session data and set no
cookie but the CSRF one, which is dropped.
"""

import functools
import re
import time
from functools import partial, wraps
from hashlib import sha256

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

SEQUENCE_KEY = "pages:sequence"
# The hidden field of `{% csrf_token %}`, taken out of a page before it is stored.
TOKEN_FIELD = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[A-Za-z0-9]*">')
# Headers of the rendered response kept with the page (the middlewares around
# this one add theirs again on every answer).
KEPT_HEADERS = {"content-type", "content-language", "x-robots-tag", "link", "x-frame-options"}
LONGEST_QUERY = 400
# A kept page may be served to a browser or a proxy, which must ask again each time:
# the page changes with the stock.
SHARED = {"public": True, "max_age": 0, "must_revalidate": True}


def tag_cache():
    return caches["default"]


def page_store():
    return caches["pages"]


def anonymous_page(view):
    """Mark `view` as one whose pages may be served from the cache to anonymous visitors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapper.anonymous_page = True
    return wrapper


def depends_on(request, *tags):
    """The page `request` renders shows the rows these tags name."""
    shown = getattr(request, "page_tags", None)
    if shown is not None:
        shown.update(tags)


def fragment_version(*tags):
    """For the key of a `{% cache %}` fragment that shows the rows these tags name: the
    release and the tags' numbers. Read it before those rows: a fragment drawn from rows
    read after a change is kept under the numbers of before, which no later request reads
    (docs/caching.md)."""
    numbers = tag_numbers(tags)
    return ":".join([settings.RELEASE, *(str(numbers[tag]) for tag in tags)])


def when_drawn(compute, *names):
    """Context values `names`, from the dict `compute()` returns, computed once, when the
    template first reads one of them: not at all when they sit in a `{% cache %}`
    fragment the worker keeps drawn."""
    computed = functools.cache(compute)
    return {name: SimpleLazyObject(partial(lambda name: computed()[name], name)) for name in names}


def tag_numbers(tags):
    """{tag: its number}. A tag with no number (never changed, or its number lost with the
    cache) is given the latest of the sequence: never a number it had before a change, so
    nothing kept under an older one is taken for current."""
    keys = {f"tag:{tag}": tag for tag in tags}
    found = tag_cache().get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        latest = sequence()
        for key in missing:
            tag_cache().add(key, latest, timeout=None)
        found.update(tag_cache().get_many(missing))
    return {tag: found.get(key, 0) for key, tag in keys.items()}


def sequence():
    """The latest number given to a change. A sequence lost from the cache starts again
    from the clock's microseconds, above every number given before."""
    number = tag_cache().get(SEQUENCE_KEY)
    if number is None:
        tag_cache().add(SEQUENCE_KEY, time.time_ns() // 1000, timeout=None)
        number = tag_cache().get(SEQUENCE_KEY, 0)
    return number


def changed(*tags):
    """The rows these tags name changed in the current transaction: once it commits, the
    pages that show them render again."""
    if tags:
        transaction.on_commit(partial(renumber, frozenset(tags)))


def renumber(tags):
    cache = tag_cache()
    try:
        number = cache.incr(SEQUENCE_KEY)
    except ValueError:  # never started, or lost
        sequence()
        number = cache.incr(SEQUENCE_KEY)
    cache.set_many({f"tag:{tag}": number for tag in tags}, timeout=None)


def visitor_has_own_data(request):
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


def page_key(request):
    """Everything a kept page depends on but its tags."""
    query = sorted(request.GET.lists())
    parts = [
        settings.RELEASE,
        get_language(),
        request.scheme,
        request.get_host(),
        request.path,
        repr(query),
        request.headers.get("X-Requested-With", ""),
        timezone.localdate().isoformat(),
    ]
    return "page:" + sha256("\n".join(parts).encode()).hexdigest()


class AnonymousPageCacheMiddleware:
    """Serves a kept page before the URL is even resolved; keeps the page of an
    `anonymous_page` view after it is rendered.

    It sits before the CSRF middleware, so a page from the cache never meets it (no
    token, no cookie), and before the clickjacking one, whose header is kept with the
    page. The visitor whose request renders a page is served it as it was kept.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self.candidate_key(request)
        if key is not None:
            entry = page_store().get(key)
            if entry is not None and tag_numbers(entry["tags"]) == entry["tags"]:
                return self.serve(entry, "hit")
            request.page_tags = set()
            request._page_cache_start = sequence()
        response = self.get_response(request)
        if getattr(request, "_page_cache_view", False):
            patch_vary_headers(response, ["Cookie"])
            if key is not None and self.storable(request, response):
                entry = self.entry(request, response)
                if entry is not None:
                    page_store().set(key, entry, settings.PAGE_CACHE_SECONDS)
                    return self.serve(entry, "miss")
        if not response.has_header("Cache-Control"):
            # Rendered for this visitor: no proxy keeps it, the browser asks again.
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "anonymous_page", False):
            request._page_cache_view = True

    def candidate_key(self, request):
        """The key of this request's page, if it is one that may be served from the
        cache: a GET or HEAD by a visitor with no session and no message."""
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return None
        if visitor_has_own_data(request):
            return None
        if len(request.META.get("QUERY_STRING", "")) > LONGEST_QUERY:
            return None
        return page_key(request)

    @staticmethod
    def storable(request, response):
        session = getattr(request, "session", None)
        return (
            response.status_code == 200
            and not response.streaming
            and not set(response.cookies) - {settings.CSRF_COOKIE_NAME}
            and response.get("Content-Type", "").startswith("text/html")
            and "private" not in response.get("Cache-Control", "")
            and not (session is not None and (session.modified or not session.is_empty()))
        )

    @staticmethod
    def entry(request, response):
        """What is kept of `response`, or None: when its view named nothing it shows (no
        change would renew it), or when what it shows changed while it rendered."""
        if not request.page_tags:
            return None
        numbers = tag_numbers(sorted(request.page_tags))
        if any(number > request._page_cache_start for number in numbers.values()):
            return None
        content = TOKEN_FIELD.sub(b"", response.content)
        headers = {k: v for k, v in response.items() if k.lower() in KEPT_HEADERS}
        return {"content": content, "headers": headers, "tags": numbers}

    @staticmethod
    def serve(entry, outcome):
        # HEAD too gets the whole page: the server sends its headers alone, with the
        # length GET would have.
        response = HttpResponse(entry["content"], headers=entry["headers"])
        response["X-Page-Cache"] = outcome
        patch_cache_control(response, **SHARED)
        patch_vary_headers(response, ["Cookie"])
        return response
