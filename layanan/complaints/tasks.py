"""Background work of reports: the auto-close and the escalation of breaches.

Tasks take ids, re-read the database and are safe to run twice.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import Q, QuerySet
from django.tasks import task
from django.utils import timezone

from layanan.accounts.models import Role, User
from layanan.audit.services import audit_record
from layanan.complaints import notifications
from layanan.complaints.models import Disposition, Report, ReportEvent, Status
from layanan.complaints.selectors import breach_q
from layanan.complaints.services import ReportError, report_auto_close
from layanan.notifications.services import notify

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


def _escalate(report_id: int) -> bool:
    """Mark one report as escalated, once; tell the heads and the administrators after commit."""
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Report.objects.filter(pk=report_id, breach_notified_at__isnull=True)
            .filter(breach_q(now))
            .update(breach_notified_at=now)
        )
        if claimed != 1:
            return False  # another run got there first, or it moved on meanwhile
        report = Report.objects.select_related("category").get(pk=report_id)
        which = "verify" if report.status in (Status.RECEIVED, Status.VERIFIED) else "followup"
        ReportEvent.objects.create(
            report=report,
            actor=None,
            action="escalate",
            from_status=report.status,
            to_status=report.status,
            message=(
                "Batas waktu verifikasi terlampaui; administrator diberi tahu."
                if which == "verify"
                else "Batas waktu tindak lanjut terlampaui; pimpinan instansi dan administrator diberi tahu."
            ),
            internal=True,
        )
        audit_record(
            actor=None,
            action="complaints.escalate",
            obj=report,
            details={
                "kind": report.kind,
                "category": report.category.slug,
                "status": report.status,
                "breach": which,
            },
        )
        recipients = list(breach_recipients(report).distinct())
        tracking = report.tracking_number
        marker = f"{which}:{int(now.timestamp())}"

        def tell() -> None:
            for recipient in recipients:
                notify(
                    to=recipient,
                    event=notifications.event_key("escalated"),
                    data={"tracking_number": tracking},
                    key=f"report:{report_id}:escalated:{marker}:u{recipient.pk}",
                )

        transaction.on_commit(tell)
    return True


@task()
def reports_escalate_breaches() -> int:
    """Escalate every report past its verify or follow-up deadline that was not escalated yet.

    Each one is claimed by a conditional update of ``breach_notified_at``, so two
    runs at once (or one run twice) escalate each report once per phase.
    """
    now = timezone.now()
    overdue = Report.objects.filter(breach_q(now), breach_notified_at__isnull=True).order_by("pk")
    escalated = sum(
        1 for report_id in list(overdue.values_list("pk", flat=True)[:BATCH]) if _escalate(report_id)
    )
    if escalated:
        logger.info("escalated %d reports past their deadline", escalated)
    return escalated
