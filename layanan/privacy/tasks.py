"""Periodic work of the privacy app (scheduled in ``layanan.core.schedule``); safe to run twice."""

from __future__ import annotations

from django.tasks import task

from layanan.privacy.services import requests_escalate_overdue, retention_apply


@task()
def privacy_requests_escalate() -> int:
    """Escalate every open request past its 3 x 24 hour deadline (once each)."""
    return requests_escalate_overdue()


@task()
def privacy_retention_apply() -> int:
    """Apply the retention rules; the run and its counts are kept as a RetentionRun."""
    return retention_apply().pk
