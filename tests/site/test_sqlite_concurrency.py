"""Two worker processes writing to the default SQLite database never see 'database is locked'.

WAL lets readers run beside the writer, and IMMEDIATE transactions take the
write lock when they begin, so a read-then-write transaction waits for its
turn instead of failing on the lock upgrade.
"""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.db import connection

from tests.site.test_configuration import ROOT

WORKER = """
import sys
import django
django.setup()
from django.db import transaction
from catalog.models import Category

worker = sys.argv[1]
Category.objects.exists()  # connect, then wait for the start line on stdin
sys.stdin.readline()
for i in range(300):
    with transaction.atomic():
        # Read, then write: the pattern that fails on a deferred transaction.
        count = Category.objects.filter(slug__startswith=f"w{worker}-").count()
        Category.objects.create(name=f"{worker} {i}", slug=f"w{worker}-{count}")
print("done")
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="about the SQLite default")
def test_two_workers_write_at_once_without_lock_errors(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DJANGO_SETTINGS_MODULE": "millet_site.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shop.sqlite3'}",
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )

    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, name],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("a", "b")
    ]
    for worker in workers:
        worker.stdin.write("go\n")
        worker.stdin.flush()
    outputs = [worker.communicate(timeout=120) for worker in workers]

    for worker, (stdout, stderr) in zip(workers, outputs, strict=True):
        assert "database is locked" not in stderr
        assert worker.returncode == 0, stderr
        assert stdout.strip() == "done"
    with sqlite3.connect(tmp_path / "shop.sqlite3") as database:
        assert database.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
