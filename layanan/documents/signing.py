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

Long-term validity: the local backend signs PAdES B-LTA (see :mod:`~layanan.documents.signing_local`).
The timestamps come from the platform's own timestamping authority, or from the regency's TSA when
``DOCUMENT_TSA_URL`` is set (RFC 3161 over HTTP, optional basic auth). A TSA that cannot be reached
stops the signing with a plain message: no letter is issued without its timestamp.

:func:`validate_pdf` reports the level found (``B-B``, ``B-T``, ``B-LT``, ``B-LTA``) and the time
the TSA vouched for. ``moment`` checks the file as it would be checked then: a B-LT/B-LTA letter
stays valid after its signer's certificate expired, on the strength of its timestamps and the
validation data inside it (ETSI EN 319 102-1 long-term validation, by pyHanko's AdES module).

Public interface (used by ``services.document_issue`` and the verification pages):
:func:`sign_pdf`, :func:`validate_pdf`, :func:`signer_ensure_credential`,
:class:`SignatureReport`, :class:`SigningFailed`, :class:`Level`.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper, TimestampRequestError
from pyhanko.sign.validation import ades, validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy
from pyhanko_certvalidator.registry import SimpleTrustManager

from layanan.documents import signing_local
from layanan.documents.signing_bsre import BsreClient, BsreError

if TYPE_CHECKING:
    from layanan.accounts.models import User

logger = logging.getLogger(__name__)

# Changes after the signature that do not alter what the document says (validation data
# and document timestamps added for long-term validation).
_HARMLESS = (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)


class Level:
    """PAdES baseline levels, lowest first (ETSI EN 319 142-1)."""

    B_B = "B-B"  # signed; valid only while the signer's certificate is
    B_T = "B-T"  # plus an RFC 3161 timestamp: the signing time is proven
    B_LT = "B-LT"  # plus the certificates and revocation data inside the file
    B_LTA = "B-LTA"  # plus a document timestamp sealing those data


class SigningFailed(Exception):
    """Signing did not happen; ``str(exc)`` is a plain Indonesian message for the official."""


@dataclass(frozen=True)
class SignatureReport:
    intact: bool
    signed_by: str
    signed_at: datetime | None
    trusted: bool
    problem: str
    level: str = ""  # a Level value; "" when there is no readable signature
    timestamped_at: datetime | None = None  # the time the TSA vouched for, if any
    ours: bool = False  # the signer's certificate was issued under a root this platform trusts
    long_term: bool = False  # trusted only thanks to the timestamps and the data in the file

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


def _remote_timestamper() -> TimeStamper | None:
    """The regency's TSA when ``DOCUMENT_TSA_URL`` is set; ``None`` for the platform's own."""
    url = str(getattr(settings, "DOCUMENT_TSA_URL", ""))
    if not url:
        return None
    user = str(getattr(settings, "DOCUMENT_TSA_USER", ""))
    headers = {}
    if user:  # HTTP Basic, sent as a header (aiohttp's ``auth=`` is deprecated)
        password = str(getattr(settings, "DOCUMENT_TSA_PASSWORD", ""))
        headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    timeout = int(getattr(settings, "DOCUMENT_TSA_TIMEOUT_SECONDS", 10))
    return HTTPTimeStamper(url, timeout=timeout, headers=headers)


def sign_pdf(*, pdf: bytes, signer: User, reason: str, location: str, passphrase: str | None = None) -> bytes:
    """Sign ``pdf`` as ``signer`` (invisible signature) and return the signed PDF.

    Local backend: PAdES B-LTA, timestamped by the configured TSA. ``passphrase`` is the
    official's BSrE passphrase, asked for at signing time; the local backend ignores it.
    Raises :class:`SigningFailed` with a message fit to show the official.
    """
    if not pdf.startswith(b"%PDF-"):
        raise SigningFailed(_("Berkas yang akan ditandatangani bukan PDF."))
    if _backend() == "bsre":
        return _sign_bsre(pdf=pdf, signer=signer, passphrase=passphrase)
    try:
        remote = _remote_timestamper()
        context = None
        if remote is not None:
            context = signing_local.embedding_context(extra_roots=_extra_roots(), allow_fetching=True)
        return signing_local.pdf_sign(
            pdf=pdf,
            signer=signer,
            reason=reason,
            location=location,
            timestamper=remote,
            validation_context=context,
        )
    except (TimestampRequestError, TimeoutError) as exc:
        logger.error("timestamping authority unavailable: %s", type(exc).__name__)
        raise SigningFailed(
            _(
                "Layanan cap waktu (TSA) tidak dapat dihubungi, jadi dokumen belum ditandatangani dan "
                "belum diterbitkan. Coba lagi beberapa menit lagi; bila tetap gagal, hubungi administrator."
            )
        ) from exc
    except (PathValidationError, PathBuildingError, SigningError) as exc:
        logger.error("signing chain could not be validated for embedding: %s", exc)
        raise SigningFailed(
            _(
                "Sertifikat penanda tangan atau layanan cap waktu tidak dapat diperiksa, jadi dokumen belum "
                "ditandatangani. Hubungi administrator."
            )
        ) from exc
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


def _extra_roots() -> list[asn1_x509.Certificate]:
    """Every certificate in ``DOCUMENT_TRUST_ROOTS_FILE`` (BSrE's roots, the regency TSA's root)."""
    from pyhanko.keys import load_certs_from_pemder

    extra = getattr(settings, "DOCUMENT_TRUST_ROOTS_FILE", "")
    return list(load_certs_from_pemder([str(extra)])) if extra else []


def _trust_roots() -> list[asn1_x509.Certificate]:
    """The platform CA (if made yet) and every certificate in ``DOCUMENT_TRUST_ROOTS_FILE``."""
    from pyhanko.keys import load_certs_from_pemder

    files: list[Path] = []
    if _backend() == "local":
        signing_local.ca_load()  # a fresh checkout can check a PDF before anything was signed
    ca_path = signing_local.ca_certificate_path()
    if ca_path is not None:
        files.append(ca_path)
    roots = list(load_certs_from_pemder([str(f) for f in files])) if files else []
    return roots + _extra_roots()


def _unsigned(problem: str) -> SignatureReport:
    return SignatureReport(intact=False, signed_by="", signed_at=None, trusted=False, problem=problem)


def _signed_at(status: PdfSignatureStatus) -> datetime | None:
    if status.timestamp_validity is not None:
        return status.timestamp_validity.timestamp
    return status.signer_reported_dt


def _crypto(cert: asn1_x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.dump())


def _issued_under(
    cert: asn1_x509.Certificate, *, others: list[asn1_x509.Certificate], roots: list[asn1_x509.Certificate]
) -> bool:
    """Whether ``cert`` chains (through ``others``) to one of ``roots``, whatever the dates.

    Answers "is this signature one of ours?" even for a file whose content no longer matches
    its signature, when the full validation gives up early.
    """
    trusted = [_crypto(r) for r in roots]
    pool = [_crypto(c) for c in others]
    current = _crypto(cert)
    for _depth in range(5):
        for root in trusted:
            if current == root:
                return True
            try:
                current.verify_directly_issued_by(root)
            except (ValueError, TypeError, InvalidSignature):
                continue
            return True
        parents = [c for c in pool if c.subject == current.issuer and c != current]
        for parent in parents:
            try:
                current.verify_directly_issued_by(parent)
            except (ValueError, TypeError, InvalidSignature):
                continue
            current = parent
            break
        else:
            return False
    return False


def _level(reader: PdfFileReader, signature: EmbeddedPdfSignature, status: PdfSignatureStatus) -> str:
    if status.timestamp_validity is None:
        return Level.B_B
    dss = reader.root.get("/DSS")
    dss = dss.get_object() if dss is not None else {}
    has_revinfo = any(len(dss[key].get_object()) for key in ("/CRLs", "/OCSPs") if key in dss)
    if not has_revinfo:
        return Level.B_T
    sealed = any(
        other.sig_object_type == "/DocTimeStamp" and other.signed_revision > signature.signed_revision
        for other in reader.embedded_signatures
    )
    return Level.B_LTA if sealed else Level.B_LT


def _long_term_valid(
    signature: EmbeddedPdfSignature, *, roots: list[asn1_x509.Certificate], moment: datetime
) -> bool:
    """ETSI EN 319 102-1 long-term validation at ``moment``, from the data inside the file only."""
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=roots),
        revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy.from_legacy("hard-fail")),
    )
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=policy,
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    timing = ValidationTimingInfo(
        validation_time=moment, best_signature_time=moment, point_in_time_validation=True
    )
    try:
        result = asyncio.run(ades.ades_lta_validation(signature, spec, timing_info=timing))
    except Exception:  # a malformed file is simply not long-term valid
        logger.info("long-term validation could not run", exc_info=True)
        return False
    return result.ades_subindic == AdESPassed.OK


