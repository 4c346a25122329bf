"""Builders for the verification tests: a Document row made directly, with a real or a stand-in PDF.

These do not go through ``document_issue`` (the rendering pipeline), so the
verification pages can be tested on their own. ``signed_document`` signs with
the real ``sign_pdf`` (local backend) after embedding the real QR payload,
in the order the issuing pipeline uses: render → embed payload → sign.
"""

from __future__ import annotations

import hashlib
import itertools
from datetime import datetime
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from layanan.catalogue.models import Service
from layanan.documents import qr
from layanan.documents.models import Document

_numbers = itertools.count(1)
STAND_IN_PDF = b"%PDF-1.7\n% stand-in for a signed letter\n%%EOF\n"


def letter_service(cast: Any) -> Service:
    service, _created = Service.objects.get_or_create(
        slug="surat-keterangan-verifikasi",
        defaults={
            "name": "Surat Keterangan Domisili",
            "summary": "Surat keterangan tempat tinggal.",
            "handler": Service.Handler.FIXED_OFFICE,
            "office": cast.world.disdukcapil,
            "sla_working_days": 3,
            "output": Service.Output.LETTER,
        },
    )
    return service


def document_row(
    cast: Any,
    *,
    pdf: bytes = STAND_IN_PDF,
    state: str = Document.State.VALID,
    issued_at: datetime | None = None,
    changed_at: datetime | None = None,
    revoked_reason: str = "",
) -> Document:
    """A Document for Siti, signed by Sekar at Disdukcapil, whose stored file is ``pdf``."""
    n = next(_numbers)
    service = letter_service(cast)
    now = timezone.now()
    document = Document(
        kind="verification-test",
        reference=f"P-VERIF-{n:05d}",
        owner=cast.siti,
        service=service,
        office=cast.world.disdukcapil,
        number=f"470/{n:03d}/DUKCAPIL/XI/2026",
        issued_at=issued_at or now,
        signer=cast.sekar,
        signer_name="Sekar Wulandari, S.Sos.",
        signer_position="Kepala Dinas Kependudukan dan Pencatatan Sipil",
        signer_nip="197001012000031001",
        holder_name_masked="S*** A*****",
        signature_backend="local",
        sha256=hashlib.sha256(pdf).hexdigest(),
        state=state,
        changed_at=changed_at,
        revoked_reason=revoked_reason,
    )
    document.file.save(f"{document.public_code}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


def signed_document(cast: Any, *, text: str = "Surat Keterangan Domisili") -> tuple[Document, bytes]:
    """A Document whose stored file is a real signed PDF carrying its QR payload."""
    from layanan.documents.signing import sign_pdf, signer_ensure_credential
    from layanan.documents.tests.pdfs import tiny_pdf

    document = document_row(cast)
    rendered = tiny_pdf(text)
    signer_ensure_credential(cast.sekar)
    signed = sign_pdf(
        pdf=qr.embed_payload(rendered, qr.qr_payload_make(document)),
        signer=cast.sekar,
        reason="Uji verifikasi",
        location="Kotabumi",
    )
    document.sha256 = hashlib.sha256(signed).hexdigest()
    document.file.save(f"{document.public_code}.pdf", ContentFile(signed), save=False)
    document.save(update_fields=["sha256", "file"])
    return document, signed
