"""The 14 standar pelayanan components are listed once; the model, the admin, the seed file's keys
and the test builder all agree with that one list (the service page is checked in test_views)."""

from __future__ import annotations

from django.contrib import admin
from django.db import models

from layanan.catalogue.admin import ServiceForm
from layanan.catalogue.models import Service
from layanan.catalogue.seed import SERVICE_KEYS
from layanan.catalogue.standards import COMPONENTS, DELIVERY, MANAGEMENT, NAMES, Group
from layanan.catalogue.testing import service_build

# docs/domain.md §4, as UU 25/2009 Pasal 21 and PermenPANRB 15/2014 number them.
LAW = [
    "Persyaratan",
    "Sistem, mekanisme dan prosedur",
    "Jangka waktu pelayanan",
    "Biaya/tarif",
    "Produk pelayanan",
    "Penanganan pengaduan, saran dan masukan",
    "Dasar hukum",
    "Sarana, prasarana dan/atau fasilitas",
    "Kompetensi pelaksana",
    "Pengawasan internal",
    "Jumlah pelaksana",
    "Jaminan pelayanan",
    "Jaminan keamanan dan keselamatan pelayanan",
    "Evaluasi kinerja pelaksana",
]


def test_the_list_numbers_the_14_components_as_the_law_does_six_of_delivery_then_eight():
    assert [component.number for component in COMPONENTS] == list(range(1, 15))
    assert [component.label for component in COMPONENTS] == LAW
    assert [component.group for component in COMPONENTS] == [Group.DELIVERY] * 6 + [Group.MANAGEMENT] * 8
    assert DELIVERY + MANAGEMENT == NAMES
    assert len(set(NAMES)) == 14


def test_each_component_is_an_optional_text_field_of_the_service_in_the_same_order():
    fields = [field for field in Service._meta.get_fields() if isinstance(field, models.Field)]
    names = [field.name for field in fields]
    start = names.index(NAMES[0])
    assert tuple(names[start : start + len(NAMES)]) == NAMES
    for field in fields[start : start + len(NAMES)]:
        assert isinstance(field, models.TextField), field.name
        assert (field.blank, field.default) == (True, ""), field.name


def test_the_service_has_no_other_long_text_that_could_be_a_component_left_out_of_the_list():
    texts = {field.name for field in Service._meta.get_fields() if isinstance(field, models.TextField)}
    english = {f"{name}_en" for name in NAMES}  # each component's English (core.content)
    assert texts - set(NAMES) - english == {"keywords"}
    assert english <= texts


def test_the_admin_edits_every_component_in_one_fieldset_per_group():
    service_admin = admin.site.get_model_admin(Service)
    fieldsets = {str(title): options["fields"] for title, options in service_admin.fieldsets or ()}
    assert tuple(fieldsets["Standar pelayanan: penyampaian pelayanan"]) == DELIVERY
    assert tuple(fieldsets["Standar pelayanan: pengelolaan pelayanan"]) == MANAGEMENT
    assert set(NAMES) <= set(ServiceForm.base_fields)


def test_the_seed_file_may_give_every_component():
    assert set(NAMES) <= SERVICE_KEYS


def test_the_builder_fills_every_component(db):
    service = service_build(slug="lengkap")
    assert [name for name in NAMES if not getattr(service, name)] == []
