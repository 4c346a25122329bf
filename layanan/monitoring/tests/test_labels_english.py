"""Dashboards and the transparency page name services and categories in the reader's language."""

from __future__ import annotations

from django.utils import translation

from layanan.applications.tests import builders
from layanan.complaints.models import Category
from layanan.monitoring.selectors import labels


def test_service_and_category_names_follow_the_readers_language(cast):
    service = builders.village_letter(name="Surat keterangan domisili")
    service.name_en = "Certificate of residence"
    service.save(update_fields=["name_en"])
    category = Category.objects.create(
        slug="uji",
        name="Jalan dan jembatan",
        name_en="Roads and bridges",
        default_office=cast.world.disdukcapil,
    )
    untranslated = builders.village_letter(name="Layanan tanpa terjemahan")
    with translation.override("en"):
        assert labels("service", [service.pk, untranslated.pk]) == {
            service.pk: "Certificate of residence",
            untranslated.pk: "Layanan tanpa terjemahan",  # no English written: the Indonesian
            None: "—",
            "": "—",
        }
        assert labels("category", [category.pk])[category.pk] == "Roads and bridges"
    with translation.override("id"):
        assert labels("service", [service.pk])[service.pk] == "Surat keterangan domisili"
