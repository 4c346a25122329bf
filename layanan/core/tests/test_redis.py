"""The shared cache on a real Redis: what several web hosts rely on.

Uses ``REDIS_URL`` when set (CI sets it for the PostgreSQL run), else the
Redis this kind of machine runs on 127.0.0.1:6379, database 15.
"""

from __future__ import annotations

import os
import uuid

import pytest
from django.core.cache import caches
from django.test import Client

from layanan.accounts.models import User
from layanan.accounts.ratelimit import SIGN_IN_PER_ACCOUNT

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"
    cache = caches["default"]
    yield cache
    cache.clear()


def test_two_hosts_share_sign_in_failures_through_redis(redis_cache, cast):
    # Each Client stands for a separate web host: no state is shared but the cache.
    hosts = [Client(), Client()]
    for attempt in range(SIGN_IN_PER_ACCOUNT.attempts):
        response = hosts[attempt % 2].post(
            "/akun/masuk/", {"identifier": "081200000001", "password": "salah-sekali"}
        )
        assert response.status_code == 200
    refused = hosts[0].post("/akun/masuk/", {"identifier": "081200000001", "password": "kata-sandi-uji-123"})
    assert refused.status_code in (200, 429)
    assert "_auth_user_id" not in refused.client.session
    assert "menit" in refused.content.decode()
    assert User.objects.get(phone="+6281200000001").last_login is None


def test_sessions_live_in_redis_so_any_host_serves_a_signed_in_citizen(redis_cache, cast):
    first, second = Client(), Client()
    response = first.post("/akun/masuk/", {"identifier": "081200000001", "password": "kata-sandi-uji-123"})
    assert response.status_code == 302
    second.cookies = first.cookies
    profile = second.get("/akun/")
    assert profile.status_code == 200
    assert "Siti Aminah" in profile.content.decode()
    assert redis_cache.get("non-existent") is None
