"""History entries written in Indonesian read in English for an English reader; typed words stay."""

from __future__ import annotations

from django.template import Context, Template
from django.utils import translation

from layanan.core.content import sentence_in_reading_language


def test_a_sentence_of_the_platform_reads_in_english():
    with translation.override("en"):
        assert sentence_in_reading_language("Draf permohonan dibuat.") == "Draft application created."


def test_a_sentence_with_a_typed_reason_keeps_the_reason_as_typed():
    with translation.override("en"):
        text = sentence_in_reading_language("Laporan ditunda: menunggu anggaran tahun depan")
    assert text == "Report put on hold: menunggu anggaran tahun depan"


def test_joined_sentences_translate_the_known_ones_and_keep_the_rest():
    with translation.override("en"):
        text = sentence_in_reading_language("Permohonan perlu diperbaiki oleh pemohon. KTP-el: foto buram.")
    assert text == "The application needs fixing by the applicant. KTP-el: foto buram."


def test_an_indonesian_reader_and_an_unknown_sentence_get_the_text_as_written():
    with translation.override("id"):
        assert sentence_in_reading_language("Draf permohonan dibuat.") == "Draf permohonan dibuat."
    with translation.override("en"):
        assert (
            sentence_in_reading_language("Jalan di depan rumah saya rusak")
            == "Jalan di depan rumah saya rusak"
        )


def test_the_template_filter_escapes_what_it_returns():
    template = Template("{% load content %}{{ text|in_reading_language }}")
    with translation.override("en"):
        html = template.render(Context({"text": "Laporan ditunda: <b>besok</b>"}))
    assert html == "Report put on hold: &lt;b&gt;besok&lt;/b&gt;"
