"""Under gunicorn with four worker processes, the throttles count across all of them.

A throttle that counted in each process's memory would let an attacker make
about four times the attempts, one series per worker. The repair tracking form
counts in the file-based "limits" cache, allauth's sign-in limits in the default
cache and django-axes in the database, all shared by every worker, and all read
the client's address from the rightmost X-Forwarded-For entry behind the proxy.

Each test talks HTTP to a real gunicorn on its own SQLite database and cache
folder, with the standard library only. The attempt that should be refused is
sent first and held back, so that the worker holding it answers none of the
attempts before it; gunicorn's access log, which names the process behind
each answer, shows that this worker refused all the same.
"""

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django_ratelimit.core import _get_window

from tests.site.test_configuration import ROOT

WORKERS = 4
TRACKING = "/reparation/suivi/"
SIGN_IN = "/admin/login/"
ATTEMPTS = "/admin/axes/accessattempt/"
OWNER_EMAIL = "paul@example.org"
PASSWORDS = {"alice": "glacier-de-la-meije-1921", "bruno": "aiguille-du-midi-3842"}
# Each member of staff's authenticator app.
SECRETS = {"alice": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "bruno": "KRSXG5DSNFXGOIDBNZSCA5DPEB2GK43U"}
SHOPPER = {"email": "lea@example.org", "password": "Refuge-du-Goûter-3835"}
SHOPPER_SIGN_IN = "/compte/login/"

# Migrates the database, then adds two superusers and one repair request, from
# the passwords and the request's fields given as JSON arguments. The password
# hashes take 1,000 PBKDF2 rounds, not Django's million, so that wrong passwords
# cost little: Django hashes a password again, in full, at its first sign-in.
SETUP = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from repairs.services import repair_request_create

call_command("migrate", interactive=False, verbosity=0)
hasher = PBKDF2PasswordHasher()
secrets = json.loads(sys.argv[3])
for name, password in json.loads(sys.argv[1]).items():
    user = get_user_model().objects.create_superuser(name, f"{name}@millet.example", None)
    user.password = hasher.encode(password, hasher.salt(), iterations=1000)
    user.save()
    TOTP.activate(user, secrets[name])
