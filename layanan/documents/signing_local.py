"""The local signer backend: a platform certificate authority and one certificate per official.

This makes a *tidak tersertifikasi* electronic signature (PP 71/2019 Pasal 60(2)): the
platform itself vouches for the official. Keys are ECDSA P-256.

The CA: ``settings.DOCUMENT_CA_CERT_FILE`` and ``DOCUMENT_CA_KEY_FILE`` when both are set
(production: made once, kept offline-backed-up, mounted read-only on every host); otherwise a
development CA made on first use under ``VAR_DIR/signing/dev-ca/`` (key file mode 0600). Each
official's key and certificate live in :class:`~layanan.documents.models.SignerCredential`,
the private key sealed by ``EncryptedTextField``.

Long-term validity (PAdES B-LTA): every signature gets an RFC 3161 timestamp, the CA's
certificate revocation list is embedded in the PDF's document security store, and a document
timestamp seals that validation data. Without ``DOCUMENT_TSA_URL`` the timestamps come from the
platform's own timestamping authority: an RSA key and a certificate (extended key usage
``timeStamping``) issued by the CA, made on first use under ``VAR_DIR/signing/tsa-<CA id>/``
(key file mode 0600). The CRL is signed by the CA when needed and lists no certificate: the
platform revokes documents, not officials' certificates (a renewed certificate simply stops
being used).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from asn1crypto import cms as asn1_cms
from asn1crypto import core as asn1_core
from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.sign.general import as_signing_certificate, simple_cms_attribute
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from layanan.audit.services import audit_record
from layanan.documents.models import SignerCredential

if TYPE_CHECKING:
    from layanan.accounts.models import User

CA_YEARS = 10
SIGNER_DAYS = 730
RENEW_WITHIN_DAYS = 30
CRL_DAYS = 7  # how long an embedded CRL says it is current
CRL_REFRESH_SECONDS = 3600  # a process signs a fresh CRL at most this often


class _QuietEmbedding(logging.Filter):
    """pyHanko warns on every signature that embedding runs without fetching: that is by design here."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "fetching is not allowed" not in record.getMessage()


logging.getLogger("pyhanko.sign.signers.pdf_signer").addFilter(_QuietEmbedding())


@dataclass(frozen=True)
class KeyPair:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate


# --- Certificates ---------------------------------------------------------------------------


def _name(pairs: list[tuple[x509.ObjectIdentifier, str]]) -> x509.Name:
    return x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs if value])


def ca_make(*, common_name: str, organization: str) -> KeyPair:
    """A self-signed CA certificate that may only issue end-entity certificates."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(
        [
            (NameOID.COUNTRY_NAME, "ID"),
            (NameOID.ORGANIZATION_NAME, organization),
            (NameOID.COMMON_NAME, common_name),
        ]
    )
    now = timezone.now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * CA_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(key=key, cert=cert)


def signer_certificate_issue(
    *, ca: KeyPair, common_name: str, organization: str, serial_number: str = "", title: str = ""
) -> KeyPair:
    """A signing certificate (digitalSignature + nonRepudiation) for one person, issued by ``ca``."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = _name(
        [
            (NameOID.COUNTRY_NAME, "ID"),
            (NameOID.ORGANIZATION_NAME, organization),
            (NameOID.TITLE, title),
            (NameOID.COMMON_NAME, common_name),
            (NameOID.SERIAL_NUMBER, serial_number),
        ]
    )
    now = timezone.now()
    cert = _leaf(
        ca, subject, key, not_after=min(now + dt.timedelta(days=SIGNER_DAYS), ca.cert.not_valid_after_utc)
    )
    return KeyPair(key=key, cert=cert)


def _leaf(
    ca: KeyPair,
    subject: x509.Name,
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey,
    *,
    not_after: dt.datetime,
    time_stamping: bool = False,
) -> x509.Certificate:
    """A certificate the CA issues for signing (non-repudiation), or for time-stamping only."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(timezone.now() - dt.timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    if time_stamping:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return (
        builder.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
        .sign(ca.key, hashes.SHA256())
    )


def key_pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def cert_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _load_key(pem: bytes) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise ValueError("the signing key must be an ECDSA key")
    return key


def keypair_load(*, key_pem_text: str, cert_pem_text: str) -> KeyPair:
    return KeyPair(
        key=_load_key(key_pem_text.encode("ascii")),
        cert=x509.load_pem_x509_certificate(cert_pem_text.encode("ascii")),
    )


# --- The platform CA --------------------------------------------------------------------------


def _ca_paths() -> tuple[Path, Path, bool]:
    """(certificate file, key file, whether it may be generated here)."""
    cert_file = getattr(settings, "DOCUMENT_CA_CERT_FILE", "")
    key_file = getattr(settings, "DOCUMENT_CA_KEY_FILE", "")
    if cert_file and key_file:
        return Path(cert_file), Path(key_file), False
    folder = Path(settings.VAR_DIR) / "signing" / "dev-ca"
    return folder / "ca-cert.pem", folder / "ca-key.pem", True


def ca_certificate_path() -> Path | None:
    """Where the platform CA's certificate is, if it exists yet (for validation)."""
    cert_path, _key_path, _generated = _ca_paths()
    return cert_path if cert_path.exists() else None


