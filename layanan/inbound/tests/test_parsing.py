"""Reading commands and finding the desa: forgiving, never raising. No database."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from layanan.inbound.parsing import Intent, command_parse, find_tracking_number
from layanan.inbound.villages import Ambiguous, Found, VillageIndex, fold
from layanan.tracking.codes import compose

NUMBER = compose("P", "7K94M9XH3")  # a valid application number
REPORT_NUMBER = compose("A", "12345KMN0")


@pytest.mark.parametrize(
    "text",
    [
        f"CEK {NUMBER}",
        f"cek {NUMBER.lower()}",
        f"Cek: {NUMBER.replace('-', '')}",
        f"  cek   {NUMBER.replace('-', ' ')} . ",
        f"CEK{NUMBER.replace('-', '')}",
        f"status {NUMBER}",
        f"cek nomor saya {NUMBER} ya pak",
        NUMBER,
        f"CEK {NUMBER.replace('0', 'O')}",
    ],
)
def test_it_reads_cek_in_every_forgiving_spelling(text):
    command = command_parse(text)
    assert command.intent == Intent.CHECK
    assert command.tracking_number == NUMBER
    assert command.tracking_valid


def test_a_mistyped_number_is_read_but_marked_invalid():
    wrong = NUMBER[:-1] + ("0" if NUMBER[-1] != "0" else "1")
    command = command_parse(f"CEK {wrong}")
    assert command.intent == Intent.CHECK
    assert command.tracking_number == wrong
    assert not command.tracking_valid


def test_cek_without_a_number_gets_the_help():
    assert command_parse("CEK").intent == Intent.HELP
    assert command_parse("cek status dong").intent == Intent.HELP


@pytest.mark.parametrize(
    "text",
    ["ADUAN Kotabumi Udik jalan", "aduan: jalan rusak", "Lapor, lampu mati", "PENGADUAN x", "#lapor x"],
)
def test_it_reads_report_keywords(text):
    assert command_parse(text).intent == Intent.REPORT


def test_the_report_body_is_what_follows_the_keyword():
    assert command_parse("ADUAN:  Kotabumi Udik   jalan berlubang").body == "Kotabumi Udik jalan berlubang"


@pytest.mark.parametrize("text", ["", "   ", "halo", "123", "\x00\x01", "🙂🙂", "x" * 10000, "CEK" * 1000])
def test_anything_else_gets_the_help(text):
    assert command_parse(text).intent == Intent.HELP


def test_it_finds_a_report_number_in_the_middle_of_text():
    assert find_tracking_number(f"aduan nomor {REPORT_NUMBER} sudah lama") == (REPORT_NUMBER, True)


@dataclass(frozen=True)
class V:
    name: str
    district_name: str


UDIK = V("Kotabumi Udik", "Kotabumi")
ILIR = V("Kotabumi Ilir", "Kotabumi")
SUKAMAJU_BARAT = V("Sukamaju", "Abung Barat")
SUKAMAJU_TIMUR = V("Sukamaju", "Abung Timur")
TANJUNG_RAJA = V("Tanjung Raja", "Tanjung Raja")
INDEX = VillageIndex([UDIK, ILIR, SUKAMAJU_BARAT, SUKAMAJU_TIMUR, TANJUNG_RAJA])


def test_fold_ignores_case_spaces_accents_and_punctuation():
    assert fold("Kotabumi-Udik") == fold("kotabumi udik") == fold("KOTABUMI  ÚDIK") == "kotabumiudik"


@pytest.mark.parametrize(
    "body",
    [
        "Kotabumi Udik jalan berlubang di depan SD",
        "kotabumiudik jalan berlubang di depan SD",
        "desa Kotabumi Udik: jalan berlubang di depan SD",
        "Kotabumi Udk jalan berlubang di depan SD",  # one letter missing
    ],
)
def test_it_finds_the_desa_named_first_and_keeps_the_rest_as_the_report(body):
    found = INDEX.find(body)
    assert isinstance(found, Found)
    assert found.village == UDIK
    assert found.text == "jalan berlubang di depan SD"


def test_it_finds_the_desa_named_after_a_marker_and_keeps_the_whole_text():
    found = INDEX.find("jalan rusak parah di desa Tanjung Raja dekat pasar")
    assert isinstance(found, Found)
    assert found.village == TANJUNG_RAJA
    assert found.text == "jalan rusak parah di desa Tanjung Raja dekat pasar"


def test_a_shared_name_is_settled_by_the_kecamatan_written_after_it():
    found = INDEX.find("Sukamaju kec. Abung Timur sampah menumpuk di pasar")
    assert isinstance(found, Found)
    assert found.village == SUKAMAJU_TIMUR
    assert found.text == "sampah menumpuk di pasar"


def test_a_shared_name_without_its_kecamatan_is_ambiguous():
    found = INDEX.find("Sukamaju sampah menumpuk di pasar")
    assert isinstance(found, Ambiguous)
    assert set(found.candidates) == {SUKAMAJU_BARAT, SUKAMAJU_TIMUR}


@pytest.mark.parametrize("body", ["", "jalan berlubang di depan SD", "Kotabumi jalan rusak", "di di di"])
def test_no_desa_is_none(body):
    assert INDEX.find(body) is None
