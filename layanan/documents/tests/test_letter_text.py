"""What an issued letter says, read from the text of the PDF: letterhead, signer, dates, number, code."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

import pytest

from layanan.accounts.models import Role, User
from layanan.agencies.models import Office
from layanan.documents.models import LetterTemplate
from layanan.documents.rendering import code_grouped, date_indonesian, date_text_indonesian, render_letter
from layanan.documents.tests.pdf_text import pdf_text_flat
from layanan.documents.tests.render_builders import (  # noqa: F401  # signing_ca is a fixture
    issued_by,
    letter_template,
    signing_ca,
)
from layanan.documents.tests.verify_builders import letter_service
from layanan.testing import make_user

pytestmark = pytest.mark.django_db

ISSUED = datetime(2026, 12, 6, 2, 30, tzinfo=UTC)
QR = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="2" height="2"/></svg>'
_phones = itertools.count(1)


def signer_at(office: Office, position: str = "") -> User:
    return make_user(
        phone=f"08155{next(_phones):07d}",
        full_name="Hendra Saputra",
        role=Role.SIGNER,
        office=office,
        position=position,
    )


INTRO = 'Yang bertanda tangan di bawah ini, #letter.signer_title, menerangkan bahwa: #field("nama").'


def rendered(office: Office, *, position: str = "", code: str = "K7QM2XPA3B9Z4CDE5FGH") -> str:
    signer = signer_at(office, position)
    pdf = render_letter(
        template=LetterTemplate(title="Surat Keterangan Domisili", classification_code="470", body=INTRO),
        data={"nama": "Siti Aminah"},
        office=office,
        number="470/001/TJR/XII/2026",
        issued_at=ISSUED,
        signer=signer,
        qr_svg=QR,
        public_code=code,
    )
    return pdf_text_flat(pdf)


def tanjung_raja_letterhead(office: Office) -> Office:
    office.letterhead_lines = "PEMERINTAH KABUPATEN LAMPUNG UTARA\nKECAMATAN TANJUNG RAJA\nDESA TANJUNG RAJA"
    office.address = "Jl. Poros Desa No. 1, Tanjung Raja, Lampung Utara 34557"
    office.phone = "0812-7000-2009"
    office.email = "desa.tanjungraja@example.org"
    office.head_title = "Kepala Desa Tanjung Raja"
    office.letter_code = "TJR"
    office.save()
    return office


def test_a_village_letter_carries_the_village_letterhead_and_not_the_regencys_address(
    world, settings
) -> None:
    text = rendered(tanjung_raja_letterhead(world.desa_tanjung_raja))

    assert text.startswith(
        "PEMERINTAH KABUPATEN LAMPUNG UTARA KECAMATAN TANJUNG RAJA DESA TANJUNG RAJA "
        "Jl. Poros Desa No. 1, Tanjung Raja, Lampung Utara 34557 "
        "Telepon 0812-7000-2009 · Email desa.tanjungraja@example.org"
    )
    assert str(settings.REGENCY["address"]) not in text
    assert "Tanjung Raja, 6 Desember 2026" in text  # the place is the village, not the capital


def test_what_an_office_has_not_set_falls_back_to_defaults_never_the_regencys_street(world, settings) -> None:
    text = rendered(world.desa_tanjung_raja)

    assert text.startswith(
        "PEMERINTAH KABUPATEN LAMPUNG UTARA KECAMATAN TANJUNG RAJA DESA TANJUNG RAJA "
        "Desa Tanjung Raja, Kecamatan Tanjung Raja, Kabupaten Lampung Utara "
        f"Telepon {settings.REGENCY['phone']} · Email {settings.REGENCY['email']}"
    )
    assert str(settings.REGENCY["address"]) not in text


def test_an_agency_without_an_address_prints_the_regencys(world, settings) -> None:
    text = rendered(world.disdukcapil, position="Kepala Dinas Kependudukan dan Pencatatan Sipil")

    assert "PEMERINTAH KABUPATEN LAMPUNG UTARA DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL" in text
    assert str(settings.REGENCY["address"]) in text
    assert "Kotabumi, 6 Desember 2026" in text


@pytest.mark.parametrize("position", ["", "Kepala Desa", "Kepala Desa Tanjung Raja"])
def test_the_signer_is_named_by_the_heads_title_once(world, position) -> None:
    text = rendered(tanjung_raja_letterhead(world.desa_tanjung_raja), position=position)

    assert (
        "Yang bertanda tangan di bawah ini, Kepala Desa Tanjung Raja, menerangkan bahwa: Siti Aminah." in text
    )
    assert "Tanjung Raja, 6 Desember 2026 Kepala Desa Tanjung Raja " in text
    assert "Kantor Desa Tanjung Raja" not in text


def test_an_official_who_is_not_the_head_signs_with_their_own_position(world) -> None:
    text = rendered(tanjung_raja_letterhead(world.desa_tanjung_raja), position="Sekretaris Desa")

    assert "Yang bertanda tangan di bawah ini, Sekretaris Desa, menerangkan" in text


def test_the_verification_code_and_the_short_verify_address_are_printed_under_the_qr(world, settings) -> None:
    settings.SITE_URL = "https://layanan.lampungutarakab.go.id"

    text = rendered(world.desa_tanjung_raja, code="K7QM2XPA3B9Z4CDE5FGH")

    assert "Kode dokumen: K7QM 2XPA 3B9Z 4CDE 5FGH Hendra Saputra" in text  # under the QR, above the name
    assert "buka layanan.lampungutarakab.go.id/v/ dan ketik kode K7QM 2XPA 3B9Z 4CDE 5FGH" in text
    assert "https://" not in text


def test_dates_are_written_the_indonesian_way() -> None:
    assert date_indonesian(date(1988, 3, 12)) == "12 Maret 1988"
    assert date_text_indonesian("1988-03-12") == "12 Maret 1988"
    assert date_text_indonesian(" 2026-12-06 ") == "6 Desember 2026"
    assert date_text_indonesian("kemarin") == "kemarin"
    assert code_grouped("K7QM2XPA3B9Z4CDE5FGH") == "K7QM 2XPA 3B9Z 4CDE 5FGH"


@pytest.mark.usefixtures("signing_ca")
def test_an_issued_letter_prints_its_own_public_code_and_the_offices_letter_code(cast) -> None:
    office = tanjung_raja_letterhead(cast.world.desa_tanjung_raja)
    signer = signer_at(office)
    service = letter_service(cast)
    service.office = office
    service.save(update_fields=["office"])
    template = letter_template(service, body=INTRO)

    document = issued_by(signer, office=office, template=template, owner=cast.siti)

    text = pdf_text_flat(document.file.read())
    assert document.number.startswith("470/001/TJR/")
    assert f"Nomor: {document.number}" in text
    assert f"Kode dokumen: {code_grouped(document.public_code)}" in text
