"""The office admin: list, filter and search; contact details editable; code, kind and region fixed."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.agencies.models import Office
from layanan.audit.models import AuditEvent
from layanan.testing import Cast


def test_an_administrator_filters_and_searches_offices(client: Client, cast: Cast) -> None:
    sign_in(client, cast.admin)

    response = client.get(
        reverse("admin:agencies_office_changelist"), {"kind__exact": "opd", "q": "Kependudukan"}
    )

    assert response.status_code == 200
    content = response.content.decode()
    assert "Dinas Kependudukan dan Pencatatan Sipil" in content
    assert "Dinas Pekerjaan Umum" not in content


def test_an_administrator_edits_contact_details_but_not_the_code_or_region(
    client: Client, cast: Cast
) -> None:
    sign_in(client, cast.admin)
    office = cast.world.disdukcapil

    response = client.post(
        reverse("admin:agencies_office_change", args=[office.pk]),
        {
            "code": "diganti",
            "name": office.name,
            "short_name": "Disdukcapil",
            "kind": Office.Kind.VILLAGE,
            "region": "18.03.02",
            "address": "Jl. Soekarno-Hatta, Kotabumi",
            "phone": "(0724) 22000",
            "email": "disdukcapil@example.org",
            "is_active": "on",
        },
    )

    assert response.status_code == 302
    office.refresh_from_db()
    assert (office.code, office.kind, office.region_id) == ("disdukcapil", Office.Kind.AGENCY, "18.03")
    assert (office.short_name, office.phone) == ("Disdukcapil", "(0724) 22000")
    delete = client.post(reverse("admin:agencies_office_delete", args=[office.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert Office.objects.filter(pk=office.pk).exists()


def test_an_officer_is_sent_to_the_admin_sign_in_and_changes_nothing(client: Client, cast: Cast) -> None:
    sign_in(client, cast.andi)
    office = cast.world.pupr

    response = client.post(
        reverse("admin:agencies_office_change", args=[office.pk]), {"name": "Diubah", "phone": "1"}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    office.refresh_from_db()
    assert office.name == "Dinas Pekerjaan Umum dan Penataan Ruang"


def test_a_letterhead_changed_in_the_admin_is_audited_like_on_the_offices_page(
    client: Client, cast: Cast
) -> None:
    sign_in(client, cast.admin)
    office = cast.world.desa_tanjung_raja

    response = client.post(
        reverse("admin:agencies_office_change", args=[office.pk]),
        {
            "name": office.name,
            "short_name": "",
            "is_active": "on",
            "letterhead_lines": "",
            "address": "Jl. Poros Desa No. 1",
            "phone": "",
            "email": "",
            "head_title": "Kepala Desa Tanjung Raja",
            "letter_code": "TJR",
        },
    )

    assert response.status_code == 302
    office.refresh_from_db()
    assert (office.address, office.letter_code) == ("Jl. Poros Desa No. 1", "TJR")
    row = AuditEvent.objects.get(action="agencies.letterhead_update", object_id=str(office.pk))
    assert row.actor == cast.admin
    assert set(row.details["after"]) == {"address", "head_title", "letter_code"}


def test_a_letter_code_the_numbers_cannot_carry_is_refused_in_the_admin(client: Client, cast: Cast) -> None:
    sign_in(client, cast.admin)
    office = cast.world.desa_tanjung_raja

    response = client.post(
        reverse("admin:agencies_office_change", args=[office.pk]),
        {"name": office.name, "is_active": "on", "letter_code": "tj r/1"},
    )

    assert response.status_code == 200
    assert "Tulis kode surat dengan huruf besar dan angka" in response.content.decode()
    office.refresh_from_db()
    assert office.letter_code == ""
