"""The checkout against real faults, under gunicorn, run by hand (not in CI).

    .venv/bin/python bench/checkout_faults.py           # SQLite in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
        .venv/bin/python bench/checkout_faults.py       # PostgreSQL

It builds a fresh database with the demo fixtures (SQLite in a temp folder;
with a PostgreSQL DATABASE_URL, a throwaway database `bench_faults_<random>`
that it creates on that server through the `postgres` database and drops at
the end, never touching another one), starts gunicorn with debug off and
four workers, with the mail relay down (EMAIL_PORT is a closed port), then
plays faults a real deployment meets and prints one line of figures each:

1. double click: the same checkout form sent 2, 4 and 8 times at once, each
   on its own connection: orders made, stock taken, answers;
2. mail relay down: the checkout answers at once, a resubmission finds the
   same order; the task worker (`manage.py db_worker --batch`) fails its try
   and schedules a retry; once an SMTP sink listens on the relay's port and
   the retry is due, the shopper gets exactly one e-mail, even when the
   worker runs again;
3. a repair request with the relay down: its reference is shown;
4. lost response: the checkout is sent on a raw socket closed at once; what
   the cart page then says, and where the same form leads when sent again.

It takes about a minute. Only 127.0.0.1 is ever contacted.
"""

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from bench.throughput import wait_for  # noqa: E402
from tests.smtp import SmtpSink, free_port  # noqa: E402

SHOPPER = {
    "name": "Léa Martin",
    "delivery": "home",
    "street": "3 chemin des Alpages",
    "postcode": "73000",
    "city": "Chambéry",
    "payment_method": "transfer",
    "accept_terms": "on",
}
REPAIR = {
    "name": "Paul Durand",
    "email": "paul@bench.example",
    "product_description": "Vieux sac rouge",
    "damage": "La bretelle gauche est déchirée.",
    "street": "8 rue du Vercors",
    "postcode": "38000",
    "city": "Grenoble",
}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_FIELD = re.compile(r'name="checkout_key" value="([^"]*)"')
PLACED_MESSAGE = re.compile(r"Votre commande (M-\d{4}-\d+) est enregistrée")
EMPTY_CART = "Votre panier est vide."
REFERENCE = re.compile(r"R-\d{4}-\d{5}")


def run(args, env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, timeout=300)


