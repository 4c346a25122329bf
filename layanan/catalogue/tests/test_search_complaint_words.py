"""A search in the words of a problem ("jalan rusak") offers the complaint form, not a KTP."""

from __future__ import annotations

import pytest
from django.urls import reverse

from layanan.catalogue import selectors
from layanan.catalogue.seed import catalogue_file_default, catalogue_file_read
from layanan.catalogue.selectors import looks_like_complaint, service_list
from layanan.catalogue.services import catalogue_seed

LIST = "/layanan/"
OFFER = "Ingin melaporkan masalah?"


@pytest.fixture
def catalogue(world):
    catalogue_seed(entries=catalogue_file_read(catalogue_file_default()))


def slugs(query: str) -> list[str]:
    return [service.slug for service in service_list(query=query)]


@pytest.mark.parametrize(
    "query",
    ["jalan rusak", "Jalan berlubang", "lampu mati", "lampu jalan mati", "sampah", "banjir", "pungli"],
)
def test_everyday_complaint_words_look_like_a_complaint(query):
    assert looks_like_complaint(query)


@pytest.mark.parametrize(
    "query", ["akta lahir", "KTP hilang", "ktp-el rusak", "surat kematian", "surat miskin", "bikin KK", ""]
)
def test_what_people_apply_for_does_not_look_like_a_complaint(query):
    assert not looks_like_complaint(query)


def test_a_phrase_counts_only_as_a_whole(catalogue):
    assert looks_like_complaint("air mati di rumah")
    assert not looks_like_complaint("air")


def test_the_complaint_words_are_one_module_constant_that_can_be_changed(monkeypatch):
    assert not looks_like_complaint("tawuran")
    monkeypatch.setattr(selectors, "COMPLAINT_WORDS", selectors.COMPLAINT_WORDS | {"tawuran"})
    assert looks_like_complaint("tawuran pelajar")


@pytest.mark.parametrize("query", ["jalan rusak", "lampu mati", "lampu jalan mati", "jembatan rusak"])
def test_a_shared_state_word_alone_does_not_make_a_document_an_answer(catalogue, query):
    assert slugs(query) == []


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("ktp rusak", "ktp-el-hilang-rusak"),
        ("kk hilang", "kk-hilang-rusak"),
        ("akta mati", "akta-kematian"),
        ("rusak", "ktp-el-hilang-rusak"),  # only a state: the documents that can be in it
        ("meninggal", "akta-kematian"),
    ],
)
def test_a_state_word_still_helps_when_the_thing_it_describes_matches(catalogue, query, slug):
    assert slugs(query)[0] == slug


def test_the_search_page_offers_the_complaint_form_first_for_a_broken_road(client, catalogue):
    response = client.get(LIST, {"q": "jalan rusak"})
    html = response.content.decode()
    assert response.status_code == 200
    assert OFFER in html
    assert f'<a class="button" href="{reverse("complaints:new")}">Buat laporan</a>' in html
    assert html.index(OFFER) < html.index("0 layanan cocok")
    assert "KTP-el hilang atau rusak" not in html
    assert "Coba kata lain" not in html  # the way forward is the report, not other words


@pytest.mark.parametrize("query", ["sampah", "banjir", "pungli", "lampu mati"])
def test_the_search_page_offers_the_complaint_form_for_other_problems(client, catalogue, query):
    assert OFFER in client.get(LIST, {"q": query}).content.decode()


def test_a_search_for_a_document_has_no_complaint_offer(client, catalogue):
    html = client.get(LIST, {"q": "akta lahir"}).content.decode()
    assert OFFER not in html
    assert "Akta kelahiran" in html


def test_a_search_that_finds_nothing_mentions_the_complaint_form_quietly(client, catalogue):
    html = client.get(LIST, {"q": "paspor"}).content.decode()
    assert OFFER not in html
    assert "Coba kata lain" in html
    assert f'<a href="{reverse("complaints:new")}">Buat laporan</a>' in html


def test_the_offer_is_in_english_for_english_readers(client, catalogue):
    client.cookies["django_language"] = "en"
    html = client.get(LIST, {"q": "jalan rusak"}).content.decode()
    assert "Want to report a problem?" in html
    assert ">Make a report</a>" in html
