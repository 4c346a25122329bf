"""SIAK (Dukcapil): hand a processed Dukcapil application over, and act on SIAK's result.

- :func:`siak_handoff_open`: inside the officer's "process" step (``hooks``), when
  ``SIAK_ENABLED`` and the service's output is SIAK: one :class:`SiakHandoff` per application,
  its send queued with the step;
- :func:`siak_handoff_send`: one attempt (claimed first), retried with back-off while SIAK is down;
- :func:`siak_result_record`: SIAK's signed callback: the document number or the refusal is kept,
  and the application moves on through the applications services as the system
  (``application_approve`` / ``application_reject`` with ``actor=None``, the workflow's
  ``system`` party). The same result again changes nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.applications.models import Application, Status
from layanan.applications.services import application_approve, application_reject
from layanan.applications.workflow import WORKFLOW
from layanan.audit.services import audit_record
from layanan.catalogue.models import Service
from layanan.core.writes import enqueue_with_transaction
from layanan.integrations.http import RemoteError
from layanan.integrations.models import Delivery, SiakHandoff
from layanan.integrations.services.common import outbox_claim, outbox_failed
from layanan.integrations.siak import SiakClient, siak_client, siak_package

logger = logging.getLogger(__name__)

NUMBER_MAX = 60
REASON_MAX = 1000


class SiakResultError(Exception):
    """A result SIAK sent that we cannot take; the message is plain Indonesian."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def siak_handoff_open(*, application: Application) -> SiakHandoff | None:
    """The officer processes a SIAK service's application: open its hand-off (once), queue the send."""
    if (
        not settings.SIAK_ENABLED
        or application.practice
        or application.status != Status.PROCESSING
        or application.service.output != Service.Output.SIAK
    ):
        return None
    from layanan.integrations import tasks  # tasks import these services: a real cycle

    with transaction.atomic():
        handoff, created = SiakHandoff.objects.get_or_create(
            application=application, defaults={"next_attempt_at": timezone.now()}
        )
        if created:
            audit_record(
                actor=None, action="integrations.siak_open", obj=application, details={"handoff": handoff.pk}
            )
            enqueue_with_transaction(tasks.siak_handoff_send, handoff.pk, key=("siak", handoff.pk))
    return handoff


def siak_handoff_send(*, handoff_id: int, client: SiakClient | None = None) -> SiakHandoff | None:
    """One attempt to hand the application over; None when it is not due."""
    handoff = outbox_claim(SiakHandoff, handoff_id, timeout=settings.SIAK_TIMEOUT_SECONDS)
    if handoff is None:
        return None
    application = Application.objects.select_related("service", "office", "applicant").get(
        pk=handoff.application_id
    )
    try:
        reference = (client or siak_client()).hand_off(
            package=siak_package(application), key=str(application.public_id)
        )
    except RemoteError as error:
        outbox_failed(handoff, error, max_attempts=settings.SIAK_MAX_ATTEMPTS)
        return handoff
    with transaction.atomic():
        handoff.delivery = Delivery.SENT
        handoff.next_attempt_at = None
        handoff.last_error = ""
        handoff.sent_at = timezone.now()
        handoff.siak_ref = reference
        handoff.save(update_fields=["delivery", "next_attempt_at", "last_error", "sent_at", "siak_ref"])
        WORKFLOW.event(
            application,
            "siak_handoff",
            None,
            _("Data dan berkas permohonan sudah diserahkan ke SIAK Dukcapil."),
        )
        audit_record(
            actor=None,
            action="integrations.siak_sent",
            obj=application,
            details={"handoff": handoff.pk, "attempts": handoff.attempts},
        )
    return handoff


def siak_result_record(
    *, siak_ref: str, external_id: str, outcome: str, document_number: str = "", reason: str = ""
) -> tuple[SiakHandoff, bool]:
    """SIAK's result for one hand-off; (the hand-off, whether anything changed).

    ``outcome`` is ``terbit`` (issued: ``document_number`` required) or ``ditolak`` (refused:
    ``reason`` required). The first result is kept; the same again, or another one later,
    changes nothing. The application moves on only while it is being processed (an officer
    may have decided meanwhile).
    """
    document_number = " ".join((document_number or "").split())[:NUMBER_MAX]
    reason = (reason or "").strip()[:REASON_MAX]
    if outcome == "terbit":
        result = SiakHandoff.Result.ISSUED
        if not document_number:
            raise SiakResultError("no_number", _("Nomor dokumen wajib diisi untuk hasil “terbit”."))
    elif outcome == "ditolak":
        result = SiakHandoff.Result.REFUSED
        if not reason:
            raise SiakResultError("no_reason", _("Alasan wajib diisi untuk hasil “ditolak”."))
    else:
        raise SiakResultError("bad_outcome", _("Hasil harus “terbit” atau “ditolak”."))
    with transaction.atomic():
        handoff = (
            SiakHandoff.objects.select_for_update()
            .filter(siak_ref=siak_ref, delivery=Delivery.SENT, application__public_id=external_id)
            .exclude(siak_ref="")
            .first()
        )
        if handoff is None:
            raise SiakResultError("unknown", _("Penyerahan dengan nomor ini tidak dikenal."))
        if handoff.result:
            if handoff.result != result or handoff.document_number != document_number:
                logger.warning("siak handoff %s: a different result after the first was ignored", handoff.pk)
            return handoff, False
        handoff.result = result
        handoff.document_number = document_number if result == SiakHandoff.Result.ISSUED else ""
        handoff.result_reason = reason if result == SiakHandoff.Result.REFUSED else ""
        handoff.result_at = timezone.now()
        handoff.save(update_fields=["result", "document_number", "result_reason", "result_at"])
        application = WORKFLOW.fresh(handoff.application)
        moved = application.status == Status.PROCESSING
        if moved and result == SiakHandoff.Result.ISSUED:
            application_approve(
                application=application,
                actor=None,
                expected_version=application.version,
                message=_("Nomor dokumen: %(number)s.") % {"number": document_number},
            )
        elif moved:
            application_reject(
                application=application,
                actor=None,
                expected_version=application.version,
                reason=_("Ditolak oleh Dukcapil (SIAK): %(reason)s") % {"reason": reason},
            )
        audit_record(
            actor=None,
            action="integrations.siak_result",
            obj=application,
            details={"handoff": handoff.pk, "result": result, "moved": moved},
        )
    return handoff, True


def siak_handoff_retry(*, handoff: SiakHandoff, actor: User) -> bool:
    """An administrator hands a failed one over again (attempts start over)."""
    from layanan.integrations import tasks  # tasks import these services: a real cycle

    with transaction.atomic():
        retried = SiakHandoff.objects.filter(pk=handoff.pk, delivery=Delivery.FAILED).update(
            delivery=Delivery.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error=""
        )
        if retried:
            audit_record(
                actor=actor,
                action="integrations.siak_retry",
                obj=handoff.application,
                details={"handoff": handoff.pk},
            )
            enqueue_with_transaction(tasks.siak_handoff_send, handoff.pk, key=("siak", handoff.pk))
    return bool(retried)
