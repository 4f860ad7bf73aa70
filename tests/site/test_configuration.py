"""Start-up refuses a bad environment with one line naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from shop.models import Store

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL", "STRIPE_"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG"),
        ({"DJANGO_DEBUG": "false"}, "DJANGO_SECRET_KEY"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"DATABASE_URL": "mysql://root@127.0.0.1/shop"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://"}, "DATABASE_URL"),
        ({"DATABASE_POOL_MAX": "ten", "DATABASE_URL": "postgres://u@h/db"}, "DATABASE_POOL_MAX"),
    ],
)
def test_a_bad_variable_stops_start_up_with_one_line_naming_it(env, variable):
    result = manage("check", **env)

    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Configuration error:")
    assert variable in lines[0]


def test_a_malformed_database_url_never_echoes_its_password():
    result = manage("check", DATABASE_URL="postgres://shop:s3cr3t-pass@/")

    assert result.returncode != 0
    assert "s3cr3t-pass" not in result.stderr


# Shaped as Stripe's live keys; they open nothing.
LIVE_KEYS = {
    "STRIPE_SECRET_KEY": "sk_" + "live_" + "x" * 24,
    "STRIPE_PUBLISHABLE_KEY": "pk_" + "live_" + "x" * 24,
    "STRIPE_WEBHOOK_SECRET": "whsec_" + "x" * 24,
}
PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-secret-key-for-this-test-only-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "boutique.millet.example",
}


def test_deployment_checks_pass_with_debug_off():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **LIVE_KEYS)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("keys", "warning"),
    [
        ({}, "shop.W001"),
        ({**LIVE_KEYS, "STRIPE_SECRET_KEY": "sk_" + "test_" + "x" * 24}, "shop.W002"),
        ({**LIVE_KEYS, "STRIPE_WEBHOOK_SECRET": ""}, "shop.W003"),
    ],
    ids=["no-keys", "test-keys", "no-webhook-secret"],
)
def test_deployment_checks_warn_when_cards_would_not_be_charged_for_real(keys, warning):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **keys)

    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


def test_commands_work_on_a_fresh_clone_before_its_database_folder_exists(tmp_path):
    database = tmp_path / "fresh-clone" / "var" / "db.sqlite3"

    result = manage(
        "check",
        "--deploy",
        "--database",
        "default",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-long-random-secret-key-for-this-test-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="boutique.millet.example",
        DATABASE_URL=f"sqlite:///{database}",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert database.parent.is_dir()


def cache_in_a_new_process(code, **env):
    result = manage(
        "shell", "--no-imports", "-c", "from django.core.cache import caches; " + code, **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("alias", ["default", "limits"])
def test_every_process_on_the_machine_shares_the_caches(tmp_path, alias):
    env = {"DJANGO_CACHE_DIR": str(tmp_path)}

    cache_in_a_new_process(
        f"caches['{alias}'].set('shared', 41); caches['{alias}'].incr('shared')", **env
    )

    assert cache_in_a_new_process(f"print(caches['{alias}'].get('shared'))", **env) == "42"
    assert list((tmp_path / alias).iterdir())  # plain files under the folder, no database


def redis_is_listening():
    import socket

    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_with_redis_url_the_caches_live_in_redis(tmp_path):
    if not redis_is_listening():
        if os.environ.get("CI"):
            pytest.fail("Redis should listen on 127.0.0.1:6379 here")
        pytest.skip("no Redis on 127.0.0.1:6379")
    env = {"REDIS_URL": "redis://127.0.0.1:6379/15", "DJANGO_CACHE_DIR": str(tmp_path)}
    key = f"shared-{os.getpid()}-{tmp_path.name}"

    cache_in_a_new_process(f"caches['limits'].set('{key}', 7, 60)", **env)

    assert cache_in_a_new_process(f"print(caches['limits'].get('{key}'))", **env) == "7"
    assert cache_in_a_new_process(f"print(caches['default'].get('{key}'))", **env) == "None"
    assert not (tmp_path / "limits").exists()


def test_processes_counting_at_once_never_lose_a_count(tmp_path):
    # What a throttle does on every attempt, from 4 processes at the same time.
    count = (
        "from django.core.cache import caches\n"
        "limits = caches['limits']\n"
        "for _ in range(100):\n"
        "    if not limits.add('attempts', 1, 600):\n"
        "        limits.incr('attempts')\n"
    )
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))},
        "DJANGO_CACHE_DIR": str(tmp_path),
    }
    workers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "shell", "--no-imports", "-c", count],
            cwd=ROOT,
            env=environment,
        )
        for _ in range(4)
    ]
    assert [worker.wait(timeout=60) for worker in workers] == [0] * 4

    assert (
        cache_in_a_new_process(
            "print(caches['limits'].get('attempts'))", **{"DJANGO_CACHE_DIR": str(tmp_path)}
        )
        == "400"
    )


@pytest.mark.django_db
def test_the_demo_fixtures_load_by_name_as_djangos_docs_show():
    call_command("loaddata", "stores", "groups", verbosity=0)

    assert Store.objects.filter(slug="miramas-ephemere").exists()
    assert Group.objects.filter(name="Éditeurs du catalogue").exists()
