"""The signed text in each document's QR code, and the QR code itself.

Every issued document carries a QR code holding one link::

    https://<SITE_URL>/v/<public_code>/#LL1.<fields>.<signature>

* The path (``/v/<public_code>/``) opens the public verification page, which
  reads the document's current state (valid, replaced, revoked) from the
  database.
* The fragment (after ``#``) is the *payload*: the document's public fields
  signed with the platform's Ed25519 key (``settings.DOCUMENT_QR_KEY``).
  Browsers never send a fragment to the server, so scanning the code leaks
  nothing beyond the public code; an offline verifier (an app, or
  ``manage.py verify_document``) checks the payload with the public key
  published at ``/v/kunci-publik/`` without any network access.

Payload format (version 1)::

    LL1.<base64url(fields)>.<base64url(signature)>      (no padding)

``fields`` is UTF-8 text: the values of :data:`FIELD_NAMES`, in that order,
separated by the unit separator ``\\x1f``. ``signature`` is Ed25519 over
``b"LL1." + fields``. base64url keeps the link valid without escaping and
shorter than base32 in a byte-mode QR code (a typical letter gives a
version 11 to 13 code at error level M: fine at 3 cm on paper).

The payload proves that the platform issued a document with these fields; it
does not cover the PDF bytes (their hash is only known after signing). The PDF
itself is covered by its PAdES signature. The payload is also written into the
PDF's document information dictionary under ``/LayananQR`` by
:func:`embed_payload`, *before* signing, so the PDF signature covers it too and
a verifier can read it without decoding the QR image.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import segno
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from layanan.documents.models import Document

VERSION = "LL1"
SEPARATOR = "\x1f"
FIELD_NAMES = ("code", "number", "issued", "office", "service", "holder")
INFO_KEY = "/LayananQR"  # the PDF document-information key that holds the payload
MAX_PAYLOAD_CHARS = 2000  # anything longer is not ours; refuse before decoding


@dataclass(frozen=True)
class PayloadCheck:
    valid: bool
    fields: dict[str, str] = field(default_factory=dict)
    problem: str = ""


# --- keys -------------------------------------------------------------------------------------------


def _private_key() -> Ed25519PrivateKey:
    raw = settings.DOCUMENT_QR_KEY
    try:
        seed = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImproperlyConfigured("DOCUMENT_QR_KEY must be base64 of a 32-byte seed") from error
    if len(seed) != 32:
        raise ImproperlyConfigured("DOCUMENT_QR_KEY must be base64 of a 32-byte seed")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key() -> Ed25519PublicKey:
    """The platform's public QR key, derived from the configured private seed."""
    return _private_key().public_key()


def public_key_pem() -> str:
    """The public key as PEM (SubjectPublicKeyInfo), as published at ``/v/kunci-publik/``."""
    return (
        public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def public_key_from_pem(pem: bytes) -> Ed25519PublicKey:
    """Read a published public key; ``ValueError`` when it is not an Ed25519 public key."""
    loaded = serialization.load_pem_public_key(pem)
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return loaded


# --- payload ----------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text or any(
        c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in text
    ):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def document_fields(document: Document) -> dict[str, str]:
    """The public fields the payload covers, as text."""
    issued = timezone.localtime(document.issued_at).date()
    return {
        "code": document.public_code,
        "number": document.number,
        "issued": issued.isoformat(),
        "office": document.office.code,
        "service": document.service.slug,
        "holder": document.holder_name_masked,
    }


def payload_sign(fields: dict[str, str], *, key: Ed25519PrivateKey | None = None) -> str:
    """The payload for ``fields`` (every name of :data:`FIELD_NAMES`), signed with ``key``."""
    values = [fields[name] for name in FIELD_NAMES]
    if any(SEPARATOR in value for value in values):
        raise ValueError("a field contains the separator")
    body = SEPARATOR.join(values).encode("utf-8")
    signature = (key or _private_key()).sign(f"{VERSION}.".encode() + body)
    return f"{VERSION}.{_b64(body)}.{_b64(signature)}"


def qr_payload_make(document: Document) -> str:
    """The signed payload for ``document``."""
    return payload_sign(document_fields(document))


def qr_payload_check(text: str, *, key: Ed25519PublicKey | None = None) -> PayloadCheck:
    """Check a payload (or a whole QR link) offline with the platform's public key (or ``key``)."""
    text = text.strip()
    if "#" in text:
        text = text.rsplit("#", 1)[1]
    if len(text) > MAX_PAYLOAD_CHARS:
        return PayloadCheck(False, problem=_("Teks QR terlalu panjang: bukan dari platform ini."))
    parts = text.split(".")
    if len(parts) != 3 or parts[0] != VERSION:
        return PayloadCheck(False, problem=_("Teks QR tidak berformat LL1: bukan dari platform ini."))
    try:
        body = _unb64(parts[1])
        signature = _unb64(parts[2])
        values = body.decode("utf-8").split(SEPARATOR)
    except (ValueError, UnicodeDecodeError):
        return PayloadCheck(False, problem=_("Teks QR rusak atau terpotong."))
    if len(values) != len(FIELD_NAMES) or len(signature) != 64:
        return PayloadCheck(False, problem=_("Teks QR rusak atau terpotong."))
    fields = dict(zip(FIELD_NAMES, values, strict=True))
    try:
        (key or public_key()).verify(signature, f"{VERSION}.".encode() + body)
    except InvalidSignature:
        return PayloadCheck(
            False, fields, _("Tanda tangan teks QR tidak cocok: isinya diubah atau bukan dari platform ini.")
        )
    return PayloadCheck(True, fields)


# --- the QR code ------------------------------------------------------------------------------------


def qr_link(document: Document, payload: str | None = None) -> str:
    """The link in the QR code: the public verification page, with the payload as its fragment."""
    path = reverse("documents:check", kwargs={"code": document.public_code})
    return f"{settings.SITE_URL}{path}#{payload or qr_payload_make(document)}"


def qr_svg(document: Document, payload: str | None = None) -> str:
    """An SVG QR code (error level M, no XML declaration, 1 unit per module, 2-module border).

    The markup has the SVG namespace, so typst reads it as an image; scale it
    in the template (``image(bytes(svg), format: "svg", width: 2.5cm)``).
    """
    code = segno.make(qr_link(document, payload), error="m", micro=False)
    out = io.BytesIO()
    code.save(
        out, kind="svg", xmldecl=False, svgns=True, nl=False, scale=1, border=2, svgclass=None, lineclass=None
    )
    return out.getvalue().decode("ascii")


# --- the payload inside the PDF ---------------------------------------------------------------------


def embed_payload(pdf: bytes, payload: str) -> bytes:
    """Write ``payload`` into the PDF's document information under ``/LayananQR``.

    Call it on the rendered PDF *before* signing, so the signature covers it.
    Adds one incremental revision; the page content is untouched.
    """
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    if "/Info" in writer.trailer:
        info = writer.trailer["/Info"]
        info[generic.NameObject(INFO_KEY)] = generic.TextStringObject(payload)
        writer.update_container(info)
    else:
        writer.set_info(
            generic.DictionaryObject({generic.NameObject(INFO_KEY): generic.TextStringObject(payload)})
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def extract_payload(pdf: bytes) -> str | None:
    """The ``/LayananQR`` payload of a PDF, or ``None`` when it has none or cannot be read."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        if "/Info" not in reader.trailer:
            return None
        value = reader.trailer["/Info"].get(INFO_KEY)
    except Exception:  # any malformed upload simply has no payload
        return None
    return str(value) if value is not None else None
