"""Abbreviations explained where they appear: the glossary, ``{% explain %}`` and ``{% terms_used %}``."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from layanan.catalogue.testing import seeded_service
from layanan.core import terms


def render(source: str, **context: object) -> str:
    return Template("{% load terms %}" + source).render(Context(context))


def test_find_names_each_term_once_in_order_and_prefers_the_longer_word() -> None:
    found = terms.find("Fotokopi KTP-el dan KK. NIK di KK harus sama dengan NIK di KTP-nya.")
    assert [term.word for term in found] == ["KTP-el", "KK", "NIK", "KTP"]


def test_find_ignores_words_that_only_contain_a_term() -> None:
    assert terms.find("KKN, SKTMnya, PT-KK, rt, &KK") == []


def test_only_the_first_mention_on_the_page_becomes_an_abbr_and_the_text_is_escaped() -> None:
    html = render(
        "<p>{% explain first %}</p><p>{% explain second %}</p>",
        first="Bawa KK <asli>",
        second="KK dan SKTM",
    )
    assert html.count("<abbr") == 2
    assert '<abbr title="Kartu Keluarga">KK</abbr> &lt;asli&gt;' in html
    assert "<p>KK dan <abbr" in html  # the second KK is plain: already explained above
    assert '<abbr title="Surat Keterangan Tidak Mampu">SKTM</abbr>' in html


def test_terms_used_lists_what_the_page_mentioned_and_nothing_when_none() -> None:
    html = render("{% explain text %}{% terms_used %}", text="Bawa SKTM.")
    assert re.search(r'<dt class="summary-list__key">SKTM</dt>', html)
    assert "Surat Keterangan Tidak Mampu" in html
    assert "kurang mampu" in html
    assert "<dl" not in render("{% explain text %}{% terms_used %}", text="Tanpa singkatan.")


def test_a_term_is_explained_in_english_for_english_readers() -> None:
    with translation.override("en"):
        html = render("{% explain text %}{% terms_used %}", text="KK")
    assert "Family Card" in html


def test_every_term_has_an_english_translation() -> None:
    with translation.override("en"):
        english = [(str(term.expansion), str(term.meaning)) for term in terms.TERMS]
    with translation.override("id"):
        indonesian = [(str(term.expansion), str(term.meaning)) for term in terms.TERMS]
    same = [
        term.word
        for term, (en, id_) in zip(terms.TERMS, zip(english, indonesian, strict=True), strict=True)
        if en[1] == id_[1] or (en[0] and en[0] == id_[0])
    ]
    assert same == []


@pytest.mark.django_db
def test_the_glossary_page_lists_every_term_for_anyone(client: Client) -> None:
    response = client.get(reverse("core:glossary"))
    html = response.content.decode()
    assert response.status_code == 200
    for term in terms.TERMS:
        assert f'id="{term.slug}"' in html
    assert len(set(term.slug for term in terms.TERMS)) == len(terms.TERMS)


@pytest.mark.django_db
def test_the_photo_help_is_reached_from_the_home_page(client: Client) -> None:
    home = client.get(reverse("core:home")).content.decode()
    assert reverse("core:photo_help") in home
    assert reverse("core:glossary") in home
    response = client.get(reverse("core:photo_help"))
    assert response.status_code == 200
    assert "<ol>" in response.content.decode()


@pytest.mark.django_db
def test_a_service_page_explains_its_abbreviations_and_links_the_photo_help(client: Client, world) -> None:
    service = seeded_service("akta-kelahiran")
    response = client.get(reverse("catalogue:detail", kwargs={"slug": service.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<abbr title="Kartu Keluarga">KK</abbr>' in html
    assert html.count('<abbr title="Kartu Keluarga">') == 1
    assert 'id="istilah"' in html
    assert 'id="istilah-kk"' in html
    assert reverse("core:photo_help") in html
