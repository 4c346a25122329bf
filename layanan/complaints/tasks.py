"""Background work of reports: the auto-close, the escalation of breaches, the practice clean-up.

Tasks take ids, re-read the database and are safe to run twice.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.tasks import task
from django.utils import timezone

from layanan.accounts.models import Role, User
from layanan.complaints.models import Disposition, Report, Status
from layanan.complaints.selectors import breach_q
from layanan.complaints.services import ReportError, report_auto_close, reports_practice_purge
from layanan.complaints.workflow import WORKFLOW

logger = logging.getLogger(__name__)

BATCH = 500


@task()
def reports_auto_close() -> int:
    """Close every answered report whose reporter did not reply by ``close_due_at``; return how many."""
    now = timezone.now()
    due = Report.objects.filter(status=Status.ANSWERED, close_due_at__lte=now).order_by("close_due_at", "pk")
    closed = 0
    for report in list(due[:BATCH]):
        try:
            report_auto_close(report=report)
        except ReportError:
            continue  # the reporter replied or reopened meanwhile, or another run closed it
        closed += 1
    if closed:
        logger.info("auto-closed %d answered reports without reply", closed)
    return closed


def breach_recipients(report: Report) -> QuerySet[User]:
    """Who hears about a breach: the leaders (heads) of the offices handling it, and the administrators."""
    offices = Disposition.objects.filter(report=report, is_active=True).values("office_id")
    heads = Q(role=Role.LEADER, office_id__in=offices)
    return User.objects.filter(Q(role=Role.ADMIN) | heads, is_active=True).order_by("pk")


def _phase(report: Report) -> str:
    """Which deadline passed: the coordinator's verification, or the offices' follow-up."""
    return "verify" if report.status in (Status.RECEIVED, Status.VERIFIED) else "followup"


def _escalate(report_id: int) -> bool:
    """Mark one report as escalated, once; tell the heads and the administrators."""
    return WORKFLOW.escalate(
        report_id,
        overdue=breach_q(timezone.now()),
        message=lambda report: (
            "Batas waktu verifikasi terlampaui; administrator diberi tahu."
            if _phase(report) == "verify"
            else "Batas waktu tindak lanjut terlampaui; pimpinan instansi dan administrator diberi tahu."
        ),
        recipients=lambda report: list(breach_recipients(report).distinct()),
        details=lambda report: {"breach": _phase(report)},
    )


@task()
def reports_escalate_breaches() -> int:
    """Escalate every report past its verify or follow-up deadline that was not escalated yet.

    Each one is claimed by a conditional update of ``breach_notified_at``, so two
    runs at once (or one run twice) escalate each report once per phase.
    """
    escalated = WORKFLOW.escalate_all(breach_q(timezone.now()), escalate_one=_escalate, batch=BATCH)
    if escalated:
        logger.info("escalated %d reports past their deadline", escalated)
    return escalated


@task()
def reports_practice_purge_due() -> int:
    """Delete practice reports older than ``PRACTICE_KEEP_DAYS`` (docs/practice-mode.md)."""
    before = timezone.now() - timedelta(days=settings.PRACTICE_KEEP_DAYS)
    deleted = reports_practice_purge(before=before)
    if deleted:
        logger.info("deleted %d practice reports", deleted)
    return deleted
