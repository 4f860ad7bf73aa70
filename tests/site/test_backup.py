"""deploy/backup.sh and deploy/restore.sh, tried for real on PostgreSQL: the demo shop is
dumped, restored into a fresh database and served from it, and its files come back."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from catalog.models import Product

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"

SERVE = """
import django, sys
django.setup()
from django.test import Client
page = Client(HTTP_HOST="127.0.0.1").get(sys.argv[1])
print(page.status_code)
sys.stdout.write(page.text)
"""


def database_url(name):
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{settings['USER']}{password}@{host}:{port}/{name}"


@pytest.fixture
def fresh_database():
    name = f"millet_restore_{secrets.token_hex(4)}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield database_url(name)
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def script(name, *args, env, check=True):
    return subprocess.run(
        [DEPLOY / name, *map(str, args)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=check,
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_backup_restored_into_a_fresh_database_is_served(
    require_postgres, fresh_database, tmp_path
):
    call_command("loaddata", "catalog", "heritage", "stores", verbosity=0)
    product = Product.objects.published().order_by("pk").first()
    products = Product.objects.published().count()
    media, private = tmp_path / "backed-up-media", tmp_path / "backed-up-private"
    (media / "products").mkdir(parents=True)
    (media / "products" / "pack.webp").write_bytes(b"RIFF a product picture")
    (private / "repairs").mkdir(parents=True)
    (private / "repairs" / "worn-strap.jpg").write_bytes(b"\xff\xd8 a shopper's photo")
    source = {
        "DATABASE_URL": database_url(connection.settings_dict["NAME"]),
        "MEDIA_ROOT": str(media),
        "PRIVATE_MEDIA_ROOT": str(private),
    }

    backup = script("backup.sh", tmp_path / "backups", env=source)

    dump, media_archive, private_archive = backup.stdout.split()
    assert dump.endswith(".dump") and not list((tmp_path / "backups").glob("*.part"))
    restored_media, restored_private = tmp_path / "restored-media", tmp_path / "restored-private"
    target = {
        "DATABASE_URL": fresh_database,
        "MEDIA_ROOT": str(restored_media),
        "PRIVATE_MEDIA_ROOT": str(restored_private),
    }
    script("restore.sh", dump, media_archive, private_archive, env=target)

    assert (restored_media / "products" / "pack.webp").read_bytes() == b"RIFF a product picture"
    assert (restored_private / "repairs" / "worn-strap.jpg").read_bytes().startswith(b"\xff\xd8")
    site = {
        **os.environ,
        **target,
        "DJANGO_SETTINGS_MODULE": "millet_site.settings",
        "PAGE_CACHE_SECONDS": "0",
        "DJANGO_CACHE_DIR": str(tmp_path / "cache"),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    # The restored schema is the code's: no migration is missing.
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--check"],
        cwd=ROOT,
        env=site,
        check=True,
        capture_output=True,
    )
    served = subprocess.run(
        [sys.executable, "-c", SERVE, product.get_absolute_url()],
        cwd=ROOT,
        env=site,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    status, page = served.split("\n", 1)
    assert status == "200"
    assert product.name in page
    listing = subprocess.run(
        [sys.executable, "-c", SERVE, "/produits/"],
        cwd=ROOT,
        env=site,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert f"{products} produits" in listing.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_restore_never_writes_over_a_database_that_holds_data(
    require_postgres, fresh_database, tmp_path
):
    call_command("loaddata", "catalog", verbosity=0)
    source = {"DATABASE_URL": database_url(connection.settings_dict["NAME"])}
    dump = script("backup.sh", tmp_path, env=source).stdout.split()[0]
    script("restore.sh", dump, env={"DATABASE_URL": fresh_database})

    again = script("restore.sh", dump, env={"DATABASE_URL": fresh_database}, check=False)

    assert again.returncode == 1
    assert "restore into a new, empty one" in again.stderr


def test_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    result = script(
        "backup.sh", tmp_path, env={"DATABASE_URL": "sqlite:///var/db.sqlite3"}, check=False
    )
    assert result.returncode == 2
    assert "not a PostgreSQL database" in result.stderr
    assert not list(tmp_path.iterdir())
