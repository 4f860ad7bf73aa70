"""A mixed load of anonymous browsing with one order a second, run by hand (not in CI).

    .venv/bin/python bench/mixed_load.py                    # SQLite in a temp folder, file cache
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        .venv/bin/python bench/mixed_load.py                # PostgreSQL and Redis
    ... bench/mixed_load.py --seconds 120 --clients 32 --workers 8 --order-interval 0.5

It builds a fresh database with the demo fixtures plus generated products
(`--products`, default 1,000): SQLite in a temp folder, or with a PostgreSQL
DATABASE_URL a throwaway database `bench_mixed_<random>` that it creates on
that server and drops at the end, never touching another one. The shared
cache is Redis when REDIS_URL is given (its keys carry the server's port,
new each run, so an earlier run's pages are never served), else files in the
temp folder. It starts gunicorn on 127.0.0.1 with debug off, `--workers`
workers and PAGE_CACHE_SECONDS=600, reads the site's pages from its sitemap
and its listing, visits each of them once (as a shop open for a while has its
pages kept; `--no-crawl` starts cold), browses for 5 seconds to warm the
workers up (not counted), then for `--seconds`:

- `--clients` anonymous visitors (default 16) that never send a cookie, each
  on a keep-alive connection, request pages one after another without pause:
  home, the catalogue, its categories and filters, product pages (a few
  products far more often than the rest: the tenth most visited gets a tenth
  of the first's visits), the story, its events, the stores, the information
  pages; a quarter of them under /en/;
- one buyer thread that starts a real order every `--order-interval` seconds
  (1.0), placed as a shopper's browser would: a product page, add to cart
  (POST), the cart, the checkout page, whose form (CSRF token, one-time key,
  choices) is read from the HTML and sent back, alternately home delivery paid
  by transfer and click and collect paid at the store, then the confirmation
  page. Each order is a new visitor with cookies of their own, in a thread of
  its own since under load a checkout takes longer than a second (at most 20
  under way; a start that finds 20 is skipped and counted).

Every anonymous answer says `X-Page-Cache: hit` or `miss` (the page cache
middleware), or nothing (not cacheable). It prints the anonymous page views,
hits, misses, the hit ratio hits / (hits + misses), median and p95 latency of
hits and of misses as the visitors saw them and the part of it spent in
Django (from the request log's line for that request; the rest is waiting for
a free worker), the same by kind of page, the orders placed (and found in the
database), the errors (any answer but 2xx or 3xx, any broken connection) and
gunicorn's error lines. Why a checkout fails is printed as it happens.
It exits non-zero when no order could be placed or anything failed.
Only 127.0.0.1 is ever contacted.
"""

import argparse
import http.client
import itertools
import json
import os
import random
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from contextlib import suppress
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from bench.checkout_faults import throwaway_postgres  # noqa: E402
from bench.cluster import Shopper, django_json  # noqa: E402
from bench.throughput import free_port, run, wait_for  # noqa: E402

WARMUP_SECONDS = 5
MAX_ORDERS_UNDER_WAY = 20
ENGLISH_SHARE = 0.25
# How often each kind of page is asked for, out of 100 anonymous page views.
MIX = {
    "home": 10,
    "listing": 8,
    "category": 10,
    "filtered": 12,
    "product": 40,
    "story": 5,
    "event": 6,
    "stores": 5,
    "information": 4,
}
FILTERS = [
    "/produits/?france=true",
    "/produits/?stock=true",
    "/produits/?gamme=expert",
    "/produits/?france=true&stock=true",
    "/produits/?prix_max=100",
    "/produits/?page=2",
]
# Every request as if through nginx with TLS, like the buyer's (bench.cluster's Shopper).
BROWSER_HEADERS = {
    "Host": "127.0.0.1",
    "X-Forwarded-Proto": "https",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) mixed-load bench",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Encoding": "gzip, deflate, br",
}
LOC = re.compile(r"<loc>([^<]+)</loc>")
ALTERNATE = re.compile(r'<xhtml:link[^>]*href="([^"]+)"')
MESSAGE = re.compile(r'<p class="message message--(\w+)">(.*?)</p>', re.S)
FIELD_ERRORS = re.compile(r'<ul class="errorlist"[^>]*>(.*?)</ul>', re.S)
ALERT = re.compile(r'role="alert">(.*?)</div>', re.S)
ORDER_NUMBER = re.compile(r"M-\d{4}-\d+")
TAG = re.compile(r"<[^>]+>")
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


