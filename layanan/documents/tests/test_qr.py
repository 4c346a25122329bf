"""The signed QR payload: made, checked offline, refused when forged; the QR SVG and the PDF key."""

from __future__ import annotations

import base64
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from layanan.documents import qr
from layanan.documents.tests.pdfs import tiny_pdf
from layanan.documents.tests.verify_builders import document_row

FIELDS = {
    "code": "K7QM2XPAHRXMNF4BRKPV",
    "number": "470/012/DUKCAPIL/XI/2026",
    "issued": "2026-11-28",
    "office": "disdukcapil",
    "service": "surat-keterangan-domisili",
    "holder": "S*** A*****",
}


def _parts(payload: str) -> tuple[str, bytes, str]:
    version, body, signature = payload.split(".")
    return version, base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), signature


def test_a_payload_round_trips_with_every_field() -> None:
    check = qr.qr_payload_check(qr.payload_sign(FIELDS))
    assert check.valid
    assert check.fields == FIELDS
    assert check.problem == ""


def test_a_whole_qr_link_is_checked_by_its_fragment() -> None:
    payload = qr.payload_sign(FIELDS)
    assert qr.qr_payload_check(f"https://layanan.example/v/{FIELDS['code']}/#{payload}").valid


def test_a_payload_with_a_changed_field_is_refused() -> None:
    version, body, signature = _parts(qr.payload_sign(FIELDS))
    forged = body.replace(b"470/012", b"470/013")
    forged_text = base64.urlsafe_b64encode(forged).rstrip(b"=").decode()
    check = qr.qr_payload_check(f"{version}.{forged_text}.{signature}")
    assert not check.valid
    assert check.fields["number"] == "470/013/DUKCAPIL/XI/2026"  # shown, but marked not valid
    assert "tidak cocok" in check.problem


def test_a_payload_signed_with_another_key_is_refused() -> None:
    other = Ed25519PrivateKey.generate()
    check = qr.qr_payload_check(qr.payload_sign(FIELDS, key=other))
    assert not check.valid
    assert check.problem


def test_a_payload_is_checked_with_a_given_public_key() -> None:
    other = Ed25519PrivateKey.generate()
    assert qr.qr_payload_check(qr.payload_sign(FIELDS, key=other), key=other.public_key()).valid


@pytest.mark.parametrize("cut", [1, 10, 60])
def test_a_truncated_payload_is_refused(cut: int) -> None:
    payload = qr.payload_sign(FIELDS)
    check = qr.qr_payload_check(payload[:-cut])
    assert not check.valid
    assert check.problem


@pytest.mark.parametrize("text", ["", "hello", "LL2.abc.def", "LL1.!!!.???", "LL1." + "A" * 3000 + ".x"])
def test_text_that_is_not_a_payload_is_refused(text: str) -> None:
    assert not qr.qr_payload_check(text).valid


def test_the_public_key_pem_checks_what_the_private_key_signs() -> None:
    key = qr.public_key_from_pem(qr.public_key_pem().encode())
    assert qr.qr_payload_check(qr.payload_sign(FIELDS), key=key).valid


def test_a_malformed_key_setting_is_a_configuration_error(settings) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.DOCUMENT_QR_KEY = base64.b64encode(os.urandom(16)).decode()
    with pytest.raises(ImproperlyConfigured):
        qr.payload_sign(FIELDS)


@pytest.mark.django_db
def test_a_documents_payload_covers_its_public_fields(cast) -> None:
    document = document_row(cast)
    check = qr.qr_payload_check(qr.qr_payload_make(document))
    assert check.valid
    assert check.fields["code"] == document.public_code
    assert check.fields["number"] == document.number
    assert check.fields["office"] == "disdukcapil"
    assert check.fields["holder"] == "S*** A*****"
    assert "Siti" not in qr.qr_payload_make(document)


@pytest.mark.django_db
def test_the_qr_svg_is_small_inline_markup_linking_to_the_public_page(cast, settings) -> None:
    settings.SITE_URL = "https://layanan.example"
    document = document_row(cast)
    svg = qr.qr_svg(document)
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert "<?xml" not in svg
    assert len(svg) < 12_000
    link = qr.qr_link(document)
    assert link.startswith(f"https://layanan.example/v/{document.public_code}/#LL1.")
    assert qr.qr_payload_check(link).valid


def test_the_payload_is_embedded_in_a_pdf_and_read_back() -> None:
    payload = qr.payload_sign(FIELDS)
    pdf = qr.embed_payload(tiny_pdf(), payload)
    assert pdf.startswith(b"%PDF-")
    assert qr.extract_payload(pdf) == payload
    assert qr.extract_payload(tiny_pdf()) is None
    assert qr.extract_payload(b"not a pdf at all") is None
