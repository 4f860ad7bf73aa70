import os

import pytest
from django.core.cache import cache
from django.db import connection


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
    cache.clear()  # cached facet counts and tracking throttles start empty


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
