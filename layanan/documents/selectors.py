"""Reads of documents.

The public verification pages read a document by its public code or by the
SHA-256 of its file. Both are public lookups: anyone holding the paper (or the
file) may learn whether it is valid, so these selectors take no actor; what
they return is shown through :class:`PublicDocument`, which carries only the
fields printed on the letter itself (the holder's name masked).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from layanan.documents.models import CODE_ALPHABET, Document


def public_code_normalize(text: str) -> str:
    """A typed code in canonical form: capitals, without spaces or dashes ('' when it cannot be one)."""
    code = "".join(text.split()).replace("-", "").upper()
    if not 4 <= len(code) <= 24 or any(c not in CODE_ALPHABET for c in code):
        return ""
    return code


@dataclass(frozen=True)
class PublicDocument:
    """What the public page shows about a document: what is printed on it, and its state."""

    document: Document
    state: str
    service_name: str
    number: str
    issued_at: datetime
    office_name: str
    signer_name: str
    signer_position: str
    holder_name_masked: str
    changed_at: datetime | None


def _public(document: Document) -> PublicDocument:
    return PublicDocument(
        document=document,
        state=document.state,
        service_name=document.service.name,
        number=document.number,
        issued_at=document.issued_at,
        office_name=document.office.name,
        signer_name=document.signer_name,
        signer_position=document.signer_position,
        holder_name_masked=document.holder_name_masked,
        changed_at=document.changed_at,
    )


def document_public_by_code(*, code: str) -> PublicDocument | None:
    document = Document.objects.select_related("service", "office").filter(public_code=code).first()
    return _public(document) if document is not None else None


def document_public_by_sha256(*, sha256: str) -> PublicDocument | None:
    document = (
        Document.objects.select_related("service", "office")
        .filter(sha256=sha256)
        .order_by("-issued_at")
        .first()
    )
    return _public(document) if document is not None else None
