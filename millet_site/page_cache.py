"""Whole pages, kept in the shared cache for visitors who have nothing of their own on them.

A visitor with no session cookie and no pending message sees exactly what every
other such visitor sees on the catalogue, product, home, story, stores and
information pages: no cart, no message, no account. Those pages are rendered
once and kept in the shared cache (the same one throttles use: file-based, or
Redis with REDIS_URL), so every worker and server serves them.

What stays the visitor's own:

- The CSRF token and cookie. A cached page is the same bytes for every visitor:
  it holds no CSRF token and sets no cookie, neither when it is stored nor
  when it is served. Its one form, add to cart, is protected by the origin the
  browser reports (millet_site.csrf); a visitor with a cart is served a page
  rendered for them, with their own token.
- Everything else personal: a visitor with a session (a cart, a signed-in
  member of staff) or with a message waiting is never served from the cache,
  and a page is stored only when its rendering touched no session data and
  set no cookie but the CSRF one, which is dropped.

Versioned invalidation: each key carries the content version, a number in the
cache that every change to what these pages show bumps once the change is
committed (products, variants and their stock, pictures, categories, the
story, stores, pages: see `content_changed`). The next request then misses and
renders the page again; the old entries expire on their own.
"""

import re
import time
from functools import wraps
from hashlib import sha256

from django.conf import settings
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

VERSION_KEY = "pages:version"
# The hidden field of `{% csrf_token %}`, taken out of a page before it is stored.
TOKEN_FIELD = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[A-Za-z0-9]*">')
# Headers of the rendered response kept with the page (the middlewares around
# this one add theirs again on every answer).
KEPT_HEADERS = {"content-type", "x-robots-tag", "link", "x-frame-options"}
LONGEST_QUERY = 400
# The rows the cached pages show (see millet_site.apps).
CONTENT_MODELS = [
    "catalog.Category",
    "catalog.Activity",
    "catalog.Product",
    "catalog.Variant",
    "catalog.ProductImage",
    "heritage.TimelineEvent",
    "heritage.Person",
    "heritage.Expedition",
    "shop.Store",
    "pages.Page",
]


def anonymous_page(view):
    """Mark `view` as one whose pages may be served from the cache to anonymous visitors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    wrapper.anonymous_page = True
    return wrapper


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        version = start_version()
    return version


def start_version():
    """A version for a cache that has lost its number (emptied, evicted, restarted): one
    never used before, so that nothing kept under an old number (a worker's memory
    keeps its own) is taken for current. Microseconds since the epoch grow faster than
    any count of changes."""
    cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
    return cache.get(VERSION_KEY) or time.time_ns() // 1000


def kept_with_content(key, compute, version, seconds=300):
    """`compute()`, kept in the worker's memory (the "kept" cache) under `key` and
    `version`, the content version the request read once: what it reads from the rows
    of CONTENT_MODELS is never stale, since any change to them is a new version. For
    values a page derives from those rows alone, such as a listing's total or its
    categories."""
    versioned = f"{key}:{version}"
    value = caches["kept"].get(versioned)
    if value is None:
        value = compute()
        caches["kept"].set(versioned, value, seconds)
    return value


def bump_version():
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # never read yet, or evicted: a number never used
        start_version()
        cache.incr(VERSION_KEY)


def content_changed(**kwargs):
    """What the cached pages show has changed: they render again from the next request
    after the commit (a request before it would store the old data under the new
    version). Connected to the models' signals; called by bulk stock updates."""
    transaction.on_commit(bump_version)


def visitor_has_own_data(request):
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies


class AnonymousPageCacheMiddleware:
    """Serves a stored page before the URL is even resolved, stores a page of an
    `anonymous_page` view after it is rendered.

    It sits before the CSRF middleware, so a page from the cache never meets it
    (no token, no cookie), and before the clickjacking one, whose header is
    stored with the page. The visitor whose request renders a page is served
    it as it was stored, like every later one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = self.candidate_key(request)
        if key is not None:
            entry = cache.get(key)
            if entry is not None:
                return self.serve(request, entry, "hit")
            request._page_cache_candidate = key
        response = self.get_response(request)
        key = getattr(request, "_page_cache_key", None)
        if key is not None and self.storable(request, response):
            entry = self.entry(response)
            cache.set(key, entry, settings.PAGE_CACHE_SECONDS)
            return self.serve(request, entry, "miss")
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        key = getattr(request, "_page_cache_candidate", None)
        if key is not None and getattr(view_func, "anonymous_page", False):
            request._page_cache_key = key

    def candidate_key(self, request):
        """The cache key of this request's page, if it is one that may be served from
        the cache: a GET or HEAD by a visitor with no session and no message."""
        if not settings.PAGE_CACHE_SECONDS or request.method not in ("GET", "HEAD"):
            return None
        if visitor_has_own_data(request):
            return None
        if len(request.META.get("QUERY_STRING", "")) > LONGEST_QUERY:
            return None
        return self.key(request)

    @staticmethod
    def key(request):
        parts = [
            str(content_version()),
            request.scheme,
            request.get_host(),
            request.get_full_path(),
            request.headers.get("X-Requested-With", ""),
            # Stores open and close by the day.
            timezone.localdate().isoformat(),
        ]
        return "page:" + sha256("\n".join(parts).encode()).hexdigest()

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
    def entry(response):
        content = TOKEN_FIELD.sub(b"", response.content)
        headers = {k: v for k, v in response.items() if k.lower() in KEPT_HEADERS}
        return {"content": content, "headers": headers}

    @staticmethod
    def serve(request, entry, outcome):
        content = b"" if request.method == "HEAD" else entry["content"]
        response = HttpResponse(content, headers=entry["headers"])
        response["X-Page-Cache"] = outcome
        return response
