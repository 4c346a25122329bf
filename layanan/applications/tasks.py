"""Background work of applications: notifications, and the SLA breach sweep.

Tasks take ids, re-read the database and are safe to run twice.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.db.models import QuerySet
from django.tasks import TaskContext, task
from django.utils import timezone

from layanan.accounts.models import Role, User
from layanan.applications import notifications
from layanan.applications.models import OPEN_STATUSES, Application, TimelineEvent
from layanan.audit.services import audit_record
from layanan.notifications.services import notify

logger = logging.getLogger(__name__)

BREACH_BATCH = 500


@task(takes_context=True)
def application_notify(context: TaskContext, application_id: int, event: str) -> bool:
    """Tell the applicant about ``event`` (see :data:`notifications.CITIZEN_EVENTS`); False if gone.

    The idempotency key holds this task's id: a re-run of the task (its worker
    died) sends nothing twice, while a second real event is a new task and is sent.
    """
    application = (
        Application.objects.filter(pk=application_id)
        .select_related("applicant")
        .only("tracking_number", "applicant")
        .first()
    )
    if application is None:
        return False
    notify(
        to=application.applicant,
        event=notifications.event_key(event),
        data={"tracking_number": application.tracking_number or ""},
        key=f"application:{application_id}:{event}:t{context.task_result.id}",
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
        recipients = list(office_heads(application))
        tracking = application.tracking_number or ""
        marker = int(now.timestamp())

        def tell() -> None:
            for recipient in recipients:
                notify(
                    to=recipient,
                    event=notifications.event_key("escalated"),
                    data={"tracking_number": tracking},
                    key=f"application:{application_id}:escalated:{marker}:u{recipient.pk}",
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