shopper = json.loads(sys.argv[4])
user = get_user_model().objects.create_user("client-lea", shopper["email"], None)
user.password = hasher.encode(shopper["password"], hasher.salt(), iterations=1000)
user.save()
EmailAddress.objects.create(user=user, email=shopper["email"], verified=True, primary=True)
repair = repair_request_create(fields=json.loads(sys.argv[2]))
print(f"reference={repair.reference}")
"""
REPAIR = {
    "name": "Paul Durand",
    "email": OWNER_EMAIL,
    "phone": "",
    "product_description": "Vieux sac rouge des années 1990",
    "purchase_year": 1995,
    "damage": "La bretelle gauche est déchirée à la couture.",
    "street": "8 rue du Vercors",
    "postcode": "38000",
    "city": "Grenoble",
}

# Gunicorn's access log: the worker's pid (as "<1234>"), the status, the method,
# the path and, last as it may hold spaces, the X-Forwarded-For header.
ACCESS_FORMAT = "%(p)s %(s)s %(m)s %(U)s %({x-forwarded-for}i)s"


@dataclass
class Site:
    port: int
    reference: str
    access_log: Path

    def answers(self, method, path, address, expected):
        """(worker pid, status) of each answer to `address`'s `method` on `path`, in the
        order they were given, once the log holds `expected` of them: gunicorn writes
        the line just after sending the answer."""
        deadline = time.monotonic() + 5
        while True:
            answers = []
            for line in self.access_log.read_text().splitlines():
                pid, status, verb, url, forwarded = line.split(" ", 4)
                client = forwarded.rsplit(",", 1)[-1].strip()
                if (verb, url, client) == (method, path, address):
                    answers.append((pid, int(status)))
            if len(answers) >= expected or time.monotonic() > deadline:
                return answers
            time.sleep(0.05)


@dataclass
class Response:
    status: int
    location: str
    html: str


@dataclass
class Visitor:
    """A browser behind the proxy: its own cookies, its address in X-Forwarded-For."""

    site: Site
    address: str
    cookies: dict = field(default_factory=dict)

    def get(self, path):
        return self.send("GET", path)()

    def post(self, path, fields, forged=""):
        return self.start_post(path, fields, forged)()

    def start_post(self, path, fields, forged=""):
        """Send the headers of the form's POST, with its CSRF token; return the function
        that sends the body and reads the answer.

        Until then, the worker that took the connection waits for the body and,
        being a sync worker, takes no other: workers accept connections in the
        order they came, so every request sent meanwhile goes to another one.
        `forged` is what the visitor itself writes in X-Forwarded-For, left of
        the address that the proxy appends.
        """
        form = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.html)
        assert token, f"no form on {path}: {form.status}"
        body = urlencode({**fields, "csrfmiddlewaretoken": token[1]}, doseq=True)
        return self.send("POST", path, body.encode(), forged)

    def send(self, method, path, body=b"", forged=""):
        # A new connection every time, taken by whichever worker is free.
        connection = http.client.HTTPConnection("127.0.0.1", self.site.port, timeout=10)
        connection.putrequest(method, path)
        connection.putheader(
            "X-Forwarded-For", f"{forged}, {self.address}" if forged else self.address
        )
        if self.cookies:
            connection.putheader("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if body:
            connection.putheader("Content-Type", "application/x-www-form-urlencoded")
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()

        def answer():
            try:
                if body:
                    connection.send(body)
                response = connection.getresponse()
                html = response.read().decode()
                for header in response.headers.get_all("Set-Cookie") or []:
                    for name, morsel in SimpleCookie(header).items():
                        self.cookies[name] = morsel.value
                return Response(response.status, response.headers.get("Location", ""), html)
            finally:
                connection.close()

        return answer


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(server, port, log):
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            connection.close()
        time.sleep(0.1)
    pytest.fail(f"gunicorn did not answer on port {port}:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gunicorn")
    # Built from scratch, never inherited: a DATABASE_URL or REDIS_URL in the
    # test run's environment must not reach the server.
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "millet_site.settings",
        "DJANGO_DEBUG": "true",  # static files without collectstatic
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "DJANGO_CACHE_DIR": str(folder / "cache"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_BEHIND_PROXY": "true",
        "MEDIA_ROOT": str(folder / "media"),
        "PRIVATE_MEDIA_ROOT": str(folder / "private"),
    }
    setup = subprocess.run(
        [
            sys.executable,
            "-c",
            SETUP,
            json.dumps(PASSWORDS),
            json.dumps(REPAIR),
            json.dumps(SECRETS),
            json.dumps(SHOPPER),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
        text=True,
    )
    reference = re.search(r"^reference=(\S+)$", setup.stdout, re.MULTILINE)[1]

    port = free_port()
    access_log = folder / "access.log"
    access_log.touch()
    log = folder / "gunicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "millet_site.wsgi",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{port}",
                "--graceful-timeout",
                "5",
                "--access-logfile",
                str(access_log),
                "--access-logformat",
                ACCESS_FORMAT,
            ],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Its own process group, so that the workers go with the master
            # even if it has to be killed.
            start_new_session=True,
        )
    try:
        wait_until_up(server, port, log)
        yield Site(port=port, reference=reference, access_log=access_log)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def address_clear_of_a_window_edge(network, key, seconds=120):
    """An address of `network` whose tracking counter will not restart within `seconds`.

    django-ratelimit counts in fixed 15-minute windows, each key's shifted by a
    hash of the key (see repairs.views._tracking_pair): picking the address
    keeps a new window from wiping the count in the middle of the test.
    """
    for host in range(7, 255):
        address = f"{network}.{host}"
        if _get_window(key(address), 15 * 60) - time.time() > seconds:
            return address
    raise AssertionError("every address is near a window edge")


def test_the_sixth_wrong_tracking_attempt_is_refused_by_whichever_worker_answers(site):
    attacker = Visitor(
        site, address_clear_of_a_window_edge("203.0.113", lambda a: f"{a}|{site.reference}")
    )
    wrong = {"reference": site.reference, "email": "intrus@example.org"}

    # The sixth attempt is sent first and held back: the worker holding it
    # answers none of the first five, and counted none of them itself.
    sixth = attacker.start_post(TRACKING, wrong)
    for attempt in range(5):
        response = attacker.post(TRACKING, wrong)
        assert response.status == 200, attempt
        assert "Aucune demande ne correspond" in response.html
    refused = [sixth()]
    # Whatever the attacker writes left of the entry that the proxy appends,
    # only the rightmost one is read.
    refused += [attacker.post(TRACKING, wrong, forged=f"10.0.0.{n}") for n in range(2)]
    for response in refused:
        assert response.status == 429
        assert "Trop de tentatives" in response.html

    answers = site.answers("POST", TRACKING, attacker.address, expected=8)
    assert [status for _pid, status in answers] == [200] * 5 + [429] * 3
    counted_by = {pid for pid, _status in answers[:5]}
    assert answers[5][0] not in counted_by, answers

    owner = Visitor(site, "198.51.100.20")
    response = owner.post(TRACKING, {"reference": site.reference, "email": OWNER_EMAIL})
    assert response.status == 302
    assert response.location == f"{TRACKING}{site.reference}/"
    detail = owner.get(response.location)
    assert detail.status == 200
    assert site.reference in detail.html


def selectable_rows(changelist):
    """The primary keys of the rows of an admin changelist, from their checkboxes."""
    return re.findall(r'<input[^>]*name="_selected_action"[^>]*value="(\d+)"', changelist)


def sign_in(visitor, username, password):
    return start_sign_in(visitor, username, password)()


def start_sign_in(visitor, username, password):
    fields = {"username": username, "password": password, "next": "/admin/"}
    return visitor.start_post(f"{SIGN_IN}?next=/admin/", fields)


def second_factor(visitor, username):
    """The code of `username`'s authenticator app, after the password."""
    from tests.factories import totp_code

    code = {"code": totp_code(SECRETS[username]), "next": "/admin/"}
    response = visitor.post("/admin/deuxieme-facteur/", code)
    assert (response.status, response.location) == (302, "/admin/"), response.html[-2000:]


