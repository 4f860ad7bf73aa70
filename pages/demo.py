"""Whether the demo data is loaded, for the banner every page shows while it is.

The answer is the database's (a `DemoData` row, loaded by the demo fixtures), kept
in the shared cache beside the page cache's tag numbers so that a page asks the
database nothing for it: every process, and `loaddata` run in another one, reads
and writes the same key. It is written after each commit that adds or deletes a
row, then the `demo` tag is renewed, so no kept page goes on showing the banner
as it was (docs/caching.md).
"""

from django.db import transaction

from common.page_cache import renumber, tag_cache

LOADED_KEY = "demo:loaded"
TAG = "demo"


def demo_data_loaded() -> bool:
    """Whether the demo data is loaded, as last written. A cache that lost the key (a
    flushed Redis) says no until the demo fixtures are loaded again."""
    return bool(tag_cache().get(LOADED_KEY, False))


def demo_flag_refresh():
    """Write down whether a demo row exists, then renew the pages that show the banner:
    in this order, so a page rendered after the renewal reads the new answer."""
    from pages.models import DemoData

    tag_cache().set(LOADED_KEY, DemoData.objects.exists(), timeout=None)
    renumber(frozenset([TAG]))


def demo_data_changed(sender, **kwargs):
    """A `DemoData` row saved or deleted (loaddata, the admin): once committed, the flag
    and the pages follow."""
    transaction.on_commit(demo_flag_refresh)
