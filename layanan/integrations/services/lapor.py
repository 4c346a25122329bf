"""SP4N-LAPOR!: open the forward of a report marked "bukan kewenangan", send it, keep its status.

- :func:`lapor_forward_open`: inside the coordinator's step (``hooks``), when ``LAPOR_ENABLED``:
  one :class:`LaporForward` per report (the outbox row), and its send queued with the step;
- :func:`lapor_forward_send`: one attempt, claimed by a conditional update; LAPOR! down means a
  retry with back-off, a refusal or too many attempts means ``failed`` for an administrator;
- :func:`lapor_status_sync`: asks LAPOR! for the status of a sent report (the periodic task);
- :func:`lapor_forward_retry`: an administrator sends a failed one again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from layanan.accounts.models import User
from layanan.audit.services import audit_record
from layanan.complaints.models import Report, Status
from layanan.core.writes import enqueue_with_transaction
from layanan.integrations.http import RemoteError
from layanan.integrations.lapor import LaporClient, lapor_client, lapor_payload
from layanan.integrations.models import Delivery, LaporForward
from layanan.integrations.services.common import outbox_claim, outbox_failed

# LAPOR!'s statuses after which nothing changes any more (compared in lower case).
FINAL_STATUSES = frozenset({"selesai", "ditutup", "diarsipkan", "arsip", "closed", "done"})


def lapor_forward_open(*, report: Report) -> LaporForward | None:
    """The report was marked "bukan kewenangan": open its forward (once) and queue the send.

    Call inside the step's transaction. Nothing when the adapter is off or the report is a
    practice one; the same report again returns its existing row and queues nothing.
    """
    if not settings.LAPOR_ENABLED or report.practice or report.status != Status.NOT_AUTHORITY:
        return None
    from layanan.integrations import tasks  # tasks import these services: a real cycle

    with transaction.atomic():
        forward, created = LaporForward.objects.get_or_create(
            report=report, defaults={"next_attempt_at": timezone.now()}
        )
        if created:
            audit_record(
                actor=None, action="integrations.lapor_open", obj=report, details={"forward": forward.pk}
            )
            enqueue_with_transaction(tasks.lapor_forward_send, forward.pk, key=("lapor", forward.pk))
    return forward


def lapor_forward_send(*, forward_id: int, client: LaporClient | None = None) -> LaporForward | None:
    """One attempt to send the forward; None when it is not due (sent, failed, or being sent)."""
    forward = outbox_claim(LaporForward, forward_id, timeout=settings.LAPOR_TIMEOUT_SECONDS)
    if forward is None:
        return None
    report = Report.objects.select_related("category", "region", "reporter").get(pk=forward.report_id)
    try:
        receipt = (client or lapor_client()).submit(payload=lapor_payload(report), key=str(report.public_id))
    except RemoteError as error:
        outbox_failed(forward, error, max_attempts=settings.LAPOR_MAX_ATTEMPTS)
        return forward
    now = timezone.now()
    with transaction.atomic():
        forward.delivery = Delivery.SENT
        forward.next_attempt_at = None
        forward.last_error = ""
        forward.sent_at = now
        forward.lapor_id = receipt.lapor_id
        forward.lapor_status = receipt.status
        forward.status_checked_at = now
        forward.save(
            update_fields=[
                "delivery",
                "next_attempt_at",
                "last_error",
                "sent_at",
                "lapor_id",
                "lapor_status",
                "status_checked_at",
            ]
        )
        audit_record(
            actor=None,
            action="integrations.lapor_sent",
            obj=report,
            details={"forward": forward.pk, "attempts": forward.attempts},
        )
    return forward


def lapor_status_sync(*, forward_id: int, client: LaporClient | None = None) -> bool:
    """Ask LAPOR! for the status of a sent forward; True when it changed. Safe to run twice."""
    forward = LaporForward.objects.filter(pk=forward_id, delivery=Delivery.SENT).exclude(lapor_id="").first()
    if forward is None:
        return False
    try:
        status = (client or lapor_client()).status(lapor_id=forward.lapor_id)
    except RemoteError:
        return False  # the next run asks again
    now = timezone.now()
    with transaction.atomic():
        changed = (
            LaporForward.objects.filter(pk=forward.pk)
            .exclude(lapor_status=status)
            .update(lapor_status=status, status_checked_at=now)
        )
        if changed:
            audit_record(
                actor=None,
                action="integrations.lapor_status",
                obj=forward.report,
                details={"forward": forward.pk, "status": status},
            )
        else:
            LaporForward.objects.filter(pk=forward.pk).update(status_checked_at=now)
    return bool(changed)


def lapor_forward_retry(*, forward: LaporForward, actor: User) -> bool:
    """An administrator sends a failed forward again (attempts start over); False if it was not failed."""
    from layanan.integrations import tasks  # tasks import these services: a real cycle

    with transaction.atomic():
        retried = LaporForward.objects.filter(pk=forward.pk, delivery=Delivery.FAILED).update(
            delivery=Delivery.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
        if retried:
            audit_record(
                actor=actor,
                action="integrations.lapor_retry",
                obj=forward.report,
                details={"forward": forward.pk},
            )
            enqueue_with_transaction(tasks.lapor_forward_send, forward.pk, key=("lapor", forward.pk))
    return bool(retried)
