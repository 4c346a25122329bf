"""OpenSID: a village's letter request becomes an application; the signed letter goes back.

- :func:`opensid_instance_save`: an administrator registers or changes an instance (audited,
  never the secret);
- :func:`opensid_request_receive`: a signed request from an instance: the resident's application
  through the applications services (start, the form's steps, the papers, submit), acting as the
  resident, who asked for it in their village's OpenSID. Idempotent on OpenSID's request id;
- :func:`opensid_letter_ready`: inside the letter's issue (``hooks``): the push of the PDF back
  is queued; :func:`opensid_letter_push` sends it (retried with back-off).
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import Role, User
from layanan.applications.forms import StepForm
from layanan.applications.models import Application, RequirementCheck
from layanan.applications.services import (
    ApplicationError,
    application_save_step,
    application_start,
    application_submit,
    requirement_provide,
)
from layanan.applications.workflow import WORKFLOW
from layanan.audit.services import audit_record
from layanan.catalogue.models import Requirement, Service
from layanan.core.crypto import blind_index
from layanan.core.writes import enqueue_with_transaction
from layanan.documents.models import Document
from layanan.identity.nik import NIK_LENGTH, normalize_number
from layanan.integrations.http import RemoteError
from layanan.integrations.models import Delivery, OpensidInstance, OpensidRequest
from layanan.integrations.opensid import OpensidClient, opensid_client
from layanan.integrations.services.common import outbox_claim, outbox_failed

REQUEST_ID_MAX = 64
ANSWER_MAX = 2000


class OpensidError(Exception):
    """A request we refuse; ``code`` for the machine, the message plain Indonesian."""

    def __init__(self, code: str, message: str, status: int = 422) -> None:
        super().__init__(message)
        self.code = code
        self.status = status


def opensid_instance_save(*, instance: OpensidInstance, actor: User, created: bool) -> OpensidInstance:
    """Save an instance the administrator registered or changed (the secret is never audited)."""
    with transaction.atomic():
        instance.save()
        audit_record(
            actor=actor,
            action="integrations.opensid_instance_save",
            obj=instance,
            details={"desa": instance.region.code, "created": created, "active": instance.is_active},
        )
    return instance


def _resident(instance: OpensidInstance, nik: str) -> User:
    value = normalize_number(nik)
    if len(value) != NIK_LENGTH or not value.isdigit():
        raise OpensidError("bad_nik", _("NIK pemohon harus 16 angka."), 400)
    resident = User.objects.filter(
        nik_hash=blind_index(value, purpose="nik"), role=Role.CITIZEN, is_active=True
    ).first()
    if resident is None:
        raise OpensidError(
            "not_registered",
            _(
                "Warga dengan NIK ini belum terdaftar di Layanan Lampura. Daftarkan di kantor desa "
                "(layanan dibantu), lalu kirim ulang permohonan ini."
            ),
        )
    if resident.home_region_id != instance.region_id:
        raise OpensidError(
            "other_village",
            _("Menurut data akunnya, warga ini tidak tinggal di desa ini. Periksa desa di profil warga."),
        )
    return resident


def _service(code: str) -> Service:
    service = Service.objects.filter(slug=code, is_active=True).first()
    if service is None:
        raise OpensidError("unknown_service", _("Kode layanan tidak dikenal atau sedang tidak dibuka."), 400)
    if service.output != Service.Output.LETTER or service.handler != Service.Handler.APPLICANT_VILLAGE:
        raise OpensidError(
            "not_a_village_letter",
            _("Layanan ini bukan surat desa dan tidak dapat diajukan lewat OpenSID."),
            400,
        )
    return service


def _answers_by_step(service: Service, given: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """The form's answers, step by step, checked by the same form the citizen fills in."""
    definitions = list(service.fields.order_by("step", "order", "pk"))
    unknown = set(given) - {d.name for d in definitions}
    if unknown:
        raise OpensidError(
            "unknown_fields",
            _("Isian berikut tidak ada pada formulir layanan ini: %(names)s.")
            % {"names": ", ".join(sorted(unknown))},
            400,
        )
    so_far: dict[str, Any] = {}
    steps: list[tuple[int, dict[str, Any]]] = []
    for step in sorted({d.step for d in definitions}):
        of_step = [d for d in definitions if d.step == step]
        data = {
            d.name: str(given[d.name])[:ANSWER_MAX] for d in of_step if given.get(d.name) not in (None, "")
        }
        form = StepForm(data, definitions=of_step, answers=so_far)
        if not form.is_valid():
            problems = [
                f"{field}: {' '.join(str(e) for e in errors)}" for field, errors in form.errors.items()
            ]
            raise OpensidError(
                "invalid_answers", _("Isian belum benar. %(problems)s") % {"problems": " ".join(problems)}
            )
        answers = form.step_answers(of_step)
        so_far.update(answers)
        steps.append((step, answers))
    return steps