def test_admin_sign_in_locks_after_five_failures_and_staff_can_unlock(site):
    at_x = Visitor(site, "203.0.113.50")

    # As above, the last attempt waits on a worker that sees none of the others.
    right_password_too_late = start_sign_in(at_x, "alice", PASSWORDS["alice"])
    for attempt in range(4):
        response = sign_in(at_x, "alice", f"wrong-{attempt}")
        assert response.status == 200, attempt
        assert 'id="login-form"' in response.html
    # django-axes locks at the fifth failure, which already gets the lockout page.
    for response in [sign_in(at_x, "alice", "wrong-4"), right_password_too_late()]:
        assert response.status == 429
        assert "Connexion bloquée" in response.html
        assert "depuis votre adresse, la connexion est suspendue" in response.html
    answers = site.answers("POST", SIGN_IN, at_x.address, expected=6)
    assert [status for _pid, status in answers] == [200] * 4 + [429] * 2
    assert answers[5][0] not in {pid for pid, _status in answers[:5]}, answers

    # Only the account from that address is locked: from another, it signs in,
    # which leaves the lock at X in place.
    assert sign_in(Visitor(site, "198.51.100.40"), "alice", PASSWORDS["alice"]).status == 302
    assert sign_in(at_x, "alice", PASSWORDS["alice"]).status == 429

    # Another member of staff, elsewhere, deletes the account's attempts.
    at_y = Visitor(site, "198.51.100.30")
    assert sign_in(at_y, "bruno", PASSWORDS["bruno"]).status == 302
    second_factor(at_y, "bruno")
    listing = at_y.get(f"{ATTEMPTS}?q=alice")
    assert listing.status == 200
    rows = selectable_rows(listing.html)
    assert rows, listing.html
    chosen = {"action": "delete_selected", "_selected_action": rows, "select_across": "0"}
    confirmation = at_y.post(f"{ATTEMPTS}?q=alice", {**chosen, "index": "0"})
    assert confirmation.status == 200
    assert 'name="post" value="yes"' in confirmation.html
    assert at_y.post(f"{ATTEMPTS}?q=alice", {**chosen, "post": "yes"}).status == 302
    assert selectable_rows(at_y.get(f"{ATTEMPTS}?q=alice").html) == []

    response = sign_in(at_x, "alice", PASSWORDS["alice"])
    assert response.status == 302
    assert not response.location.startswith(SIGN_IN)


