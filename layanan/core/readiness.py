"""``/readyz``: may this web process take traffic? One cheap check per dependency.

- ``database``: ``SELECT 1`` on the default alias;
- ``cache``: set and read back a key of the default cache (Redis when ``REDIS_URL``);
- ``storage``: the default file storage answers ``exists()`` for a known name (a
  HEAD on S3, a ``stat`` on disk; whether the file is there does not matter);
- ``worker``: some ``manage.py worker`` wrote its heartbeat within three
  WORKER_HEARTBEAT_SECONDS; checked only when ``READYZ_REQUIRE_WORKER`` (the default in
  production: a site that takes applications but never sends their messages is not ready).

Every check runs each time (a load balancer calls every few seconds; together they cost a
few milliseconds) and says ``ok`` or ``error``; nothing else is told, no personal data, no
error text. ``/healthz`` stays the bare liveness probe.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
from django.db import connections
from django.utils import timezone

logger = logging.getLogger(__name__)

# The aliases checked (tests point them at broken ones).
DATABASE_ALIAS = "default"
CACHE_ALIAS = "default"
STORAGE_ALIAS = "default"
CACHE_KEY = "readyz:probe"
STORAGE_PROBE_NAME = "readyz/probe"


def check_database() -> None:
    with connections[DATABASE_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    cache = caches[CACHE_ALIAS]
    value = os.urandom(8).hex()
    cache.set(CACHE_KEY, value, timeout=30)
    if cache.get(CACHE_KEY) != value:
        raise RuntimeError("the cache did not give back what was set")


def check_storage() -> None:
    storages[STORAGE_ALIAS].exists(STORAGE_PROBE_NAME)


def check_worker() -> None:
    from layanan.core.models import WorkerHeartbeat

    window = timedelta(seconds=3 * settings.WORKER_HEARTBEAT_SECONDS)
    if not WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - window).exists():
        raise RuntimeError("no worker heartbeat in the last three intervals")


def readiness_checks() -> dict[str, Callable[[], None]]:
    checks: dict[str, Callable[[], None]] = {
        "database": check_database,
        "cache": check_cache,
        "storage": check_storage,
    }
    if settings.READYZ_REQUIRE_WORKER:
        checks["worker"] = check_worker
    return checks


def readiness(checks: dict[str, Callable[[], None]] | None = None) -> tuple[bool, dict[str, str]]:
    """Run every check; (all passed, ``{name: "ok" | "error"}``). A failure is logged by name and
    exception class only."""
    results: dict[str, str] = {}
    for name, check in (checks or readiness_checks()).items():
        try:
            check()
        except Exception as error:
            logger.warning("readyz: %s failed (%s)", name, type(error).__name__)
            results[name] = "error"
        else:
            results[name] = "ok"
    return all(value == "ok" for value in results.values()), results
