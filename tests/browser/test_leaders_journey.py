"""Journey 4: the Bupati and an agency head read the dashboards and find the new cases where they happened.

New cases are made through the services, as citizens and the complaint desk make them: applications
from citizens of Kotabumi and of Tanjung Raja (counted by their home desa, or by the desa their form
names), one from a citizen who registered herself without a home desa but named the desa in her form,
an older application from ten days ago, and three reports in known desa. The summary tables are then
refreshed as production does it: the worker runs the refresh tasks the signals queued.

The Bupati (1280 px) opens the home page, follows "Dasbor", reads the overview, opens "Layanan",
groups by kecamatan, narrows to the last seven days and then to one kecamatan, opens "Pengaduan",
"Wilayah" (downloads its CSV and reads it), the monthly report and its print view; every figure is
checked against the cases made here. The head of Dinas PUPR reads the same pages and sees only his
office's cases. The Bupati's part runs once more in English. Every step leaves a screenshot under
``test-results/journeys/journey-4-leaders/``.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Browser, Page

from layanan.accounts.models import Role, User
from layanan.applications import services as applications
from layanan.applications.models import Application
from layanan.applications.tests.builders import Clock, citizen, service, village_letter
from layanan.catalogue.models import Service
from layanan.complaints import services as complaints
from layanan.complaints.models import Category, Kind
from layanan.monitoring.models import ApplicationDaily
from layanan.monitoring.services import wib_day
from layanan.monitoring.tasks import monitoring_item_refresh
from layanan.regions.models import Region
from layanan.testing import Cast, make_user
from tests.browser.conftest import DESKTOP_WIDTH, Chromium, browser_context, session_cookies, signed_in_client
from tests.browser.journeys import Shots

pytestmark = pytest.mark.browser

AKTA = "Akta Kelahiran (uji)"
DOMISILI = "Surat Keterangan Domisili (uji)"
PBG = "Persetujuan Bangunan Gedung (uji)"
JALAN = "Jalan dan jembatan (uji)"
KEPENDUDUKAN = "Administrasi kependudukan (uji)"
REPORT_TEXT = "Jalan desa rusak berlubang besar di depan balai desa, sudah tiga bulan belum diperbaiki."


# --- the cases, made through the services ----------------------------------------------------------


def apply(of: Service, applicant: User, *, desa: Region | None = None) -> Application:
    """A citizen fills every step (naming ``desa`` in the form when given), brings the papers, submits."""
    application = applications.application_start(service=of, applicant=applicant, actor=applicant)
    first: dict[str, object] = {"nama_anak": "Putri"}
    if desa is not None:
        first["desa"] = desa.code
    applications.application_save_step(application=application, actor=applicant, step=1, answers=first)
    applications.application_save_step(
        application=application, actor=applicant, step=2, answers={"tanggal_lahir": "2026-01-05"}
    )
    for requirement in of.requirements.all():
        applications.requirement_provide(
            application=application, actor=applicant, requirement=requirement, provision="paper"
        )
    return applications.application_submit(application=application, actor=applicant, submit_key=uuid.uuid4())


def report(cast: Cast, reporter: User, category: Category, desa: Region, *, verify: bool) -> None:
    """A citizen files a report; the desk verifies it (routed to the category's office) or not yet."""
    filed = complaints.report_submit(
        reporter=reporter,
        kind=Kind.COMPLAINT,
        category=category,
        text=REPORT_TEXT,
        region=desa,
        submit_key=uuid.uuid4(),
    )
    if verify:
        complaints.report_verify(report=filed, actor=cast.admin, expected_version=filed.version)


def run_queued_refreshes() -> int:
    """What the worker does with the refreshes the signals queued after each change: run each once."""
    queued = DBTaskResult.objects.ready().filter(task_path=monitoring_item_refresh.module_path)
    ran = 0
    for row in queued:
        monitoring_item_refresh.call(*row.args_kwargs["args"])
        ran += 1
    return ran


@dataclass
class Cases:
    today: date
    week_start: date
    old_day: date


def make_cases(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> Cases:
    w = cast.world
    akta = service(name=AKTA, office=w.disdukcapil)  # no desa in its form: the applicant's home desa
    domisili = village_letter(name=DOMISILI, desa_field=True)  # handled by the desa office named in the form
    pbg = service(name=PBG, office=w.pupr, desa_field=True)  # Dinas PUPR's; the form may name the desa

    kotabumi_citizen = citizen(name="Warga Kotabumi", home_region=w.kotabumi_pasar)
    tanjung_raja_citizen = citizen(name="Warga Tanjung Raja", home_region=w.tanjung_raja_desa)
    newcomer = citizen(name="Warga Baru")  # registered herself: no home desa

    now = timezone.now()
    # Ten days ago: in the default 30 days, not in the last seven.
    with monkeypatch.context() as patched:
        Clock(patched, now - timedelta(days=10))
        apply(akta, cast.siti)

    apply(akta, cast.siti)  # Kotabumi (Siti's home desa: Kotabumi Pasar)
    apply(akta, tanjung_raja_citizen)  # Tanjung Raja
    apply(domisili, newcomer, desa=w.tanjung_raja_desa)  # Tanjung Raja, by the form's desa alone
    apply(pbg, cast.siti, desa=w.tanjung_raja_desa)  # Tanjung Raja: the form's desa over her home
    apply(pbg, kotabumi_citizen)  # Kotabumi

    jalan = Category.objects.create(slug="jalan-uji", name=JALAN, default_office=w.pupr)
    kependudukan = Category.objects.create(
        slug="kependudukan-uji", name=KEPENDUDUKAN, default_office=w.disdukcapil
    )
    report(cast, tanjung_raja_citizen, jalan, w.tanjung_raja_desa, verify=True)  # to Dinas PUPR
    report(cast, cast.siti, kependudukan, w.kotabumi_pasar, verify=True)  # to Disdukcapil
    report(cast, kotabumi_citizen, jalan, w.kotabumi_pasar, verify=False)  # no office yet

    assert not ApplicationDaily.objects.exists()  # nothing counted until the worker runs
    assert run_queued_refreshes() > 0
    today = wib_day(now)
    return Cases(today=today, week_start=today - timedelta(days=6), old_day=wib_day(now - timedelta(days=10)))


# --- what the pages show --------------------------------------------------------------------------


def received_by_row(page: Page) -> dict[str, int]:
    """The dashboard table's rows: the row heading and its first figure (received in the period)."""
    figures: dict[str, int] = {}
    rows = page.locator(".table-wrap table tbody tr")
    for index in range(rows.count()):
        row = rows.nth(index)
        if row.locator("th").count():
            figures[row.locator("th").inner_text().strip()] = int(row.locator("td").first.inner_text())
    return figures


def monthly_received(page: Page, table_label: str) -> dict[str, int]:
    rows = page.get_by_role("region", name=table_label).locator("tbody tr")
    figures: dict[str, int] = {}
    for index in range(rows.count()):
        row = rows.nth(index)
        if row.locator("th").count():
            figures[row.locator("th").inner_text().strip()] = int(row.locator("td").first.inner_text())
    return figures


def grid(page: Page) -> dict[str, int]:
    """The kecamatan grid's cells that hold any application."""
    cells = page.locator(".kec-grid__cell")
    values = {
        cells.nth(i).locator(".kec-grid__name").inner_text().strip(): int(
            cells.nth(i).locator(".kec-grid__value").inner_text()
        )
        for i in range(cells.count())
    }
    return {name: value for name, value in values.items() if value}


def follow(page: Page, name: str, *, within: str = "") -> None:
    scope = page.get_by_role("navigation", name=within) if within else page
    with page.expect_navigation(wait_until="load"):
        scope.get_by_role("link", name=name, exact=True).click()


def show(page: Page, words: Words) -> None:
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name=words.show, exact=True).click()
    assert not page.locator(".error-summary").count(), page.locator(".error-summary").inner_text()


@dataclass(frozen=True)
class Words:
    """What the leader reads and clicks, in one language."""

    language: str
    main_menu: str
    dashboard: str
    sections: str
    group_by: str
    overview_heading: str
    applications: str
    applications_heading: str
    reports: str
    reports_heading: str
    regions: str
    regions_heading: str
    monthly: str
    monthly_heading: str
    print_version: str
    service_table: str
    kecamatan: str
    desa: str
    from_date: str
    to_date: str
    show: str
    month: str
    received: str
    no_region: str


INDONESIAN = Words(
    language="id",
    main_menu="Menu utama",
    dashboard="Dasbor",
    sections="Bagian dasbor",
    group_by="Kelompokkan menurut",
    overview_heading="Dasbor layanan",
    applications="Layanan",
    applications_heading="Permohonan layanan",
    reports="Pengaduan",
    reports_heading="Pengaduan dan laporan warga",
    regions="Wilayah",
    regions_heading="Kebutuhan per wilayah",
    monthly="Laporan bulanan",
    monthly_heading="Laporan bulanan kinerja layanan",
    print_version="Versi cetak (A4)",
    service_table="Tabel per layanan",
    kecamatan="Kecamatan",
    desa="Desa/kelurahan",
    from_date="Dari tanggal",
    to_date="Sampai tanggal",
    show="Tampilkan",
    month="Bulan",
    received="Diterima",
    no_region="Tanpa wilayah",
)
ENGLISH = Words(
    language="en",
    main_menu="Main menu",
    dashboard="Dashboard",
    sections="Dashboard sections",
    group_by="Group by",
    overview_heading="Service dashboard",
    applications="Services",
    applications_heading="Service applications",
    reports="Complaints",
    reports_heading="Complaints and residents\u2019 reports",
    regions="Regions",
    regions_heading="Needs by region",
    monthly="Monthly report",
    monthly_heading="Monthly service performance report",
    print_version="Print version (A4)",
    service_table="Table by service",
    kecamatan="District (kecamatan)",
    desa="Village (desa/kelurahan)",
    from_date="From date",
    to_date="To date",
    show="Show",
    month="Month",
    received="Received",
    no_region="No region",
)


def cookies_in(words: Words, cookies: list[object], base_url: str) -> list[object]:
    if words.language == "id":
        return cookies
    return [*cookies, {"name": settings.LANGUAGE_COOKIE_NAME, "value": words.language, "url": base_url}]


def snap(shots: Shots, page: Page, step: str) -> None:
    """Photograph the step, and check no table is cut off: every column fits a 1280 px screen."""
    shots.take(page, step)
    cut = page.evaluate(
        "[...document.querySelectorAll('.table-wrap')]"
        ".filter(w => w.scrollWidth > w.clientWidth)"
        ".map(w => `${w.getAttribute('aria-label')}: ${w.scrollWidth} > ${w.clientWidth} px`)"
    )
    assert not cut, f"{step}: tables cut off at {DESKTOP_WIDTH} px: {cut}"


def heading(page: Page) -> str:
    return page.locator("h1").inner_text().strip()


# --- the journeys -----------------------------------------------------------------------------------


def bupati_reads(
    browser: Browser,
    base_url: str,
    cookies: list[object],
    cases: Cases,
    words: Words,
    shots: Shots,
    downloads: Path,
) -> None:
    with browser_context(
        browser, base_url, cookies=cookies_in(words, cookies, base_url), javascript=True, width=DESKTOP_WIDTH
    ) as context:
        page = context.new_page()
        page.goto("/", wait_until="load")
        snap(shots, page, "bupati home")
        follow(page, words.dashboard, within=words.main_menu)

        # The overview: the default 30 days hold all six applications and the three reports.
        assert heading(page) == words.overview_heading
        figures = page.locator("#live .figure__value")
        assert figures.first.inner_text().strip() == "6"
        assert figures.nth(4).inner_text().strip() == "3"
        assert grid(page) == {"Kotabumi": 3, "Tanjung Raja": 3}
        snap(shots, page, "bupati overview")

        # Applications, grouped by kecamatan: the default 30 days, then the last seven.
        follow(page, words.applications, within=words.sections)
        assert heading(page) == words.applications_heading
        follow(page, words.kecamatan, within=words.group_by)
        assert received_by_row(page) == {"Kotabumi": 3, "Tanjung Raja": 3}
        snap(shots, page, "bupati applications by kecamatan")
        page.get_by_label(words.from_date).fill(cases.week_start.isoformat())
        page.get_by_label(words.to_date).fill(cases.today.isoformat())
        show(page, words)
        header = page.locator(".table-wrap thead th").nth(1).inner_text().strip()
        assert header == words.received
        assert received_by_row(page) == {"Kotabumi": 2, "Tanjung Raja": 3}  # the older case left out
        snap(shots, page, "bupati applications last seven days")
        page.get_by_label(words.kecamatan, exact=True).select_option(label="Tanjung Raja")
        show(page, words)
        assert received_by_row(page) == {"Tanjung Raja": 3}
        snap(shots, page, "bupati applications in tanjung raja")
        follow(page, words.desa, within=words.group_by)  # the period and the kecamatan stay chosen
        assert received_by_row(page) == {"Tanjung Raja": 3}  # its one desa; not Kotabumi Pasar
        assert page.get_by_label(words.from_date).input_value() == cases.week_start.isoformat()
        snap(shots, page, "bupati applications by desa in tanjung raja")

        # Reports by kecamatan in the same seven days.
        follow(page, words.reports, within=words.sections)
        assert heading(page) == words.reports_heading
        follow(page, words.kecamatan, within=words.group_by)
        page.get_by_label(words.from_date).fill(cases.week_start.isoformat())
        page.get_by_label(words.to_date).fill(cases.today.isoformat())
        show(page, words)
        assert received_by_row(page) == {"Kotabumi": 2, "Tanjung Raja": 1}
        snap(shots, page, "bupati reports by kecamatan")

        # The regions page and its CSV.
        follow(page, words.regions, within=words.sections)
        assert heading(page) == words.regions_heading
        page.get_by_label(words.from_date).fill(cases.week_start.isoformat())
        page.get_by_label(words.to_date).fill(cases.today.isoformat())
        show(page, words)
        assert grid(page) == {"Kotabumi": 2, "Tanjung Raja": 3}
        assert words.no_region not in grid(page)  # the newcomer's letter is placed by its desa answer
        snap(shots, page, "bupati regions")
        with page.expect_download() as waiting:
            page.get_by_role("link", name="CSV", exact=True).click()
        download = waiting.value
        saved = downloads / f"wilayah-{words.language}.csv"
        download.save_as(saved)
        rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
        assert (rows[0][0], rows[0][2]) == (words.kecamatan, words.received)
        exported = {(kecamatan, name): int(n) for kecamatan, name, n in rows[1:]}
        assert exported == {
            ("Kotabumi", AKTA): 1,
            ("Kotabumi", PBG): 1,
            ("Tanjung Raja", AKTA): 1,
            ("Tanjung Raja", DOMISILI): 1,
            ("Tanjung Raja", PBG): 1,
        }

        # The monthly report of this month, and its print view.
        follow(page, words.monthly, within=words.sections)
        page.get_by_label(words.month, exact=True).fill(f"{cases.today:%Y-%m}")
        show(page, words)
        assert heading(page).startswith(words.monthly_heading)
        older_here = cases.old_day.month == cases.today.month
        assert monthly_received(page, words.service_table) == {
            AKTA: 2 + older_here,
            DOMISILI: 1,
            PBG: 2,
        }
        snap(shots, page, "bupati monthly report")
        follow(page, words.print_version)
        assert heading(page).startswith(words.monthly_heading)
        assert page.locator("header nav").count() == 0  # the print view has no site menu
        assert PBG in page.locator("main").inner_text()
        snap(shots, page, "bupati monthly report print")


def agency_head_reads(
    browser: Browser, base_url: str, cookies: list[object], cases: Cases, shots: Shots
) -> None:
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=DESKTOP_WIDTH) as context:
        page = context.new_page()
        page.goto("/", wait_until="load")
        follow(page, "Dasbor", within="Menu utama")
        # Only Dinas PUPR's two applications and its one disposed report.
        figures = page.locator("#live .figure__value")
        assert figures.first.inner_text().strip() == "2"
        assert figures.nth(4).inner_text().strip() == "1"
        assert grid(page) == {"Kotabumi": 1, "Tanjung Raja": 1}
        snap(shots, page, "agency head overview")

        follow(page, "Layanan", within="Bagian dasbor")
        assert received_by_row(page) == {PBG: 2}
        assert AKTA not in " ".join(page.locator(".table-wrap, .chart").all_inner_texts())  # not his office's
        offices = page.get_by_label("Kantor").locator("option").all_inner_texts()
        assert [o.strip() for o in offices] == ["Semua", "Dinas Pekerjaan Umum dan Penataan Ruang"]
        snap(shots, page, "agency head applications")
        follow(page, "Kecamatan", within="Kelompokkan menurut")
        page.get_by_label("Dari tanggal").fill(cases.week_start.isoformat())
        page.get_by_label("Sampai tanggal").fill(cases.today.isoformat())
        show(page, INDONESIAN)
        assert received_by_row(page) == {"Kotabumi": 1, "Tanjung Raja": 1}
        snap(shots, page, "agency head applications by kecamatan")

        follow(page, "Pengaduan", within="Bagian dasbor")
        assert received_by_row(page) == {JALAN: 1}
        assert KEPENDUDUKAN not in " ".join(page.locator(".table-wrap, .chart").all_inner_texts())
        snap(shots, page, "agency head reports")

        follow(page, "Laporan bulanan", within="Bagian dasbor")
        page.get_by_label("Bulan", exact=True).fill(f"{cases.today:%Y-%m}")
        show(page, INDONESIAN)
        assert monthly_received(page, "Tabel per layanan") == {PBG: 2}
        assert monthly_received(page, "Tabel per kantor") == {"Dinas Pekerjaan Umum dan Penataan Ruang": 2}
        snap(shots, page, "agency head monthly report")


def test_the_bupati_and_an_agency_head_find_the_new_cases_in_their_kecamatan(
    cast: Cast, base_url: str, chromium: Chromium, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cases = make_cases(cast, monkeypatch)
    head_of_pupr = make_user(
        phone="081200000009", full_name="Hendra Gunawan", role=Role.LEADER, office=cast.world.pupr
    )
    bupati = session_cookies(signed_in_client(cast.bupati), base_url)
    hendra = session_cookies(signed_in_client(head_of_pupr), base_url)

    shots = Shots("journey-4-leaders")
    english = Shots("journey-4-leaders", language="en")

    chromium.run(lambda browser: bupati_reads(browser, base_url, bupati, cases, INDONESIAN, shots, tmp_path))
    chromium.run(lambda browser: agency_head_reads(browser, base_url, hendra, cases, shots))
    chromium.run(lambda browser: bupati_reads(browser, base_url, bupati, cases, ENGLISH, english, tmp_path))
