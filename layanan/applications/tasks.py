"""Background work of applications: notifications, and the SLA breach sweep.

Tasks take ids, re-read the database and are safe to run twice.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import QuerySet
from django.tasks import task
from django.utils import timezone

from layanan.accounts.models import Role, User
from layanan.applications import notifications
from layanan.applications.models import OPEN_STATUSES, Application, TimelineEvent
from layanan.audit.services import audit_record

logger = logging.getLogger(__name__)

BREACH_BATCH = 500


@task()
def application_notify(application_id: int, event: str) -> bool:
    """Tell the applicant about ``event`` (see :data:`notifications.CITIZEN_EVENTS`); False if gone."""
    application = (
        Application.objects.filter(pk=application_id).only("tracking_number", "applicant_id").first()
    )
    if application is None:
        return False
    notifications.send_console(
        recipient_id=application.applicant_id,
        tracking_number=application.tracking_number or "",
        event=event,
        text=notifications.CITIZEN_EVENTS.get(event, ""),
    )
    return True


def office_heads(application: Application) -> QuerySet[User]:
    """Who hears about a breach: the leaders of the handling office, else the administrators."""
    if application.office_id is not None:
        heads = User.objects.filter(is_active=True, role=Role.LEADER, office_id=application.office_id)
        if heads.exists():
            return heads
    return User.objects.filter(is_active=True, role=Role.ADMIN)


def _escalate(application_id: int) -> bool:
    """Mark one application as escalated, once; tell the head of its office after commit."""
    now = timezone.now()
    with transaction.atomic():
        claimed = Application.objects.filter(
            pk=application_id,
            breach_notified_at__isnull=True,
            status__in=OPEN_STATUSES,
            paused_at__isnull=True,
            due_at__lt=now,
        ).update(breach_notified_at=now)
        if claimed != 1:
            return False  # another run got there first, or it moved on meanwhile
        application = Application.objects.select_related("office").get(pk=application_id)
        TimelineEvent.objects.create(
            application=application,
            actor=None,
            action="escalate",
            from_status=application.status,
            to_status=application.status,
            message="Batas waktu layanan terlampaui; pimpinan kantor diberi tahu.",
            internal=True,
        )
        audit_record(
            actor=None,
            action="application.escalate",
            obj=application,
            details={
                "status": application.status,
                "office": application.office.code if application.office else "",
            },
        )
        recipients = list(office_heads(application).values_list("pk", flat=True))
        tracking = application.tracking_number or ""

        def tell() -> None:
            for recipient_id in recipients:
                notifications.send_console(
                    recipient_id=recipient_id,
                    tracking_number=tracking,
                    event="escalated",
                    text=notifications.CITIZEN_EVENTS["escalated"],
                )

        transaction.on_commit(tell)
    return True


@task()
def applications_escalate_breaches() -> int:
    """Escalate every open, running application past its due time that was not escalated yet.

    Returns how many this run escalated. Each one is claimed by a conditional
    update of ``breach_notified_at``, so two runs at once (or one run twice)
    escalate each application once.
    """
    now = timezone.now()
    overdue = Application.objects.filter(
        status__in=OPEN_STATUSES, paused_at__isnull=True, due_at__lt=now, breach_notified_at__isnull=True
    ).order_by("due_at", "pk")
    escalated = 0
    for application_id in list(overdue.values_list("pk", flat=True)[:BREACH_BATCH]):
        if _escalate(application_id):
            escalated += 1
    if escalated:
        logger.info("escalated %d applications past their due time", escalated)
    return escalated
