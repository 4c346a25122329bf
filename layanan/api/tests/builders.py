"""Builders for the API tests: tokens and clients that carry them."""

from __future__ import annotations

from typing import Any

from django.test import Client

from layanan.accounts.models import User
from layanan.api.tokens import Issued, token_create

ALL_CITIZEN = ["read", "applications", "reports"]


def issued(user: User, scopes: list[str] | None = None, **extra: Any) -> Issued:
    return token_create(user=user, actor=user, name="Aplikasi uji", scopes=scopes or ALL_CITIZEN, **extra)


def bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


def token_client(user: User, scopes: list[str] | None = None) -> Client:
    raw = issued(user, scopes).raw
    return Client(headers=bearer(raw))
