"""Throughput of the catalogue page under gunicorn, run by hand (not in CI).

    .venv/bin/python bench/throughput.py                      # SQLite in a temp folder
    .venv/bin/python bench/throughput.py --runs 3             # medians of three rounds
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
from contextlib import contextmanager
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


@contextmanager
def gunicorn(env, workers):
    port = free_port()
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
    )
    try:
        wait_for(port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def measure(port, paths, total, arguments):
    """wrk when the machine has it (the client then costs far less than the server),
    else the Python client. Returns (duration, latencies or None, errors, requests)."""
    if arguments.client == "python" or not shutil.which("wrk"):
        duration, latencies, errors = load(port, paths, total, arguments.concurrency)
        return duration, latencies, errors, len(latencies)
    return wrk(port, paths, arguments)


WRK_PATHS = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%f %%d %%f %%f\\n", summary.requests,
    summary.duration / 1e6, summary.errors.status + summary.errors.connect
    + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3))
end
"""


def wrk(port, paths, arguments):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_PATHS % ", ".join(f'"{path}"' for path in paths))
    try:
        output = subprocess.run(
            [
                shutil.which("wrk"),
                "-t2",
                f"-c{arguments.concurrency}",
                f"-d{arguments.seconds}s",
                "-s",
                script.name,
                f"http://127.0.0.1:{port}",
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(script.name)
    line = next(line for line in output.splitlines() if line.startswith("RESULT"))
    requests, duration, errors, median, p95 = line.split()[1:]
    latencies = (float(median) / 1000, float(p95) / 1000)
    return float(duration), latencies, [1] * int(errors), int(requests)


def rate(duration, latencies, errors, requests):
    return requests / duration


def median_run(measured):
    """The run with the median rate among `measured` (an odd number gives a true median)."""
    return sorted(measured, key=lambda result: rate(*result))[len(measured) // 2]


def report(label, duration, latencies, errors, requests):
    if isinstance(latencies, tuple):  # wrk: median and p95 already
        median, p95 = latencies
    else:
        ordered = sorted(latencies)
        median, p95 = statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]
    print(
        f"{label:<34} {requests / duration:8.1f} req/s   "
        f"median {median * 1000:6.1f} ms   p95 {p95 * 1000:6.1f} ms   errors {len(errors)}"
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
    env = {**env, "PAGE_CACHE_SECONDS": "0"}  # what a page costs when it is rendered
    subprocess.run([PYTHON, "-c", script, *paths], cwd=ROOT, env=env, check=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument(
        "--runs", type=int, default=1, help="rounds of every page; each figure is the median"
    )
    parser.add_argument(
        "--client", choices=["wrk", "python"], default="wrk", help="wrk when installed"
    )
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
        "DJANGO_REQUEST_LOG_LEVEL": "WARNING",
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

        product = subprocess.run(
            [
                PYTHON,
                "-c",
                "import django; django.setup()\n"
                "from catalog.models import Product\n"
                "print(Product.objects.published().order_by('pk').first().get_absolute_url())",
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        pages = {
            "listing": ["/produits/", "/produits/?page=2", "/produits/?gamme=expert&france=on"],
            "product": [product],
        }
        runs = {}
        # Rounds alternate uncached and cached servers, so that a slow spell of the
        # machine weighs on both.
        for round_number in range(1, arguments.runs + 1):
            if arguments.runs > 1:
                print(f"round {round_number} of {arguments.runs}")
            for cached in (False, True):
                server_env = {**env, "PAGE_CACHE_SECONDS": "600" if cached else "0"}
                with gunicorn(server_env, arguments.workers) as port:
                    for page, paths in pages.items():
                        label = f"{page}, {'cached' if cached else 'uncached'}"
                        load(port, paths, 200, arguments.concurrency)  # warm-up
                        result = measure(port, paths, arguments.requests, arguments)
                        runs.setdefault(label, []).append(result)
                        report(label, *result)
                    if cached:
                        label = "same HTML as a static file"
                        static_paths = ["/static/bench-catalogue.html"]
                        result = measure(port, static_paths, arguments.requests, arguments)
                        runs.setdefault(label, []).append(result)
                        report(label, *result)
        results = {label: median_run(measured) for label, measured in runs.items()}
        if arguments.runs > 1:
            print(f"medians of {arguments.runs} rounds")
            for label, result in results.items():
                report(label, *result)
        ceiling = rate(*results["same HTML as a static file"])
        for label in (
            "listing, uncached",
            "listing, cached",
            "product, uncached",
            "product, cached",
        ):
            print(f"{label:<34} {rate(*results[label]) / ceiling:8.3f} of the static ceiling")
        static.unlink(missing_ok=True)
        query_counts(env, ["/", "/produits/", "/produits/?gamme=expert&france=on", product])
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
