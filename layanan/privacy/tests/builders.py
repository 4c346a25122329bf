"""Builders for the privacy tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from layanan.accounts.models import User
from layanan.privacy.models import PrivacyRequest, RequestKind
from layanan.testing import Cast


def privacy_request(citizen: User, *, kind: str = RequestKind.CORRECTION, **extra: Any) -> PrivacyRequest:
    """An open request received now (written straight to the table: no notices, no audit)."""
    now = extra.pop("received_at", None) or timezone.now()
    values: dict[str, Any] = {
        "citizen": citizen,
        "kind": kind,
        "details": "Nama saya tertulis Siti Aminah, seharusnya Siti Aminah Putri.",
        "items": ["name"],
        "received_at": now,
        "due_at": now + timedelta(hours=72),
    }
    values.update(extra)
    return PrivacyRequest.objects.create(**values)


def matrix_request(cast: Cast) -> dict[str, str]:
    """URL kwargs of one of Siti's requests, for the persona x URL matrix."""
    found = PrivacyRequest.objects.filter(citizen=cast.siti).first() or privacy_request(cast.siti)
    return {"public_id": str(found.public_id)}