def _ca_create(folder: Path) -> None:
    """Make the development CA in a temporary folder, then rename it into place.

    The rename is atomic, so two processes starting at once end with one CA: the loser's
    rename fails because the folder is already there, and it reads the winner's.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = folder.parent / f".tmp-{secrets.token_hex(8)}"
    scratch.mkdir(mode=0o700)
    ca = ca_make(
        common_name=f"{settings.REGENCY['platform_name']} CA Pengembangan",
        organization=settings.REGENCY["name"],
    )
    key_file = scratch / "ca-key.pem"
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key_pem(ca.key))
    (scratch / "ca-cert.pem").write_text(cert_pem(ca.cert), encoding="ascii")
    try:
        scratch.rename(folder)
    except OSError:
        key_file.unlink()
        (scratch / "ca-cert.pem").unlink()
        scratch.rmdir()


def ca_load() -> KeyPair:
    """The platform CA, made on first use when no CA files are configured."""
    cert_path, key_path, may_generate = _ca_paths()
    if may_generate and not cert_path.exists():
        _ca_create(cert_path.parent)
    return _ca_read(cert_path, key_path, cert_path.stat().st_mtime_ns, key_path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _ca_read(cert_path: Path, key_path: Path, cert_mtime: int, key_mtime: int) -> KeyPair:
    """Parsed once per process and file version (the modification times are part of the key)."""
    return KeyPair(
        key=_load_key(key_path.read_bytes()),
        cert=x509.load_pem_x509_certificate(cert_path.read_bytes()),
    )


# --- The platform's timestamping authority and revocation list ----------------------------


@dataclass(frozen=True)
class TsaPair:
    key: rsa.RSAPrivateKey  # RSA: pyHanko's built-in RFC 3161 responder signs with RSA only
    cert: x509.Certificate


def tsa_certificate_issue(*, ca: KeyPair, common_name: str, organization: str) -> TsaPair:
    """A timestamping certificate (critical extended key usage ``timeStamping``) issued by ``ca``.

    It lives as long as the CA: the timestamps it signs are what keep letters verifiable after
    the officials' certificates expire.
    """
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = _name(
        [
            (NameOID.COUNTRY_NAME, "ID"),
            (NameOID.ORGANIZATION_NAME, organization),
            (NameOID.COMMON_NAME, common_name),
        ]
    )
    cert = _leaf(ca, subject, key, not_after=ca.cert.not_valid_after_utc, time_stamping=True)
    return TsaPair(key=key, cert=cert)


def _ca_id(ca: KeyPair) -> str:
    return ca.cert.fingerprint(hashes.SHA256()).hex()[:16]


def tsa_folder(ca: KeyPair) -> Path:
    """Where the local TSA of this CA keeps its key and certificate (one TSA per CA)."""
    return Path(settings.VAR_DIR) / "signing" / f"tsa-{_ca_id(ca)}"


def _tsa_create(folder: Path, ca: KeyPair) -> None:
    """Made in a temporary folder and renamed into place, like the development CA."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = folder.parent / f".tmp-{secrets.token_hex(8)}"
    scratch.mkdir(mode=0o700)
    pair = tsa_certificate_issue(
        ca=ca,
        common_name=f"{settings.REGENCY['platform_name']} Cap Waktu",
        organization=settings.REGENCY["name"],
    )
    key_file = scratch / "tsa-key.pem"
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(
            pair.key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    (scratch / "tsa-cert.pem").write_text(cert_pem(pair.cert), encoding="ascii")
    try:
        scratch.rename(folder)
    except OSError:  # another process made it a moment ago
        key_file.unlink()
        (scratch / "tsa-cert.pem").unlink()
        scratch.rmdir()


def tsa_load(ca: KeyPair | None = None) -> TsaPair:
    """The local TSA of the platform CA, made on first use (also for a configured CA)."""
    ca = ca or ca_load()
    folder = tsa_folder(ca)
    if not (folder / "tsa-cert.pem").exists():
        _tsa_create(folder, ca)
    cert_path, key_path = folder / "tsa-cert.pem", folder / "tsa-key.pem"
    return _tsa_read(cert_path, key_path, cert_path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _tsa_read(cert_path: Path, key_path: Path, cert_mtime: int) -> TsaPair:
    key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the local timestamping key must be an RSA key")
    return TsaPair(key=key, cert=x509.load_pem_x509_certificate(cert_path.read_bytes()))


class _LocalTimeStamper(timestamps.DummyTimeStamper):
    """pyHanko's in-process RFC 3161 responder, signing with a key parsed once.

    The stock responder parses its RSA key (with the costly consistency check) on every
    stamp, which made signing ten times slower; this one keeps the parsed key.
    """

    def __init__(self, pair: TsaPair, ca_cert: x509.Certificate) -> None:
        super().__init__(
            tsa_cert=_asn1_cert(pair.cert),
            tsa_key=asn1_keys.PrivateKeyInfo.load(
                pair.key.private_bytes(
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            ),
            certs_to_embed=SimpleCertificateStore.from_certs([_asn1_cert(ca_cert)]),
        )
        self._key = pair.key

    def _sign_tst_info(
        self, tst_info_data: bytes, md_algorithm: str, dt: datetime
    ) -> tuple[bytes, asn1_cms.CMSAttributes]:
        digest = hashes.Hash(get_pyca_cryptography_hash(md_algorithm))
        digest.update(tst_info_data)
        signed_attrs = asn1_cms.CMSAttributes(
            [
                simple_cms_attribute("content_type", "tst_info"),
                simple_cms_attribute("signing_time", asn1_cms.Time({"utc_time": asn1_core.UTCTime(dt)})),
                simple_cms_attribute("signing_certificate", as_signing_certificate(self.tsa_cert)),
                simple_cms_attribute("message_digest", digest.finalize()),
            ]
        )
        signature = self._key.sign(
            signed_attrs.dump(), padding.PKCS1v15(), get_pyca_cryptography_hash(md_algorithm.upper())
        )
        return signature, signed_attrs


def tsa_timestamper(ca: KeyPair | None = None) -> timestamps.TimeStamper:
    """An RFC 3161 timestamper signing with the local TSA key, in process (no network)."""
    ca = ca or ca_load()
    return _timestamper_for(tsa_load(ca), ca.cert)


@functools.lru_cache(maxsize=4)
def _timestamper_for(pair: TsaPair, ca_cert: x509.Certificate) -> timestamps.TimeStamper:
    return _LocalTimeStamper(pair, ca_cert)


def ca_crl(ca: KeyPair | None = None) -> asn1_crl.CertificateList:
    """The CA's current certificate revocation list (empty; signed at most hourly per process)."""
    ca = ca or ca_load()
    bucket = int(timezone.now().timestamp()) // CRL_REFRESH_SECONDS
    return _crl_make(_ca_id(ca), bucket, ca)


@functools.lru_cache(maxsize=2)
def _crl_make(ca_id: str, bucket: int, ca: KeyPair) -> asn1_crl.CertificateList:
    now = timezone.now()
    crl = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca.cert.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + dt.timedelta(days=CRL_DAYS))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
        .sign(ca.key, hashes.SHA256())
    )
    return asn1_crl.CertificateList.load(crl.public_bytes(serialization.Encoding.DER))


# --- Officials' credentials -------------------------------------------------------------------


def _identity(user: User) -> dict[str, str]:
    return {
        "common_name": user.full_name,
        "organization": user.office.name if user.office_id and user.office else "",
        "serial_number": user.nip,
        "title": user.position,
    }


def _still_good(credential: SignerCredential, *, ca: KeyPair, wanted: dict[str, str]) -> bool:
    cert = x509.load_pem_x509_certificate(credential.certificate_pem.encode("ascii"))
    try:
        cert.verify_directly_issued_by(ca.cert)
    except (ValueError, TypeError, InvalidSignature):
        return False
    subject = {
        "common_name": _first(cert.subject, NameOID.COMMON_NAME),
        "organization": _first(cert.subject, NameOID.ORGANIZATION_NAME),
        "serial_number": _first(cert.subject, NameOID.SERIAL_NUMBER),
        "title": _first(cert.subject, NameOID.TITLE),
    }
    fresh = cert.not_valid_after_utc - timezone.now() > dt.timedelta(days=RENEW_WITHIN_DAYS)
    return subject == wanted and fresh


def _first(name: x509.Name, oid: x509.ObjectIdentifier) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def credential_ensure(user: User) -> SignerCredential:
    """The official's credential, (re)issued when missing, stale, renamed or from another CA."""
    ca = ca_load()
    wanted = _identity(user)
    current = SignerCredential.objects.filter(user=user).first()
    if current is not None and _still_good(current, ca=ca, wanted=wanted):
        return current  # the usual case: no lock, no write
    with transaction.atomic():
        credential = SignerCredential.objects.select_for_update().filter(user=user).first()
        if credential is not None and _still_good(credential, ca=ca, wanted=wanted):
            return credential
        pair = signer_certificate_issue(ca=ca, **wanted)
        if credential is None:
            try:
                with transaction.atomic():
                    credential = SignerCredential.objects.create(
                        user=user, private_key_pem=key_pem(pair.key), certificate_pem=cert_pem(pair.cert)
                    )
            except IntegrityError:  # made by a concurrent request a moment ago
                return SignerCredential.objects.get(user=user)
            action = "documents.credential_issue"
        else:
            credential.private_key_pem = key_pem(pair.key)
            credential.certificate_pem = cert_pem(pair.cert)
            credential.save(update_fields=["private_key_pem", "certificate_pem"])
            action = "documents.credential_renew"
        audit_record(
            actor=None,
            action=action,
            obj=credential,
            details={"user_id": user.pk, "serial": format(pair.cert.serial_number, "x")},
        )
        return credential


# --- Signing ----------------------------------------------------------------------------------


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def pdf_sign_with(
    *,
    pdf: bytes,
    pair: KeyPair,
    chain: list[x509.Certificate],
    reason: str,
    location: str,
    timestamper: timestamps.TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Sign with an invisible field, the signer's certificate and its chain embedded.

    PAdES B-B with neither ``timestamper`` nor ``validation_context``. With both: B-LTA (a
    signature timestamp, the chain and revocation data of the signer and of the TSA in the
    document security store, and a document timestamp over it all), which stays verifiable
    after the signer's certificate expires.

    Raises whatever pyHanko raises on an unreadable or encrypted PDF, an unreachable TSA or a
    chain it cannot validate; callers turn it into :class:`~layanan.documents.signing.SigningFailed`.
    """
    signer = signers.SimpleSigner(
        signing_cert=_asn1_cert(pair.cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            pair.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain]),
        embed_roots=True,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf), strict=False)
    long_term = timestamper is not None and validation_context is not None
    meta = signers.PdfSignatureMetadata(
        field_name=_free_field_name(writer),
        md_algorithm="sha256",
        reason=reason or None,
        location=location or None,
        subfilter=fields.SigSeedSubFilter.PADES,
        embed_validation_info=long_term,
        use_pades_lta=long_term,
        validation_context=validation_context if long_term else None,
    )
    out = signers.sign_pdf(writer, meta, signer=signer, timestamper=timestamper)
    return bytes(out.getvalue())


def _free_field_name(writer: IncrementalPdfFileWriter) -> str:
    taken = {name for name, _value, _ref in fields.enumerate_sig_fields(writer.prev)}
    number = 1
    while f"TandaTangan{number}" in taken:
        number += 1
    return f"TandaTangan{number}"


def pdf_sign(
    *,
    pdf: bytes,
    signer: User,
    reason: str,
    location: str,
    timestamper: timestamps.TimeStamper | None = None,
    validation_context: ValidationContext | None = None,
) -> bytes:
    """Sign as ``signer`` (PAdES B-LTA); the local TSA stamps unless ``timestamper`` is given.

    ``validation_context`` is the context the signer's and TSA's chains are checked in before
    their validation data are embedded; by default the platform CA, its CRL, no fetching.
    """
    credential = credential_ensure(signer)
    pair = keypair_load(key_pem_text=credential.private_key_pem, cert_pem_text=credential.certificate_pem)
    ca = ca_load()
    return pdf_sign_with(
        pdf=pdf,
        pair=pair,
        chain=[ca.cert],
        reason=reason,
        location=location,
        timestamper=timestamper or tsa_timestamper(ca),
        validation_context=validation_context or embedding_context(ca),
    )


def embedding_context(
    ca: KeyPair | None = None,
    *,
    extra_roots: list[asn1_x509.Certificate] | None = None,
    allow_fetching: bool = False,
) -> ValidationContext:
    """Where the chains are checked before their validation data are embedded in a signed PDF.

    Hard-fail on revocation for the platform's own certificates (the CA's CRL is supplied); a
    remote TSA's revocation data are fetched when ``allow_fetching`` (soft-fail: a TSA whose
    OCSP responder is briefly down does not stop the letter).
    """
    ca = ca or ca_load()
    return ValidationContext(
        trust_roots=[_asn1_cert(ca.cert), *(extra_roots or [])],
        crls=[ca_crl(ca)],
        allow_fetching=allow_fetching,
        revocation_mode="soft-fail" if allow_fetching else "hard-fail",
    )
