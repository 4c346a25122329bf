"""Dropping a PDF on the public pages: the exact file, a changed one, an unrelated one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from layanan.documents import qr
from layanan.documents.models import Document, Verification
from layanan.documents.tests.pdfs import tiny_pdf
from layanan.documents.tests.verify_builders import signed_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _signing_under_tmp(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path  # the development CA is made here, not in the checkout's var/
    settings.DOCUMENT_SIGNER_BACKEND = "local"


def _drop(client: Client, url: str, pdf: bytes, name: str = "surat.pdf") -> Any:
    return client.post(url, {"berkas": SimpleUploadedFile(name, pdf, content_type="application/pdf")})


def _tamper(pdf: bytes) -> bytes:
    """The same file with one letter of the page text changed (inside the signed bytes)."""
    assert pdf.count(b"Domisili") == 1
    return pdf.replace(b"Domisili", b"Domisilx")


def test_the_exact_file_is_the_same_as_issued_with_an_intact_signature(cast: Any, client: Client) -> None:
    document, pdf = signed_document(cast)
    response = _drop(client, reverse("documents:index"), pdf)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Berkas ini persis sama dengan yang diterbitkan, tanda tangan utuh" in body
    assert reverse("documents:check", kwargs={"code": document.public_code}) in body
    row = Verification.objects.get()
    assert (row.document, row.method, row.result) == (document, "pdf", Verification.Result.VALID)


def test_the_exact_file_on_its_own_page_is_confirmed(cast: Any, client: Client) -> None:
    document, pdf = signed_document(cast)
    response = _drop(client, reverse("documents:check", kwargs={"code": document.public_code}), pdf)
    assert response.status_code == 200
    assert "persis sama dengan yang diterbitkan" in response.content.decode()
    assert Verification.objects.get().result == Verification.Result.VALID


def test_the_exact_file_of_a_revoked_document_says_it_no_longer_holds(cast: Any, client: Client) -> None:
    document, pdf = signed_document(cast)
    Document.objects.filter(pk=document.pk).update(state=Document.State.REVOKED)
    response = _drop(client, reverse("documents:index"), pdf)
    body = response.content.decode()
    assert "sudah dicabut" in body
    assert Verification.objects.get().result == Verification.Result.REVOKED


def test_a_file_with_one_changed_byte_is_detected(cast: Any, client: Client) -> None:
    document, pdf = signed_document(cast)
    response = _drop(client, reverse("documents:index"), _tamper(pdf))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Berkas tidak sama dengan yang diterbitkan" in body
    assert "tanda tangan elektronik rusak" in body
    assert "persis sama" not in body
    row = Verification.objects.get()
    assert (row.document, row.result) == (document, Verification.Result.TAMPERED)


def test_a_changed_file_dropped_on_the_documents_page_is_detected(cast: Any, client: Client) -> None:
    document, pdf = signed_document(cast)
    response = _drop(client, reverse("documents:check", kwargs={"code": document.public_code}), _tamper(pdf))
    assert "Berkas tidak sama dengan yang diterbitkan" in response.content.decode()
    assert Verification.objects.get().result == Verification.Result.TAMPERED


def test_another_documents_file_on_this_page_is_not_this_document(cast: Any, client: Client) -> None:
    document, _pdf = signed_document(cast)
    _other, other_pdf = signed_document(cast, text="Surat Keterangan Domisili kedua")
    response = _drop(client, reverse("documents:check", kwargs={"code": document.public_code}), other_pdf)
    assert "Berkas tidak sama dengan yang diterbitkan" in response.content.decode()
    assert Verification.objects.get().document == document


def test_an_unrelated_pdf_is_not_a_document_of_this_platform(cast: Any, client: Client) -> None:
    signed_document(cast)
    response = _drop(client, reverse("documents:index"), tiny_pdf("Brosur wisata Lampung Utara"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Bukan dokumen dari platform ini" in body
    assert "diubah" not in body
    row = Verification.objects.get()
    assert (row.document, row.result) == (None, Verification.Result.UNKNOWN)


def test_a_pdf_with_a_forged_payload_is_not_a_document_of_this_platform(cast: Any, client: Client) -> None:
    document, _pdf = signed_document(cast)
    forged = qr.embed_payload(tiny_pdf(), qr.qr_payload_make(document)[:-4] + "AAAA")
    response = _drop(client, reverse("documents:index"), forged)
    assert "Bukan dokumen dari platform ini" in response.content.decode()
    assert Verification.objects.get().result == Verification.Result.UNKNOWN


def test_a_file_that_is_not_a_pdf_is_refused_without_a_check(client: Client, db: None) -> None:
    response = _drop(client, reverse("documents:index"), b"GIF89a not a pdf", name="foto.gif")
    assert response.status_code == 400
    assert "bukan PDF" in response.content.decode()
    assert not Verification.objects.exists()


def test_a_file_over_10_mb_is_refused(client: Client, db: None) -> None:
    big = b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024)
    response = _drop(client, reverse("documents:index"), big)
    assert response.status_code == 400
    assert "terlalu besar" in response.content.decode()
    assert not Verification.objects.exists()


def test_pdf_checks_count_towards_the_address_limit(cast: Any, client: Client, settings: Any) -> None:
    from layanan.documents import verification

    for _ in range(verification.VERIFY_PER_ADDRESS.attempts):
        verification.VERIFY_PER_ADDRESS.fail("127.0.0.1")
    response = _drop(client, reverse("documents:index"), tiny_pdf())
    assert response.status_code == 429
    assert not Verification.objects.exists()
