"""The catalogue's answer time while sign-in pages are sprayed, run by hand (not in CI).

    .venv/bin/python bench/sign_in_spraying.py                 # SQLite in a temp folder
    .venv/bin/python bench/sign_in_spraying.py --seconds 20 --sprayers 4

It builds a fresh database with the demo fixtures and one superuser, starts
gunicorn with debug off and two workers on 127.0.0.1 (DJANGO_BEHIND_PROXY, so
that each client's X-Forwarded-For is its address), then measures the cached
catalogue page from one keep-alive client for `--seconds`:

1. alone;
2. while `--sprayers` clients, each from its own address, post the admin's
   sign-in form with a new user name each time (spraying), as fast as the
   answers come;
3. the same against the shoppers' sign-in page, a new e-mail address each time.

For each round it prints the catalogue's median and p95 and the sprayers'
answers by status. Without the locks, each try costs a full password hash
(Django hashes even for an unknown name); with them, the sixth try of an
address is refused before any hashing. Only 127.0.0.1 is ever contacted.
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import gunicorn, run

LISTING = "/produits/"


def catalogue_times(port, seconds):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        connection.request("GET", LISTING, headers={"X-Forwarded-For": "198.51.100.1"})
        response = connection.getresponse()
        response.read()
        times.append(time.perf_counter() - started)
    return times


def spray(port, address, path, field, deadline, statuses, lock):
    number = 0
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", path, headers={"X-Forwarded-For": address})
        response = connection.getresponse()
        page = response.read().decode()
        cookie = response.headers.get("Set-Cookie", "").split(";")[0]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            with lock:
                statuses[response.status] += 1
            continue
        number += 1
        body = urlencode(
            {
                field: f"essai{number}@{address}.example",
                "username": f"essai{number}",
                "password": "hunter2",
                "login": f"essai{number}@example.org",
                "csrfmiddlewaretoken": token[1],
            }
        )
        connection.request(
            "POST",
            path,
            body,
            headers={
                "X-Forwarded-For": address,
                "Cookie": cookie,
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{port}{path}",
            },
        )
        answer = connection.getresponse()
        answer.read()
        with lock:
            statuses[answer.status] += 1
        connection.close()


def round_with(port, seconds, sprayers, path, field):
    statuses, lock = Counter(), threading.Lock()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=spray, args=(port, f"203.0.113.{10 + n}", path, field, deadline, statuses, lock)
        )
        for n in range(sprayers)
    ]
    for thread in threads:
        thread.start()
    times = catalogue_times(port, seconds)
    for thread in threads:
        thread.join()
    return times, statuses


def summary(label, times, statuses=None):
    times = sorted(times)
    p95 = times[int(len(times) * 0.95) - 1] * 1000
    median = statistics.median(times) * 1000
    line = (
        f"{label:<34} catalogue median {median:6.1f} ms, p95 {p95:7.1f} ms ({len(times)} requests)"
    )
    if statuses is not None:
        answers = ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
        line += f"; sprayers' answers {answers}"
    print(line)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--sprayers", type=int, default=4)
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="millet-spray-"))
    try:
        env = {
            "PATH": os.environ.get("PATH", ""),
            "DJANGO_SETTINGS_MODULE": "millet_site.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_BEHIND_PROXY": "true",
            "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
            "DJANGO_CACHE_DIR": str(folder / "cache"),
            "MEDIA_ROOT": str(folder / "media"),
            "STATIC_ROOT": str(folder / "static"),
        }
        run(["migrate", "--no-input", "-v0"], env)
        run(["loaddata", "-v0", *sorted(str(p) for p in Path("fixtures").glob("*.json"))], env)
        run(["collectstatic", "--no-input", "-v0"], env)
        with gunicorn(env, 2) as port:
            catalogue_times(port, 2)  # warm up, and the page kept
            summary("alone", catalogue_times(port, arguments.seconds))
            summary(
                f"{arguments.sprayers} sprayers on /admin/login/",
                *round_with(
                    port, arguments.seconds, arguments.sprayers, "/admin/login/", "username"
                ),
            )
            summary(
                f"{arguments.sprayers} sprayers on /compte/login/",
                *round_with(port, arguments.seconds, arguments.sprayers, "/compte/login/", "login"),
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
