"""How the catalogue's server time grows with the catalogue, run by hand (not in CI).

    createdb -h 127.0.0.1 -U postgres bench   # once
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/catalog_bench.py

The database named by DATABASE_URL is emptied (flush), loaded with the demo
fixtures, then grown to 1,000, 10,000 and 100,000 generated products
(`--sizes` to change). At each size it times, in-process with debug off, the
listing with no filter, with three filters, with a search, and a product page:
median and 95th percentile over `--repeat` requests, with the SQL query count.
Pages are timed in up to three states. "warm": all that is kept is there (a listing
page's cards and total, the categories, a product page's data and what it draws of
the product, in the worker's memory under the content version; facet counts in
their one-minute cache; each card; the header and footer). "fresh": what a request
right after a change to the catalogue computes (the content version is moved on
before each, as a change does; facet counts, each card and the layout stay).
"cold", listings only: every request computes everything, all caches emptied before
each. The query column counts a request in the same state.
Only the local database is contacted.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "millet_site.settings")
os.environ["DJANGO_DEBUG"] = "false"
os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 50)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
os.environ.setdefault("DJANGO_REQUEST_LOG_LEVEL", "WARNING")
# Server time of rendering: the anonymous page cache would answer every repeat.
os.environ["PAGE_CACHE_SECONDS"] = "0"

import django  # noqa: E402

django.setup()

from django.core.cache import cache, caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from common.page_cache import bump_version  # noqa: E402

PAGES = {
    "listing, no filter": "/produits/",
    "listing, three filters": "/produits/?gamme=expert&stock=true&taille=M",
    "listing, search": "/produits/?q=veste+chamonix",
    "product page": "/produit/seed-000501/",
}


def empty_caches(mode):
    """Before a request in `mode`: "fresh" finds nothing kept under the content version,
    as after a change, "cold" loses every cache."""
    if mode == "fresh":
        bump_version()
    if mode == "cold":
        caches["kept"].clear()
        cache.clear()
        caches["fragments"].clear()


def measure(client, path, repeat, mode):
    """Median and p95 in ms, and the query count, of `path` in `mode` (see above)."""
    client.get(path)  # warm caches and connection
    timings = []
    for _ in range(repeat):
        empty_caches(mode)
        started = time.perf_counter()
        response = client.get(path)
        timings.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
    empty_caches(mode)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
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
    print(f"{'products':>9}  {'page, state':<32} {'median':>9} {'p95':>9} {'queries':>8}")
    for size in (int(s) for s in arguments.sizes.split(",")):
        started = time.perf_counter()
        call_command("seed_catalog", products=size, verbosity=0, stdout=io.StringIO())
        with connection.cursor() as cursor:
            # As autovacuum would: fresh statistics and the visibility map that
            # index-only scans (the stock filters' covering index) rely on.
            cursor.execute("VACUUM ANALYZE")
        seeded = time.perf_counter() - started
        for label, path in PAGES.items():
            modes = ("warm", "fresh", "cold") if label.startswith("listing") else ("warm", "fresh")
            for mode in modes:
                median, p95, queries = measure(client, path, arguments.repeat, mode)
                name = f"{label}, {mode}"
                print(f"{size:>9}  {name:<32} {median:>7.1f}ms {p95:>7.1f}ms {queries:>8}")
        print(f"{'':>9}  (seeded in {seeded:.0f} s)")


if __name__ == "__main__":
    main()
