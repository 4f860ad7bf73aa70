"""Typed readers for the environment variables that configure the site.

Each helper raises ImproperlyConfigured with the variable's name when a value
cannot be understood, so a typo stops start-up instead of being ignored.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of true/false, yes/no, on/off, 1/0."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_database(name: str, default: str) -> dict:
    """Parse a database URL (sqlite:///path or postgres://user@host/db)."""
    raw = os.environ.get(name) or default
    # The URL may hold a password: messages never repeat it.
    expected = "expected sqlite:///path/to/db.sqlite3 or postgres://user@host:port/name"
    try:
        config = dj_database_url.parse(raw)
    except Exception:  # the library raises several kinds for a bad URL
        raise ImproperlyConfigured(f"{name} is malformed: {expected}.") from None
    engine = config.get("ENGINE", "")
    if engine not in {"django.db.backends.sqlite3", "django.db.backends.postgresql"}:
        raise ImproperlyConfigured(f"{name} names an unsupported database: {expected}.")
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} is incomplete: {expected}.")
    return config
