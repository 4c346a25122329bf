"""An office's own staff edit its letterhead; other offices' staff and citizens are refused; audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.agencies.models import Office
from layanan.audit.models import AuditEvent
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

GOOD = {
    "letterhead_lines": "PEMERINTAH KABUPATEN LAMPUNG UTARA\nKECAMATAN TANJUNG RAJA\n\nDESA TANJUNG RAJA",
    "address": "Jl. Poros Desa No. 1,  Tanjung Raja",
    "phone": "0812-7000-2009",
    "email": "desa.tanjungraja@example.org",
    "head_title": "Kepala Desa Tanjung Raja",
    "letter_code": "tjr",
}


def url(office: Office) -> str:
    return reverse("letterhead:edit", kwargs={"code": office.code})


def letterhead_of(office: Office) -> dict[str, Any]:
    office.refresh_from_db()
    return {name: getattr(office, name) for name in GOOD}


def audit_rows(office: Office) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action="agencies.letterhead_update", object_type="agencies.office", object_id=str(office.pk)
        )
    )


def test_the_offices_operator_sees_what_the_letters_print_now(client: Client, cast: Cast) -> None:
    sign_in(client, cast.rini)

    response = client.get(url(cast.world.desa_tanjung_raja))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1>") == 1
    assert "Kop surat Kantor Desa Tanjung Raja" in page
    assert "DESA TANJUNG RAJA" in page  # the default lines
    assert "/TR/" in page  # the default letter code in the example number
    assert "Kepala Desa Tanjung Raja" in page


def test_the_offices_operator_saves_the_letterhead_and_it_is_audited(client: Client, cast: Cast) -> None:
    sign_in(client, cast.rini)
    office = cast.world.desa_tanjung_raja

    response = client.post(url(office), GOOD)

    assert response.status_code == 302
    assert letterhead_of(office) == {
        **GOOD,
        "letterhead_lines": "PEMERINTAH KABUPATEN LAMPUNG UTARA\nKECAMATAN TANJUNG RAJA\nDESA TANJUNG RAJA",
        "address": "Jl. Poros Desa No. 1, Tanjung Raja",
        "letter_code": "TJR",
    }
    (row,) = audit_rows(office)
    assert row.actor == cast.rini
    assert row.details["after"]["letter_code"] == "TJR"
    assert row.details["before"]["letter_code"] == ""
    assert "/TJR/" in client.get(url(office)).content.decode()


def test_saving_the_same_letterhead_again_writes_no_audit_row(client: Client, cast: Cast) -> None:
    sign_in(client, cast.rini)
    office = cast.world.desa_tanjung_raja
    client.post(url(office), GOOD)

    response = client.post(url(office), GOOD)

    assert response.status_code == 302
    assert len(audit_rows(office)) == 1


@pytest.mark.parametrize("persona", ["andi", "budi", "sekar", "siti", "bupati", "auditor"])
def test_other_offices_staff_and_citizens_are_refused(client: Client, cast: Cast, persona: str) -> None:
    sign_in(client, cast.all()[persona])
    office = cast.world.desa_tanjung_raja
    before = letterhead_of(office)

    assert client.get(url(office)).status_code == 403
    assert client.post(url(office), GOOD).status_code == 403
    assert letterhead_of(office) == before
    assert audit_rows(office) == []


def test_an_operator_cannot_edit_another_offices_letterhead(client: Client, cast: Cast) -> None:
    sign_in(client, cast.rini)
    office = cast.world.kec_tanjung_raja  # Rini's kecamatan: within her region, not her office

    response = client.post(url(office), GOOD)

    assert response.status_code == 403
    assert letterhead_of(office)["letter_code"] == ""


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, cast: Cast) -> None:
    office = cast.world.desa_tanjung_raja

    response = client.post(url(office), GOOD)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert letterhead_of(office)["letter_code"] == ""


def test_an_administrator_may_edit_any_office(client: Client, cast: Cast) -> None:
    sign_in(client, cast.admin)
    office = cast.world.disdukcapil

    response = client.post(url(office), {**GOOD, "letter_code": "DUKCAPIL", "letterhead_lines": ""})

    assert response.status_code == 302
    assert letterhead_of(office)["letter_code"] == "DUKCAPIL"
    assert audit_rows(office)[0].actor == cast.admin


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("letter_code", "TJ R!", "Tulis kode surat dengan huruf dan angka"),
        ("letterhead_lines", "A\nB\nC\nD\nE", "Kop surat paling banyak 4 baris; Anda menulis 5."),
        ("phone", "telepon desa", "Tulis nomor telepon kantor dengan angka"),
        ("email", "bukan-email", "alamat email"),
    ],
)
def test_bad_input_gets_a_plain_message_and_nothing_is_saved(
    client: Client, cast: Cast, field: str, value: str, message: str
) -> None:
    sign_in(client, cast.rini)
    office = cast.world.desa_tanjung_raja

    response = client.post(url(office), {**GOOD, field: value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert letterhead_of(office)["letter_code"] == ""
    assert audit_rows(office) == []