# --- The site's pages -----------------------------------------------------------------


def kind_of(path):
    """The kind of page a path of the site is (None for those the visitors skip)."""
    path = path.removeprefix("/en")
    patterns = [
        ("home", r"/"),
        ("listing", r"/produits/"),
        ("category", r"/produits/[\w-]+/"),
        ("product", r"/produit/[\w-]+/"),
        ("story", r"/histoire/"),
        ("event", r"/histoire/(?!personnes/|expeditions/)[\w-]+/"),
        ("stores", r"/boutiques/"),
        ("information", r"/informations/[\w-]+/"),
    ]
    return next((kind for kind, pattern in patterns if re.fullmatch(pattern, path)), None)


def language_of(path):
    return "en" if path == "/en" or path.startswith("/en/") else "fr"


def anonymous_get(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def discover(port):
    """The pages the visitors walk through, by kind and language, read from the site's
    sitemap (every public page, in French and in English) and its listing (the
    categories and activities the filters offer)."""
    status, sitemap = anonymous_get(port, "/sitemap.xml")
    if status != 200:
        raise SystemExit(f"/sitemap.xml answered {status}")
    paths = {urlsplit(url).path for url in LOC.findall(sitemap) + ALTERNATE.findall(sitemap)}
    status, listing = anonymous_get(port, "/produits/")
    if status != 200:
        raise SystemExit(f"/produits/ answered {status}")
    paths |= set(re.findall(r'href="(/produits/[\w-]+/)"', listing))
    pages = defaultdict(set)
    for path in paths:
        kind = kind_of(path)
        if kind:
            pages[kind, language_of(path)].add(path)
    categories = sorted(path for path in pages["category", "fr"])
    activities = sorted(set(re.findall(r'name="activite"[^>]*value="([\w-]+)"', listing)))
    filtered = FILTERS + [f"{category}?stock=true" for category in categories[:3]]
    filtered += [f"/produits/?activite={activity}" for activity in activities]
    pages["filtered", "fr"] = set(filtered)
    pages["filtered", "en"] = {"/en" + path for path in filtered}
    missing = [f"{kind} ({lang})" for kind in MIX for lang in ("fr", "en") if not pages[kind, lang]]
    if missing:
        raise SystemExit(f"no page of these kinds in the sitemap or the listing: {missing}")
    # Shuffled once, the same way every run: a product's rank is its popularity.
    return {key: random.Random(0).sample(sorted(found), len(found)) for key, found in pages.items()}


class Visits:
    """Draws the next page an anonymous visitor asks for."""

    def __init__(self, pages):
        self.pages = pages
        self.kinds, self.weights = list(MIX), list(MIX.values())
        # Zipf: the n-th most visited product is asked for 1/n as often as the first; the
        # pages of other kinds are drawn evenly.
        self.cumulative = {
            lang: list(
                itertools.accumulate(1 / n for n in range(1, len(pages["product", lang]) + 1))
            )
            for lang in ("fr", "en")
        }

    def next(self, rng):
        kind = rng.choices(self.kinds, self.weights)[0]
        lang = "en" if rng.random() < ENGLISH_SHARE else "fr"
        key = (kind, lang)
        if kind == "product":
            return kind, rng.choices(self.pages[key], cum_weights=self.cumulative[lang])[0]
        return kind, rng.choice(self.pages[key])


# --- Anonymous visitors ---------------------------------------------------------------


class Figures:
    def __init__(self):
        self.lock = threading.Lock()
        self.views = []  # (kind, X-Page-Cache or None, seconds, X-Request-ID)
        self.errors = []  # (who, path, what)
        self.orders, self.failures = [], []  # (delivery, seconds), reasons
        self.not_cacheable = Counter()  # (path, status)

    def view(self, kind, path, status, cache, seconds, request_id):
        with self.lock:
            self.views.append((kind, cache, seconds, request_id))
            if cache is None:
                self.not_cacheable[path, status] += 1
            if not isinstance(status, int) or not 200 <= status < 400:
                self.errors.append(("visitor", path, status))

    def error(self, who, path, what):
        with self.lock:
            self.errors.append((who, path, what))


def browse(port, visits, number, deadline, figures):
    """One anonymous visitor: one page after another until `deadline`, on a keep-alive
    connection (opened again whenever the server closes it), never a cookie."""
    rng = random.Random(1000 + number)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    while time.monotonic() < deadline:
        kind, path = visits.next(rng)
        language = "en-GB,en;q=0.8" if language_of(path) == "en" else "fr-FR,fr;q=0.9"
        headers = {**BROWSER_HEADERS, "Accept-Language": language}
        started = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            status, cache = response.status, response.getheader("X-Page-Cache")
            request_id = response.getheader("X-Request-ID")
        except (OSError, http.client.HTTPException) as error:
            status, cache, request_id = f"{type(error).__name__}: {error}", None, None
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        if figures is not None:
            figures.view(kind, path, status, cache, time.perf_counter() - started, request_id)
    connection.close()


# --- The buyer ------------------------------------------------------------------------


class Forms(HTMLParser):
    """The forms of a page: for each, its attributes, its fields (name, value) that a
    browser would send as they are (hidden, checked, text), its radio choices, and
    its select options."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.forms, self.select = [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"attrs": attrs, "names": set(), "values": {}, "choices": {}})
        if not self.forms:
            return
        form = self.forms[-1]
        name = attrs.get("name")
        if tag == "input" and name:
            form["names"].add(name)
            kind = attrs.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "disabled" not in attrs:
                    form["choices"].setdefault(name, []).append(attrs.get("value", "on"))
                if "checked" in attrs:
                    form["values"][name] = attrs.get("value", "on")
            elif kind not in ("submit", "button"):
                form["values"][name] = attrs.get("value", "")
        elif tag in ("select", "textarea") and name:
            form["names"].add(name)
            self.select = name if tag == "select" else None
        elif tag == "option" and self.select and attrs.get("value"):
            form["choices"].setdefault(self.select, []).append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None

    def find(self, test):
        return next((form for form in self.forms if test(form)), None)


class CheckoutFailed(Exception):
    """The step of the checkout that went wrong (its request), and why."""

    def __init__(self, step, why):
        super().__init__(f"{step}: {why}")


def said(page):
    """What a page tells the shopper went wrong: its messages, its form's errors."""
    texts = [text for tag, text in MESSAGE.findall(page) if tag in ("error", "warning")]
    texts += ALERT.findall(page) + FIELD_ERRORS.findall(page)
    texts = [" ".join(TAG.sub(" ", text).split()) for text in texts]
    title = TITLE.search(page)
    texts = texts or ([f"page titled {' '.join(title.group(1).split())!r}"] if title else [])
    return "; ".join(text for text in texts if text) or "the page says nothing"


class Buyer:
    """An order every `interval` seconds, each by a new shopper, through the real checkout
    (bench.cluster's Shopper: cookies, and a browser's Origin and Sec-Fetch-Site headers).

    A checkout is six requests, each waiting its turn behind the visitors' for a worker:
    under load it takes longer than a second. So this thread starts each order on time in
    a thread of its own, at most MAX_ORDERS_UNDER_WAY at once; a start that finds that
    many still under way is skipped, and counted."""

    def __init__(self, port, products, figures):
        self.port, self.products, self.figures = port, products, figures
        # Shopper's requests say `Host: 127.0.0.1` and `X-Forwarded-Proto: https` (which
        # gunicorn trusts from 127.0.0.1), as through nginx: the origin a browser reports.
        self.origin = "https://127.0.0.1"
        self.started, self.skipped = 0, 0

    def run(self, started, deadline, interval):
        under_way = []
        for number in itertools.count(1):
            start = started + (number - 1) * interval
            if start >= deadline:
                break
            time.sleep(max(0.0, start - time.monotonic()))
            under_way = [thread for thread in under_way if thread.is_alive()]
            if len(under_way) >= MAX_ORDERS_UNDER_WAY:
                self.skipped += 1
                continue
            self.started += 1
            under_way.append(threading.Thread(target=self.place, args=(number,)))
            under_way[-1].start()
        for thread in under_way:
            thread.join()

    def place(self, number):
        started = time.perf_counter()
        try:
            delivery = self.order(number)
        except CheckoutFailed as failure:
            with self.figures.lock:
                first = not self.figures.failures
                self.figures.failures.append(str(failure))
            if first:
                print(f"  checkout failed, order {number}: {failure}", flush=True)
            return
        with self.figures.lock:
            self.figures.orders.append((delivery, time.perf_counter() - started))

    def send(self, shopper, method, path, form=None, expect=(200,)):
        status, page, location, _seconds = shopper.request(method, path, form)
        if status == "error":
            self.figures.error("buyer", path, "connection broken")
            raise CheckoutFailed(f"{method} {path}", "the connection broke")
        if not 200 <= status < 400:
            self.figures.error("buyer", path, status)
        if status not in expect:
            where = f" to {location}" if location else ""
            raise CheckoutFailed(f"{method} {path}", f"answered {status}{where}: {said(page)}")
        return page, location and urlsplit(location).path

    def order(self, number):
        """Order `number`, from a product page to the confirmation; returns its delivery."""
        rng = random.Random(number)
        shopper = Shopper(self.port, False, self.origin)
        # A product with a size in stock: its page, as anyone sees it (often from the cache).
        for _attempt in range(10):
            product = rng.choice(self.products)
            page, _ = self.send(shopper, "GET", product)
            buy = Forms(page).find(lambda f: f["attrs"].get("action", "").endswith("/ajouter/"))
            if buy is None:
                raise CheckoutFailed(f"GET {product}", "no add-to-cart form on the product page")
            if buy["choices"].get("variant"):
                break
        else:
            raise CheckoutFailed("product pages", "10 products in a row had nothing in stock")
        form = {**buy["values"], "variant": rng.choice(buy["choices"]["variant"])}
        _, cart_path = self.send(shopper, "POST", buy["attrs"]["action"], form, expect=(302,))
        cart, _ = self.send(shopper, "GET", cart_path)
        if "message--success" not in cart:
            raise CheckoutFailed(f"POST {buy['attrs']['action']}", f"not added: {said(cart)}")
        checkout_page, _ = self.send(shopper, "GET", "/commande/")
        form = self.checkout_form(checkout_page, number)
        _, confirmation = self.send(shopper, "POST", "/commande/", form, expect=(302,))
        if not re.fullmatch(r"/commande/[\w-]+/", confirmation or ""):
            raise CheckoutFailed("POST /commande/", f"led to {confirmation}, not to an order")
        page, _ = self.send(shopper, "GET", confirmation)
        if not ORDER_NUMBER.search(page):
            raise CheckoutFailed(f"GET {confirmation}", "no order number on the confirmation")
        return form["delivery"]

    def checkout_form(self, page, number):
        """The checkout form filled as a shopper would: what the page holds (CSRF token,
        one-time key) and the shopper's details, with choices the page offers."""
        checkout = Forms(page).find(lambda f: "checkout_key" in f["names"])
        if checkout is None:
            raise CheckoutFailed("GET /commande/", f"no checkout form on the page: {said(page)}")
        for hidden in ("csrfmiddlewaretoken", "checkout_key"):
            if not checkout["values"].get(hidden):
                raise CheckoutFailed("GET /commande/", f"the form's {hidden} is empty")
        choices = checkout["choices"]
        stores = choices.get("store", [])
        collect = number % 2 == 0 and stores and "collect" in choices.get("delivery", [])
        details = {
            "email": f"buyer-{number}@bench-mixed.example",
            "name": "Léa Martin",
            "phone": "06 12 34 56 78",
            "accept_terms": "on",
        }
        if collect:
            details |= {"delivery": "collect", "store": stores[0], "payment_method": "at_store"}
        else:
            details |= {
                "delivery": "home",
                "street": "3 chemin des Alpages",
                "postcode": "73000",
                "city": "Chambéry",
                "payment_method": "transfer",
            }
        unknown = [name for name in details if name not in checkout["names"]]
        if unknown:
            raise CheckoutFailed("GET /commande/", f"the form has no field {', '.join(unknown)}")
        for name in ("delivery", "payment_method"):
            if details[name] not in choices.get(name, []):
                raise CheckoutFailed("GET /commande/", f"{name} offers no {details[name]!r}")
        return {**checkout["values"], **details}


# --- Set-up, run and report -----------------------------------------------------------


def percentiles(seconds):
    """Median and p95 in milliseconds ("-" with no figure)."""
    if not seconds:
        return "-", "-"
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{statistics.median(ordered) * 1000:.1f}", f"{p95 * 1000:.1f}"


def ratio(hits, misses):
    return f"{hits / (hits + misses) * 100:.1f} %" if hits + misses else "-"


def server_times(log):
    """Each request's time in Django, by request id, from the request log's JSON lines
    (common.middleware.RequestIdMiddleware); gunicorn's queue is the rest."""
    times = {}
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            with suppress(ValueError, KeyError, TypeError):
                entry = json.loads(line)
                times[entry["request_id"]] = entry["ms"] / 1000
    return times


def report(figures, duration, buyer, interval, orders_in_database, log):
    views, in_django = figures.views, server_times(log)
    by_cache = Counter(cache for _, cache, _, _ in views)
    hits, misses, other = by_cache["hit"], by_cache["miss"], by_cache[None]
    print(f"anonymous page views: {len(views)} in {duration:.1f} s ({len(views) / duration:.1f}/s)")
    print(f"  hits {hits}, misses {misses}, not cacheable {other}")
    for (path, status), count in figures.not_cacheable.most_common(5):
        print(f"    not cacheable: {path} ({status}) x{count}")
    print(f"  hit ratio (hits / (hits + misses)): {ratio(hits, misses)}")
    for label in ("hit", "miss", None) if other else ("hit", "miss"):
        mine = [(seconds, request_id) for _, cache, seconds, request_id in views if cache == label]
        median, p95 = percentiles([seconds for seconds, _ in mine])
        django_median, django_p95 = percentiles(
            [in_django[request_id] for _, request_id in mine if request_id in in_django]
        )
        print(
            f"  latency of {label or 'the others'}: median {median} ms, p95 {p95} ms "
            f"(of which in Django: median {django_median} ms, p95 {django_p95} ms)"
        )
    print("  by kind of page:        views   hits  misses  ratio   hit median/p95  miss median/p95")
    for kind in MIX:
        mine = [(cache, seconds) for k, cache, seconds, _ in views if k == kind]
        counts = Counter(cache for cache, _ in mine)
        hit = "/".join(percentiles([s for cache, s in mine if cache == "hit"]))
        miss = "/".join(percentiles([s for cache, s in mine if cache == "miss"]))
        print(
            f"    {kind:<20} {len(mine):7} {counts['hit']:6} {counts['miss']:7} "
            f"{ratio(counts['hit'], counts['miss']):>8}  {hit:>15}  {miss:>15}"
        )
    deliveries = Counter(delivery for delivery, _ in figures.orders)
    median, p95 = percentiles([seconds for _, seconds in figures.orders])
    print(
        f"orders placed: {len(figures.orders)} of {buyer.started} started, one every "
        f"{interval:g} s ({buyer.skipped} skipped with {MAX_ORDERS_UNDER_WAY} under way), "
        f"{orders_in_database} in the database; {deliveries['home']} home delivery, "
        f"{deliveries['collect']} click and collect; "
        f"whole checkout (6 requests) median {median} ms, p95 {p95} ms"
    )
    for why, count in Counter(figures.failures).most_common(5):
        print(f"  checkout failed {count} time(s): {why}")
    print(f"errors: {len(figures.errors)}")
    for (who, path, what), count in Counter(figures.errors).most_common(10):
        print(f"  {who} {path}: {what} x{count}")
    lines = [
        line
        for line in log.read_text(errors="replace").splitlines()
        if "ERROR" in line or "Traceback" in line or "CRITICAL" in line
    ]
    print(f"gunicorn log: {len(lines)} error line(s)")
    for line in lines[:10]:
        print(f"    {line}")
    return 0 if figures.orders and not figures.failures and not figures.errors else 1


def start_gunicorn(env, workers, log):
    port = free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "millet_site.wsgi",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=output,
        )
    return server, port


