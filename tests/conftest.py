import os
import socket
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.test import Client
from django.utils import translation
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Fast hashing, plain static storage and a throwaway media folder."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # The site's own file-based caches, in a folder of this test's: kept pages
    # and throttle counters start empty, and parallel tests never share them.
    settings.CACHES = {
        alias: {**config, "LOCATION": tmp_path / "cache" / alias}
        for alias, config in settings.CACHES.items()
    }
    # The anonymous page cache stays on, as in production: a test that reads a page
    # twice is served the kept one when nothing it shows changed.
    # A lazy load on a catalogue page raises instead of adding a query per card.
    settings.PAGE_FETCH_RAISE = True


@pytest.fixture(autouse=True)
def _force_login_is_a_whole_sign_in(monkeypatch):
    """`Client.force_login` stands for a whole sign-in: for staff, the second factor the
    admin asks for included. tests/accounts/test_staff_sign_in.py signs staff in through
    the real forms, code included."""
    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if user.is_staff:
            session = self.session
            session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
            session[AUTHENTICATION_METHODS_SESSION_KEY] = [
                {"method": "mfa", "type": "totp", "at": time.time()}
            ]
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language. A request under /en/ leaves
    English active in the thread that made it, and a later test's reverse() would
    then give English addresses."""
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


class TaskWorker:
    """Runs the queued tasks that are due, one by one, with the code of `manage.py db_worker`.

    It runs inside the test's own transaction; the command itself (which
    closes connections between tasks) is exercised by a transactional test.
    """

    def __init__(self):
        self.worker = Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        )

    def run(self) -> int:
        """Run every task that is due, including the ones those tasks enqueue; return how many."""
        ran = 0
        while True:
            with transaction.atomic():
                result = DBTaskResult.objects.ready().order_by("enqueued_at").get_locked()
                if result is None:
                    return ran
                result.claim(self.worker.worker_id)
            self.worker.run_task(result)
            ran += 1


@pytest.fixture
def task_worker():
    return TaskWorker()


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    """Run what the code defers to the commit (enqueued e-mails), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def pytest_collection_modifyitems(config, items):
    """Skip PostgreSQL-only tests on SQLite, unless CI requires them."""
    if connection.vendor == "postgresql":
        return
    if os.environ.get("REQUIRE_POSTGRES"):
        # Keep them so they fail loudly: CI asked for PostgreSQL.
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL (set DATABASE_URL)")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def require_postgres():
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL: set DATABASE_URL=postgres://…")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def localstripe_server():
    """localstripe, the payment provider's local stand-in, on a port of this test process."""
    from shop.management.commands.localstripe import localstripe_start

    port = free_port()
    server = localstripe_start(port)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait()


@pytest.fixture
def provider(settings, localstripe_server):
    """The shop talks to this process's localstripe: the SDK's calls, over HTTP."""
    settings.STRIPE_API_BASE = localstripe_server
    settings.STRIPE_JS_URL = f"{localstripe_server}/js.stripe.com/v3/"
    return localstripe_server
