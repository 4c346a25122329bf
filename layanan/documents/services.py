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

Replacing and revoking start here (the admin's two forms and the office's letter
pages), but a replacement needs fresh letter data and both are news for whoever
asked for the document.
So each ``kind`` of document has a :class:`DocumentSource`, registered by the app
that issues that kind (``document_source_register`` in its ``AppConfig.ready``):
it re-issues the letter and hears about a revocation. A kind without a source
is a broken deploy, and fails loudly.

:func:`document_preview` renders the letter a signer is about to sign exactly as
:func:`document_issue` would (same data, office, template and signer, the number
the office would give next), unsigned and stamped "PRATINJAU — BELUM
DITANDATANGANI" across every page; nothing is numbered or stored.
"""

from __future__ import annotations

import hashlib
import io
import logging
import tempfile
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import segno
import typst
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader

from layanan.accounts.models import User
from layanan.accounts.permissions import require
from layanan.agencies.letterhead import office_letter_code
from layanan.agencies.models import Office
from layanan.audit.services import audit_record
from layanan.calendars.selectors import WIB
from layanan.core.forms import REASON_MAX
from layanan.documents import qr, signing
from layanan.documents.models import Document, LetterTemplate, NumberSequence, OfficeNumbering
from layanan.documents.numbering import number_format, number_next
from layanan.documents.rendering import TemplateProblem, render_letter

__all__ = [
    "DocumentError",
    "DocumentSource",
    "TemplateProblem",
    "document_issue",
    "document_preview",
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

    def reissue(
        self, *, document: Document, signer: User, reason: str, passphrase: str | None = None
    ) -> Document:
        """Issue a new document in place of ``document`` (through :func:`document_issue`
        with ``replaces=document`` and ``passphrase``) and return it; ``reason`` is why."""
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


def document_replace(
    *, document: Document, actor: User, reason: str, passphrase: str | None = None
) -> Document:
    """Issue a new document in place of ``document`` (by its source); the old one points to it.

    ``actor`` signs the new one (the issuing office's official); ``passphrase`` is their BSrE
    passphrase when that backend signs. The caller checks the official's one-time code.
    """
    reason = _reason(reason, _("Tulis alasan dokumen ini diganti."))
    require(actor, "document.issue", document)
    with transaction.atomic():
        old = _locked(document)
        if old.state != Document.State.VALID:
            raise DocumentError(_("Hanya dokumen yang masih berlaku yang dapat diganti."))
        new = _source(old.kind).reissue(document=old, signer=actor, reason=reason, passphrase=passphrase)
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
        audit_record(
            actor=actor,
            action="documents.revoke",
            obj=fresh,
            details={"number": fresh.number},  # the reason stays on the document: no free text here
        )
    _sync(document, fresh)
    return fresh


def _sync(stale: Document, fresh: Document) -> None:
    if stale is fresh:
        return
    for model_field in Document._meta.concrete_fields:
        setattr(stale, model_field.attname, getattr(fresh, model_field.attname))


# --- the signer's preview ----------------------------------------------------------------------------

PREVIEW_MARK = "PRATINJAU — BELUM DITANDATANGANI"

# Each page of a rendered letter, drawn as it is, with a mark across it. The letter
# arrives as a file next to this source (typst reads a PDF as an image), the mark as text.
_STAMP = """\
#set document(title: sys.inputs.mark)
#set page(
  paper: "a4",
  margin: 0pt,
  foreground: place(center + horizon, rotate(-50deg, text(
    font: "Libertinus Serif", size: 40pt, weight: "bold", fill: rgb(190, 0, 0, 110), sys.inputs.mark,
  ))),
)
#for page in range(1, int(sys.inputs.pages) + 1) {
  if page > 1 { pagebreak() }
  image("letter.pdf", page: page, width: 100%, height: 100%)
}
"""


def _page_count(pdf: bytes) -> int:
    return int(PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Count"])


def pdf_stamp(pdf: bytes, mark: str) -> bytes:
    """``pdf`` (as typst renders it, unsigned) with ``mark`` large and red across each page.

    A new, unsigned PDF. typst reads PDFs up to version 1.7 only, so a signed letter (which the
    signer saved as a newer version) cannot be stamped here; raises ``typst.TypstError`` then.
    """
    with tempfile.TemporaryDirectory(prefix="stamp-") as folder:
        root = Path(folder)
        (root / "letter.pdf").write_bytes(pdf)
        (root / "stamp.typ").write_text(_STAMP, encoding="utf-8")
        stamped = typst.compile(
            str(root / "stamp.typ"),
            root=folder,
            sys_inputs={"mark": mark, "pages": str(_page_count(pdf))},
            ignore_system_fonts=True,
            font_paths=[],
        )
    if not isinstance(stamped, bytes):
        raise TemplateProblem("typst did not produce a PDF")
    return stamped


def _number_foreseen(*, office: Office, classification: str, when: datetime) -> str:
    """The number the office would give next (read only: nothing is taken)."""
    year = timezone.localtime(when, WIB).year
    numbering = OfficeNumbering.objects.filter(office=office).first()
    last = (
        NumberSequence.objects.filter(office=office, year=year).values_list("last_value", flat=True).first()
        or 0
    )
    return number_format(
        pattern=numbering.pattern if numbering else OfficeNumbering._meta.get_field("pattern").get_default(),
        classification=classification,
        seq=last + 1,
        office_code=office_letter_code(office),
        when=when,
    )


def _preview_qr() -> str:
    out = io.BytesIO()
    segno.make("PRATINJAU", error="m").save(
        out, kind="svg", xmldecl=False, svgns=True, scale=1, border=2, svgclass=None, lineclass=None
    )
    return out.getvalue().decode("ascii")


def document_preview(
    *, data: Mapping[str, str], office: Office, signer: User, template: LetterTemplate
) -> bytes:
    """The letter :func:`document_issue` would issue now, unsigned and marked as a preview.

    The caller decides who may see it (the office handling the letter). The number is the
    one the office would give next (another letter signed first takes it); the QR code
    says PRATINJAU. Raises :class:`TemplateProblem`.
    """
    now = timezone.now()
    pdf = render_letter(
        template=template,
        data=dict(data),
        office=office,
        number=_number_foreseen(office=office, classification=template.classification_code, when=now),
        issued_at=now,
        signer=signer,
        qr_svg=_preview_qr(),
    )
    try:
        return pdf_stamp(pdf, PREVIEW_MARK)
    except (typst.TypstError, RuntimeError, ValueError) as error:
        raise TemplateProblem(str(error)[:300] or "typst error") from error
