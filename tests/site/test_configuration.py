"""Start-up refuses a bad environment with one line naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_URL"))
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


def test_deployment_checks_pass_with_debug_off():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-long-random-secret-key-for-this-test-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="boutique.millet.example",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
