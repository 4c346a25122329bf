"""Background work of applications: the SLA breach sweep and the practice clean-up.

Tasks take ids, re-read the database and are safe to run twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.tasks import task
from django.utils import timezone

from layanan.accounts.models import Role, User
from layanan.applications.models import OPEN_STATUSES, Application
from layanan.applications.services import applications_practice_purge
from layanan.applications.workflow import WORKFLOW

logger = logging.getLogger(__name__)

BREACH_BATCH = 500


def office_heads(application: Application) -> QuerySet[User]:
    """Who hears about a breach: the leaders of the handling office, else the administrators."""
    if application.office_id is not None:
        heads = User.objects.filter(is_active=True, role=Role.LEADER, office_id=application.office_id)
        if heads.exists():
            return heads
    return User.objects.filter(is_active=True, role=Role.ADMIN)


def _escalate(application_id: int) -> bool:
    """Mark one application as escalated, once; tell the head of its office."""
    return WORKFLOW.escalate(
        application_id,
        overdue=_overdue(timezone.now()),
        message=lambda application: "Batas waktu layanan terlampaui; pimpinan kantor diberi tahu.",
        recipients=lambda application: list(office_heads(application)),
    )


def _overdue(now: datetime) -> Q:
    return Q(status__in=OPEN_STATUSES, paused_at__isnull=True, due_at__lt=now)


@task()
def applications_escalate_breaches() -> int:
    """Escalate every open, running application past its due time that was not escalated yet.

    Returns how many this run escalated. Each one is claimed by a conditional
    update of ``breach_notified_at``, so two runs at once (or one run twice)
    escalate each application once.
    """
    escalated = WORKFLOW.escalate_all(_overdue(timezone.now()), escalate_one=_escalate, batch=BREACH_BATCH)
    if escalated:
        logger.info("escalated %d applications past their due time", escalated)
    return escalated


@task()
def applications_practice_purge_due() -> int:
    """Delete practice applications older than ``PRACTICE_KEEP_DAYS`` (docs/practice-mode.md)."""
    before = timezone.now() - timedelta(days=settings.PRACTICE_KEEP_DAYS)
    deleted = applications_practice_purge(before=before)
    if deleted:
        logger.info("deleted %d practice applications", deleted)
    return deleted
