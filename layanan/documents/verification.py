"""Checking a document someone holds: by its public code, or by the PDF file itself.

Each check writes one :class:`~layanan.documents.models.Verification` row: the
method, the result, the document when known, and a keyed hash of the caller's
address (16 hex characters of ``blind_index(address, purpose="verify-ip")``),
never the address itself. Checks are limited per address (:data:`VERIFY_PER_ADDRESS`).

A PDF is recognised in this order: the document the page is about (the
``/v/<code>/`` form), else the stored document whose file has the same SHA-256,
else the document named by the signed payload inside the PDF (``/LayananQR``,
see :mod:`layanan.documents.qr`). Only a file byte-for-byte equal to the stored
one, with an intact signature, is "the same as issued".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layanan.accounts.ratelimit import Limit
from layanan.core.crypto import blind_index
from layanan.documents import qr, selectors
from layanan.documents.models import Document, Verification
from layanan.documents.signing import Level, SignatureReport, validate_pdf

VERIFY_PER_ADDRESS = Limit("verify-address", attempts=60, window_seconds=10 * 60)
SOURCE_HASH_CHARS = 16


class Method:
    CODE = "code"
    PDF = "pdf"


def source_hash(address: str) -> str:
    """A keyed, truncated hash of the caller's address: counts repeat callers, identifies no one."""
    return blind_index(address or "-", purpose="verify-ip")[:SOURCE_HASH_CHARS]


def result_of(document: Document) -> str:
    return {
        Document.State.VALID: Verification.Result.VALID,
        Document.State.REPLACED: Verification.Result.REPLACED,
        Document.State.REVOKED: Verification.Result.REVOKED,
    }[Document.State(document.state)]


def verification_record(*, document: Document | None, method: str, result: str, address: str) -> Verification:
    """Log one check (no personal data: the address only as a keyed hash)."""
    return Verification.objects.create(
        document=document, method=method, result=result, source_hash=source_hash(address)
    )


@dataclass(frozen=True)
class PdfCheck:
    """The outcome of checking an uploaded PDF."""

    result: str  # a Verification.Result value
    found: selectors.PublicDocument | None  # the document it is (or claims to be), if any
    exact: bool  # byte-for-byte the stored file
    signature: SignatureReport | None
    problem: str  # for people, in Bahasa Indonesia; "" when the file is exactly as issued
    ours: bool = True  # carries the platform's QR payload or a signature under a trusted root

    @property
    def failed(self) -> bool:
        return self.result in (Verification.Result.UNKNOWN, Verification.Result.TAMPERED)

    @property
    def heading(self) -> str:
        """The one line a person reads first."""
        if not self.ours:
            return _("Bukan dokumen dari platform ini")
        if self.result == Verification.Result.UNKNOWN:
            return _("Berkas tidak dikenal")
        if self.result == Verification.Result.TAMPERED:
            return _("Berkas tidak sama dengan yang diterbitkan")
        return _("Berkas ini persis sama dengan yang diterbitkan, tanda tangan utuh")

    @property
    def level_words(self) -> str:
        """The signature's PAdES level, in plain words ("" when the file failed)."""
        report = self.signature
        if self.failed or report is None or not report.level:
            return ""
        when = (
            date_format(timezone.localtime(report.timestamped_at), "j F Y H:i")
            if report.timestamped_at
            else ""
        )
        if report.level in (Level.B_LT, Level.B_LTA):
            return _(
                "Tanda tangan jangka panjang (PAdES %(level)s): waktu penandatanganan dibuktikan oleh cap "
                "waktu (%(when)s), dan data untuk memeriksanya tersimpan di dalam berkas. Dokumen tetap "
                "dapat diperiksa setelah sertifikat penanda tangan habis masa berlakunya."
            ) % {"level": report.level, "when": when}
        if report.level == Level.B_T:
            return _(
                "Tanda tangan bercap waktu (PAdES B-T): waktu penandatanganan dibuktikan oleh cap waktu "
                "(%(when)s)."
            ) % {"when": when}
        return _(
            "Tanda tangan dasar (PAdES B-B) tanpa cap waktu: hanya dapat diperiksa selama sertifikat "
            "penanda tangan masih berlaku."
        )


def _signature(pdf: bytes) -> SignatureReport | None:
    try:
        return validate_pdf(pdf)
    except Exception:  # an unreadable upload is reported as such, never a 500
        return None


def _payload_valid(pdf: bytes) -> qr.PayloadCheck | None:
    payload = qr.extract_payload(pdf)
    check = qr.qr_payload_check(payload) if payload else None
    return check if check is not None and check.valid else None


NOT_OURS = gettext_lazy(
    "Berkas ini bukan dokumen dari platform ini: tidak ada tanda tangan elektronik atau kode QR "
    "platform ini di dalamnya."
)


def pdf_check(*, pdf: bytes, code: str = "") -> PdfCheck:
    """Compare an uploaded PDF with the stored document (the one named by ``code``, if given).

    A file is "ours" when it carries the platform's signed QR payload or a signature under a
    root the platform trusts. A file that is not ours is reported as such (UNKNOWN), never as
    "changed after signing"; that is kept for our files whose bytes no longer match.
    """
    sha256 = hashlib.sha256(pdf).hexdigest()
    expected = selectors.document_public_by_code(code=code) if code else None
    found = expected
    if found is None:
        found = selectors.document_public_by_sha256(sha256=sha256)
    payload = _payload_valid(pdf)
    if found is None and payload is not None:
        found = selectors.document_public_by_code(code=payload.fields["code"])
    if found is not None and sha256 == found.document.sha256:
        signature = _signature(pdf)
        if signature is None or not signature.intact:
            reason = signature.problem if signature is not None else ""
            return PdfCheck(
                Verification.Result.TAMPERED,
                found,
                exact=True,
                signature=signature,
                problem=_("Tanda tangan elektronik pada berkas ini tidak utuh.")
                + (f" {reason}" if reason else ""),
            )
        return PdfCheck(result_of(found.document), found, exact=True, signature=signature, problem="")

    signature = _signature(pdf)
    ours = payload is not None or (signature is not None and signature.ours)
    if not ours:
        return PdfCheck(
            Verification.Result.UNKNOWN,
            found,
            exact=False,
            signature=signature,
            problem=str(NOT_OURS),
            ours=False,
        )
    if found is None:
        return PdfCheck(
            Verification.Result.UNKNOWN,
            None,
            exact=False,
            signature=signature,
            problem=_(
                "Berkas ini tidak dikenal: tidak ada dokumen terbitan platform ini yang sama dengannya."
            ),
        )
    if signature is not None and not signature.intact:
        problem = _(
            "Berkas ini tidak sama dengan yang diterbitkan: isinya diubah setelah ditandatangani "
            "(tanda tangan elektronik rusak)."
        )
    else:
        problem = _(
            "Berkas ini tidak sama dengan yang diterbitkan untuk dokumen ini. Minta salinan asli kepada "
            "pemegang dokumen atau periksa dengan kode pada QR."
        )
    return PdfCheck(Verification.Result.TAMPERED, found, exact=False, signature=signature, problem=problem)
