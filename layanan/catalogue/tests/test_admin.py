"""The catalogue admin: administrators edit services with their fields and requirements; each save
is checked with clear Indonesian messages and audited; everyone else is refused."""

from __future__ import annotations

from typing import Any

import pytest

from layanan.accounts.testing import sign_in
from layanan.accounts.tests.builders import audit_events
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.catalogue.testing import service_build

ADD = "/admin/catalogue/service/add/"


def service_values(**overrides: Any) -> dict[str, Any]:
    values = {
        "name": "Surat keterangan uji",
        "slug": "surat-keterangan-uji",
        "summary": "Untuk pengujian.",
        "category": "Uji",
        "keywords": "surat uji",
        "order": "100",
        "is_active": "on",
        "handler": Service.Handler.APPLICANT_VILLAGE,
        "office": "",
        "sla_working_days": "2",
        "fee_rupiah": "0",
        "output": Service.Output.LETTER,
        "verify_role": "operator",
        "decide_role": "operator",
        "sign_role": "signer",
    }
    values.update(overrides)
    return values


def field_row(**overrides: Any) -> dict[str, str]:
    row = {
        "id": "",
        "service": "",
        "step": "1",
        "step_title": "Data",
        "order": "0",
        "name": "nama",
        "label": "Nama",
        "help_text": "",
        "kind": FormField.Kind.TEXT,
        "required": "on",
        "choices": "",
        "pattern": "",
        "pattern_message": "",
        "min_value": "",
        "max_value": "",
        "shown_when": "",
    }
    row.update(overrides)
    return row


def requirement_row(**overrides: Any) -> dict[str, str]:
    row = {
        "id": "",
        "service": "",
        "order": "0",
        "code": "ktp",
        "name": "KTP-el",
        "description": "",
        "kind": Requirement.Kind.UPLOAD_OR_PAPER,
        "required": "on",
        "field_name": "",
    }
    row.update(overrides)
    return row


def post_data(
    service: dict[str, Any], fields: list[dict[str, str]], requirements: list[dict[str, str]]
) -> dict:
    data: dict[str, Any] = dict(service)
    for prefix, rows in (("fields", fields), ("requirements", requirements)):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(rows)),
                f"{prefix}-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for number, row in enumerate(rows):
            data.update({f"{prefix}-{number}-{key}": value for key, value in row.items()})
    return data


@pytest.fixture
def admin_client(client, cast):
    sign_in(client, cast.admin)
    return client


def test_the_administrator_adds_a_service_with_its_fields_and_requirements_and_it_is_audited(admin_client):
    data = post_data(
        service_values(),
        [
            field_row(name="keperluan", label="Keperluan", kind="choice", choices="Sekolah\nLainnya"),
            field_row(name="keperluan_lain", label="Sebutkan", order="1", shown_when="keperluan=Lainnya"),
        ],
        [
            requirement_row(),
            requirement_row(code="isian", name="Isian", kind="field", field_name="keperluan_lain"),
        ],
    )
    response = admin_client.post(ADD, data)
    service = Service.objects.get(slug="surat-keterangan-uji")
    assert response.status_code == 302
    assert list(service.fields.values_list("name", flat=True)) == ["keperluan", "keperluan_lain"]
    assert list(service.requirements.values_list("code", flat=True)) == ["ktp", "isian"]
    events = audit_events("catalogue.service_created")
    assert [event.object_id for event in events] == [str(service.pk)]
    assert "fields.keperluan_lain" in events[0].details["fields"]
    assert events[0].actor_role == "admin"


def existing_rows(service: Service) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """The inline rows of ``service`` as the change page posts them back unchanged."""
    fields = [
        field_row(
            id=str(row.pk),
            service=str(service.pk),
            step=str(row.step),
            step_title=row.step_title,
            order=str(row.order),
            name=row.name,
            label=row.label,
            kind=row.kind,
            choices=row.choices,
            shown_when=row.shown_when,
        )
        for row in service.fields.all()
    ]
    requirements = [
        requirement_row(
            id=str(row.pk),
            service=str(service.pk),
            order=str(row.order),
            code=row.code,
            name=row.name,
            kind=row.kind,
            field_name=row.field_name,
        )
        for row in service.requirements.all()
    ]
    return fields, requirements