def crawl(port, pages, clients):
    """Every page the visitors may ask for, once, as a shop open for a while has them
    kept: the measured misses are then those that changes cause, not first visits."""
    queue = [path for found in pages.values() for path in found]
    lock = threading.Lock()

    def walk():
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            anonymous_get(port, path)

    threads = [threading.Thread(target=walk) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def mixed_load(port, pages, arguments):
    """The warm-up, then the measured load: the visitors and the buyer until the deadline.
    Returns the figures, the buyer and how long the visitors browsed."""
    visits = Visits(pages)

    def visitors(deadline, figures):
        return [
            threading.Thread(target=browse, args=(port, visits, n, deadline, figures))
            for n in range(arguments.clients)
        ]

    if arguments.crawl:
        crawl(port, pages, arguments.clients)
    warmup = visitors(time.monotonic() + WARMUP_SECONDS, None)
    for thread in warmup:
        thread.start()
    for thread in warmup:
        thread.join()
    figures = Figures()
    buyer = Buyer(port, pages["product", "fr"], figures)
    started = time.monotonic()
    deadline = started + arguments.seconds
    browsing = visitors(deadline, figures)
    buying = threading.Thread(target=buyer.run, args=(started, deadline, arguments.order_interval))
    for thread in [*browsing, buying]:
        thread.start()
    for thread in browsing:
        thread.join()
    duration = time.monotonic() - started
    buying.join()  # the last orders started before the deadline
    return figures, buyer, duration


def orders_in_database(env):
    return django_json(
        env,
        "from shop.models import Order",
        "Order.objects.filter(email__endswith='@bench-mixed.example').count()",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the measured load")
    parser.add_argument("--clients", type=int, default=16, help="anonymous visitors at once")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--products", type=int, default=1000, help="products in the catalogue")
    parser.add_argument(
        "--no-crawl",
        dest="crawl",
        action="store_false",
        help="start with no page kept (by default every page is visited once first)",
    )
    parser.add_argument(
        "--order-interval", type=float, default=1.0, help="seconds between two orders"
    )
    arguments = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="millet-mixed-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "millet_site.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_BEHIND_PROXY": "false",
        "DJANGO_SERVE_MEDIA": "true",
        "DJANGO_LOG_LEVEL": "WARNING",
        # One JSON line per request, as in production: each one's time in Django.
        "DJANGO_REQUEST_LOG_LEVEL": "INFO",
        "DJANGO_CACHE_DIR": str(workdir / "cache"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "PAGE_CACHE_SECONDS": "600",
    }
    redis = os.environ.get("REDIS_URL", "")
    if redis and urlsplit(redis).hostname != "127.0.0.1":
        raise SystemExit("REDIS_URL must name a server on 127.0.0.1")
    drop, server, log, done = None, None, workdir / "gunicorn.log", False
    url = os.environ.get("DATABASE_URL", "")
    try:
        if url.startswith(("postgres://", "postgresql://")):
            env["DATABASE_URL"], drop = throwaway_postgres(url, prefix="bench_mixed")
            name = urlsplit(env["DATABASE_URL"]).path.lstrip("/")
            database = f"PostgreSQL {name}"
        else:
            env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
            database = "SQLite"
        print(
            f"set-up: {database}, {'Redis ' + redis if redis else 'file cache'}, "
            f"gunicorn with {arguments.workers} workers, {arguments.clients} anonymous "
            f"visitors, an order every {arguments.order_interval:g} s, {arguments.seconds:g} s",
            flush=True,
        )
        run(["migrate", "--verbosity", "0"], env)
        fixtures = sorted(str(path) for path in (ROOT / "fixtures").glob("*.json"))
        run(["loaddata", "--verbosity", "0", *fixtures], env)
        if arguments.products:
            run(["seed_catalog", "--products", str(arguments.products)], env)
        run(["collectstatic", "--no-input", "--verbosity", "0"], env)

        server, port = start_gunicorn(env, arguments.workers, log)
        wait_for(port)
        pages = discover(port)
        counts = (f"{kind} {len(pages[kind, 'fr']) + len(pages[kind, 'en'])}" for kind in MIX)
        print(f"pages (French and English): {', '.join(counts)}", flush=True)
        figures, buyer, duration = mixed_load(port, pages, arguments)
        in_database = orders_in_database(env)
        server.terminate()
        server.wait(timeout=30)
        done = True
        return report(figures, duration, buyer, arguments.order_interval, in_database, log)
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            server.wait(timeout=30)
        if not done and log.exists():
            print("gunicorn's last lines:", *log.read_text().splitlines()[-30:], sep="\n    ")
        if drop is not None:
            drop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
