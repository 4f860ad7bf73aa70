"""How the catalogue's server time grows with the catalogue, run by hand (not in CI).

    createdb -h 127.0.0.1 -U postgres bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/catalog_bench.py

The database named by DATABASE_URL is emptied (flush), loaded with the demo
fixtures, then grown to 1,000, 10,000 and 100,000 generated products
(`--sizes` to change). At each size it times, in-process with debug off, the
listing with no filter, with three filters, with a search, and a product page:
median and 95th percentile over `--repeat` requests, with the SQL query count.

Since the caching rework (docs/caching.md) a page is rendered, or kept whole, and
each page is timed in each state:

- "rendered": the page cache off (PAGE_CACHE_SECONDS=0) and nothing kept: what a
  request costs when its page is rendered from the rows, as right after a change to
  what it shows. When the settings have the per-worker "fragments" cache (drawn
  fragments, `{% cache %}`), it is emptied before each request. Only the facet index
  stays, which is data (written in the transaction of every change): this is also the
  cold state.
- "drawn", when the settings have the "fragments" cache: the page cache off and the
  page's fragments kept drawn in the worker, what a shopper with a cart gets while
  nothing changes.
- "kept": the page cache on and the page kept (the first request keeps it): a hit,
  checked by its `X-Page-Cache: hit` header.

The query column counts a request in the same state. The page cache lives in a
temporary folder (its file cache), or in Redis when REDIS_URL is set.
Only the local database (and Redis, if named) is contacted.
"""

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CACHE_DIR = Path(tempfile.mkdtemp(prefix="millet-catalog-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "millet_site.settings")
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_REQUEST_LOG_LEVEL", "WARNING")
# The page cache's files, never the checkout's var/cache.
os.environ["DJANGO_CACHE_DIR"] = str(CACHE_DIR)
# On: the "kept" state needs it; the "rendered" one turns it off per request.
os.environ["PAGE_CACHE_SECONDS"] = "600"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402

PAGES = {
    "listing, no filter": "/produits/",
    "listing, three filters": "/produits/?gamme=expert&stock=true&taille=M",
    "listing, search": "/produits/?q=veste+chamonix",
    "product page": "/produit/seed-000501/",
}
# PAGE_CACHE_SECONDS in each state.
STATES = {"rendered": 0, "drawn": 0, "kept": 600}
FRAGMENTS = "fragments" in settings.CACHES
if not FRAGMENTS:
    del STATES["drawn"]


def empty_fragments(state):
    """Before a request in `state`: "rendered" finds no fragment drawn."""
    if state == "rendered" and FRAGMENTS:
        caches["fragments"].clear()


def get(client, path, state):
    response = client.get(path)
    if response.status_code != 200:
        raise SystemExit(f"{path} answered {response.status_code}")
    outcome = response.get("X-Page-Cache")
    if state == "kept" and outcome != "hit":
        raise SystemExit(f"{path} was not served from the page cache ({outcome})")
    if state != "kept" and outcome is not None:
        raise SystemExit(f"{path} went through the page cache ({outcome}) with it off")
    return response


def measure(client, path, repeat, state):
    """Median and p95 in ms, and the query count, of `path` in `state` (see above)."""
    with override_settings(PAGE_CACHE_SECONDS=STATES[state]):
        client.get(path)  # warms the connection; keeps the page or its fragments
        timings = []
        for _ in range(repeat):
            empty_fragments(state)
            started = time.perf_counter()
            get(client, path, state)
            timings.append(time.perf_counter() - started)
        empty_fragments(state)
        with CaptureQueriesContext(connection) as queries:
            get(client, path, state)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings) * 1000, p95 * 1000, len(queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=50)
    arguments = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database made for this benchmark.")

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    fixtures = sorted(str(path) for path in (ROOT / "fixtures").glob("*.json"))
    call_command("loaddata", *fixtures, verbosity=0)
    client = Client(HTTP_HOST="127.0.0.1")
    print(f"{'products':>9}  {'page, state':<34} {'median':>9} {'p95':>9} {'queries':>8}")
    for size in (int(s) for s in arguments.sizes.split(",")):
        started = time.perf_counter()
        # Sends catalogue_changed: every page kept before shows an old catalogue.
        call_command("seed_catalog", products=size, verbosity=0, stdout=io.StringIO())
        with connection.cursor() as cursor:
            # As autovacuum would: fresh statistics and the visibility map that
            # index-only scans (the stock filters' covering index) rely on.
            cursor.execute("VACUUM ANALYZE")
        seeded = time.perf_counter() - started
        for label, path in PAGES.items():
            for state in STATES:
                median, p95, queries = measure(client, path, arguments.repeat, state)
                name = f"{label}, {state}"
                print(f"{size:>9}  {name:<34} {median:>7.1f}ms {p95:>7.1f}ms {queries:>8}")
        print(f"{'':>9}  (seeded in {seeded:.0f} s)", flush=True)


if __name__ == "__main__":
    try:
        main()
    finally:
        shutil.rmtree(CACHE_DIR, ignore_errors=True)
