"""Issuing, replacing and revoking official documents: one transaction each, audited.

:func:`document_issue` knows nothing of what the document is for. Its caller
builds the letter's data (the answers as text), chooses the template, the office
and the signer, names who may download it, and does its own bookkeeping (for an
application, the applications app's ``letters.py`` links the document, writes
the timeline and tells the citizen). Here: number → QR → render → sign → store, all
in the caller's transaction. If anything fails (a template that does not
compile, the signer backend down), the transaction rolls back: no number is
used up, no document exists. The PDF written to storage is removed again when
the issue fails after writing it.

The PDF is kept privately under ``MEDIA_ROOT/documents/<year>/`` (never
served by URL; :mod:`layanan.documents.views_delivery` streams it after a
permission check) with its SHA-256, a snapshot of the signer's name, position
and NIP, and the holder's masked name (``Siti A*****``) for the public
verification page.

Replacing and revoking start here (the admin's two forms), but a replacement
needs fresh letter data and both are news for whoever asked for the document.
So each ``kind`` of document has a :class:`DocumentSource`, registered by the app
that issues that kind (``document_source_register`` in its ``AppConfig.ready``):
it re-issues the letter and hears about a revocation. A kind without a source
is a broken deploy, and fails loudly.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from typing import Any, Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layanan.accounts.models import User
from layanan.accounts.permissions import require
from layanan.agencies.models import Office
from layanan.audit.services import audit_record
from layanan.core.forms import REASON_MAX
from layanan.documents import qr, signing
from layanan.documents.models import Document, LetterTemplate
from layanan.documents.numbering import number_next
from layanan.documents.rendering import TemplateProblem, render_letter

__all__ = [
    "DocumentError",
    "DocumentSource",
    "TemplateProblem",
    "document_issue",
    "document_replace",
    "document_revoke",
    "document_source_register",
    "mask_name",
]

logger = logging.getLogger(__name__)


class DocumentError(Exception):
    """A refusal about a document, with a plain Indonesian message (``str(error)``)."""


class DocumentSource(Protocol):
    """What the app that issues one kind of document does when such a document changes.

    Both are called inside the documents transaction, after the permission check
    and with the old document locked.
    """

    def reissue(self, *, document: Document, signer: User) -> Document:
        """Issue a new document in place of ``document`` (through :func:`document_issue`
        with ``replaces=document``) and return it."""
        ...

    def revoked(self, *, document: Document, actor: User, reason: str) -> None:
        """``document`` was just revoked for ``reason``."""
        ...


SOURCES: dict[str, DocumentSource] = {}


def document_source_register(kind: str, source: DocumentSource) -> None:
    """Tell documents who re-issues, and hears about revocations of, documents of ``kind``."""
    SOURCES[kind] = source


def _source(kind: str) -> DocumentSource:
    try:
        return SOURCES[kind]
    except KeyError:
        raise ImproperlyConfigured(f"no document source registered for kind {kind!r}") from None


def mask_name(full_name: str) -> str:
    """``Siti Aminah`` → ``Siti A*****``: the first name, then each other name as initial and stars."""
    words = full_name.split()
    if not words:
        return ""
    return " ".join([words[0], *(word[0] + "*" * (len(word) - 1) for word in words[1:])])


def document_issue(
    *,
    data: Mapping[str, str],
    office: Office,
    signer: User,
    template: LetterTemplate,
    kind: str,
    holder_name: str,
    owner: User | None = None,
    owner_agent: User | None = None,
    reference: str = "",
    replaces: Document | None = None,
    passphrase: str | None = None,
) -> Document:
    """Number, render, sign and store a letter of ``template`` (in the caller's transaction, or its own).

    ``data``: the letter's data as text, reached by the template as ``field("name")``.
    ``holder_name``: whose letter it is, shown masked on the public page. ``owner`` (and
    ``owner_agent``, who applied for them) may download it, as may staff of ``office``.
    ``kind`` names the app that asked (it registers a :class:`DocumentSource`); ``reference``
    is shown to staff. ``replaces``: the document this one replaces (only for a source's
    ``reissue``). ``passphrase`` is the official's BSrE passphrase when the BSrE backend
    signs; it is passed straight to the signer and never stored or logged.
    Raises PermissionDenied, :class:`TemplateProblem` or ``signing.SigningFailed``.
    """
    issued_at = timezone.now()
    document = Document(
        kind=kind,
        reference=reference[:60],
        owner=owner,
        owner_agent=owner_agent,
        service=template.service,
        office=office,
        issued_at=issued_at,
        signer=signer,
        signer_name=signer.full_name,
        signer_position=signer.position,
        signer_nip=signer.nip,
        holder_name_masked=mask_name(holder_name),
        signature_backend=str(getattr(settings, "DOCUMENT_SIGNER_BACKEND", "local")),
        file="",
        sha256="",
    )
    require(signer, "document.issue", document)
    with transaction.atomic():
        document.number = number_next(
            office=office, classification=template.classification_code, when=issued_at
        )
        document.save()
        payload = qr.qr_payload_make(document)
        pdf = render_letter(
            template=template,
            data=dict(data),
            office=office,
            number=document.number,
            issued_at=issued_at,
            signer=signer,
            qr_svg=qr.qr_svg(document, payload),
            public_code=document.public_code,
        )
        pdf = qr.embed_payload(pdf, payload)  # before signing, so the signature covers it
        signed = signing.sign_pdf(
            pdf=pdf,
            signer=signer,
            reason=f"{template.title} {document.number}",
            location=str(settings.REGENCY["capital"]),
            passphrase=passphrase,
        )
        document.file.save(f"{document.public_code}.pdf", ContentFile(signed), save=False)
        stored = document.file.name or ""
        try:
            document.sha256 = hashlib.sha256(signed).hexdigest()
            document.save(update_fields=["file", "sha256"])
            details: dict[str, Any] = {
                "number": document.number,
                "service": template.service.slug,
                "office": office.code,
                "sha256": document.sha256,
            }
            if replaces is not None:
                details["replaces"] = replaces.public_code
            action = "documents.replace" if replaces is not None else "documents.issue"
            audit_record(actor=signer, action=action, obj=document, details=details)
        except BaseException:
            document.file.storage.delete(stored)
            raise
    return document


def _reason(reason: str, empty: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DocumentError(empty)
    return reason[:REASON_MAX]


def _locked(document: Document) -> Document:
    return (
        Document.objects.select_for_update(of=("self",))
        .select_related("office", "service")
        .get(pk=document.pk)
    )


def document_replace(*, document: Document, actor: User, reason: str) -> Document:
    """Issue a new document in place of ``document`` (by its source); the old one points to it."""
    reason = _reason(reason, _("Tulis alasan dokumen ini diganti."))
    require(actor, "document.issue", document)
    with transaction.atomic():
        old = _locked(document)
        if old.state != Document.State.VALID:
            raise DocumentError(_("Hanya dokumen yang masih berlaku yang dapat diganti."))
        new = _source(old.kind).reissue(document=old, signer=actor)
        old.state = Document.State.REPLACED
        old.replaced_by = new
        old.revoked_reason = reason
        old.changed_at = timezone.now()
        old.save(update_fields=["state", "replaced_by", "revoked_reason", "changed_at"])
        audit_record(
            actor=actor,
            action="documents.replaced",
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
        _source(fresh.kind).revoked(document=fresh, actor=actor, reason=reason)
        audit_record(actor=actor, action="documents.revoke", obj=fresh, details={"number": fresh.number})
    _sync(document, fresh)
    return fresh


def _sync(stale: Document, fresh: Document) -> None:
    if stale is fresh:
        return
    for model_field in Document._meta.concrete_fields:
        setattr(stale, model_field.attname, getattr(fresh, model_field.attname))
