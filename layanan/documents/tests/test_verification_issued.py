"""A letter issued through the real pipeline (render → QR → embed → sign) verifies end to end."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from layanan.documents import qr
from layanan.documents.models import Verification
from layanan.documents.tests.render_builders import issued, signing_ca

__all__ = ["signing_ca"]  # the fixture, imported for use below

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_ca")]


def test_an_issued_letter_carries_a_valid_payload_and_passes_every_check(
    cast: Any, client: Client, tmp_path: Path
) -> None:
    document = issued(cast)
    pdf = document.file.read()

    payload = qr.extract_payload(pdf)
    assert payload is not None
    check = qr.qr_payload_check(payload)
    assert check.valid
    assert check.fields["code"] == document.public_code
    assert check.fields["number"] == document.number

    response = client.post(
        reverse("documents:check", kwargs={"code": document.public_code}),
        {"berkas": SimpleUploadedFile("surat.pdf", pdf, content_type="application/pdf")},
    )
    assert response.status_code == 200
    assert "Berkas ini persis sama dengan yang diterbitkan, tanda tangan utuh" in response.content.decode()
    assert Verification.objects.get().result == Verification.Result.VALID

    path = tmp_path / "surat.pdf"
    path.write_bytes(pdf)
    out = io.StringIO()
    call_command("verify_document", str(path), stdout=out)
    assert "RESULT: VERIFIED" in out.getvalue()
