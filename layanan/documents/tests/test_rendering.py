"""Rendering letters with typst: the letterhead, the number, data shown literally, template errors."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import typst
from django.core.management import call_command
from pyhanko.pdf_utils.reader import PdfFileReader

from layanan.accounts.models import User
from layanan.agencies.models import Office
from layanan.catalogue.models import Service
from layanan.documents.admin import preview_pdf, sample_data
from layanan.documents.management.commands.seed_letter_templates import parse_template
from layanan.documents.models import LetterTemplate
from layanan.documents.rendering import (
    TemplateProblem,
    date_indonesian,
    letter_inputs,
    letter_source,
    render_letter,
)

NUMBER = "470/007/DS-TJR/XI/2026"
ISSUED = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)  # 09.30 WIB
QR = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="2" height="2"/></svg>'
TEMPLATES = Path(__file__).resolve().parents[3] / "data" / "letter_templates"


def template(body: str = 'Nama: #field("nama").') -> LetterTemplate:
    return LetterTemplate(title="Surat Keterangan Domisili", classification_code="470", body=body)


def office() -> Office:
    return Office(name="Kantor Desa Tanjung Raja", address="Jl. Raya Tanjung Raja No. 1", phone="0724 1")


def signer() -> User:
    return User(full_name="Hendra Saputra", position="Kepala Desa Tanjung Raja", nip="198001012006041001")


def render(body: str = 'Nama: #field("nama").', data: dict[str, str] | None = None) -> bytes:
    return render_letter(
        template=template(body),
        data=data if data is not None else {"nama": "Siti Aminah"},
        office=office(),
        number=NUMBER,
        issued_at=ISSUED,
        signer=signer(),
        qr_svg=QR,
    )


def info(pdf: bytes) -> dict[str, str]:
    reader = PdfFileReader(io.BytesIO(pdf))
    return {str(key): str(value) for key, value in reader.trailer["/Info"].items()}


def test_it_renders_a_pdf_carrying_the_number() -> None:
    pdf = render()

    assert pdf.startswith(b"%PDF")
    assert info(pdf)["/Title"] == f"Surat Keterangan Domisili {NUMBER}"
    assert NUMBER in info(pdf)["/Keywords"]


def test_the_date_is_written_in_indonesian_in_wib() -> None:
    assert date_indonesian(ISSUED) == "28 November 2026"
    assert date_indonesian(datetime(2026, 12, 31, 18, 0, tzinfo=UTC)) == "1 Januari 2027"


def test_typst_markup_in_citizen_data_is_shown_literally_and_never_runs() -> None:
    hostile = 'Siti #panic("x") *tebal* ] $x$ #read("/etc/passwd")'
    body = '#box[#field("nama")] <probe>'
    inputs = letter_inputs(
        template=template(body),
        data={"nama": hostile},
        office=office(),
        number=NUMBER,
        issued_at=ISSUED,
        signer=signer(),
        qr_svg=QR,
    )

    pdf = render(body, {"nama": hostile})  # #panic would fail the compile if it ran
    found = json.loads(
        typst.query(
            letter_source(template(body)).encode(), "<probe>", sys_inputs=inputs, ignore_system_fonts=True
        )
    )

    assert pdf.startswith(b"%PDF")
    assert found[0]["body"] == {"func": "text", "text": hostile}


def test_a_template_that_does_not_compile_raises_template_problem_with_typsts_message() -> None:
    with pytest.raises(TemplateProblem) as problem:
        render("#let broken = (1, 2")

    assert "unclosed delimiter" in str(problem.value)


def test_a_template_asking_for_a_missing_answer_shows_a_dash_instead_of_failing() -> None:
    assert render('#field("tidak_ada")', {}).startswith(b"%PDF")


def test_every_seeded_template_compiles_with_sample_answers(world) -> None:
    call_command("seed_catalogue", stdout=io.StringIO())
    call_command("seed_letter_templates", stdout=io.StringIO())
    letters = Service.objects.filter(output=Service.Output.LETTER)

    templates = list(LetterTemplate.objects.select_related("service"))

    assert {t.service.slug for t in templates} == set(letters.values_list("slug", flat=True))
    for seeded in templates:
        assert preview_pdf(seeded).startswith(b"%PDF"), seeded.service.slug
        fields = set(seeded.service.fields.values_list("name", flat=True))
        assert fields <= set(sample_data(seeded.service))


def test_seeding_letter_templates_twice_keeps_an_administrators_edit(world) -> None:
    call_command("seed_catalogue", stdout=io.StringIO())
    call_command("seed_letter_templates", stdout=io.StringIO())
    edited = LetterTemplate.objects.get(service__slug="surat-keterangan-domisili")
    edited.body = "Diubah administrator."
    edited.save()
    count = LetterTemplate.objects.count()

    call_command("seed_letter_templates", stdout=io.StringIO())

    assert LetterTemplate.objects.count() == count
    assert LetterTemplate.objects.get(pk=edited.pk).body == "Diubah administrator."


def test_each_template_file_names_its_title_and_classification() -> None:
    for path in TEMPLATES.glob("*.typ"):
        header, body = parse_template(path.read_text(encoding="utf-8"))
        assert header["title"], path.name
        assert header["classification"].isdigit(), path.name
        assert not body.startswith("//"), path.name
