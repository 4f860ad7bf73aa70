"""Cross-site request protection for the forms of pages served from the cache.

A cached page is the same bytes for every visitor, so it can hold no CSRF token
and hand out no cookie (common.page_cache). Its one form, add to cart,
is protected instead by what the browser itself says about where a request
comes from, in headers no page can set:

- `Sec-Fetch-Site` (every current browser): only `same-origin` passes; a form
  on another site, or on a sibling subdomain, is refused.
- Without it, `Origin` (sent with every POST by browsers since 2020): it must
  be this site's own origin or one of `CSRF_TRUSTED_ORIGINS`.
- With neither, Django's own check applies: the token and its cookie, which a
  page rendered for the visitor (any visitor with a cart) carries.
"""

from functools import wraps

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.module_loading import import_string
from django.views.decorators.csrf import csrf_exempt

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def sent_from_this_site(request):
    """True when the browser says the request comes from this site's own pages, False
    when it says it comes from elsewhere, None when it says nothing about it."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    if origin is not None:
        own = f"{request.scheme}://{request.get_host()}"
        return origin == own or origin in settings.CSRF_TRUSTED_ORIGINS
    return None


def same_origin_form(view):
    """Protect `view`, the target of a form on cached pages, by the request's origin
    (see the module's text) instead of by a token alone."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in SAFE_METHODS:
            verdict = sent_from_this_site(request)
            if verdict is False:
                failure = import_string(settings.CSRF_FAILURE_VIEW)
                return failure(request, reason="Cross-site request refused.")
            if verdict is None:
                rejection = CsrfViewMiddleware(view).process_view(request, view, args, kwargs)
                if rejection is not None:
                    return rejection
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)
