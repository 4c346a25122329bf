"""Electronic signatures on issued documents (PAdES), and checking them.

Two backends, chosen by ``settings.DOCUMENT_SIGNER_BACKEND``:

``local``
    The platform's own CA signs a certificate for each official (see
    :mod:`layanan.documents.signing_local`). A non-certified TTE; fine for development,
    training and letters the regency accepts on its own authority.
``bsre``
    The official's certified BSrE certificate, through the instansi's esign-client
    (see :mod:`layanan.documents.signing_bsre`). The official's NIK is read from the
    user's sealed ``nik``; the passphrase is given by the caller at signing time and never
    stored.

Public interface (used by ``services.document_issue`` and the verification pages):
:func:`sign_pdf`, :func:`validate_pdf`, :func:`signer_ensure_credential`,
:class:`SignatureReport`, :class:`SigningFailed`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.errors import PathValidationError

from layanan.documents import signing_local
from layanan.documents.signing_bsre import BsreClient, BsreError

if TYPE_CHECKING:
    from layanan.accounts.models import User

logger = logging.getLogger(__name__)

# Changes after the signature that do not alter what the document says (validation data
# added for long-term validation).
_HARMLESS = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


class SigningFailed(Exception):
    """Signing did not happen; ``str(exc)`` is a plain Indonesian message for the official."""


@dataclass(frozen=True)
class SignatureReport:
    intact: bool
    signed_by: str
    signed_at: datetime | None
    trusted: bool
    problem: str

    @property
    def fine(self) -> bool:
        return self.intact and self.trusted and not self.problem


def _backend() -> str:
    return str(getattr(settings, "DOCUMENT_SIGNER_BACKEND", "local"))


# --- Signing ----------------------------------------------------------------------------------


def signer_ensure_credential(user: User) -> None:
    """Local backend: make the CA (first use) and the official's certificate. BSrE: nothing."""
    if _backend() == "local":
        signing_local.credential_ensure(user)


def sign_pdf(*, pdf: bytes, signer: User, reason: str, location: str, passphrase: str | None = None) -> bytes:
    """Sign ``pdf`` as ``signer`` (PAdES B-B, invisible signature) and return the signed PDF.

    ``passphrase`` is the official's BSrE passphrase, asked for at signing time; the local
    backend ignores it. Raises :class:`SigningFailed` with a message fit to show the official.
    """
    if not pdf.startswith(b"%PDF-"):
        raise SigningFailed(_("Berkas yang akan ditandatangani bukan PDF."))
    if _backend() == "bsre":
        return _sign_bsre(pdf=pdf, signer=signer, passphrase=passphrase)
    try:
        return signing_local.pdf_sign(pdf=pdf, signer=signer, reason=reason, location=location)
    except (PdfError, ValueError) as exc:
        logger.warning("local signing failed: %s", type(exc).__name__)
        raise SigningFailed(_("PDF tidak dapat ditandatangani: berkasnya rusak atau terkunci.")) from exc
    except OSError as exc:
        logger.error("local signing CA unavailable: %s", exc)
        raise SigningFailed(
            _("Sertifikat penandatangan platform tidak dapat dibaca. Hubungi administrator.")
        ) from exc


def _sign_bsre(*, pdf: bytes, signer: User, passphrase: str | None) -> bytes:
    if not passphrase:
        raise SigningFailed(_("Passphrase TTE BSrE wajib diisi untuk menandatangani."))
    if not signer.nik:
        raise SigningFailed(_("NIK pejabat penandatangan belum tercatat di akunnya. Hubungi administrator."))
    try:
        client = BsreClient(
            url=settings.BSRE_URL,
            user=settings.BSRE_USER,
            password=settings.BSRE_PASSWORD,
            timeout=float(settings.BSRE_TIMEOUT_SECONDS),
        )
        return client.sign(pdf=pdf, nik=signer.nik, passphrase=passphrase)
    except BsreError as exc:
        logger.warning("BSrE signing failed for user %s", signer.pk)
        raise SigningFailed(str(exc)) from exc


# --- Validation -------------------------------------------------------------------------------


def _trust_roots() -> list[asn1_x509.Certificate]:
    """The platform CA (if made yet) and every certificate in ``DOCUMENT_TRUST_ROOTS_FILE``."""
    from pyhanko.keys import load_certs_from_pemder

    files: list[Path] = []
    if _backend() == "local":
        signing_local.ca_load()  # a fresh checkout can check a PDF before anything was signed
    ca_path = signing_local.ca_certificate_path()
    if ca_path is not None:
        files.append(ca_path)
    extra = getattr(settings, "DOCUMENT_TRUST_ROOTS_FILE", "")
    if extra:
        files.append(Path(extra))
    return list(load_certs_from_pemder([str(f) for f in files])) if files else []


def _unsigned(problem: str) -> SignatureReport:
    return SignatureReport(intact=False, signed_by="", signed_at=None, trusted=False, problem=problem)


def _signed_at(status: PdfSignatureStatus) -> datetime | None:
    if status.timestamp_validity is not None:
        return status.timestamp_validity.timestamp
    return status.signer_reported_dt


def validate_pdf(pdf: bytes) -> SignatureReport:
    """Check every signature in ``pdf`` against the platform's trust roots.

    ``intact`` means each signature's hash matches and nothing that changes the document was
    added after the last one (an incremental update that alters pages is caught by pyHanko's
    difference analysis). ``problem`` is empty when the document is intact and trusted.
    """
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = reader.embedded_signatures
    except Exception:  # any parser failure means the same thing to the reader of the report
        return _unsigned(_("Berkas ini bukan PDF yang dapat dibaca."))
    if not embedded:
        return _unsigned(_("Dokumen ini tidak memiliki tanda tangan elektronik."))

    context = ValidationContext(trust_roots=_trust_roots(), allow_fetching=False, revocation_mode="soft-fail")
    statuses: list[PdfSignatureStatus] = []
    for signature in embedded:
        try:
            statuses.append(validate_pdf_signature(signature, signer_validation_context=context))
        except (PdfError, PathValidationError, ValueError, KeyError):
            return _unsigned(_("Tanda tangan pada dokumen ini rusak dan tidak dapat diperiksa."))

    last = statuses[-1]
    name = last.signing_cert.subject.native.get("common_name", "")
    signed_by = name if isinstance(name, str) else ", ".join(name)
    intact = all(s.intact and s.valid for s in statuses)
    unchanged_after = last.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        last.modification_level in _HARMLESS
    )
    trusted = all(s.trusted for s in statuses)
    if not intact:
        problem = _("Isi dokumen sudah diubah setelah ditandatangani: tanda tangannya tidak cocok lagi.")
    elif not unchanged_after:
        problem = _("Ada perubahan yang ditambahkan ke dokumen setelah ditandatangani.")
    elif not trusted:
        problem = _(
            "Tanda tangan utuh, tetapi sertifikat penandatangan tidak diterbitkan oleh otoritas yang "
            "dipercaya platform ini, atau sudah tidak berlaku."
        )
    else:
        problem = ""
    return SignatureReport(
        intact=intact and unchanged_after,
        signed_by=signed_by,
        signed_at=_signed_at(last),
        trusted=trusted,
        problem=problem,
    )
