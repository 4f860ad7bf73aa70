"""The shop as in production, on one machine: nginx in front of several gunicorn servers,
a task worker, PostgreSQL and Redis, under a mixed load while an app server dies.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/cluster.py
    ... bench/cluster.py --seconds 300          # a longer run
    ... bench/cluster.py --soak 1800            # 30 minutes, with each process's memory

It makes a database of its own on that server (millet_cluster, dropped and made
again), loads the demo data, starts Redis on a free port (or uses the shared file
cache when redis-server is missing), 2 gunicorn servers (deploy/gunicorn.conf.py),
a task worker and nginx (deploy/nginx/millet.conf, with a self-signed
certificate and free ports), all on 127.0.0.1. Shoppers then browse, filter,
search, add to their cart, check out and ask for repairs through nginx over
HTTPS. At 40 % of the run one app server is killed (SIGKILL), at 70 % it is
started again. It reports requests per second, latency percentiles, status
counts, the 5xx answers (only the killed server's requests in flight may fail),
orders placed against orders confirmed and in the database, stock consistency,
and a cart filled through one app server and checked out through the other.
It exits non-zero when any of those checks fails. Only 127.0.0.1 is contacted.
"""

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import suppress
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CHECKOUT_KEY = re.compile(r'name="checkout_key" value="([^"]*)"')
VARIANT = re.compile(r'<input type="radio" name="variant"[^>]*value="(\d+)" required>')
PRODUCT = re.compile(r'href="(/produit/[a-z0-9-]+/)"')


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port, path="/healthz", timeout=30, tls=False):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with suppress(OSError):
            connection = connect(port, tls)
            headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https"}
            connection.request("GET", path, headers=headers)
            if connection.getresponse().status == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"nothing answers on port {port}")


def connect(port, tls):
    if tls:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE  # our own self-signed certificate
        return http.client.HTTPSConnection("127.0.0.1", port, timeout=30, context=context)
    return http.client.HTTPConnection("127.0.0.1", port, timeout=30)


def manage(env, *args):
    return subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        text=True,
    )


def memory_kib(pid):
    """Resident memory of a process and its children, in KiB (Linux /proc)."""
    total = 0
    pids = [pid]
    with suppress(OSError):
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(child) for child in children]
    for one in pids:
        with suppress(OSError):
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


