"""Test-wide settings: fast hashing, in-memory mail, a temporary media folder."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import LazySettings

from layanan.audit.testing import audit_log_flushable  # noqa: F401  # autouse fixture, re-exported
from layanan.notifications.testing import fake_gateway  # noqa: F401  # fixture for notification tests

if TYPE_CHECKING:
    from layanan.testing import Cast, World


@pytest.fixture(autouse=True, scope="session")
def _settings_the_live_server_builds_on() -> None:
    """Settings that middleware reads once, when it is built.

    Session-wide, because the live server (session-scoped) builds its
    middleware before any per-test settings apply: static files straight from
    the apps (tests never run collectstatic), and sessions in the database
    whatever ``REDIS_URL`` says, so every setup makes the same queries.
    """
    from django.conf import settings

    settings.WHITENOISE_AUTOREFRESH = True
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings: LazySettings, tmp_path: Path) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"  # e.g. the development signing CA, made on first use
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.METRICS_ALLOWED_IPS = []  # the test client's 127.0.0.1 is an outsider to /metrics
    from django.core.cache import cache

    cache.clear()  # the in-process cache outlives each test's rolled-back rows
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def world(db: None) -> World:
    from layanan.testing import build_world

    return build_world()


@pytest.fixture
def cast(world: World) -> Cast:
    from layanan.testing import build_cast

    return build_cast(world)
