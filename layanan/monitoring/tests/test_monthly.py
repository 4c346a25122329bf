"""The monthly report: its print view (no site navigation, A4) and its CSV/XLSX download."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from layanan.accounts.models import Role
from layanan.accounts.testing import sign_in
from layanan.monitoring import services
from layanan.monitoring.services import wib_day
from layanan.monitoring.tests import builders as b
from layanan.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(cast):
    """Three applications this month: two KTP-el at Disdukcapil, one road permit at PUPR."""
    now = timezone.now()
    ktp = b.service(name="=KTP-el", office=cast.world.disdukcapil)
    jalan = b.service(name="Izin jalan", office=cast.world.pupr)
    for of in (ktp, ktp, jalan):
        b.application(of=of, applicant=cast.siti, office=of.office, submitted_at=now, due_at=now)
    services.facts_reconcile()
    return f"{wib_day(now):%Y-%m}"


def test_the_print_view_has_the_tables_and_no_site_navigation(client, cast, month):
    sign_in(client, cast.bupati)

    response = client.get(reverse("monitoring:monthly_print"), {"bulan": month})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    assert "Laporan bulanan kinerja layanan" in html
    assert "Izin jalan" in html
    assert "Dinas Pekerjaan Umum dan Penataan Ruang" in html
    assert "<nav" not in html  # neither the site menu nor the dashboard tabs
    assert 'class="header' not in html
    assert "monitoring/print.css" in html
    assert "core/site.css" not in html


def test_the_print_style_sets_a4_and_hides_navigation():
    from django.contrib.staticfiles import finders

    path = finders.find("monitoring/print.css")
    assert path is not None
    css = Path(path).read_text(encoding="utf-8")
    assert "@page{size:A4" in css
    assert "nav,.no-print" in css


def test_the_monthly_page_links_to_its_print_view_and_downloads(client, cast, month):
    sign_in(client, cast.bupati)
    html = client.get(reverse("monitoring:monthly"), {"bulan": month}).content.decode()
    assert f"{reverse('monitoring:monthly_print')}?bulan={month}" in html
    assert f"{reverse('monitoring:monthly_export', args=['csv'])}?bulan={month}" in html
    assert f"{reverse('monitoring:monthly_export', args=['xlsx'])}?bulan={month}" in html


def test_the_csv_holds_each_table_of_the_page_with_formulas_defused(client, cast, month):
    sign_in(client, cast.bupati)

    response = client.get(reverse("monitoring:monthly_export", args=["csv"]), {"bulan": month})

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="laporan-bulanan-{month}.csv"'
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Per layanan"]
    assert rows[1][:3] == ["Nama", "Diterima", "Selesai"]
    by_service = {row[0]: row[1] for row in rows[2:4]}
    assert by_service == {"'=KTP-el": "2", "Izin jalan": "1"}
    assert ["Per kantor"] in rows
    assert ["Pengaduan per kategori"] in rows
    offices = rows[rows.index(["Per kantor"]) + 2 : rows.index(["Per kantor"]) + 4]
    assert {row[0]: row[1] for row in offices} == {
        "Dinas Kependudukan dan Pencatatan Sipil": "2",
        "Dinas Pekerjaan Umum dan Penataan Ruang": "1",
    }


def test_the_xlsx_has_one_sheet_per_table(client, cast, month):
    sign_in(client, cast.admin)

    response = client.get(reverse("monitoring:monthly_export", args=["xlsx"]), {"bulan": month})

    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))  # noqa: S314  # our own file
        shared = [
            "".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t"))
            for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml"))  # noqa: S314
        ]
        first = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))  # noqa: S314
    names = [sheet.get("name") for sheet in workbook.iter(f"{{{ns['m']}}}sheet")]
    assert names == ["Per layanan", "Per kantor", "Pengaduan per kategori"]
    cells = {}
    for cell in first.iter(f"{{{ns['m']}}}c"):
        value = cell.find("m:v", ns)
        if value is not None:
            cells[cell.get("r")] = shared[int(value.text or 0)] if cell.get("t") == "s" else value.text
    assert cells["A1"] == "Nama"
    assert {cells["A2"]: cells["B2"], cells["A3"]: cells["B3"]} == {"'=KTP-el": "2", "Izin jalan": "1"}


def test_an_agency_head_downloads_only_their_office(client, cast, month):
    head = make_user(
        phone="081299990002", full_name="Kepala Dinas PUPR", role=Role.LEADER, office=cast.world.pupr
    )
    sign_in(client, head)
    text = client.get(reverse("monitoring:monthly_export", args=["csv"]), {"bulan": month}).content.decode(
        "utf-8-sig"
    )
    assert "Izin jalan" in text
    assert "KTP-el" not in text


@pytest.mark.parametrize("persona", ["siti", "budi", "rini", "auditor"])
def test_who_may_not_read_dashboards_is_refused_the_print_view_and_downloads(client, cast, month, persona):
    sign_in(client, getattr(cast, persona))
    assert client.get(reverse("monitoring:monthly_print"), {"bulan": month}).status_code == 403
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse("monitoring:monthly_export", args=[fmt])).status_code == 403


def test_an_unknown_format_is_not_found_and_anonymous_is_sent_to_sign_in(client, cast, month):
    assert client.get(reverse("monitoring:monthly_print")).status_code == 302
    sign_in(client, cast.bupati)
    assert client.get(reverse("monitoring:monthly_export", args=["pdf"])).status_code == 404
