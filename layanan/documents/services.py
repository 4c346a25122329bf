"""Issuing, replacing and revoking official documents: one transaction each, audited.

:func:`document_issue` runs inside the signing step of an application
(``applications.services.application_sign``): number → QR → render → sign →
store, all in the caller's transaction. If anything fails (a template that
does not compile, the signer backend down), the transaction rolls back: no
number is used up, no document exists, the application stays in SIGNING. The
PDF written to storage is removed again when the issue fails after writing it.

The PDF is kept privately under ``MEDIA_ROOT/documents/<year>/`` (never
served by URL; :mod:`layanan.documents.views` streams it after a permission
check) with its SHA-256, a snapshot of the signer's name, position and NIP,
and the holder's masked name (``Siti A*****``) for the public verification page.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.accounts.permissions import require
from layanan.applications.models import Application, TimelineEvent
from layanan.applications.workflow import ApplicationError
from layanan.audit.services import audit_record
from layanan.catalogue.models import FormField
from layanan.documents.models import Document, LetterTemplate
from layanan.documents.numbering import number_next
from layanan.documents.rendering import TemplateProblem, render_letter
from layanan.regions.models import Region

__all__ = [
    "DocumentError",
    "TemplateProblem",
    "document_issue",
    "document_replace",
    "document_revoke",
    "letter_data",
    "mask_name",
]

logger = logging.getLogger(__name__)

REASON_MAX = 2000


class DocumentError(ApplicationError):
    """A refusal about a document, with a plain Indonesian message (``str(error)``)."""


def mask_name(full_name: str) -> str:
    """``Siti Aminah`` → ``Siti A*****``: the first name, then each other name as initial and stars."""
    words = full_name.split()
    if not words:
        return ""
    return " ".join([words[0], *(word[0] + "*" * (len(word) - 1) for word in words[1:])])


def _answer_text(field: FormField | None, value: Any, regions: dict[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if field is not None and field.kind == FormField.Kind.VILLAGE:
        return regions.get(str(value), str(value))
    return str(value)


def letter_data(application: Application) -> dict[str, str]:
    """The application's answers as text for the template (a desa code becomes the desa's name)."""
    answers: dict[str, Any] = dict(application.answers or {})
    fields = {field.name: field for field in application.service.fields.all()}
    codes = [
        str(answers[name])
        for name, field in fields.items()
        if field.kind == FormField.Kind.VILLAGE and answers.get(name)
    ]
    regions = dict(Region.objects.filter(code__in=codes).values_list("code", "name")) if codes else {}
    data = {name: _answer_text(fields.get(name), value, regions) for name, value in answers.items()}
    data.setdefault("pemohon", application.applicant.full_name)
    data["nomor_pelacakan"] = application.tracking_number or ""
    return data


def _qr(document: Document) -> tuple[str, str]:
    """The signed QR payload of ``document`` and its QR code (SVG)."""
    from layanan.documents import qr

    payload = qr.qr_payload_make(document)
    return payload, qr.qr_svg(document, payload)


def _embed(pdf: bytes, payload: str) -> bytes:
    from layanan.documents import qr

    return qr.embed_payload(pdf, payload)


def _sign(*, pdf: bytes, signer: User, reason: str, location: str, passphrase: str | None) -> bytes:
    from layanan.documents import signing

    return signing.sign_pdf(pdf=pdf, signer=signer, reason=reason, location=location, passphrase=passphrase)


def _template_of(application: Application) -> LetterTemplate:
    template = LetterTemplate.objects.filter(service=application.service).first()
    if template is None:
        raise TemplateProblem(f"layanan {application.service.slug} belum punya templat surat")
    return template


def _notify_on_commit(application_id: int) -> None:
    from layanan.applications.workflow import WORKFLOW  # TEMPORARY until documents stands alone

    WORKFLOW.tell(WORKFLOW.fresh(Application(pk=application_id)), "document_ready")


def _issue(
    *,
    application: Application,
    signer: User,
    audit_action: str,
    replaces: Document | None,
    passphrase: str | None = None,
) -> Document:
    """Number, render, sign and store; the caller holds the transaction and has checked permission."""
    office = application.office
    if office is None:
        raise DocumentError(_("Permohonan ini belum punya kantor yang menangani."))
    template = _template_of(application)
    issued_at = timezone.now()
    number = number_next(office=office, classification=template.classification_code, when=issued_at)
    data = letter_data(application)
    holder = data.get("nama") or application.applicant.full_name
    document = Document.objects.create(
        application=application,
        service=application.service,
        office=office,
        number=number,
        issued_at=issued_at,
        signer=signer,
        signer_name=signer.full_name,
        signer_position=signer.position,
        signer_nip=signer.nip,
        holder_name_masked=mask_name(holder),
        signature_backend=str(getattr(settings, "DOCUMENT_SIGNER_BACKEND", "local")),
        file="",
        sha256="",
    )
    payload, svg = _qr(document)
    pdf = render_letter(
        template=template,
        data=data,
        office=office,
        number=number,
        issued_at=issued_at,
        signer=signer,
        qr_svg=svg,
    )
    pdf = _embed(pdf, payload)  # before signing, so the signature covers it
    signed = _sign(
        pdf=pdf,
        signer=signer,
        reason=f"{template.title} {number}",
        location=str(settings.REGENCY["capital"]),
        passphrase=passphrase,
    )
    document.file.save(f"{document.public_code}.pdf", ContentFile(signed), save=False)
    stored = document.file.name or ""
    try:
        document.sha256 = hashlib.sha256(signed).hexdigest()
        document.save(update_fields=["file", "sha256"])
        TimelineEvent.objects.create(
            application=application,
            actor=signer,
            action="document_issue",
            from_status=application.status,
            to_status=application.status,
            message=_("Surat sudah terbit: nomor %(number)s.") % {"number": number},
        )
        details: dict[str, Any] = {
            "number": number,
            "service": application.service.slug,
            "office": office.code,
            "sha256": document.sha256,
        }
        if replaces is not None:
            details["replaces"] = replaces.public_code
        audit_record(actor=signer, action=audit_action, obj=document, details=details)
    except BaseException:
        document.file.storage.delete(stored)
        raise
    _notify_on_commit(application.pk)
    return document


def document_issue(*, application: Application, signer: User, passphrase: str | None = None) -> Document:
    """Issue the letter of a signed application (in the caller's transaction, or its own).

    ``passphrase`` is the official's BSrE passphrase when the BSrE backend signs; it is passed
    straight to the signer and never stored or logged.
    """
    require(signer, "document.issue", application)
    with transaction.atomic():
        return _issue(
            application=application,
            signer=signer,
            audit_action="document.issue",
            replaces=None,
            passphrase=passphrase,
        )


def _reason(reason: str, empty: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DocumentError(empty)
    return reason[:REASON_MAX]


def _locked(document: Document) -> Document:
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("application", "application__service", "application__office", "office", "service")
        .get(pk=document.pk)
    )


def document_replace(*, document: Document, actor: User, reason: str) -> Document:
    """Issue a new document for the same application; the old one points to it and is REPLACED."""
    reason = _reason(reason, _("Tulis alasan dokumen ini diganti."))
    require(actor, "document.issue", document.application)
    with transaction.atomic():
        old = _locked(document)
        if old.state != Document.State.VALID:
            raise DocumentError(_("Hanya dokumen yang masih berlaku yang dapat diganti."))
        new = _issue(application=old.application, signer=actor, audit_action="document.replace", replaces=old)
        old.state = Document.State.REPLACED
        old.replaced_by = new
        old.revoked_reason = reason
        old.changed_at = timezone.now()
        old.save(update_fields=["state", "replaced_by", "revoked_reason", "changed_at"])
        audit_record(
            actor=actor,
            action="document.replaced",
            obj=old,
            details={"number": old.number, "replaced_by": new.public_code},
        )
    _sync(document, old)
    return new


def document_revoke(*, document: Document, actor: User, reason: str) -> Document:
    """Revoke a valid document with a reason (kept; shown as "Dicabut" on the verification page)."""
    reason = _reason(reason, _("Tulis alasan dokumen ini dicabut."))
    require(actor, "document.revoke", document)
    with transaction.atomic():
        fresh = _locked(document)
        if fresh.state != Document.State.VALID:
            raise DocumentError(_("Dokumen ini sudah tidak berlaku."))
        fresh.state = Document.State.REVOKED
        fresh.revoked_reason = reason
        fresh.changed_at = timezone.now()
        fresh.save(update_fields=["state", "revoked_reason", "changed_at"])
        TimelineEvent.objects.create(
            application=fresh.application,
            actor=actor,
            action="document_revoke",
            from_status=fresh.application.status,
            to_status=fresh.application.status,
            message=_("Surat nomor %(number)s dicabut. Alasan: %(reason)s")
            % {"number": fresh.number, "reason": reason},
        )
        audit_record(actor=actor, action="document.revoke", obj=fresh, details={"number": fresh.number})
    _sync(document, fresh)
    return fresh


def _sync(stale: Document, fresh: Document) -> None:
    if stale is fresh:
        return
    for model_field in Document._meta.concrete_fields:
        setattr(stale, model_field.attname, getattr(fresh, model_field.attname))
