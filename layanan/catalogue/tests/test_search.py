"""Searching the catalogue by the words people use, not only the official names."""

from __future__ import annotations

import pytest

from layanan.catalogue.models import Service
from layanan.catalogue.seed import catalogue_file_default, catalogue_file_read
from layanan.catalogue.selectors import normalise, query_words, service_get, service_list
from layanan.catalogue.services import catalogue_seed


@pytest.fixture
def catalogue(world):
    catalogue_seed(entries=catalogue_file_read(catalogue_file_default()))


def first(query: str) -> str:
    return service_list(query=query)[0].slug


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("akta lahir", "akta-kelahiran"),
        ("Akte Kelahiran", "akta-kelahiran"),
        ("bikin akta anak", "akta-kelahiran"),
        ("bikin KTP", "ktp-el-baru"),
        ("buat e-KTP", "ktp-el-baru"),
        ("KTP hilang", "ktp-el-hilang-rusak"),
        ("ktp-el rusak", "ktp-el-hilang-rusak"),
        ("surat miskin", "sktm"),
        ("keterangan tidak mampu", "sktm"),
        ("kartu keluarga hilang", "kk-hilang-rusak"),
        ("tambah anak di KK", "kk-perubahan-data"),
        ("surat pindah", "pindah-skpwni"),
        ("SKCK", "pengantar-skck"),
        ("akte kematian", "akta-kematian"),
        ("surat keterangan usaha", "surat-keterangan-usaha"),
        ("ahli waris", "surat-keterangan-ahli-waris"),
    ],
)
def test_it_finds_the_right_service_first_for_everyday_words(catalogue, query, slug):
    assert first(query) == slug


def test_a_specific_word_leaves_out_services_that_only_share_the_word_surat(catalogue):
    assert [service.slug for service in service_list(query="surat miskin")] == ["sktm"]


def test_filler_words_alone_list_every_service_in_catalogue_order(catalogue):
    everything = service_list()
    assert service_list(query="cara urus") == everything
    assert len(everything) == 20
    assert everything[0].slug == "ktp-el-baru"


def test_a_query_that_matches_nothing_finds_nothing(catalogue):
    assert service_list(query="paspor imigrasi") == []


def test_inactive_services_are_neither_listed_nor_found(catalogue):
    Service.objects.filter(slug="sktm").update(is_active=False)
    assert "sktm" not in [service.slug for service in service_list(query="surat miskin")]
    assert service_get("sktm") is None
    assert service_get("akta-kelahiran") is not None


def test_spelling_variants_are_folded_into_one_word():
    assert normalise("Akte Kelahiran") == "akta lahir"
    assert normalise("e-KTP") == normalise("KTP-el") == normalise("ektp") == "ktp"
    assert normalise("Kartu Keluarga") == "kk"
    assert normalise("Surat Keterangan Tidak Mampu") == "sktm"
    assert normalise("Pindah  domisili!") == "pindah domisili"
    assert normalise("Akté") == "akta"


def test_words_that_only_say_i_want_are_dropped():
    assert query_words("bikin KTP") == ["ktp"]
    assert query_words("cara mengurus akta lahir untuk anak") == ["akta", "lahir"]


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("certificate of residence", "surat-keterangan-domisili"),
        ("proof of residence", "surat-keterangan-domisili"),
        ("birth certificate", "akta-kelahiran"),
    ],
)
def test_an_english_reader_finds_the_service_by_its_english_name(catalogue, query, slug):
    assert first(query) == slug


def test_english_words_find_nothing_in_a_service_without_english_texts(catalogue):
    Service.objects.update(name_en="", summary_en="")
    assert service_list(query="certificate of residence") == []
