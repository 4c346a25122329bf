"""Typed reading of deploy-time settings from the environment.

Every deploy-time value goes through these helpers. A malformed value stops
start-up with a message that names the variable, so an operator never runs a
half-configured platform. ``NAME_FILE`` may hold the path of a file whose
contents are the value (for secrets mounted by an orchestrator).
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name!r} ({exc.strerror})") from exc
    return os.environ.get(name)


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no, not {value!r}")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def env_database(name: str, *, sqlite_path: Path) -> dict[str, Any]:
    """Parse ``DATABASE_URL``; without it, the embedded SQLite database."""
    value = _raw(name)
    if not value:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(sqlite_path),
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            "TEST": {"NAME": None},
        }
    url = urlparse(value)
    if url.scheme in ("postgres", "postgresql"):
        options: dict[str, Any] = {}
        query = parse_qs(url.query)
        if "sslmode" in query:
            options["sslmode"] = query["sslmode"][0]
        if env_bool("DATABASE_PREPARED", True):
            # Parameters bound by the server, and a statement prepared once it has run this many
            # times on a connection: the INSERTs of every submission are parsed and planned once per
            # connection (decision 0010).
            options["server_side_binding"] = True
            options["prepare_threshold"] = env_int("DATABASE_PREPARE_THRESHOLD", 5, minimum=0)
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(url.path.lstrip("/")) or "postgres",
            "USER": unquote(url.username or ""),
            "PASSWORD": unquote(url.password or ""),
            "HOST": url.hostname or "",
            "PORT": str(url.port or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": options,
        }
    if url.scheme == "sqlite":
        path = unquote(url.path)
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": path,
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    raise ImproperlyConfigured(
        f"{name} must start with postgres://, postgresql:// or sqlite:///, not {url.scheme or value!r}"
    )


# Secrets ------------------------------------------------------------------------------------------

SECRET_MIN_CHARS = 32
SECRET_MIN_BITS = 128


def secret_entropy_bits(value: str) -> float:
    """A rough upper estimate of the randomness in ``value``: its length times the Shannon
    entropy of its own characters. A random ``secrets.token_urlsafe(32)`` scores about 200; a
    word, a repeated pattern or a short string scores far below :data:`SECRET_MIN_BITS`."""
    if not value:
        return 0.0
    counts: dict[str, int] = {}
    for char in value:
        counts[char] = counts.get(char, 0) + 1
    size = len(value)
    per_char = -sum((n / size) * math.log2(n / size) for n in counts.values())
    return per_char * size


def secret_check_strong(name: str, value: str) -> None:
    """Refuse a short or low-entropy secret, naming the variable and never the value."""
    if len(value) < SECRET_MIN_CHARS or secret_entropy_bits(value) < SECRET_MIN_BITS:
        raise ImproperlyConfigured(
            f"{name} is too weak for ENVIRONMENT=production: use at least {SECRET_MIN_CHARS} random "
            "characters, for example the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )


# Files only the platform's own user may read --------------------------------------------------


def private_directory(path: Path) -> Path:
    """Make ``path`` (and missing parents) readable by the owner only (0700); returns it."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def private_file_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` created owner-only (0600) from the start, never briefly readable."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
    path.chmod(0o600)  # an existing file keeps its old mode through os.open


def env_url(name: str, default: str = "") -> str:
    """An http(s) URL, or empty. Any other scheme (``file:``, ``ftp:``...) stops start-up: the
    platform opens these URLs with ``urllib``, which would follow them."""
    value = env_str(name, default).strip()
    if value and urlparse(value).scheme not in ("http", "https"):
        raise ImproperlyConfigured(f"{name} must start with http:// or https://")
    return value
