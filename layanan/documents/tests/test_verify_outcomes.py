"""The document's page after a PDF is dropped on it: the result of the upload comes first, and the
green "valid" banner never stands over a file that failed. Three outcomes, with real PDFs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from layanan.documents import signing_local
from layanan.documents.models import Verification
from layanan.documents.tests.pdfs import tiny_pdf
from layanan.documents.tests.verify_builders import signed_document

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _signing_under_tmp(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.DOCUMENT_SIGNER_BACKEND = "local"
    settings.DOCUMENT_CA_CERT_FILE = settings.DOCUMENT_CA_KEY_FILE = ""
    settings.DOCUMENT_TRUST_ROOTS_FILE = ""
    settings.DOCUMENT_TSA_URL = ""


def _drop_on_page(client: Client, code: str, pdf: bytes) -> tuple[int, str]:
    url = reverse("documents:check", kwargs={"code": code})
    response = client.post(
        url, {"berkas": SimpleUploadedFile("surat.pdf", pdf, content_type="application/pdf")}
    )
    return response.status_code, response.content.decode()


def _main(body: str) -> str:
    return body.split('id="main"', 1)[1] if 'id="main"' in body else body


def _h1(body: str) -> str:
    (heading,) = re.findall(r"<h1[^>]*>(.*?)</h1>", body, flags=re.S)
    return heading.strip()


def _title(body: str) -> str:
    return re.search(r"<title>(.*?)</title>", body, flags=re.S).group(1).strip()  # type: ignore[union-attr]


def test_the_exact_file_is_confirmed_first_with_its_long_term_signature(cast: Any, client: Client) -> None:
    document, pdf = signed_document(cast)

    status, body = _drop_on_page(client, document.public_code, pdf)

    assert status == 200
    assert _h1(body) == "Berkas ini persis sama dengan yang diterbitkan, tanda tangan utuh"
    main = _main(body)
    assert main.index("hasil-berkas") < main.index("Dokumen sah dan berlaku")
    assert "PAdES B-LTA" in body
    assert "tetap dapat diperiksa setelah sertifikat penanda tangan habis masa berlakunya" in body
    row = Verification.objects.get()
    assert (row.document, row.method, row.result) == (document, "pdf", Verification.Result.VALID)


def test_a_changed_copy_of_our_letter_is_reported_first_and_the_green_banner_is_gone(
    cast: Any, client: Client
) -> None:
    document, pdf = signed_document(cast)
    tampered = pdf.replace(b"Domisili", b"Domisilx")

    status, body = _drop_on_page(client, document.public_code, tampered)

    assert status == 200
    assert _h1(body) == "Berkas tidak sama dengan yang diterbitkan"
    assert "Berkas tidak sama dengan yang diterbitkan" in _title(body)
    assert "diubah setelah ditandatangani" in body
    assert "Dokumen sah dan berlaku" not in body
    assert "notice--success" not in body
    main = _main(body)
    assert main.index("hasil-berkas") < main.index("Yang tercatat untuk kode ini")
    assert "bukan salinan aslinya" in body
    assert "PAdES" not in body  # no reassurance about a file that failed
    row = Verification.objects.get()
    assert (row.document, row.result) == (document, Verification.Result.TAMPERED)


def test_a_pdf_never_signed_by_us_is_not_a_document_of_this_platform(cast: Any, client: Client) -> None:
    document, _pdf = signed_document(cast)

    status, body = _drop_on_page(client, document.public_code, tiny_pdf("Surat Keterangan Domisili palsu"))

    assert status == 200
    assert _h1(body) == "Bukan dokumen dari platform ini"
    assert "diubah" not in body
    assert "Dokumen sah dan berlaku" not in body
    row = Verification.objects.get()
    assert (row.document, row.result) == (document, Verification.Result.UNKNOWN)


def test_a_pdf_signed_under_another_authority_is_not_a_document_of_this_platform(
    cast: Any, client: Client
) -> None:
    document, _pdf = signed_document(cast)
    stranger = signing_local.ca_make(common_name="CA Lain", organization="Bukan Pemkab")
    person = signing_local.signer_certificate_issue(
        ca=stranger, common_name="Sekar Kusuma", organization="Palsu"
    )
    foreign = signing_local.pdf_sign_with(
        pdf=tiny_pdf("Surat Keterangan Domisili"),
        pair=person,
        chain=[stranger.cert],
        reason="r",
        location="l",
    )

    status, body = _drop_on_page(client, document.public_code, foreign)

    assert status == 200
    assert _h1(body) == "Bukan dokumen dari platform ini"
    assert "diubah" not in body
    assert Verification.objects.get().result == Verification.Result.UNKNOWN


def test_without_an_upload_the_page_still_opens_with_the_documents_state(cast: Any, client: Client) -> None:
    document, _pdf = signed_document(cast)

    response = client.get(reverse("documents:check", kwargs={"code": document.public_code}))

    assert response.status_code == 200
    assert _h1(response.content.decode()) == "Dokumen sah dan berlaku"


def test_english_readers_get_the_outcome_in_english(cast: Any, client: Client, settings: Any) -> None:
    document, _pdf = signed_document(cast)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    status, body = _drop_on_page(client, document.public_code, tiny_pdf("Brosur"))

    assert status == 200
    assert _h1(body) == "Not a document of this platform"


def test_on_the_check_page_the_upload_result_is_the_heading(cast: Any, client: Client) -> None:
    _document, pdf = signed_document(cast)
    upload = SimpleUploadedFile(
        "surat.pdf", pdf.replace(b"Domisili", b"Domisilx"), content_type="application/pdf"
    )

    response = client.post(reverse("documents:index"), {"berkas": upload})

    assert response.status_code == 200
    body = response.content.decode()
    assert _h1(body) == "Berkas tidak sama dengan yang diterbitkan"
    assert _main(body).index("hasil-berkas") < _main(body).index("Dengan kode dokumen")
    assert Verification.objects.get().result == Verification.Result.TAMPERED
