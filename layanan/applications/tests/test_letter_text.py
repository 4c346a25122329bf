"""A surat keterangan domisili as issued, read from the PDF: RT and RW, dates, signer, number, code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from layanan.applications.letters import letter_data
from layanan.applications.models import Application
from layanan.applications.tests import builders
from layanan.applications.tests.test_letters import awaiting_signature, kepala_desa, signed
from layanan.catalogue.models import FormField
from layanan.documents.management.commands.seed_letter_templates import parse_template
from layanan.documents.rendering import code_grouped
from layanan.documents.tests.pdf_text import pdf_text_flat
from layanan.documents.tests.render_builders import (  # noqa: F401  # signing_ca is a fixture
    letter_template,
    signing_ca,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_ca")]

DOMISILI = Path(django_settings.BASE_DIR) / "data" / "letter_templates" / "surat-keterangan-domisili.typ"
ANSWERS = {
    "nama": "Siti Aminah",
    "nik": "1803045203880001",
    "tempat_lahir": "Kotabumi",
    "tanggal_lahir": "1988-03-12",
    "pekerjaan": "Pedagang",
    "alamat": "Dusun II, Jl. Poros Desa",
    "rt": "2",
    "rw": "05",
    "tinggal_sejak": "2015-06-01",
    "keperluan": "Membuka rekening bank",
}


def domisili_service() -> Any:
    """The test village letter with the domisili form's fields and the seeded domisili template."""
    service = builders.village_letter(name="Surat keterangan domisili")
    for order, (name, kind) in enumerate(
        [
            ("nama", FormField.Kind.TEXT),
            ("nik", FormField.Kind.NIK),
            ("tempat_lahir", FormField.Kind.TEXT),
            ("pekerjaan", FormField.Kind.TEXT),
            ("alamat", FormField.Kind.TEXTAREA),
            ("rt", FormField.Kind.TEXT),
            ("rw", FormField.Kind.TEXT),
            ("tinggal_sejak", FormField.Kind.DATE),
            ("keperluan", FormField.Kind.TEXTAREA),
        ],
        start=10,
    ):
        FormField.objects.create(
            service=service, step=1, order=order, name=name, label=name, kind=kind, required=False
        )
    header, body = parse_template(DOMISILI.read_text(encoding="utf-8"))
    letter_template(service, body=body, title=header["title"], classification=header["classification"])
    return service


def answered(application: Application, answers: dict[str, str]) -> Application:
    application.answers = answers
    application.save(update_fields=["answers_sealed"])
    return application


def test_rt_and_rw_get_three_digits_and_both_are_kept(cast) -> None:
    application = answered(awaiting_signature(cast, service=domisili_service()), ANSWERS)

    data = letter_data(application)

    assert (data["rt"], data["rw"], data["rt_rw"], data["rt_rw_text"]) == (
        "002",
        "005",
        "002 / 005",
        "RT 002 / RW 005",
    )
    assert data["tanggal_lahir"] == "12 Maret 1988"
    assert data["tinggal_sejak"] == "1 Juni 2015"


def test_an_rt_without_an_rw_is_printed_alone(cast) -> None:
    application = answered(awaiting_signature(cast, service=domisili_service()), {**ANSWERS, "rw": ""})

    data = letter_data(application)

    assert (data["rt_rw"], data["rt_rw_text"]) == ("002 / -", "RT 002")


def test_the_issued_domisili_letter_reads_right(cast, settings, django_capture_on_commit_callbacks) -> None:
    settings.SITE_URL = "https://layanan.lampungutarakab.go.id"
    office = cast.world.desa_tanjung_raja
    office.letter_code = "TJR"
    office.address = "Jl. Poros Desa No. 1, Tanjung Raja, Lampung Utara 34557"
    office.save(update_fields=["letter_code", "address"])
    application = answered(awaiting_signature(cast, service=domisili_service()), ANSWERS)

    with django_capture_on_commit_callbacks(execute=True):
        application = signed(application, kepala_desa(cast))

    document = application.documents.get()
    text = pdf_text_flat(document.file.read())
    assert "Yang bertanda tangan di bawah ini, Kepala Desa Tanjung Raja, menerangkan bahwa:" in text
    assert "Kantor Desa Tanjung Raja" not in text
    assert "Tanggal lahir : 12 Maret 1988" in text
    assert "RT / RW : 002 / 005" in text
    assert "sejak 1 Juni 2015" in text
    assert "1988-03-12" not in text
    assert "2015-06-01" not in text
    assert document.number.startswith("470/001/TJR/")
    assert f"Nomor: {document.number}" in text
    assert "Jl. Poros Desa No. 1, Tanjung Raja, Lampung Utara 34557" in text
    assert str(settings.REGENCY["address"]) not in text
    assert f"Kode dokumen: {code_grouped(document.public_code)}" in text
    assert "layanan.lampungutarakab.go.id/v/" in text
