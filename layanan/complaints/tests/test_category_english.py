"""Report categories carry English beside the Indonesian; English readers see it, the seed fills it."""

from __future__ import annotations

from io import StringIO

from django.conf import settings
from django.core.management import call_command

from layanan.accounts.testing import sign_in
from layanan.complaints.models import Category


def seed() -> None:
    call_command("load_regions", stdout=StringIO())  # the real offices the categories go to
    call_command("seed_complaint_categories", stdout=StringIO())


def test_the_seed_gives_every_category_its_english_and_fills_it_in_later_without_overwriting(db):
    seed()
    assert not Category.objects.filter(name_en="").exists()
    Category.objects.filter(slug="jalan-jembatan").update(name_en="")
    Category.objects.filter(slug="air-bersih").update(name_en="Water (by the administrator)")
    seed()
    assert Category.objects.get(slug="jalan-jembatan").name_en == "Roads and bridges"
    assert Category.objects.get(slug="air-bersih").name_en == "Water (by the administrator)"


def test_the_report_form_names_the_categories_in_the_readers_language(db, cast, client):
    seed()
    sign_in(client, cast.siti)
    indonesian = client.get("/lapor/baru/")
    assert indonesian.status_code == 200
    assert ">Jalan dan jembatan</option>" in indonesian.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/lapor/baru/").content.decode()
    assert ">Roads and bridges</option>" in english
    assert ">Jalan dan jembatan</option>" not in english
