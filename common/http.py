"""Response helpers shared by the site's views."""

from functools import wraps

from django.utils.cache import patch_cache_control


def mark_private(response):
    """`response` shows one person's data (an order, a repair, a cart): no proxy or
    browser cache may keep it, nor show it to the next person at a shared computer,
    and no search engine may index it, should it ever reach one."""
    patch_cache_control(response, private=True, no_store=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def private_page(view):
    """The view's answers are marked private (see `mark_private`)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return mark_private(view(request, *args, **kwargs))

    return wrapper