def opensid_request_receive(
    *, instance: OpensidInstance, data: dict[str, Any]
) -> tuple[OpensidRequest, bool]:
    """The application for the resident of ``instance``'s desa; (the request row, whether it is new)."""
    request_id = str(data.get("id") or "").strip()
    if not request_id or len(request_id) > REQUEST_ID_MAX:
        raise OpensidError(
            "bad_id", _("Nomor permohonan OpenSID (id) wajib diisi, paling panjang 64 karakter."), 400
        )
    existing = OpensidRequest.objects.filter(instance=instance, request_id=request_id).first()
    if existing is not None:
        return existing, False
    service = _service(str(data.get("layanan") or "").strip())
    resident = _resident(instance, str(data.get("nik") or ""))
    given = data.get("isian_form") or {}
    if not isinstance(given, dict):
        raise OpensidError("bad_answers", _("isian_form harus berupa objek JSON."), 400)
    steps = _answers_by_step(service, given)
    submit_key = uuid.uuid5(uuid.NAMESPACE_URL, f"opensid:{instance.pk}:{request_id}")
    try:
        with transaction.atomic():
            application = application_start(service=service, applicant=resident, actor=resident)
            for step, answers in steps:
                application_save_step(application=application, actor=resident, step=step, answers=answers)
            for requirement in service.requirements.exclude(
                kind__in=[Requirement.Kind.UPLOAD, Requirement.Kind.FIELD]
            ):
                # The papers are checked at the village office, as OpenSID's own "syarat" are.
                requirement_provide(
                    application=application,
                    actor=resident,
                    requirement=requirement,
                    provision=RequirementCheck.Provision.PAPER,
                )
            application = application_submit(application=application, actor=resident, submit_key=submit_key)
            row = OpensidRequest.objects.create(
                instance=instance, request_id=request_id, application=application
            )
            WORKFLOW.event(
                application,
                "opensid",
                None,
                _("Permohonan diterima dari OpenSID desa %(desa)s.") % {"desa": instance.region.name},
            )
            audit_record(
                actor=None,
                action="integrations.opensid_request",
                obj=application,
                details={"instance": instance.pk, "desa": instance.region.code},
            )
    except IntegrityError:
        # The same request at the same moment (OpenSID retried): the first one's row.
        again = OpensidRequest.objects.filter(instance=instance, request_id=request_id).first()
        if again is None:
            raise
        return again, False
    except ApplicationError as error:
        raise OpensidError("refused", str(error)) from error
    return row, True


def opensid_letter_ready(*, application: Application, document: Document) -> OpensidRequest | None:
    """A letter was issued for an application that came from OpenSID: queue its push back."""
    if not settings.OPENSID_ENABLED:
        return None
    from layanan.integrations import tasks  # tasks import these services: a real cycle

    row = OpensidRequest.objects.select_for_update().filter(application=application).first()
    if row is None or row.document_id == document.pk:
        return row
    row.document = document
    row.delivery = Delivery.PENDING
    row.attempts = 0
    row.next_attempt_at = timezone.now()
    row.last_error = ""
    row.sent_at = None
    row.save(update_fields=["document", "delivery", "attempts", "next_attempt_at", "last_error", "sent_at"])
    audit_record(
        actor=None, action="integrations.opensid_letter_ready", obj=application, details={"request": row.pk}
    )
    enqueue_with_transaction(tasks.opensid_letter_push, row.pk, key=("opensid", row.pk, document.pk))
    return row


def opensid_letter_push(*, row_id: int, client: OpensidClient | None = None) -> OpensidRequest | None:
    """One attempt to push the signed letter back to the village's OpenSID; None when not due."""
    row = outbox_claim(OpensidRequest, row_id, timeout=settings.OPENSID_TIMEOUT_SECONDS)
    if row is None:
        return None
    instance = row.instance
    document = row.document
    if document is None:
        return None
    with document.file.open("rb") as handle:
        pdf = handle.read()
    application = Application.objects.only("tracking_number").get(pk=row.application_id)
    fields = {
        "permohonan_id": row.request_id,
        "nomor_pelacakan": application.tracking_number or "",
        "nomor_surat": document.number,
        "kode_verifikasi": document.public_code,
    }
    try:
        (client or opensid_client(base_url=instance.base_url, secret=instance.secret)).letter_push(
            fields=fields, pdf=pdf
        )
    except RemoteError as error:
        outbox_failed(row, error, max_attempts=settings.OPENSID_MAX_ATTEMPTS)
        return row
    with transaction.atomic():
        row.delivery = Delivery.SENT
        row.next_attempt_at = None
        row.last_error = ""
        row.sent_at = timezone.now()
        row.save(update_fields=["delivery", "next_attempt_at", "last_error", "sent_at"])
        audit_record(
            actor=None,
            action="integrations.opensid_letter_pushed",
            obj=application,
            details={"request": row.pk, "attempts": row.attempts},
        )
    return row


def opensid_push_retry(*, row: OpensidRequest, actor: User) -> bool:
    """An administrator pushes a failed letter again (attempts start over)."""
    from layanan.integrations import tasks  # tasks import these services: a real cycle

    with transaction.atomic():
        retried = OpensidRequest.objects.filter(
            pk=row.pk, delivery=Delivery.FAILED, document__isnull=False
        ).update(delivery=Delivery.PENDING, attempts=0, next_attempt_at=timezone.now(), last_error="")
        if retried:
            audit_record(
                actor=actor,
                action="integrations.opensid_retry",
                obj=row.application,
                details={"request": row.pk},
            )
            enqueue_with_transaction(tasks.opensid_letter_push, row.pk, key=("opensid", row.pk))
    return bool(retried)
