"""The dashboard pages, the live fragment, the exports and the public transparency page."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.models import Role
from layanan.accounts.testing import sign_in
from layanan.monitoring import services
from layanan.monitoring.tests import builders as b
from layanan.monitoring.views import safe_cell
from layanan.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def recent(cast):
    now = timezone.now()
    ktp = b.service(name="=KTP-el", office=cast.world.disdukcapil)
    jalan = b.service(name="Izin jalan", office=cast.world.pupr)
    for of in (ktp, ktp, jalan):
        b.application(
            of=of,
            applicant=cast.siti,
            office=of.office,
            submitted_at=now - timedelta(days=1),
            due_at=now + timedelta(days=3),
        )
    services.facts_reconcile()
    return ktp, jalan


@pytest.mark.parametrize(
    "name", ["overview", "applications", "reports", "regions", "workload", "monthly", "live"]
)
def test_the_bupati_sees_each_dashboard_page_and_a_citizen_is_refused(client, cast, recent, name):
    sign_in(client, cast.bupati)
    response = client.get(reverse(f"monitoring:{name}"))
    assert response.status_code == 200
    sign_in(client, cast.siti)
    assert client.get(reverse(f"monitoring:{name}")).status_code == 403


def test_the_group_links_keep_the_period_and_the_filters(client, cast, recent):
    sign_in(client, cast.bupati)
    page = client.get(
        reverse("monitoring:applications"),
        {"kelompok": "kecamatan", "dari": "2026-03-01", "sampai": "2026-03-07", "kecamatan": "18.03.04"},
    ).content.decode()
    assert 'href="?kelompok=desa&amp;dari=2026-03-01&amp;sampai=2026-03-07&amp;kecamatan=18.03.04"' in page
    # Without a chosen period, the links carry the default one (the last 30 days).
    first = client.get(reverse("monitoring:reports")).content.decode()
    today = services.wib_day(timezone.now())
    start = (today - timedelta(days=29)).isoformat()
    assert f'href="?kelompok=office&amp;dari={start}&amp;sampai={today.isoformat()}"' in first


def test_the_live_fragment_carries_the_current_figures(client, cast, recent):
    sign_in(client, cast.bupati)
    response = client.get(reverse("monitoring:live"))
    assert b"3</span>" in response.content
    page = client.get(reverse("monitoring:overview")).content.decode()
    assert 'aria-live="polite"' in page
    assert "monitoring/live.js" in page
    assert "<script>" not in page


def test_the_csv_export_applies_the_filters_and_defuses_formulas(client, cast, recent):
    sign_in(client, cast.bupati)
    url = reverse("monitoring:export", args=["layanan", "csv"])
    response = client.get(url, {"kantor": cast.world.disdukcapil.pk})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["'=KTP-el"]
    assert rows[1][1] == "2"
    everything = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    assert sorted(row[0] for row in everything[1:]) == ["'=KTP-el", "Izin jalan"]


def test_the_xlsx_export_is_a_workbook_and_the_wrong_persona_is_refused(client, cast, recent):
    sign_in(client, cast.admin)
    response = client.get(reverse("monitoring:export", args=["pengaduan", "xlsx"]))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    sign_in(client, cast.budi)
    assert client.get(reverse("monitoring:export", args=["layanan", "xlsx"])).status_code == 403
    sign_in(client, cast.admin)
    assert client.get(reverse("monitoring:export", args=["rahasia", "csv"])).status_code == 404


def test_the_region_and_officer_exports_carry_their_tables_and_refuse_a_citizen(client, cast, recent):
    ktp, _jalan = recent
    b.application(
        of=ktp,
        applicant=cast.siti,
        office=ktp.office,
        submitted_at=timezone.now() - timedelta(days=1),
        due_at=timezone.now() + timedelta(days=3),
        assigned_to=cast.budi,
    )
    services.facts_reconcile()
    sign_in(client, cast.bupati)

    regions = client.get(reverse("monitoring:export", args=["wilayah", "csv"]))
    officers = client.get(reverse("monitoring:export", args=["petugas", "csv"]))

    assert regions.status_code == officers.status_code == 200
    region_rows = list(csv.reader(io.StringIO(regions.content.decode("utf-8-sig"))))
    assert region_rows[1:] == [["Kotabumi", "'=KTP-el", "3"], ["Kotabumi", "Izin jalan", "1"]]
    officer_rows = list(csv.reader(io.StringIO(officers.content.decode("utf-8-sig"))))
    assert officer_rows[1][:2] == ["Budi Santoso", "1"]
    sign_in(client, cast.siti)
    assert client.get(reverse("monitoring:export", args=["petugas", "csv"])).status_code == 403


def test_an_agency_head_can_filter_by_their_own_office_only(client, cast, recent):
    head = make_user(
        phone="081299990002", full_name="Kepala Dinas PUPR", role=Role.LEADER, office=cast.world.pupr
    )
    sign_in(client, head)

    page = client.get(reverse("monitoring:applications"))
    csv_rows = client.get(
        reverse("monitoring:export", args=["layanan", "csv"]), {"kantor": cast.world.disdukcapil.pk}
    )

    assert page.status_code == 200
    options = page.content.decode().split('name="kantor"')[1].split("</select>")[0]
    assert cast.world.pupr.name in options
    assert cast.world.disdukcapil.name not in options
    assert csv_rows.status_code == 200
    assert "KTP-el" not in csv_rows.content.decode()  # another agency's office: not a filter the head may use


def test_a_formula_in_a_cell_is_prefixed():
    assert [safe_cell(v) for v in ("=1+1", "+6281", "-3", "@x", "aman", 5)] == [
        "'=1+1",
        "'+6281",
        "'-3",
        "'@x",
        "aman",
        5,
    ]


def test_the_transparency_page_is_public_without_personal_data_and_served_from_cache(
    client, cast, recent, settings
):
    settings.MONITORING_PUBLIC_CACHE_SECONDS = 300
    first = client.get(reverse("monitoring:transparency"))
    assert first.status_code == 200
    page = first.content.decode()
    assert "Izin jalan" in page
    assert cast.siti.full_name not in page
    assert "MON-" not in page
    assert "private" in first["Cache-Control"]
    # A change the summaries do not know about yet: the cached figures stay.
    from layanan.applications.models import Application

    Application.objects.filter(service=recent[1]).update(office=cast.world.disdukcapil)

    def figures(html: bytes) -> bytes:
        return html.split(b"<h1>")[1].split(b"</main>")[0]

    assert figures(client.get(reverse("monitoring:transparency")).content) == figures(first.content)
