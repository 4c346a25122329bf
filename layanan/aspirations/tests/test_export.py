"""The exports for the Musrenbang: CSV and XLSX parse back, the PDF carries the titles; no names."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from layanan.aspirations.models import Usulan
from layanan.aspirations.tests.builders import client_of, joko, usulan
from layanan.documents.tests.pdf_text import pdf_text_flat

pytestmark = pytest.mark.django_db


def _export(user, fmt, **query):
    return client_of(user).get(reverse("aspirations:staff_export", args=[fmt]), query)


@pytest.fixture
def listed(cast):
    road = usulan(
        cast,
        title="Perbaikan jalan Dusun II",
        photos=1,
        latitude=Decimal("-4.830100"),
        longitude=Decimal("104.880600"),
    )
    usulan(cast, title='=HYPERLINK("http://x")', topic="sosial")
    usulan(cast, title="Balai Kotabumi Pasar", region=cast.world.kotabumi_pasar, proposer=cast.siti)
    client_of(joko(cast)).post(reverse("aspirations:support", args=[road.pk]))
    return road


def test_the_csv_parses_back_with_support_counts_and_no_names(cast, listed):
    response = _export(cast.rini, "csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith(
        'attachment; filename="usulan-musrenbang-18.03.04.2009-'
    )
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    by_title = {row["Judul"]: row for row in rows}
    assert set(by_title) == {"Perbaikan jalan Dusun II", '\'=HYPERLINK("http://x")'}  # Rini's desa only
    road = by_title["Perbaikan jalan Dusun II"]
    assert (road["Jumlah pendukung"], road["Jumlah foto"], road["Kode desa"]) == ("1", "1", "18.03.04.2009")
    assert (road["Lintang"], road["Bujur"]) == ("-4.830100", "104.880600")
    assert "Wati" not in text
    assert "Joko" not in text


def test_the_csv_gives_the_day_it_was_proposed_in_lampung_not_in_utc(cast, listed):
    # 20:00 UTC on 7 December is 03:00 WIB on 8 December: the day the villager proposed it.
    Usulan.objects.filter(pk=listed.pk).update(created_at=datetime(2026, 12, 7, 20, 0, tzinfo=UTC))
    rows = csv.DictReader(io.StringIO(_export(cast.rini, "csv").content.decode("utf-8-sig")))
    assert {row["Judul"]: row["Diajukan"] for row in rows}["Perbaikan jalan Dusun II"] == "2026-12-08"


def _xlsx_strings(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        shared = book.read("xl/sharedStrings.xml").decode()
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula anywhere
    return re.findall(r"<t[^>]*>([^<]*)</t>", shared)


def test_the_xlsx_parses_back_and_keeps_formulas_as_text(cast, listed):
    response = _export(cast.admin, "xlsx")
    assert response.status_code == 200
    strings = _xlsx_strings(response.content)
    assert "Perbaikan jalan Dusun II" in strings
    assert "Balai Kotabumi Pasar" in strings
    assert "Jumlah pendukung" in strings
    assert not any("Wati" in s or "Siti" in s for s in strings)


def test_the_pdf_carries_the_titles(cast, listed):
    response = _export(cast.rini, "pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    text = pdf_text_flat(response.content)
    assert "Daftar usulan Musrenbang" in text
    assert "Perbaikan jalan Dusun II" in text
    assert "Balai Kotabumi Pasar" not in text
    assert "Wati" not in text


def test_the_export_follows_the_filters(cast, listed):
    text = _export(cast.rini, "csv", topic="sosial").content.decode("utf-8-sig")
    assert "HYPERLINK" in text
    assert "Perbaikan jalan" not in text


def test_exports_are_refused_to_other_staff_and_citizens(cast, listed):
    for persona in (cast.siti, cast.budi, cast.andi, cast.bupati, cast.auditor):
        assert _export(persona, "csv").status_code == 403
    assert _export(cast.rini, "doc").status_code == 404
    anonymous = _export(None, "csv")
    assert anonymous.status_code == 302