class Shopper:
    """One visitor with their own cookies, talking to one port (nginx's, or a server's)."""

    def __init__(self, port, tls, origin):
        self.port, self.tls, self.origin = port, tls, origin
        self.cookies = {}
        self.connection = connect(port, tls)

    def request(self, method, path, form=None):
        # Straight to an app server, the shopper says what nginx would (nginx itself
        # sets X-Forwarded-Proto, whatever the client sent).
        headers = {
            "Host": "127.0.0.1",
            "Origin": self.origin,
            "Referer": self.origin + "/",
            "Sec-Fetch-Site": "same-origin",
            "X-Forwarded-Proto": "https",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            content = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = connect(self.port, self.tls)
            return "error", "", None, time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                self.cookies[name] = morsel.value
        return (
            response.status,
            content,
            response.getheader("Location"),
            (time.perf_counter() - started),
        )


class Load:
    def __init__(self, port, origin):
        self.port, self.origin = port, origin
        self.lock = threading.Lock()
        self.latencies, self.statuses, self.failures = [], Counter(), []
        self.placed, self.confirmed = set(), set()
        self.stop = threading.Event()

    def record(self, status, seconds, path):
        with self.lock:
            self.latencies.append(seconds)
            self.statuses[status] += 1
            if status == "error" or (isinstance(status, int) and status >= 500):
                self.failures.append((time.monotonic(), status, path))

    def get(self, shopper, path):
        status, content, _location, seconds = shopper.request("GET", path)
        self.record(status, seconds, path)
        return status, content

    def post(self, shopper, path, form):
        status, content, location, seconds = shopper.request("POST", path, form)
        self.record(status, seconds, path)
        return status, content, location

    def shop(self, number):
        rng = random.Random(number)
        shopper = Shopper(self.port, True, self.origin)
        while not self.stop.is_set():
            self.get(shopper, "/")
            _, listing = self.get(shopper, rng.choice(LISTINGS))
            products = PRODUCT.findall(listing)
            if not products:
                continue
            _, page = self.get(shopper, rng.choice(products))
            if rng.random() < 0.35:
                self.buy(shopper, page, number)
            if rng.random() < 0.03:
                self.repair(shopper, number)

    def buy(self, shopper, page, number):
        variants = VARIANT.findall(page)
        if not variants:
            return
        status, _, _ = self.post(shopper, "/panier/ajouter/", add_to_cart_form(page, variants[0]))
        if status != 302:
            return
        status, checkout = self.get(shopper, "/commande/")
        key, token = CHECKOUT_KEY.search(checkout), TOKEN.search(checkout)
        if status != 200 or not key or not token:
            return
        form = {
            "csrfmiddlewaretoken": token.group(1),
            "checkout_key": key.group(1),
            "email": f"cluster-{number}@example.org",
            "name": "Léa Martin",
            "phone": "06 12 34 56 78",
            "delivery": "home",
            "street": "3 chemin des Alpages",
            "postcode": "73000",
            "city": "Chambéry",
            "payment_method": "transfer",
            "accept_terms": "on",
        }
        status, _, location = self.post(shopper, "/commande/", form)
        if status == 302 and location and "/commande/" in location:
            path = urlsplit(location).path
            with self.lock:
                self.placed.add(path)
            status, _ = self.get(shopper, path)
            if status == 200:
                with self.lock:
                    self.confirmed.add(path)

    def repair(self, shopper, number):
        status, page = self.get(shopper, "/reparation/")
        token = TOKEN.search(page)
        if status != 200 or not token:
            return
        self.post(
            shopper,
            "/reparation/",
            {
                "csrfmiddlewaretoken": token.group(1),
                "name": "Paul Durand",
                "email": f"repair-{number}@example.org",
                "product_description": "Vieux sac rouge des années 1990",
                "purchase_year": "1995",
                "damage": "La bretelle gauche est déchirée à la couture.",
                "street": "8 rue du Vercors",
                "postcode": "38000",
                "city": "Grenoble",
            },
        )


LISTINGS = [
    "/produits/",
    "/produits/?gamme=expert&stock=true",
    "/produits/sacs-a-dos/",
    "/produits/?q=sac",
    "/en/produits/?q=jacket",
    "/produits/?page=2",
]


def add_to_cart_form(page, variant):
    """The product page's form as a browser sends it. A page from the cache holds no
    token: the browser's Origin and Sec-Fetch-Site headers stand for it."""
    form = {"variant": variant, "quantity": 1}
    token = TOKEN.search(page)
    if token:
        form["csrfmiddlewaretoken"] = token.group(1)
    return form


def handover(server_ports, origin):
    """A cart filled through one app server and checked out through another."""
    first = Shopper(server_ports[0], False, origin)
    _, listing, _, _ = first.request("GET", "/produits/?stock=true")
    product = PRODUCT.findall(listing)[0]
    _, page, _, _ = first.request("GET", product)
    form = add_to_cart_form(page, VARIANT.findall(page)[0])
    added, _, _, _ = first.request("POST", "/panier/ajouter/", form)
    second = Shopper(server_ports[1], False, origin)
    second.cookies = dict(first.cookies)
    _, cart, _, _ = second.request("GET", "/panier/")
    count = re.search(r'class="cart-count">(\d+)<', cart)
    return added == 302 and count is not None and count.group(1) == "1"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60, help="length of the mixed load")
    parser.add_argument("--soak", type=int, default=0, help="a soak of this many seconds")
    parser.add_argument("--shoppers", type=int, default=8)
    parser.add_argument("--servers", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    arguments = parser.parse_args()
    seconds = arguments.soak or arguments.seconds
    for tool in ("nginx", "openssl"):
        if not (shutil.which(tool) or Path(f"/usr/sbin/{tool}").exists()):
            raise SystemExit(f"{tool} is needed (apt-get install {tool})")
    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not base_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL server (its database is left alone).")
    database_url = base_url.rsplit("/", 1)[0] + "/millet_cluster"

    workdir = Path(tempfile.mkdtemp(prefix="millet-cluster-"))
    processes = {}
    nginx_port = free_port()
    origin = f"https://127.0.0.1:{nginx_port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "millet_site.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_CSRF_TRUSTED_ORIGINS": origin,
        "DJANGO_BEHIND_PROXY": "true",
        "DJANGO_PROXY_HOPS": "1",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_LOG_LEVEL": "WARNING",
        "DJANGO_REQUEST_LOG_LEVEL": "WARNING",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(workdir / "media"),
        "PRIVATE_MEDIA_ROOT": str(workdir / "private"),
        "DJANGO_CACHE_DIR": str(workdir / "cache"),
        "PRIVATE_MEDIA_ACCEL_PREFIX": "/private/",
        "GUNICORN_WORKERS": str(arguments.workers),
        "GUNICORN_LOG_LEVEL": "warning",
    }
    try:
        drop = (
            "import psycopg, sys\n"
            "with psycopg.connect(sys.argv[1], autocommit=True) as c:\n"
            "    c.execute('DROP DATABASE IF EXISTS millet_cluster WITH (FORCE)')\n"
            "    c.execute('CREATE DATABASE millet_cluster')\n"
        )
        subprocess.run([PYTHON, "-c", drop, base_url], check=True)
        if shutil.which("redis-server"):
            redis_port = free_port()
            processes["redis"] = subprocess.Popen(
                [
                    shutil.which("redis-server"),
                    "--port",
                    str(redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                ],
                stdout=subprocess.DEVNULL,
            )
            env["REDIS_URL"] = f"redis://127.0.0.1:{redis_port}/0"
        print(
            f"set-up: PostgreSQL millet_cluster, "
            f"{'Redis' if 'REDIS_URL' in env else 'file cache'}, "
            f"{arguments.servers} app servers × {arguments.workers} workers, nginx, task worker"
        )
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "loaddata", "--verbosity", "0", "catalog", "heritage", "stores", "pages")
        manage(env, "collectstatic", "--no-input", "--verbosity", "0")
        stock_before = stock(env)

        server_ports = [free_port() for _ in range(arguments.servers)]

        def start_server(port):
            return subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    str(ROOT / "deploy/gunicorn.conf.py"),
                    "millet_site.wsgi",
                ],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
                start_new_session=True,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

        for port in server_ports:
            processes[f"web:{port}"] = start_server(port)
        processes["worker"] = subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--no-reload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in server_ports:
            wait_for(port)
        processes["nginx"] = start_nginx(workdir, nginx_port, server_ports)
        wait_for(nginx_port, tls=True)
        handed_over = handover(server_ports, origin)

        memory_start = {name: memory_kib(p.pid) for name, p in processes.items()}
        load = Load(nginx_port, origin)
        threads = [threading.Thread(target=load.shop, args=(n,)) for n in range(arguments.shoppers)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        victim = f"web:{server_ports[0]}"
        time.sleep(seconds * 0.4)
        killed_at = time.monotonic()
        os.killpg(processes[victim].pid, signal.SIGKILL)
        processes[victim].wait()
        time.sleep(seconds * 0.3)
        processes[victim] = start_server(server_ports[0])
        wait_for(server_ports[0])
        restarted_at = time.monotonic()
        time.sleep(max(0.0, started + seconds - time.monotonic()))
        memory_end = {name: memory_kib(p.pid) for name, p in processes.items()}
        load.stop.set()
        for thread in threads:
            thread.join()
        duration = time.monotonic() - started
        time.sleep(1)  # the last orders' commits
        return report(
            load,
            duration,
            killed_at,
            restarted_at,
            env,
            stock_before,
            handed_over,
            memory_start,
            memory_end,
            arguments.soak,
        )
    finally:
        for name, process in processes.items():
            with suppress(ProcessLookupError, PermissionError):
                if name.startswith("web:"):
                    os.killpg(process.pid, signal.SIGTERM)
                else:
                    process.terminate()
        for process in processes.values():
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
        shutil.rmtree(workdir, ignore_errors=True)


def start_nginx(workdir, port, server_ports):
    tls = workdir / "tls"
    subprocess.run([ROOT / "deploy/make-local-cert.sh", tls], check=True, capture_output=True)
    site = (ROOT / "deploy/nginx/millet.conf").read_text()
    site = site.replace("/srv/millet/var/private/", f"{workdir}/private/")
    site = site.replace("/srv/millet/media/", f"{workdir}/media/")
    site = site.replace("/srv/millet", str(ROOT)).replace("/etc/millet/tls", str(tls))
    upstream = "\n".join(
        f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=10s;" for p in server_ports
    )
    site = re.sub(r"(upstream millet_app \{\n)(?:    server .*\n)+", rf"\g<1>{upstream}\n", site)
    site = re.sub(r"listen 80;\n    listen \[::\]:80;", f"listen 127.0.0.1:{free_port()};", site)
    site = re.sub(
        r"listen 443 ssl http2;\n    listen \[::\]:443 ssl http2;",
        f"listen 127.0.0.1:{port} ssl http2;",
        site,
    )
    site = site.replace("server_name boutique.millet.example;", "server_name 127.0.0.1;")
    (workdir / "millet.conf").write_text(site)
    main = workdir / "nginx.conf"
    temp = " ".join(f"{kind}_temp_path {workdir}/{kind};" for kind in TEMP_PATHS)
    main.write_text(
        f"pid {workdir}/nginx.pid;\nerror_log {workdir}/nginx-error.log;\n"
        "worker_processes 1;\nevents { worker_connections 512; }\n"
        f"http {{ access_log off; {temp} include {workdir}/millet.conf; }}\n"
    )
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return subprocess.Popen([nginx, "-p", str(workdir), "-c", str(main), "-g", "daemon off;"])


TEMP_PATHS = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]


