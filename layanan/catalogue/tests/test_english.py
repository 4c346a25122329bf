"""Service texts in English where an administrator (or the seed) wrote them, Indonesian where not."""

from __future__ import annotations

import json
import re
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from layanan.accounts.tests.builders import audit_events
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.catalogue.seed import (
    CatalogueFileError,
    catalogue_file_default,
    catalogue_parse,
    english_file_for,
    english_overlay,
)


def seed_file() -> dict:
    return json.loads(catalogue_file_default().read_text(encoding="utf-8"))


def english_file() -> dict:
    return json.loads(english_file_for(catalogue_file_default()).read_text(encoding="utf-8"))


def seed() -> str:
    out = StringIO()
    call_command("seed_catalogue", stdout=out)
    return out.getvalue()


def test_a_page_reads_the_english_text_for_an_english_reader_and_the_indonesian_otherwise():
    service = Service(name="Surat keterangan domisili", name_en="Certificate of residence", summary="Ringkas")
    with translation.override("en"):
        assert service.t.name == "Certificate of residence"
        assert service.t.summary == "Ringkas"  # no English written: the Indonesian, never blank
        assert service.t.slug == service.slug  # not a text: as it is
    with translation.override("id"):
        assert service.t.name == "Surat keterangan domisili"


def test_the_overlay_puts_english_beside_services_steps_fields_and_requirements():
    data: dict[str, Any] = {
        "field_presets": {"nik": {"name": "nik", "label": "NIK", "kind": "nik"}},
        "requirement_presets": {},
        "profiles": {},
        "services": [
            {
                "slug": "uji",
                "name": "Layanan uji",
                "summary": "Ringkasan",
                "handler": "desa",
                "output": "letter",
                "sla_working_days": 2,
                "steps": [
                    {
                        "title": "Data diri",
                        "fields": [{"use": "nik"}, {"use": "nik", "name": "nik_ibu", "label": "NIK ibu"}],
                    }
                ],
                "requirements": [{"code": "ktp", "name": "KTP-el", "kind": "paper"}],
            }
        ],
    }
    english = {
        "field_presets": {"nik": {"label": "NIK (national ID number)"}},
        "services": {
            "uji": {
                "name": "Test service",
                "steps": ["Your details"],
                "requirements": {"ktp": {"name": "ID card"}},
            }
        },
    }
    (entry,) = catalogue_parse(english_overlay(data, english))
    assert entry.values["name_en"] == "Test service"
    assert entry.values["jangka_waktu_en"].startswith("At most 2 working days")
    own, mother = entry.fields
    assert own["label_en"] == "NIK (national ID number)"
    assert own["step_title_en"] == "Your details"
    # "NIK ibu" overrides the preset's label without English: the preset's English would be wrong.
    assert "label_en" not in mother
    assert entry.requirements[0]["name_en"] == "ID card"
    assert "name_en" not in data["services"][0]  # the caller's data is left as read


def test_a_misspelt_english_key_is_refused_with_where_it_is():
    data = seed_file()
    with pytest.raises(CatalogueFileError, match=r"surat-keterangan-domisili.*unknown keys nmae_en"):
        english_overlay(data, {"services": {"surat-keterangan-domisili": {"nmae": "x"}}})


def test_every_service_of_the_seed_has_an_english_name_summary_and_requirement_names(world):
    seed()
    for service in Service.objects.all():
        assert service.name_en, service.slug
        assert service.summary_en, service.slug
        assert service.prosedur_en, service.slug
        for requirement in service.requirements.all():
            assert requirement.name_en, (service.slug, requirement.code)
        for field in service.fields.all():
            assert field.label_en, (service.slug, field.name)
            assert field.step_title_en, (service.slug, field.name)


def test_english_written_later_reaches_services_made_before_it_and_an_administrators_english_stays(world):
    seed()
    service = Service.objects.get(slug="surat-keterangan-domisili")
    Service.objects.filter(pk=service.pk).update(name_en="", summary_en="Written by the administrator")
    FormField.objects.filter(service=service).update(label_en="")
    Requirement.objects.filter(service=service).update(name_en="")

    output = seed()

    service.refresh_from_db()
    expected = english_file()["services"]["surat-keterangan-domisili"]["name"]
    assert service.name_en == expected
    assert service.summary_en == "Written by the administrator"
    assert all(field.label_en for field in service.fields.all())
    assert all(requirement.name_en for requirement in service.requirements.all())
    assert "dilengkapi di 1" in output
    assert [event.details["texts"] > 0 for event in audit_events("catalogue.english_filled")] == [True]
    assert "dilengkapi" not in seed()  # nothing left to fill: a second run changes nothing


def english_client(client):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_an_english_reader_reads_the_service_page_and_the_catalogue_in_english(world, client):
    seed()
    english_client(client)
    page = client.get("/layanan/surat-keterangan-domisili/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Certificate of residence (surat keterangan domisili)</h1>" in html
    text = re.sub(r"<abbr [^>]*>|</abbr>", "", html)  # abbreviations are explained in <abbr> (core/terms.py)
    assert "Cover letter from the RT/RW" in text  # a requirement, from its preset's English
    assert '<abbr title="neighbourhood unit">RT</abbr>' in html
    assert "At most 2 working days" in html  # the generated time limit
    assert "Tekan tombol" not in html  # the procedure is in English too
    listing = client.get("/layanan/").content.decode()
    assert "Certificate of residence" in listing
    assert Service.objects.filter(name_en="").count() == 0  # nothing changed by reading


def test_an_indonesian_reader_keeps_reading_indonesian(world, client):
    seed()
    html = client.get("/layanan/surat-keterangan-domisili/").content.decode()
    assert "<h1>Surat keterangan domisili</h1>" in html
    assert "Certificate of residence" not in html


def test_the_form_asks_its_questions_in_english_for_an_english_reader(world, client, cast):
    from layanan.accounts.testing import sign_in
    from layanan.applications import services
    from layanan.catalogue.models import Service

    seed()
    service = Service.objects.get(slug="surat-keterangan-domisili")
    draft = services.application_start(service=service, applicant=cast.siti, actor=cast.siti)
    sign_in(client, cast.siti)
    english_client(client)
    html = client.get(f"/permohonan/{draft.public_id}/langkah/2/").content.decode()
    assert "Living at this address since" in html
    assert "Where you live" in html
    assert "Tinggal di alamat ini sejak" not in html
