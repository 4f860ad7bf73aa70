"""Throughput of the catalogue page under gunicorn, run by hand (not in CI).

    .venv/bin/python bench/throughput.py                      # SQLite in a temp folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/throughput.py

It builds a fresh database with the demo fixtures plus generated products
(`--products`, default 1,000), starts gunicorn with debug off and two workers
on 127.0.0.1, warms it up, then sends a bounded number of requests from a
pool of keep-alive clients and prints requests per second, latency
percentiles, errors and the SQL queries each page runs. It also serves the
same HTML as a static file (whitenoise, same gunicorn) for comparison.
Only 127.0.0.1 is ever contacted.
"""

import argparse
import http.client
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args, env):
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for(port, path="/healthz", timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not start")


def load(port, paths, total, concurrency):
    """Send `total` GETs over `concurrency` keep-alive connections; return timings."""
    latencies, errors, lock = [], [], threading.Lock()
    counter = iter(range(total))

    def client():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for index in counter:
            path = paths[index % len(paths)]
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError as error:
                status = str(error)
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if status != 200:
                    errors.append(status)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors


def report(label, duration, latencies, errors):
    latencies = sorted(latencies)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"{label:<34} {len(latencies) / duration:8.1f} req/s   "
        f"median {statistics.median(latencies) * 1000:6.1f} ms   "
        f"p95 {p95 * 1000:6.1f} ms   errors {len(errors)}"
    )


def query_counts(env, paths):
    script = (
        "import django, sys; django.setup()\n"
        "from django.db import connection\n"
        "from django.test import Client\n"
        "from django.test.utils import CaptureQueriesContext\n"
        "client = Client(HTTP_HOST='127.0.0.1')\n"
        "for path in sys.argv[1:]:\n"
        "    client.get(path)\n"
        "    with CaptureQueriesContext(connection) as queries:\n"
        "        status = client.get(path).status_code\n"
        "    print(f'{path:<40} {status}  {len(queries)} queries')\n"
    )
    subprocess.run([PYTHON, "-c", script, *paths], cwd=ROOT, env=env, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    arguments = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="millet-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "millet_site.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SERVE_MEDIA": "true",
        "DJANGO_LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": str(workdir / "media"),
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    try:
        print(f"database: {env['DATABASE_URL'].split('@')[-1]}")
        run(["migrate", "--verbosity", "0"], env)
        fixtures = sorted(str(path) for path in (ROOT / "fixtures").glob("*.json"))
        if fixtures:
            run(["loaddata", "--verbosity", "0", *fixtures], env)
        if arguments.products:
            try:
                run(["seed_catalog", "--products", str(arguments.products)], env)
            except subprocess.CalledProcessError:
                print("seed_catalog is not available: measuring the fixtures alone")
        run(["collectstatic", "--no-input", "--verbosity", "0"], env)
        # The catalogue page as a static file, for a ceiling to compare with.
        static = ROOT / "staticfiles" / "bench-catalogue.html"
        subprocess.run(
            [
                PYTHON,
                "-c",
                "import django, sys; django.setup()\n"
                "from django.test import Client\n"
                "page = Client(HTTP_HOST='127.0.0.1').get('/produits/').content\n"
                "open(sys.argv[1], 'wb').write(page)\n",
                str(static),
            ],
            cwd=ROOT,
            env=env,
            check=True,
        )

        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "millet_site.wsgi",
                "--workers",
                str(arguments.workers),
                "--bind",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_for(port)
            paths = [
                "/produits/",
                "/produits/?page=2",
                "/produits/?tier=expert&made_in_france=true",
            ]
            load(port, paths, 200, arguments.concurrency)  # warm-up
            duration, latencies, errors = load(
                port, paths, arguments.requests, arguments.concurrency
            )
            report(f"catalogue ({arguments.workers} workers)", duration, latencies, errors)
            duration, latencies, errors = load(
                port, ["/static/bench-catalogue.html"], arguments.requests, arguments.concurrency
            )
            report("same HTML as a static file", duration, latencies, errors)
        finally:
            static.unlink(missing_ok=True)
            server.terminate()
            server.wait(timeout=30)
        query_counts(env, ["/", "/produits/", "/produits/?tier=expert&made_in_france=true"])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
