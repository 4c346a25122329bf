"""validate_pdf: what it reports for intact, tampered, extended, foreign and unsigned PDFs."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from layanan.documents import signing_local
from layanan.documents.signing import sign_pdf, validate_pdf
from layanan.documents.tests.pdfs import tiny_pdf
from layanan.testing import Cast


@pytest.fixture(autouse=True)
def _own_ca(settings, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path
    settings.DOCUMENT_SIGNER_BACKEND = "local"
    settings.DOCUMENT_CA_CERT_FILE = settings.DOCUMENT_CA_KEY_FILE = ""
    settings.DOCUMENT_TRUST_ROOTS_FILE = ""


@pytest.fixture
def signed(cast: Cast) -> bytes:
    return sign_pdf(pdf=tiny_pdf("modal Rp 100.000"), signer=cast.sekar, reason="r", location="Kotabumi")


def _append_text(pdf: bytes, text: bytes) -> bytes:
    """An incremental update that draws more text on the first page, as a forger would."""
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    page_ref, _resources = writer.find_page_for_modification(0)
    page = page_ref.get_object()
    extra = writer.add_object(
        generic.StreamObject(stream_data=b"BT /F1 12 Tf 72 700 Td (" + text + b") Tj ET")
    )
    page["/Contents"] = generic.ArrayObject([page.raw_get("/Contents"), extra])
    writer.mark_update(page_ref)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_byte_changed_in_the_signed_range_is_detected(signed: bytes) -> None:
    tampered = signed.replace(b"Rp 100.000", b"Rp 900.000")
    assert tampered != signed

    report = validate_pdf(tampered)

    assert not report.intact
    assert not report.trusted
    assert "diubah" in report.problem


def test_content_appended_after_signing_is_detected(signed: bytes) -> None:
    extended = _append_text(signed, b"LUNAS")

    report = validate_pdf(extended)

    assert not report.intact
    assert report.signed_by == "Sekar Kusuma"
    assert "setelah ditandatangani" in report.problem


def test_an_unsigned_pdf_is_reported_as_unsigned() -> None:
    report = validate_pdf(tiny_pdf())

    assert (report.intact, report.trusted, report.signed_by, report.signed_at) == (False, False, "", None)
    assert "tidak memiliki tanda tangan" in report.problem


def test_bytes_that_are_not_a_pdf_are_reported_as_unreadable() -> None:
    report = validate_pdf(b"\x89PNG\r\n\x1a\n not a pdf")

    assert not report.intact
    assert "bukan PDF" in report.problem


def test_a_signature_from_an_unknown_ca_is_intact_but_not_trusted(cast: Cast) -> None:
    stranger_ca = signing_local.ca_make(common_name="CA Lain", organization="Bukan Pemkab")
    pair = signing_local.signer_certificate_issue(
        ca=stranger_ca, common_name="Sekar Kusuma", organization="?"
    )
    forged = signing_local.pdf_sign_with(
        pdf=tiny_pdf(), pair=pair, chain=[stranger_ca.cert], reason="", location=""
    )

    report = validate_pdf(forged)

    assert report.intact
    assert not report.trusted
    assert "tidak diterbitkan oleh otoritas" in report.problem


def test_an_extra_trust_root_file_is_honoured(settings, tmp_path: Path) -> None:
    other_ca = signing_local.ca_make(common_name="CA Mitra", organization="Mitra")
    pair = signing_local.signer_certificate_issue(
        ca=other_ca, common_name="Pejabat Mitra", organization="Mitra"
    )
    pdf = signing_local.pdf_sign_with(
        pdf=tiny_pdf(), pair=pair, chain=[other_ca.cert], reason="", location=""
    )
    (tmp_path / "roots.pem").write_text(signing_local.cert_pem(other_ca.cert))
    settings.DOCUMENT_TRUST_ROOTS_FILE = str(tmp_path / "roots.pem")

    report = validate_pdf(pdf)

    assert report.trusted
    assert report.signed_by == "Pejabat Mitra"