def test_an_edit_in_the_admin_is_audited_with_what_changed(admin_client):
    service = service_build(slug="ubah")
    values = service_values(
        name=service.name, slug="ubah", summary=service.summary, keywords="", sla_working_days="5"
    )
    response = admin_client.post(
        f"/admin/catalogue/service/{service.pk}/change/", post_data(values, *existing_rows(service))
    )
    service.refresh_from_db()
    assert response.status_code == 302
    assert service.sla_working_days == 5
    event = audit_events("catalogue.service_changed")[0]
    assert event.object_id == str(service.pk)
    assert "sla_working_days" in event.details["fields"]
    assert not [name for name in event.details["fields"] if name.startswith("fields.")]


def test_an_edit_that_breaks_a_rule_is_refused_and_nothing_changes(admin_client):
    service = service_build(slug="ubah")
    fields, requirements = existing_rows(service)
    fields[1]["shown_when"] = "tempat=Pasar"
    values = service_values(name=service.name, slug="ubah", summary=service.summary, sla_working_days="5")
    response = admin_client.post(
        f"/admin/catalogue/service/{service.pk}/change/", post_data(values, fields, requirements)
    )
    service.refresh_from_db()
    assert response.status_code == 200
    assert "bukan salah satu pilihan isian tempat" in response.content.decode()
    assert service.sla_working_days == 3
    assert service.fields.get(name="catatan").shown_when == "tempat=Lainnya"
    assert not audit_events("catalogue.service_changed")


def refused(client, data: dict) -> str:
    response = client.post(ADD, data)
    assert response.status_code == 200
    assert not Service.objects.filter(slug="surat-keterangan-uji").exists()
    assert not audit_events("catalogue.service_created")
    return response.content.decode()


def test_a_fixed_office_service_without_an_office_is_refused(admin_client):
    html = refused(
        admin_client, post_data(service_values(handler="fixed"), [field_row()], [requirement_row()])
    )
    assert "wajib punya kantor" in html


def test_a_field_shown_when_a_missing_field_has_a_value_is_refused(admin_client):
    data = post_data(service_values(), [field_row(shown_when="tidak_ada=Ya")], [requirement_row()])
    html = refused(admin_client, data)
    assert "merujuk isian tidak_ada yang tidak ada di layanan ini" in html


@pytest.mark.parametrize("value", ["tempat lahir di rumah", "=Ya", "nama="])
def test_a_shown_when_not_written_as_name_equals_value_is_refused(admin_client, value):
    data = post_data(service_values(), [field_row(), field_row(name="lain", shown_when=value)], [])
    html = refused(admin_client, data)
    assert "nama_isian=nilai" in html


def test_a_shown_when_value_that_is_not_one_of_the_choices_is_refused(admin_client):
    data = post_data(
        service_values(),
        [
            field_row(name="tempat", kind="choice", choices="Di rumah\nRumah sakit"),
            field_row(shown_when="tempat=Pasar"),
        ],
        [],
    )
    assert "bukan salah satu pilihan isian tempat" in refused(admin_client, data)


def test_a_pattern_that_does_not_compile_is_refused(admin_client):
    data = post_data(service_values(), [field_row(pattern="^[0-9{3}$(")], [])
    assert "Pola (regex) tidak dapat dipakai" in refused(admin_client, data)


def test_a_choice_field_without_choices_is_refused(admin_client):
    data = post_data(service_values(), [field_row(kind="choice")], [])
    assert "wajib punya pilihan" in refused(admin_client, data)


def test_a_form_requirement_naming_a_missing_field_is_refused(admin_client):
    data = post_data(service_values(), [field_row()], [requirement_row(kind="field", field_name="alamat")])
    assert "Isian alamat tidak ada di formulir layanan ini" in refused(admin_client, data)


def test_the_administrator_finds_services_by_the_words_people_use(admin_client, world):
    service_build(slug="sktm-uji", name="SKTM uji", keywords="surat miskin")
    service_build(slug="lain-uji", name="Lain uji")
    html = admin_client.get("/admin/catalogue/service/", {"q": "miskin"}).content.decode()
    assert "SKTM uji" in html
    assert "Lain uji" not in html


def test_deleting_a_service_in_the_admin_is_audited(admin_client):
    service = service_build(slug="hapus")
    response = admin_client.post(f"/admin/catalogue/service/{service.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Service.objects.filter(slug="hapus").exists()
    assert audit_events("catalogue.service_deleted")[0].details["slug"] == "hapus"


@pytest.mark.parametrize("name", ["andi", "budi", "rini", "siti"])
def test_everyone_but_the_administrator_is_refused_the_catalogue_admin(client, cast, name):
    sign_in(client, cast.all()[name])
    data = post_data(service_values(), [field_row()], [requirement_row()])
    assert client.get("/admin/catalogue/service/", follow=True).status_code == 403
    assert client.post(ADD, data, follow=True).status_code == 403
    assert not Service.objects.exists()
