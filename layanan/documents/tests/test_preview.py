"""The signer's preview: the letter as it would be issued, unsigned and marked, nothing numbered or stored."""

from __future__ import annotations

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from layanan.documents.models import Document, NumberSequence
from layanan.documents.rendering import TemplateProblem
from layanan.documents.services import PREVIEW_MARK, document_preview, pdf_stamp
from layanan.documents.tests.render_builders import (  # noqa: F401  # a fixture
    DATA,
    issued,
    letter_of,
    signing_ca,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("signing_ca")]


def info(pdf: bytes) -> tuple[str, int, int]:
    reader = PdfFileReader(io.BytesIO(pdf))
    title = str(reader.trailer_view["/Info"]["/Title"])
    return title, int(reader.root["/Pages"]["/Count"]), len(reader.embedded_signatures)


def test_the_preview_is_the_unsigned_letter_marked_as_a_preview_and_takes_no_number(cast) -> None:
    issued(cast)  # number 001 is taken
    before = list(NumberSequence.objects.values_list("last_value", flat=True))

    pdf = document_preview(
        data=DATA, office=cast.world.disdukcapil, signer=cast.sekar, template=letter_of(cast)
    )

    assert pdf.startswith(b"%PDF")
    assert info(pdf) == (PREVIEW_MARK, 1, 0)
    assert list(NumberSequence.objects.values_list("last_value", flat=True)) == before
    assert Document.objects.count() == 1


def test_the_mark_is_on_every_page_of_a_long_letter(cast) -> None:
    long_template = letter_of(cast)
    long_template.body = "#lorem(1500)"
    long_template.save()

    pdf = document_preview(
        data=DATA, office=cast.world.disdukcapil, signer=cast.sekar, template=long_template
    )
    again = pdf_stamp(pdf, "DICOBA")

    title, pages, signatures = info(pdf)
    assert (title, signatures) == (PREVIEW_MARK, 0)
    assert pages >= 2
    assert info(again) == ("DICOBA", pages, 0)


def test_a_template_that_does_not_compile_is_a_template_problem(cast) -> None:
    broken = letter_of(cast)
    broken.body = "#let broken = ("
    broken.save()

    with pytest.raises(TemplateProblem):
        document_preview(data=DATA, office=cast.world.disdukcapil, signer=cast.sekar, template=broken)

    assert not NumberSequence.objects.filter(last_value__gt=0).exists()
