"""The IKM selectors and the published SKM report: figures, scoping, sample warnings, XLSX."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from layanan.accounts.models import Role
from layanan.accounts.testing import sign_in
from layanan.agencies.models import Office
from layanan.applications.tests.builders import staff
from layanan.survey import selectors
from layanan.survey.tests.builders import invitation, response, survey_service

DAY = date(2025, 2, 10)
YEAR = {"year": "2025"}


@pytest.fixture
def figures(cast, settings):
    """Disdukcapil: 3 responses to 2 services among 5 invitations (cases); PUPR: 1 response."""
    settings.SKM_SAMPLE_METHOD = "krejcie-morgan"
    ktp = survey_service(cast.world.disdukcapil, name="KTP-el")
    akta = survey_service(cast.world.disdukcapil, name="Akta kelahiran")
    jalan = survey_service(cast.world.pupr, name="Izin jalan")
    for service in (ktp, ktp, ktp, akta, akta):
        invitation(cast, office=cast.world.disdukcapil, service=service, period=DAY)
    invitation(cast, office=cast.world.pupr, service=jalan, period=DAY)
    disdukcapil = cast.world.disdukcapil
    response(office=disdukcapil, service=ktp, period=DAY, scores=(4, 4, 4, 4, 4, 4, 4, 4, 4), sex="p")
    response(
        office=disdukcapil,
        service=ktp,
        period=DAY,
        scores=(3, 3, 2, 4, 3, 3, 3, 3, 3),
        suggestion="Ruang tunggu panas.",
        sex="l",
        education="sma",
    )
    response(office=disdukcapil, service=akta, period=DAY, scores=(4, 3, 3, 4, 4, 4, 4, 3, 4))
    response(office=cast.world.pupr, service=jalan, period=DAY, scores=(2,) * 9, suggestion="Lambat.")
    response(office=disdukcapil, service=ktp, period=date(2024, 12, 31), scores=(1,) * 9)  # another year
    return {"ktp": ktp, "akta": akta, "jalan": jalan}


def _agency_head(cast):
    return staff(role=Role.LEADER, office=cast.world.disdukcapil, name="Kepala Disdukcapil")


# --- selectors ---------------------------------------------------------------------------------------


def test_ikm_by_office_matches_the_hand_computed_figures(cast, figures):
    by_office = selectors.ikm_by(
        actor=cast.bupati, start=date(2025, 1, 1), end=date(2025, 12, 31), group="office"
    )

    disdukcapil = by_office[cast.world.disdukcapil.pk]
    assert disdukcapil.respondents == 3
    assert disdukcapil.totals == (11, 10, 9, 12, 11, 11, 11, 10, 11)
    # Σ = 96 over 27 answers: 96/27 = 3.5555.. → x25 = 88.888.. → 88.89 (A)
    assert disdukcapil.ikm == Decimal("88.89")
    assert disdukcapil.mutu == "A"
    assert disdukcapil.population == 5
    assert disdukcapil.required_sample == 10  # a population below the table's first row: that row
    assert not disdukcapil.sample_ok
    pupr = by_office[cast.world.pupr.pk]
    assert (pupr.respondents, pupr.ikm, pupr.mutu, pupr.population) == (1, Decimal("50.00"), "D", 1)
    assert not pupr.sample_ok  # one answer is never a sufficient sample
    assert pupr.sample_label == "sampel belum cukup (1 dari 10 yang diperlukan)"


def test_ikm_by_service_groups_by_service(cast, figures):
    by_service = selectors.ikm_by(
        actor=cast.admin, start=date(2025, 1, 1), end=date(2025, 12, 31), group="service"
    )

    assert set(by_service) == {figures["ktp"].pk, figures["akta"].pk, figures["jalan"].pk}
    assert by_service[figures["ktp"].pk].respondents == 2
    assert by_service[figures["ktp"].pk].population == 3
    assert by_service[figures["akta"].pk].ikm == Decimal("91.67")  # 33/9 x 25 = 91.666..


def test_an_agency_head_reads_only_their_own_office_and_others_are_refused(cast, figures):
    head = _agency_head(cast)

    mine = selectors.ikm_by(actor=head, start=date(2025, 1, 1), end=date(2025, 12, 31), group="office")

    assert set(mine) == {cast.world.disdukcapil.pk}
    for refused in (cast.siti, cast.budi, cast.auditor):
        with pytest.raises(PermissionDenied):
            selectors.ikm_by(actor=refused, start=date(2025, 1, 1), end=date(2025, 12, 31), group="office")


def test_office_ids_narrow_the_figures(cast, figures):
    narrowed = selectors.ikm_by(
        actor=cast.bupati,
        start=date(2025, 1, 1),
        end=date(2025, 12, 31),
        group="office",
        office_ids=[cast.world.pupr.pk],
    )
    assert set(narrowed) == {cast.world.pupr.pk}


def test_the_public_variant_gives_the_same_figures_without_an_actor(cast, figures):
    public = selectors.ikm_by_public(start=date(2025, 1, 1), end=date(2025, 12, 31), group="office")
    assert public == selectors.ikm_by(
        actor=cast.admin, start=date(2025, 1, 1), end=date(2025, 12, 31), group="office"
    )


def test_figures_per_period_split_by_month_and_year(cast, figures):
    months = selectors.ikm_periods(
        actor=cast.bupati,
        start=date(2024, 1, 1),
        end=date(2025, 12, 31),
        period="month",
        office_id=cast.world.disdukcapil.pk,
    )
    assert [(bucket, result.respondents) for bucket, result in months] == [
        (date(2024, 12, 1), 1),
        (date(2025, 2, 1), 3),
    ]
    assert months[0][1].ikm == Decimal("25.00")
    years = selectors.ikm_periods(
        actor=cast.bupati, start=date(2024, 1, 1), end=date(2025, 12, 31), period="year"
    )
    assert [(bucket, result.respondents) for bucket, result in years] == [
        (date(2024, 1, 1), 1),
        (date(2025, 1, 1), 4),
    ]


# --- the report page -----------------------------------------------------------------------------------


def _get(user, **params):
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client.get(reverse("survey:report"), params)


def test_the_report_of_an_office_shows_the_regulations_tables(cast, figures):
    page = _get(cast.budi, **YEAR)

    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("<h1>") == 1
    assert "Dinas Kependudukan dan Pencatatan Sipil" in html
    assert "<strong>88.89</strong>" in html or "<strong>88,89</strong>" in html
    assert "Sangat baik" in html
    assert "U9 Sarana dan prasarana" in html
    assert re.search(r"U3 Waktu penyelesaian <span class=\"tag tag--yellow\">terendah", html)
    assert "Sampel belum cukup: 3 responden dari 10 yang diperlukan" in html
    assert "<caption>Jenis kelamin</caption>" in html
    assert "Ruang tunggu panas." in html  # Budi is staff of the office: he reads the suggestions
    assert "Lambat." not in html  # PUPR's


def test_leaders_and_auditors_see_figures_but_not_the_suggestions(cast, figures):
    for reader in (cast.bupati, cast.auditor, cast.admin):
        page = _get(reader, office=cast.world.disdukcapil.code, **YEAR)
        assert page.status_code == 200
        html = page.content.decode()
        assert "88.89" in html or "88,89" in html
        assert "Ruang tunggu panas." not in html


def test_without_an_office_a_leader_gets_the_summary_of_every_office_in_reach(cast, figures):
    page = _get(cast.bupati, **YEAR)

    assert page.status_code == 200
    html = page.content.decode()
    assert "Dinas Pekerjaan Umum dan Penataan Ruang" in html
    assert "Dinas Kependudukan dan Pencatatan Sipil" in html
    assert "IKM per kantor" in html
    # PUPR has one answer for one case served: never "sampel cukup".
    assert "sampel belum cukup (1 dari 10 yang diperlukan)" in html
    assert "sampel belum cukup (3 dari 10 yang diperlukan)" in html
    assert ">cukup<" not in html
    assert "sampel cukup" not in html
    assert _get(cast.siti, **YEAR).status_code == 403


def test_an_agency_head_gets_their_own_office_and_is_refused_another(cast, figures):
    head = _agency_head(cast)

    own = _get(head, **YEAR)
    other = _get(head, office=cast.world.pupr.code, **YEAR)
    summary = _get(head, office="", **YEAR)

    assert own.status_code == 200
    assert "Ruang tunggu panas." in own.content.decode()  # staff of that office (its head)
    assert other.status_code == 403
    assert summary.status_code == 200
    assert "Dinas Pekerjaan Umum" not in summary.content.decode().split("<table>")[-1]


def test_an_officer_of_another_agency_is_refused_disdukcapils_report(cast, figures):
    assert _get(cast.andi, office=cast.world.disdukcapil.code, **YEAR).status_code == 403


def test_citizens_are_refused_and_anonymous_people_sent_to_sign_in(cast, figures):
    assert _get(cast.siti, **YEAR).status_code == 403
    anonymous = _get(None, **YEAR)
    assert anonymous.status_code == 302
    assert "/akun/masuk/" in anonymous["Location"]


def test_a_bad_year_is_named_plainly(cast, figures):
    page = _get(cast.budi, year="1999")
    assert page.status_code == 200
    assert "Pilih tahun dari daftar." in page.content.decode()


# --- XLSX ----------------------------------------------------------------------------------------------


def _cells(content: bytes, sheet: int = 1) -> dict[str, str]:
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        shared = [
            "".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t"))
            for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml"))  # noqa: S314  # our own file.findall("m:si", ns)
        ]
        root = ElementTree.fromstring(book.read(f"xl/worksheets/sheet{sheet}.xml"))  # noqa: S314
    cells: dict[str, str] = {}
    for cell in root.iter(f"{{{ns['m']}}}c"):
        value = cell.find("m:v", ns)
        if value is None:
            continue
        cells[cell.get("r", "")] = shared[int(value.text or 0)] if cell.get("t") == "s" else value.text or ""
    return cells


def test_the_xlsx_holds_the_same_figures_without_the_suggestions(cast, figures):
    client = Client()
    sign_in(client, cast.budi)

    download = client.get(reverse("survey:report_xlsx"), {"office": cast.world.disdukcapil.code, **YEAR})

    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/vnd.openxmlformats")
    assert download["Content-Disposition"] == 'attachment; filename="skm-disdukcapil-20250101-20251231.xlsx"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert "no-store" in download["Cache-Control"]
    cells = _cells(download.content)
    assert cells["B2"] == "Dinas Kependudukan dan Pencatatan Sipil"
    assert cells["B4"] == "3"  # respondents
    assert cells["B5"] == "5"  # population
    assert cells["B6"] == "10"  # required sample
    assert cells["B7"] == "Tidak"  # sample not enough
    assert cells["A10"] == "U1 Persyaratan"
    assert cells["B10"] == "11"
    assert cells["A18"].startswith("U9 Sarana")
    values = {cells[f"A{row}"]: cells.get(f"B{row}", "") for row in range(20, 26) if f"A{row}" in cells}
    assert float(values["IKM unit pelayanan (x 25)"]) == pytest.approx(88.89)
    assert values["Mutu pelayanan"] == "A"
    assert values["Unsur terendah"].startswith("U3")
    assert values["Jumlah saran tertulis"] == "1"
    all_text = " ".join(" ".join(_cells(download.content, sheet).values()) for sheet in (1, 2, 3))
    assert "Ruang tunggu" not in all_text
    services = _cells(download.content, 2)
    assert {services["A2"], services["A3"]} == {"Akta kelahiran", "KTP-el"}


def test_a_name_that_reads_like_a_formula_stays_text_in_the_xlsx(cast, figures):
    formula = '=HYPERLINK("http://contoh.invalid","klik")'
    Office.objects.filter(pk=cast.world.disdukcapil.pk).update(name=formula)
    client = Client()
    sign_in(client, cast.budi)

    download = client.get(reverse("survey:report_xlsx"), {"office": cast.world.disdukcapil.code, **YEAR})

    assert download.status_code == 200
    assert _cells(download.content)["B2"] == formula
    with zipfile.ZipFile(io.BytesIO(download.content)) as book:
        sheets = [book.read(name) for name in book.namelist() if name.startswith("xl/worksheets/")]
    assert sheets
    assert not any(b"<f>" in sheet or b"<f " in sheet for sheet in sheets)
    assert Office.objects.get(pk=cast.world.disdukcapil.pk).name == formula


def test_the_xlsx_is_refused_to_another_agency_and_to_citizens(cast, figures):
    for refused in (cast.andi, cast.siti):
        client = Client()
        sign_in(client, refused)
        download = client.get(reverse("survey:report_xlsx"), {"office": cast.world.disdukcapil.code, **YEAR})
        assert download.status_code == 403
