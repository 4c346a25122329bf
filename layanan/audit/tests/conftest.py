"""Builders for the audit tests."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from layanan.audit.models import AuditEvent
from layanan.audit.services import audit_record

LONG_AGO = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


def record(**overrides: Any) -> AuditEvent:
    """An event through the real entry point, with sensible defaults."""
    values: dict[str, Any] = {"actor": None, "action": "test.happened", "details": {"n": 1}}
    values.update(overrides)
    return audit_record(**values)


def old_event(**fields: Any) -> AuditEvent:
    """An event written straight to the table with an old timestamp, so the sealer takes it at once."""
    values: dict[str, Any] = {"action": "test.happened", "occurred_at": LONG_AGO, "details": {"n": 1}}
    values.update(fields)
    return AuditEvent.objects.create(**values)
