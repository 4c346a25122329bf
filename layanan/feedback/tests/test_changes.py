"""The public page 'Yang kami ubah karena masukan Anda', in Indonesian and English, linked everywhere."""

from __future__ import annotations

from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from layanan.feedback.models import PlatformChange, Tag
from layanan.feedback.tests.builders import seeded_tags

pytestmark = pytest.mark.django_db

CHANGES = reverse("feedback:changes")


def _change() -> PlatformChange:
    seeded_tags()
    change = PlatformChange.objects.create(
        date=date(2026, 11, 3),
        title="Tombol Lacak kini di menu utama",
        title_en="Track is now in the main menu",
        description="Warga tidak menemukan pelacakan.",
        description_en="People could not find tracking.",
        pages="applications:lookup",
    )
    change.tags.set([Tag.objects.get(slug="navigasi")])
    return change


def test_anyone_reads_the_changes_in_indonesian(cast):
    _change()

    page = Client().get(CHANGES)

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1>") == 1
    assert "Yang kami ubah karena masukan Anda" in html
    assert "Tombol Lacak kini di menu utama" in html
    assert "Warga tidak menemukan pelacakan." in html
    assert "3 November 2026" in html
    assert "Navigasi" in html


def test_an_english_reader_gets_the_english_words_where_there_are_some(cast):
    _change()
    PlatformChange.objects.create(date=date(2026, 11, 1), title="Hanya bahasa Indonesia", description="Isi.")
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(CHANGES).content.decode()

    assert "What we changed because of your feedback" in html
    assert "Track is now in the main menu" in html
    assert "People could not find tracking." in html
    assert "Navigation" in html
    assert "Hanya bahasa Indonesia" in html  # no English given: the Indonesian is shown


def test_the_footer_of_every_page_links_the_changes(cast):
    html = Client().get("/").content.decode()

    footer = html.split('<footer class="footer">', 1)[1]
    assert f'href="{CHANGES}"' in footer
