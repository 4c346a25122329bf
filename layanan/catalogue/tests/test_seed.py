"""seed_catalogue: the Dukcapil services and village letters from data/catalogue.json, safe to repeat."""

from __future__ import annotations

import importlib
import json
import re

import pytest
from django.core.management import CommandError, call_command

from layanan.accounts.tests.builders import audit_events
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.catalogue.seed import CatalogueFileError, catalogue_file_default, catalogue_parse
from layanan.catalogue.standards import NAMES

DUKCAPIL = [
    "ktp-el-baru",
    "ktp-el-hilang-rusak",
    "ktp-el-perubahan-data",
    "kk-baru",
    "kk-perubahan-data",
    "kk-hilang-rusak",
    "pindah-skpwni",
    "kia",
    "akta-kelahiran",
    "akta-kematian",
]
LETTERS = [
    "surat-keterangan-domisili",
    "sktm",
    "surat-keterangan-usaha",
    "pengantar-skck",
    "surat-keterangan-kelahiran",
    "surat-keterangan-kematian",
]
COVER_LETTER = re.compile(r"pengantar\s+(rt|rw|desa|kelurahan|kecamatan)", re.IGNORECASE)


def seed(*args: str) -> str:
    from io import StringIO

    out = StringIO()
    call_command("seed_catalogue", *args, stdout=out)
    return out.getvalue()


def file_data() -> dict:
    return json.loads(catalogue_file_default().read_text(encoding="utf-8"))


def test_it_creates_every_named_service_once_and_a_second_run_changes_nothing(world):
    first = seed()
    count = Service.objects.count()
    rows = (FormField.objects.count(), Requirement.objects.count())
    second = seed()

    assert set(DUKCAPIL + LETTERS) <= set(Service.objects.values_list("slug", flat=True))
    assert "20 dibuat" in first
    assert "0 dibuat, 0 diperbarui, 20 tidak diubah" in second
    assert Service.objects.count() == count == 20
    assert (FormField.objects.count(), Requirement.objects.count()) == rows
    assert len(audit_events("catalogue.service_created")) == 20


def test_dukcapil_services_are_free_handled_by_disdukcapil_and_need_no_cover_letter(world):
    seed()
    for service in Service.objects.filter(slug__in=DUKCAPIL).prefetch_related("requirements"):
        assert service.fee_rupiah == 0, service.slug
        assert service.office == world.disdukcapil, service.slug
        assert service.handler == Service.Handler.FIXED_OFFICE
        assert service.output == Service.Output.SIAK
        assert "79A" in service.biaya
        assert "Perpres 96/2018" in service.dasar_hukum
        texts = [f"{r.code} {r.name} {r.description}" for r in service.requirements.all()]
        assert texts, service.slug
        assert not [text for text in texts if COVER_LETTER.search(text)], service.slug


def test_village_letters_go_to_the_applicants_desa_with_an_rt_rw_cover_letter(world):
    seed()
    for service in Service.objects.filter(slug__in=LETTERS).exclude(
        slug__in=["surat-keterangan-kelahiran", "surat-keterangan-kematian"]
    ):
        assert service.handler == Service.Handler.APPLICANT_VILLAGE, service.slug
        assert service.office is None
        assert service.output == Service.Output.LETTER
        assert service.requirements.filter(code="pengantar_rt").exists(), service.slug


def test_every_service_publishes_all_14_components_a_form_of_2_to_4_steps_and_search_words(world):
    seed()
    for service in Service.objects.prefetch_related("fields", "requirements"):
        empty = [name for name in NAMES if not getattr(service, name).strip()]
        steps = {field.step for field in service.fields.all()}
        assert not empty, f"{service.slug}: {empty}"
        assert 2 <= len(steps) <= 4, service.slug
        assert service.keywords.count(",") >= 4, service.slug
        assert "lapor.go.id" in service.pengaduan
        assert service.sla_working_days >= 1
        assert service.requirements.exists()


def test_default_slas_are_marked_as_to_be_confirmed_and_say_so(world):
    seed()
    service = Service.objects.get(slug="sktm")
    assert service.sla_to_confirm
    assert "sedang dikonfirmasi" in service.jangka_waktu
    assert "1 hari kerja" in service.jangka_waktu


def test_the_birth_certificate_asks_for_the_desa_letter_only_when_born_at_home(world):
    seed()
    field = FormField.objects.get(service__slug="akta-kelahiran", name="nomor_surat_desa")
    place = FormField.objects.get(service__slug="akta-kelahiran", name="tempat_lahir")
    assert field.shown_when == "tempat_lahir=Di rumah"
    assert "Di rumah" in place.choice_list()
    assert FormField.objects.filter(service__slug="akta-kelahiran", kind=FormField.Kind.NIK).count() >= 2


def test_without_update_an_administrators_edit_is_kept(world):
    seed()
    Service.objects.filter(slug="sktm").update(sla_working_days=2)
    seed()
    assert Service.objects.get(slug="sktm").sla_working_days == 2


def test_update_brings_a_changed_service_back_to_the_file_and_audits_it(world):
    seed()
    Service.objects.filter(slug="sktm").update(sla_working_days=9, name="Diubah")
    FormField.objects.filter(service__slug="sktm", name="pekerjaan").delete()
    output = seed("--update")
    service = Service.objects.get(slug="sktm")
    assert "1 diperbarui" in output
    assert (service.sla_working_days, service.name) == (1, "Surat keterangan tidak mampu (SKTM)")
    assert service.fields.filter(name="pekerjaan").exists()
    changed = audit_events("catalogue.service_changed")
    assert [event.object_id for event in changed] == [str(service.pk)]
    assert "fields.pekerjaan" in changed[0].details["fields"]


