"""seed_complaint_categories: every category from data/complaint_categories.json, safe to repeat."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from layanan.accounts.tests.builders import audit_events
from layanan.agencies.models import Office
from layanan.complaints.models import Category
from layanan.complaints.seed import CategoryFileError, categories_file_default, categories_parse
from layanan.complaints.tests.routing_builders import agencies_build

pytestmark = pytest.mark.django_db

EXPECTED = {
    "jalan-jembatan": "dinas-pupr",
    "air-bersih": "dinas-pupr",
    "penerangan-jalan": "dinas-pupr",
    "kesehatan": "dinkes",
    "pendidikan": "disdik",
    "dokumen-kependudukan": "disdukcapil",
    "bantuan-sosial": "dinsos",
    "lingkungan-hidup": "dlh",
    "ketertiban-umum": "diskominfo",
    "pelayanan-petugas": "inspektorat",
    "lainnya": "diskominfo",
    "saran-aplikasi": "diskominfo",
}


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_complaint_categories", *args, stdout=out)
    return out.getvalue()


def test_it_creates_every_category_with_its_office(world):
    agencies_build(world)
    assert "12 dibuat, 0 diperbarui, 0 tidak diubah" in seed()
    assert {
        c.slug: c.default_office.code for c in Category.objects.select_related("default_office")
    } == EXPECTED
    assert all(c.name and c.description for c in Category.objects.all())
    assert len(audit_events("complaints.categories_seed")) == 1


def test_only_the_application_feedback_category_is_platform_feedback_and_goes_to_diskominfo(world):
    agencies_build(world)
    seed()
    feedback = Category.objects.get(is_platform_feedback=True)
    assert feedback.slug == "saran-aplikasi"
    assert feedback.name == "Saran untuk aplikasi Layanan Lampura"
    assert feedback.default_office.code == "diskominfo"


def test_running_it_again_changes_nothing_and_keeps_the_administrators_edits(world):
    agencies_build(world)
    seed()
    Category.objects.filter(slug="kesehatan").update(name="Kesehatan masyarakat", default_office=world.pupr)
    assert "0 dibuat, 0 diperbarui, 12 tidak diubah" in seed()
    assert Category.objects.count() == 12
    health = Category.objects.get(slug="kesehatan")
    assert (health.name, health.default_office) == ("Kesehatan masyarakat", world.pupr)
    assert len(audit_events("complaints.categories_seed")) == 1


def test_update_brings_edited_categories_back_to_the_file(world):
    offices = agencies_build(world)
    seed()
    Category.objects.filter(slug="kesehatan").update(name="Kesehatan masyarakat", default_office=world.pupr)
    assert "0 dibuat, 1 diperbarui, 11 tidak diubah" in seed("--update")
    health = Category.objects.get(slug="kesehatan")
    assert (health.name, health.default_office) == ("Kesehatan", offices["dinkes"])


def test_it_refuses_to_run_before_the_offices_exist_and_creates_nothing(world):
    Office.objects.filter(code="dinkes").delete()
    with pytest.raises(CommandError, match="dinkes"):
        seed()
    assert not Category.objects.exists()


def test_a_file_with_a_category_twice_is_refused():
    rows = [{"slug": "a", "name": "A", "office": "dlh"}, {"slug": "a", "name": "B", "office": "dlh"}]
    with pytest.raises(CategoryFileError, match="dua kali"):
        categories_parse({"categories": rows})
    with pytest.raises(CategoryFileError, match="office"):
        categories_parse({"categories": [{"slug": "a", "name": "A"}]})


def test_the_shipped_file_names_only_offices_of_the_agencies_list():
    import csv

    from django.conf import settings

    entries = categories_parse(json.loads(categories_file_default().read_text(encoding="utf-8")))
    with (settings.BASE_DIR / "data" / "agencies.csv").open(encoding="utf-8") as handle:
        codes = {row["code"] for row in csv.DictReader(handle)}
    assert {entry.office for entry in entries} <= codes
    assert {entry.slug for entry in entries} == set(EXPECTED)
