"""The one entry point that writes the audit log. Implemented by the audit work."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest


def audit_record(
    *,
    actor: models.Model | None,
    action: str,
    obj: models.Model | None = None,
    request: HttpRequest | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Append one event. Call inside the transaction of the change it records."""
    return None
