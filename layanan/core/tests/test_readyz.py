"""/readyz: ok only when the database, the cache, the storage (and, when required, a worker) answer."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.storage import Storage
from django.db.utils import ConnectionHandler
from django.test import Client
from django.utils import timezone

from layanan.accounts.testing import sign_in
from layanan.core import readiness
from layanan.core.models import WorkerHeartbeat


class BrokenStorage(Storage):
    """A storage whose backend is gone (an S3 endpoint that refuses, a lost mount)."""

    def exists(self, name: str) -> bool:
        raise OSError("storage unreachable")


def ready(client: Client | None = None) -> tuple[int, dict[str, Any]]:
    response = (client or Client()).get("/readyz")
    assert response["Cache-Control"].startswith("max-age=0")
    return response.status_code, json.loads(response.content)


@pytest.mark.django_db
def test_readyz_is_ok_when_every_dependency_answers(settings):
    settings.READYZ_REQUIRE_WORKER = False
    assert ready() == (200, {"status": "ok", "checks": {"database": "ok", "cache": "ok", "storage": "ok"}})


@pytest.mark.django_db
def test_readyz_fails_when_the_database_does_not_answer(monkeypatch, tmp_path, settings):
    settings.READYZ_REQUIRE_WORKER = False
    broken = ConnectionHandler(
        {
            "default": {
                "ENGINE": "django.db.backends.sqlite3",
                "NAME": str(tmp_path / "no" / "such" / "db.sqlite3"),
            }
        }
    )
    monkeypatch.setattr(readiness, "connections", broken)
    status, body = ready()
    assert status == 503
    assert body == {"status": "error", "checks": {"database": "error", "cache": "ok", "storage": "ok"}}


@pytest.mark.django_db
def test_readyz_fails_when_the_cache_does_not_keep_what_it_is_given(monkeypatch, settings):
    settings.READYZ_REQUIRE_WORKER = False
    settings.CACHES = {
        **settings.CACHES,
        "broken": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"},
    }
    monkeypatch.setattr(readiness, "CACHE_ALIAS", "broken")
    status, body = ready()
    assert status == 503
    assert body["checks"] == {"database": "ok", "cache": "error", "storage": "ok"}


@pytest.mark.django_db
def test_readyz_fails_when_the_cache_server_is_unreachable(monkeypatch, settings):
    settings.READYZ_REQUIRE_WORKER = False
    settings.CACHES = {
        **settings.CACHES,
        "broken": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        },
    }
    monkeypatch.setattr(readiness, "CACHE_ALIAS", "broken")
    status, body = ready()
    assert status == 503
    assert body["checks"]["cache"] == "error"


@pytest.mark.django_db
def test_readyz_fails_when_the_storage_does_not_answer(monkeypatch, settings):
    settings.READYZ_REQUIRE_WORKER = False
    settings.STORAGES = {**settings.STORAGES, "broken": {"BACKEND": f"{__name__}.BrokenStorage"}}
    monkeypatch.setattr(readiness, "STORAGE_ALIAS", "broken")
    status, body = ready()
    assert status == 503
    assert body["checks"] == {"database": "ok", "cache": "ok", "storage": "error"}


@pytest.mark.django_db
def test_when_a_worker_is_required_readyz_fails_without_a_recent_heartbeat(settings):
    settings.READYZ_REQUIRE_WORKER = True
    settings.WORKER_HEARTBEAT_SECONDS = 15
    status, body = ready()
    assert (status, body["checks"]["worker"]) == (503, "error")
    seen = timezone.now() - timedelta(seconds=50)  # older than 3 x 15 s
    WorkerHeartbeat.objects.create(worker_id="w-old", hostname="h", pid=1, started_at=seen, seen_at=seen)
    assert ready()[0] == 503
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id="w-new", hostname="h", pid=2, started_at=now, seen_at=now)
    assert ready() == (
        200,
        {"status": "ok", "checks": {"database": "ok", "cache": "ok", "storage": "ok", "worker": "ok"}},
    )


@pytest.mark.django_db
def test_readyz_tells_a_signed_in_person_no_more_than_anyone_else(cast, settings):
    settings.READYZ_REQUIRE_WORKER = False
    client = Client()
    sign_in(client, cast.admin)
    assert ready(client) == ready()