def validate_pdf(pdf: bytes, *, moment: datetime | None = None) -> SignatureReport:
    """Check every signature in ``pdf`` against the platform's trust roots, as at ``moment`` (now).

    ``intact`` means each signature's hash matches and nothing that changes the document was
    added after the last one (an incremental update that alters pages is caught by pyHanko's
    difference analysis; validation data and document timestamps are harmless). ``trusted``
    means the chain holds at ``moment``, or, after the signer's certificate expired, held when
    the TSA stamped the signature as proven by the data inside the file (``long_term``).
    ``problem`` is empty when the document is intact and trusted.
    """
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=False)
        embedded = [e for e in reader.embedded_signatures if e.sig_object_type == "/Sig"]
    except Exception:  # any parser failure means the same thing to the reader of the report
        return _unsigned(_("Berkas ini bukan PDF yang dapat dibaca."))
    if not embedded:
        return _unsigned(_("Dokumen ini tidak memiliki tanda tangan elektronik."))

    roots = _trust_roots()
    context = ValidationContext(
        trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail", moment=moment
    )
    statuses: list[PdfSignatureStatus] = []
    for signature in embedded:
        try:
            statuses.append(validate_pdf_signature(signature, signer_validation_context=context))
        except (PdfError, PathValidationError, ValueError, KeyError):
            return _unsigned(_("Tanda tangan pada dokumen ini rusak dan tidak dapat diperiksa."))

    last, last_embedded = statuses[-1], embedded[-1]
    name = last.signing_cert.subject.native.get("common_name", "")
    signed_by = name if isinstance(name, str) else ", ".join(name)
    intact = all(s.intact and s.valid for s in statuses)
    unchanged_after = last.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        last.modification_level in _HARMLESS
    )
    level = _level(reader, last_embedded, last)
    trusted = all(s.trusted for s in statuses)
    long_term = False
    if (
        intact
        and not trusted
        and all(_level(reader, e, s) == Level.B_LTA for e, s in zip(embedded, statuses, strict=True))
    ):
        long_term = all(_long_term_valid(e, roots=roots, moment=moment or timezone.now()) for e in embedded)
        trusted = long_term
    others = list(last_embedded.signed_data["certificates"])
    ours = _issued_under(
        last.signing_cert, others=[c.chosen for c in others if c.name == "certificate"], roots=roots
    )
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
        level=level,
        timestamped_at=last.timestamp_validity.timestamp if last.timestamp_validity else None,
        ours=ours,
        long_term=long_term,
    )