def test_one_address_trying_many_user_names_is_stopped_before_any_hashing(site):
    """Spraying: one address, a new user name each time. django-axes counts the
    address's failures whatever the name, across the workers, and refuses before the
    password is hashed; the English address of the sign-in page only redirects here."""
    sprayer = Visitor(site, "203.0.113.77")
    statuses = [sign_in(sprayer, f"staff-{n}", "hunter2").status for n in range(30)]

    assert statuses == [200] * 4 + [429] * 26
    # The right password of a real account, from that address, is refused too.
    assert sign_in(sprayer, "bruno", PASSWORDS["bruno"]).status == 429
    token = sprayer.cookies["csrftoken"]
    body = urlencode({"username": "bruno", "password": "x", "csrfmiddlewaretoken": token})
    english = sprayer.send("POST", "/en/admin/login/", body.encode())()
    assert english.status == 302 and english.location.startswith(SIGN_IN)
    # Elsewhere, staff sign in as usual.
    assert sign_in(Visitor(site, "198.51.100.77"), "bruno", PASSWORDS["bruno"]).status == 302


def shopper_sign_in(visitor, email, password, path=SHOPPER_SIGN_IN):
    return visitor.post(path, {"login": email, "password": password})


def refused(response):
    """Refused before any password is read: django-axes' page, or allauth's message."""
    return response.status == 429 or any(
        words in response.html
        for words in ("Trop de tentatives de connexion", "Too many failed login attempts")
    )


def test_shoppers_sign_in_is_limited_per_address_and_per_e_mail_in_every_language(site):
    """Spraying the shoppers' sign-in: after 10 failures from one address, every try is
    refused (django-axes locks the address, allauth counts 10 a minute), the right
    password too and under /en/ as well; one e-mail address tried from many addresses is
    refused at its sixth try (allauth, 5 in 5 minutes)."""
    sprayer = Visitor(site, "203.0.113.88")
    answers = [shopper_sign_in(sprayer, f"inconnu{n}@example.org", "mauvais-1") for n in range(12)]

    assert [refused(answer) for answer in answers] == [False] * 9 + [True] * 3
    assert "La connexion est suspendue" in answers[9].html  # the shop's page, not the admin's
    assert refused(shopper_sign_in(sprayer, SHOPPER["email"], SHOPPER["password"]))
    assert refused(shopper_sign_in(sprayer, SHOPPER["email"], "x", path="/en" + SHOPPER_SIGN_IN))

    for n in range(5):
        shopper_sign_in(Visitor(site, f"192.0.2.{10 + n}"), SHOPPER["email"], f"faux-{n}")
    late = shopper_sign_in(Visitor(site, "192.0.2.40"), SHOPPER["email"], SHOPPER["password"])
    assert refused(late)
    # The shopper, from home, is not locked out by the sprayer's address.
    home = shopper_sign_in(Visitor(site, "198.51.100.88"), "inconnu@example.org", "x")
    assert not refused(home)


def test_an_oversized_upload_is_refused_before_its_body_is_sent(site):
    """Headers announcing 300 MB, then a few bytes: the answer comes at once, a 413.
    A server that read the body first would wait here until the client gave up."""
    head = (
        "POST /reparation/ HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{site.port}\r\n"
        "X-Forwarded-For: 198.51.100.9\r\n"
        "Content-Type: multipart/form-data; boundary=x\r\n"
        f"Content-Length: {300 * 1024 * 1024}\r\n\r\n--x\r\n"
    )
    with socket.create_connection(("127.0.0.1", site.port), timeout=5) as sock:
        sock.sendall(head.encode())
        answer = b""
        while chunk := sock.recv(65536):  # the server closes the connection after it
            answer += chunk

    assert answer.startswith(b"HTTP/1.1 413 ")
    assert "Votre envoi est trop lourd" in answer.decode(errors="replace")