def django_json(env, setup, expression):
    """`expression` evaluated by Django in a process of its own, against the run's database."""
    script = f"import django, json; django.setup()\n{setup}\nprint(json.dumps({expression}))\n"
    output = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output)


def stock(env):
    return django_json(
        env,
        "from catalog.models import Variant",
        "dict(Variant.objects.values_list('sku', 'stock'))",
    )


def database_state(env):
    return django_json(
        env,
        "from django.db.models import Sum\n"
        "from catalog.models import Variant\n"
        "from shop.models import Order, OrderLine",
        "{'tokens': list(Order.objects.values_list('token', flat=True)),"
        " 'taken': dict(OrderLine.objects.exclude(order__status='cancelled')"
        ".values('sku').annotate(n=Sum('quantity')).values_list('sku', 'n')),"
        " 'stock': dict(Variant.objects.values_list('sku', 'stock'))}",
    )


def report(
    load,
    duration,
    killed_at,
    restarted_at,
    env,
    stock_before,
    handed_over,
    memory_start,
    memory_end,
    soak,
):
    latencies = sorted(load.latencies)

    def percentile(share):
        return latencies[min(len(latencies) - 1, int(len(latencies) * share))] * 1000

    print(
        f"{len(latencies)} requests in {duration:.0f} s: {len(latencies) / duration:.1f} req/s, "
        f"p50 {percentile(0.5):.0f} ms, p95 {percentile(0.95):.0f} ms, "
        f"p99 {percentile(0.99):.0f} ms (median {statistics.median(latencies) * 1000:.0f} ms)"
    )
    print("statuses:", ", ".join(f"{s}: {n}" for s, n in sorted(load.statuses.items(), key=str)))
    # Requests in flight on the killed server may fail: the few seconds after the kill.
    outside = [f for f in load.failures if not killed_at <= f[0] <= killed_at + 5]
    print(f"5xx or broken: {len(load.failures)}, of which outside the kill: {len(outside)}")
    state = database_state(env)
    tokens = {f"/commande/{token}/" for token in state["tokens"]}
    unconfirmed = load.placed - load.confirmed
    unknown = load.placed - tokens
    print(
        f"orders: {len(load.placed)} placed by shoppers, {len(load.confirmed)} confirmation "
        f"pages seen, {len(tokens)} in the database"
    )
    bad_stock = [
        sku
        for sku, before in stock_before.items()
        if state["stock"][sku] < 0 or before - state["taken"].get(sku, 0) != state["stock"][sku]
    ]
    print(f"stock: {'consistent' if not bad_stock else 'INCONSISTENT ' + ', '.join(bad_stock)}")
    print(f"cart filled on one app server, read on the other: {'ok' if handed_over else 'LOST'}")
    if soak:
        for name in memory_start:
            start, end = memory_start[name] / 1024, memory_end[name] / 1024
            print(f"memory {name}: {start:.0f} → {end:.0f} MiB")
    problems = [
        outside and "5xx outside the killed server's requests",
        unconfirmed and f"{len(unconfirmed)} orders without a confirmation page",
        unknown and f"{len(unknown)} confirmations without an order",
        bad_stock and "stock inconsistent",
        not handed_over and "a cart lost between servers",
        not load.placed and "no order placed",
    ]
    problems = [p for p in problems if p]
    print("result:", "; ".join(problems) if problems else "every check holds")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
