"""Service points: the public list and its filters, the detail page, the seed, the staff's edits."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.agencies.models import Office
from layanan.audit.models import AuditEvent
from layanan.servicepoints.models import ServicePoint
from layanan.servicepoints.services import service_points_seed
from layanan.servicepoints.tests.builders import point

pytestmark = pytest.mark.django_db

LIST = reverse("servicepoints:list")


@pytest.fixture
def points(world):
    """The desa office of Tanjung Raja, the kecamatan offices of Kotabumi and Tanjung Raja, Disdukcapil
    (regency-wide) and a free-internet point in Kotabumi Pasar."""
    return {
        "desa_tr": point(world.desa_tanjung_raja),
        "kec_kotabumi": point(world.kec_kotabumi),
        "kec_tr": point(world.kec_tanjung_raja),
        "dukcapil": point(world.disdukcapil, kind=ServicePoint.Kind.DUKCAPIL, region=world.regency),
        "wifi": ServicePoint.objects.create(
            kind=ServicePoint.Kind.INTERNET,
            name="Titik Wifi Balai Kelurahan",
            region=world.kotabumi_pasar,
            address="Balai Kelurahan Kotabumi Pasar",
            services_text="Internet gratis untuk mengajukan permohonan",
        ),
    }


def _names(response) -> set[str]:
    return {p.name for p in response.context["page"].object_list}


def test_the_list_shows_every_active_point_to_anyone(client, points):
    ServicePoint.objects.filter(pk=points["wifi"].pk).update(is_active=False)
    response = client.get(LIST)
    assert response.status_code == 200
    assert _names(response) == {p.name for k, p in points.items() if k != "wifi"}


def test_filtering_by_kecamatan_shows_its_points_and_those_serving_the_whole_regency(client, world, points):
    response = client.get(LIST, {"kecamatan": world.tanjung_raja.code})
    assert response.status_code == 200
    assert _names(response) == {points["desa_tr"].name, points["kec_tr"].name, points["dukcapil"].name}
    # Once a kecamatan is chosen, its desa can be chosen (no JavaScript: the form comes back with them).
    assert f'value="{world.tanjung_raja_desa.code}"' in response.content.decode()


def test_filtering_by_desa_narrows_to_that_desa(client, world, points):
    response = client.get(LIST, {"kecamatan": world.kotabumi.code, "desa": world.kotabumi_pasar.code})
    assert _names(response) == {points["wifi"].name, points["dukcapil"].name}


def test_a_desa_of_another_kecamatan_is_refused_plainly(client, world, points):
    response = client.get(LIST, {"kecamatan": world.kotabumi.code, "desa": world.tanjung_raja_desa.code})
    assert response.status_code == 200
    assert "Pilih desa/kelurahan dari daftar kecamatan yang dipilih." in response.content.decode()
    assert _names(response) == {p.name for k, p in points.items()}  # nothing narrowed by a bad filter


def test_the_text_search_looks_in_names_addresses_and_services(client, points):
    assert _names(client.get(LIST, {"q": "wifi"})) == {points["wifi"].name}
    assert _names(client.get(LIST, {"q": "internet gratis"})) == {points["wifi"].name}
    assert _names(client.get(LIST, {"q": "tidak-ada-yang-cocok"})) == set()


def test_the_detail_page_shows_hours_services_and_the_office_phone(client, points):
    response = client.get(reverse("servicepoints:detail", args=[points["desa_tr"].pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Jumat 08.00-11.00 WIB" in body
    assert "Surat keterangan domisili" in body
    assert 'href="tel:072421000"' in body


def test_an_inactive_point_answers_404(client, points):
    ServicePoint.objects.filter(pk=points["wifi"].pk).update(is_active=False)
    assert client.get(reverse("servicepoints:detail", args=[points["wifi"].pk])).status_code == 404


def test_the_seed_makes_one_point_per_kecamatan_and_desa_office_and_disdukcapil_once(world):
    Office.objects.filter(pk=world.kec_kotabumi.pk).update(address="Jl. Soekarno-Hatta 1", phone="0724 22000")
    first = service_points_seed()
    offices = {
        world.kec_kotabumi.pk,
        world.kec_tanjung_raja.pk,
        world.desa_tanjung_raja.pk,
        world.disdukcapil.pk,
    }
    assert first.created == len(offices)
    assert set(ServicePoint.objects.values_list("office_id", flat=True)) == offices  # not Dinas PUPR
    kec = ServicePoint.objects.get(office=world.kec_kotabumi)
    assert (kec.kind, kec.address, kec.phone, kec.region_id) == (
        ServicePoint.Kind.DISTRICT_OFFICE,
        "Jl. Soekarno-Hatta 1",
        "0724 22000",
        world.kotabumi.code,
    )
    assert ServicePoint.objects.get(office=world.disdukcapil).kind == ServicePoint.Kind.DUKCAPIL
    ServicePoint.objects.filter(pk=kec.pk).update(hours="Senin-Jumat 08.00-15.00")
    call_command("seed_service_points", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert ServicePoint.objects.count() == len(offices)
    assert ServicePoint.objects.get(pk=kec.pk).hours == "Senin-Jumat 08.00-15.00"  # kept as corrected
    assert AuditEvent.objects.filter(action="servicepoints.points_seed").count() == 1


def _edit(point_pk: int) -> str:
    return reverse("servicepoints:staff_point_edit", args=[point_pk])


def _posted(**changes: str) -> dict[str, str]:
    data = {
        "address": "Jl. Raya Tanjung Raja 5",
        "hours": "Senin-Kamis 08.00-15.00 WIB\nJumat 08.00-11.00 WIB",
        "services_text": "Surat pengantar",
        "phone": "0724 31000",
        "latitude": "",
        "longitude": "",
        "is_active": "on",
    }
    data.update(changes)
    return data


def test_the_office_operator_keeps_the_point_current_and_it_is_audited(client, cast, points):
    sign_in(client, cast.rini)
    response = client.post(_edit(points["desa_tr"].pk), _posted())
    assert response.status_code == 302
    saved = ServicePoint.objects.get(pk=points["desa_tr"].pk)
    assert (saved.address, saved.phone) == ("Jl. Raya Tanjung Raja 5", "0724 31000")
    assert saved.hours_lines == ["Senin-Kamis 08.00-15.00 WIB", "Jumat 08.00-11.00 WIB"]
    event = AuditEvent.objects.get(action="servicepoints.point_update")
    assert event.details["fields"] == ["address", "hours", "phone", "services_text"]
    # Sent twice: nothing more changes, and no second audit row.
    client.post(_edit(points["desa_tr"].pk), _posted())
    assert AuditEvent.objects.filter(action="servicepoints.point_update").count() == 1


def test_staff_of_another_office_cannot_edit_a_point(client, cast, points):
    for persona in (cast.andi, cast.budi, cast.siti):
        client.logout()
        sign_in(client, persona)
        assert client.post(_edit(points["desa_tr"].pk), _posted(address="Diubah")).status_code == 404
    sign_in(client, cast.rini)
    assert client.post(_edit(points["kec_tr"].pk), _posted(address="Diubah")).status_code == 404
    assert not ServicePoint.objects.filter(address="Diubah").exists()
    assert not AuditEvent.objects.filter(action="servicepoints.point_update").exists()


def test_bad_input_gets_a_plain_message_and_changes_nothing(client, cast, points):
    sign_in(client, cast.rini)
    response = client.post(_edit(points["desa_tr"].pk), _posted(phone="hubungi pak kades", latitude="-4.8"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Tulis nomor telepon kantor dengan angka" in body
    assert "Isi lintang dan bujur bersama-sama" in body
    assert ServicePoint.objects.get(pk=points["desa_tr"].pk).phone == "0724 21000"


def test_the_list_of_the_staff_shows_only_the_points_they_may_edit(client, cast, points):
    sign_in(client, cast.rini)
    response = client.get(reverse("servicepoints:staff_points"))
    assert [p.name for p in response.context["page"].object_list] == [points["desa_tr"].name]
    client.logout()
    sign_in(client, cast.andi)
    assert client.get(reverse("servicepoints:staff_points")).status_code == 403