def shell(env, code):
    """Run `code` in `manage.py shell`; it prints one JSON value on its last line."""
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", "import json\n" + code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def db_worker(env):
    """One `manage.py db_worker --batch`: run every due task, then stop."""
    done = subprocess.run(
        [PYTHON, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode


class Answer:
    def __init__(self, status, location, page, seconds):
        self.status, self.location, self.page, self.seconds = status, location, page, seconds


class Browser:
    """One shopper: a cookie jar (Secure cookies sent back over plain HTTP all the same)
    and a new HTTP connection for every request."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def headers(self, form):
        # What a browser says of a form sent from the site's own page.
        headers = {"Sec-Fetch-Site": "same-origin"}
        if form is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def request(self, method, path, form=None):
        body = urlencode(form).encode() if form is not None else None
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=self.headers(form))
            response = connection.getresponse()
            page = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        self.remember(response.headers.get_all("Set-Cookie") or [])
        return Answer(
            response.status,
            response.getheader("Location", ""),
            page,
            time.perf_counter() - started,
        )

    def remember(self, set_cookies):
        for header in set_cookies:
            pair, *attributes = header.split(";")
            name, _, value = pair.strip().partition("=")
            attributes = {a.strip().lower() for a in attributes}
            if "max-age=0" in attributes or any("1970" in a for a in attributes):
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def get(self, path):
        return self.request("GET", path)

    def post(self, path, form):
        return self.request("POST", path, form)


def csrf_token(page):
    found = CSRF_FIELD.search(page)
    if not found:
        raise SystemExit("no CSRF token on the page")
    return found.group(1)


def checkout_form(port, variant, email):
    """A new shopper fills a cart with one unit of `variant` and opens the checkout:
    returns the browser and the form the checkout page would send."""
    browser = Browser(port)
    browser.get(variant["url"])
    # A product page from the page cache holds no token: the browser's headers stand for it.
    added = browser.post("/panier/ajouter/", {"variant": variant["id"], "quantity": 1})
    if added.status != 302:
        raise SystemExit(f"adding to the cart answered {added.status}")
    page = browser.get("/commande/")
    key = KEY_FIELD.search(page.page)
    if page.status != 200 or not key or not key.group(1):
        raise SystemExit(f"the checkout page answered {page.status} without a checkout key")
    form = {
        **SHOPPER,
        "email": email,
        "csrfmiddlewaretoken": csrf_token(page.page),
        "checkout_key": key.group(1),
    }
    return browser, form


def orders_and_stock(env, email, variant_id):
    return shell(
        env,
        "from catalog.models import Variant\n"
        "from shop.models import Order\n"
        f"orders = Order.objects.filter(email={email!r})\n"
        "print(json.dumps({'orders': orders.count(),"
        " 'numbers': list(orders.values_list('number', flat=True)),"
        f" 'stock': Variant.objects.get(pk={variant_id}).stock}}))\n",
    )


def answers_summary(answers):
    return ", ".join(
        f"{status} {location or '-'} x{n}" for (status, location), n in answers.items()
    )


def double_click(env, port, variant, stock, clicks):
    """`clicks` identical checkout POSTs at the same moment, one connection each."""
    email = f"double-{clicks}@bench.example"
    browser, form = checkout_form(port, variant, email)
    body = urlencode(form).encode()
    headers = browser.headers(form)
    start = threading.Barrier(clicks, timeout=30)
    answers, lock = [], threading.Lock()

    def click():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.connect()
            start.wait()
            started = time.perf_counter()
            connection.request("POST", "/commande/", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            answer = (response.status, response.getheader("Location", ""))
            seconds = time.perf_counter() - started
        except (OSError, threading.BrokenBarrierError) as error:
            start.abort()
            answer, seconds = (type(error).__name__, ""), 0.0
        finally:
            connection.close()
        with lock:
            answers.append((answer, seconds))

    threads = [threading.Thread(target=click) for _ in range(clicks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    figures = orders_and_stock(env, email, variant["id"])
    statuses = Counter(answer for answer, _ in answers)
    same = len(statuses) == 1 and next(iter(statuses))[0] == 302
    print(
        f"1. double click x{clicks}: orders {figures['orders']}, "
        f"stock taken {stock - figures['stock']}, "
        f"answers [{answers_summary(statuses)}], "
        f"all 302 to one order: {'yes' if same else 'NO'}, "
        f"slowest {max((s for _, s in answers), default=0) * 1000:.0f} ms"
    )
    return figures["stock"]


def task_statuses(env, email):
    """The statuses of the e-mail tasks of the orders placed with `email`, and how
    many seconds until the next try that waits."""
    return shell(
        env,
        "from collections import Counter\n"
        "from django.utils import timezone\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "from shop.models import Order\n"
        f"ids = list(Order.objects.filter(email={email!r}).values_list('pk', flat=True))\n"
        "tasks = DBTaskResult.objects.filter(args_kwargs__kwargs__order_id__in=ids)\n"
        "waiting = tasks.filter(status='READY').order_by('run_after').first()\n"
        "print(json.dumps({'statuses': dict(sorted(Counter("
        "tasks.values_list('status', flat=True)).items())),"
        " 'due_in': round((waiting.run_after - timezone.now()).total_seconds())"
        " if waiting else None}))\n",
    )


def make_retries_due(env):
    shell(
        env,
        "from django.utils import timezone\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "print(DBTaskResult.objects.filter(status='READY').update(run_after=timezone.now()))\n",
    )


def format_statuses(found):
    text = " ".join(f"{status} {n}" for status, n in found["statuses"].items()) or "none"
    if found["due_in"] is not None:
        text += f", next try in {found['due_in']} s"
    return text


def mail_relay_down(env, port, variant, stock, relay_port):
    email = "relay-down@bench.example"
    browser, form = checkout_form(port, variant, email)
    placed = browser.post("/commande/", form)
    again = browser.post("/commande/", form)
    figures = orders_and_stock(env, email, variant["id"])
    worker = db_worker(env)  # the relay is still down
    before = task_statuses(env, email)
    sink = SmtpSink(relay_port).start()
    try:
        make_retries_due(env)
        db_worker(env)
        first = [m for m in sink.inbox.messages if m["To"] == email]
        db_worker(env)
        second = [m for m in sink.inbox.messages if m["To"] == email]
        total = len(sink.inbox.messages)
    finally:
        sink.stop()
    after = task_statuses(env, email)
    subject_ok = bool(first) and all(n in first[0]["Subject"] for n in figures["numbers"])
    print(
        f"2. mail relay down: checkout {placed.status} -> {placed.location or '-'} "
        f"in {placed.seconds * 1000:.0f} ms; again {again.status} -> {again.location or '-'}; "
        f"orders {figures['orders']}, stock taken {stock - figures['stock']}; "
        f"worker with relay down (exit {worker}): {format_statuses(before)}; "
        f"relay up, retry due, worker: {len(first)} message(s) to {email}"
        f"{' (order number in subject)' if subject_ok else ''}, "
        f"worker again: {len(second)}; tasks now {format_statuses(after)}; "
        f"sink received {total} message(s) in all ({total - len(second)} for earlier orders)"
    )
    return figures["stock"]


def repair_request(port):
    browser = Browser(port)
    page = browser.get("/reparation/")
    sent = browser.post("/reparation/", {**REPAIR, "csrfmiddlewaretoken": csrf_token(page.page)})
    shown = browser.get(sent.location) if sent.location else None
    reference = REFERENCE.search(sent.location or "")
    on_page = bool(shown and reference and reference.group(0) in shown.page)
    print(
        f"3. repair request, relay down: {sent.status} -> {sent.location or '-'} "
        f"in {sent.seconds * 1000:.0f} ms; that page {shown.status if shown else '-'}, "
        f"reference {reference.group(0) if reference else '(none in Location)'} "
        f"shown on it: {'yes' if on_page else 'NO'}"
    )


def lost_response(env, port, variant, stock):
    email = "lost-response@bench.example"
    browser, form = checkout_form(port, variant, email)
    body = urlencode(form).encode()
    head = "".join(f"{k}: {v}\r\n" for k, v in browser.headers(form).items())
    request = (
        f"POST /commande/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{head}"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        raw.sendall(request)
    # Closed without reading a byte of the answer.
    started = time.monotonic()
    figures, polls = {"orders": 0}, 0
    while polls < 20 and not figures["orders"]:
        if polls:
            time.sleep(0.5)
        figures = orders_and_stock(env, email, variant["id"])
        polls += 1
    waited = time.monotonic() - started
    cart = browser.get("/panier/")
    message = PLACED_MESSAGE.search(cart.page)
    again = browser.post("/commande/", form)
    final = orders_and_stock(env, email, variant["id"])
    print(
        f"4. lost response: order in the database "
        f"{'after' if figures['orders'] else 'NOT after'} {polls} poll(s), {waited:.1f} s; "
        f"cart page {cart.status}, says 'Votre commande … est enregistrée': "
        f"{'yes (' + message.group(1) + ')' if message else 'no'}, "
        f"cart empty: {'yes' if EMPTY_CART in cart.page else 'no'}; "
        f"same form again {again.status} -> {again.location or '-'}; "
        f"orders {final['orders']} {final['numbers']}, stock taken {stock - final['stock']}"
    )
    return final["stock"]


def pick_variant(env):
    """A published variant with 10 or more in stock (one is topped up if none has)."""
    return shell(
        env,
        "from catalog.models import Variant\n"
        "variants = Variant.objects.filter(product__is_published=True)"
        ".select_related('product').order_by('-stock', 'pk')\n"
        "variant = variants.first()\n"
        "if variant is None:\n"
        "    raise SystemExit('no published product: are the fixtures there?')\n"
        "if variant.stock < 10:\n"
        "    variant.stock = 20\n"
        "    variant.save(update_fields=['stock'])\n"
        "print(json.dumps({'id': variant.pk, 'sku': variant.sku, 'stock': variant.stock,"
        " 'url': variant.product.get_absolute_url()}))\n",
    )


def throwaway_postgres(url, prefix="bench_faults"):
    """Create `<prefix>_<random>` on the server of `url`; return its URL and a dropper."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    if parts.hostname != "127.0.0.1":
        raise SystemExit("DATABASE_URL must name a server on 127.0.0.1")
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))

    def drop():
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def main():
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="millet-faults-"))
    relay_port = free_port()  # nothing listens there: the mail relay is down
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "millet_site.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_BEHIND_PROXY": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(relay_port),
        "DJANGO_CACHE_DIR": str(workdir / "cache"),
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
    }
    env.pop("REDIS_URL", None)  # the file cache in the temp folder, nothing shared
    drop = None
    url = os.environ.get("DATABASE_URL", "")
    try:
        if url.startswith(("postgres://", "postgresql://")):
            env["DATABASE_URL"], drop = throwaway_postgres(url)
        else:
            env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        print(f"database: {env['DATABASE_URL'].split('@')[-1]}")
        run(["migrate", "--verbosity", "0"], env)
        fixtures = sorted(str(path) for path in (ROOT / "fixtures").glob("*.json"))
        run(["loaddata", "--verbosity", "0", *fixtures], env)
        run(["collectstatic", "--no-input", "--verbosity", "0"], env)
        variant = pick_variant(env)
        stock = variant["stock"]
        print(f"variant {variant['sku']} (id {variant['id']}), stock {stock}")

        port = free_port()
        log = (workdir / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "millet_site.wsgi",
                "--workers",
                "4",
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            wait_for(port)
            for clicks in (2, 4, 8):
                stock = double_click(env, port, variant, stock, clicks)
            stock = mail_relay_down(env, port, variant, stock, relay_port)
            repair_request(port)
            stock = lost_response(env, port, variant, stock)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        errors = [
            line
            for line in (workdir / "gunicorn.log").read_text().splitlines()
            if "ERROR" in line or "Traceback" in line or "CRITICAL" in line
        ]
        print(f"gunicorn log: {len(errors)} error line(s)")
        for line in errors[:20]:
            print(f"    {line}")
        print(f"done in {time.monotonic() - started:.0f} s")
    finally:
        if drop is not None:
            drop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