def test_it_refuses_to_seed_before_the_offices_exist(db):
    with pytest.raises(CommandError, match="disdukcapil"):
        seed()
    assert not Service.objects.exists()


def test_the_file_is_refused_when_a_field_shows_when_a_missing_field_has_a_value():
    data = file_data()
    data["services"][0]["steps"][1]["fields"][2]["shown_when"] = "tidak_ada=Ya"
    with pytest.raises(CatalogueFileError, match=r"ktp-el-baru.*tidak_ada"):
        catalogue_parse(data)


def test_the_file_is_refused_when_a_fixed_office_service_has_no_office():
    data = file_data()
    data["services"][0]["office"] = None
    with pytest.raises(CatalogueFileError, match=r"ktp-el-baru.*kantor"):
        catalogue_parse(data)


def test_the_file_is_refused_for_an_unknown_key_so_typos_do_not_pass_silently():
    data = file_data()
    data["services"][0]["sla_hari"] = 3
    with pytest.raises(CatalogueFileError, match="sla_hari"):
        catalogue_parse(data)


# Fields about the applicant themself, the only ones that may start from the account.
APPLICANT_FIELDS = {"nik", "nama", "tanggal_lahir", "jenis_kelamin", "nomor_kk", "desa"}


def test_birth_and_other_past_dates_are_past_only_and_a_planned_date_is_not():
    fields = [field for entry in catalogue_parse(file_data()) for field in entry.fields]
    dates = {field["name"]: bool(field.get("past_only")) for field in fields if field["kind"] == "date"}

    assert {name for name in dates if name.startswith("tanggal_lahir")} == {
        "tanggal_lahir",
        "tanggal_lahir_anak",
    }
    past = {
        "tanggal_lahir",
        "tanggal_lahir_anak",
        "tanggal_meninggal",
        "tanggal_hilang",
        "tinggal_sejak",
        "mulai_usaha",
    }
    assert all(dates[name] for name in past)
    assert dates["tanggal_nikah"] is False  # a wedding is planned ahead


def test_names_of_people_and_birthplaces_take_letters_only():
    fields = [field for entry in catalogue_parse(file_data()) for field in entry.fields]
    names = [
        f for f in fields if f["name"] == "nama" or (f["name"].startswith("nama_") and f["kind"] == "text")
    ]
    people = [f for f in names if f["name"] not in {"nama_tempat", "nama_usaha"}]

    assert people
    assert all(f.get("letters_only") for f in people)
    assert all(f.get("letters_only") for f in fields if f["name"] == "tempat_lahir" and f["kind"] == "text")
    assert not any(
        f.get("letters_only") for f in fields if f["name"] in {"nama_tempat", "nama_usaha", "alamat"}
    )


def test_only_the_applicants_own_fields_start_from_the_account_never_a_child_or_parent():
    entries = {entry.slug: entry for entry in catalogue_parse(file_data())}
    prefilled = {
        (slug, field["name"]): field["prefill"]
        for slug, entry in entries.items()
        for field in entry.fields
        if field.get("prefill")
    }

    assert {name for _slug, name in prefilled} <= APPLICANT_FIELDS
    for about_others in ("akta-kelahiran", "surat-keterangan-kelahiran", "kia", "akta-kematian", "kk-baru"):
        assert not any(slug == about_others for slug, _name in prefilled), about_others
    assert prefilled[("surat-keterangan-domisili", "nik")] == "nik"
    assert prefilled[("surat-keterangan-domisili", "desa")] == "village"
    assert prefilled[("pengantar-nikah", "jenis_kelamin")] == "sex"


def test_the_file_is_refused_when_an_option_does_not_fit_the_kind_of_field():
    data = file_data()
    data["services"][0]["steps"][0]["fields"][0] = {"use": "nik", "prefill": "name"}
    with pytest.raises(CatalogueFileError, match=r"ktp-el-baru.*prefill"):
        catalogue_parse(data)


def test_seeding_stores_the_field_options(world):
    seed()

    birth = FormField.objects.get(service__slug="surat-keterangan-domisili", name="tanggal_lahir")
    child = FormField.objects.get(service__slug="akta-kelahiran", name="nama_anak")
    assert birth.past_only
    assert birth.prefill == FormField.Prefill.BIRTH_DATE
    assert child.letters_only
    assert child.prefill == ""


def test_a_catalogue_seeded_before_the_options_gets_the_same_ones_from_the_migration(world):
    from django.apps import apps

    migration = importlib.import_module(
        "layanan.catalogue.migrations.0003_formfield_prefill_and_answer_rules"
    )
    seed()
    options = ("prefill", "past_only", "letters_only")
    seeded = {
        (f["service__slug"], f["name"]): f
        for f in FormField.objects.values("service__slug", "name", *options)
    }
    FormField.objects.update(prefill="", past_only=False, letters_only=False)

    migration.mark_seeded_fields(apps, None)
    migration.mark_seeded_fields(apps, None)  # safe to run twice

    migrated = {
        (f["service__slug"], f["name"]): f
        for f in FormField.objects.values("service__slug", "name", *options)
    }
    assert migrated == seeded
