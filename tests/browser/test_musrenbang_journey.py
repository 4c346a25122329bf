"""The Musrenbang cycle in Chromium, on a 360 px phone without JavaScript (and axe-core with it).

Wati proposes a clean-water usulan for her desa from the footer's link; her neighbour Joko supports
it; Rini, the desa operator, downloads the list for the meeting (PDF, CSV, XLSX), marks the usulan
taken into the RKPDes and later built; the worker tells Wati and Joko each time, once each; and
anyone sees it built on the desa's public page, without a name.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Browser, Page

from layanan.aspirations.models import Plan, Status, Support, Usulan
from layanan.aspirations.tasks import usulan_tell
from layanan.aspirations.tests.builders import joko, wati
from layanan.notifications.models import Message
from layanan.testing import Cast
from tests.browser.conftest import (
    MOBILE_WIDTH,
    Chromium,
    assert_no_axe_violations,
    browser_context,
    session_cookies,
    signed_in_client,
)
from tests.browser.journeys import Shots

pytestmark = pytest.mark.browser

TITLE = "Sumur bor untuk Dusun III"


def _follow(page: Page, name: str, *, within: str = "main") -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(within).get_by_role("link", name=name, exact=True).first.click()


def _press(page: Page, name: str) -> None:
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name=name, exact=True).click()


def _run_queued_notices() -> int:
    """What the worker does with the notices the operator's steps queued: run each once."""
    ran = 0
    for row in DBTaskResult.objects.ready().filter(task_path=usulan_tell.module_path):
        usulan_tell.call(*row.args_kwargs["args"])
        row.delete()
        ran += 1
    return ran


def _told(made: Usulan, event: str) -> list[int]:
    return sorted(
        Message.objects.filter(event=event, key__startswith=f"aspiration:{made.pk}:").values_list(
            "recipient_id", flat=True
        )
    )


def test_an_usulan_goes_from_proposed_to_built_and_its_supporters_are_told(
    cast: Cast, base_url: str, chromium: Chromium, tmp_path: Path
) -> None:
    proposer, neighbour = wati(cast), joko(cast)
    proposer_cookies = session_cookies(signed_in_client(proposer), base_url)
    neighbour_cookies = session_cookies(signed_in_client(neighbour), base_url)
    operator_cookies = session_cookies(signed_in_client(cast.rini), base_url)
    seen: dict[str, Any] = {}

    def propose(browser: Browser) -> None:
        shots = Shots("musrenbang-cycle")
        seen["shots"] = shots
        with browser_context(
            browser, base_url, cookies=proposer_cookies, javascript=False, width=MOBILE_WIDTH
        ) as context:
            page = context.new_page()
            page.goto("/", wait_until="load")
            _follow(page, "Usulan pembangunan desa (Musrenbang)", within="footer")
            shots.take(page, "all desa")
            _follow(page, "Ajukan usulan")
            page.get_by_label("Bidang", exact=True).select_option(label="Air bersih dan sanitasi")
            page.get_by_label("Judul usulan", exact=True).fill(TITLE)
            page.get_by_label("Uraian", exact=True).fill(
                "Warga Dusun III mengambil air dari sungai setiap musim kemarau."
            )
            page.get_by_label("Lokasi atau patokan (tidak wajib)", exact=True).fill("Dusun III, dekat balai")
            shots.take(page, "the usulan form")
            _press(page, "Kirim usulan")
            seen["after proposing"] = page.locator("main").inner_text()
            seen["usulan path"] = page.url.removeprefix(base_url)
            shots.take(page, "proposed")

    chromium.run(propose)
    made = Usulan.objects.get()
    assert (made.title, made.region, made.proposer, made.topic) == (
        TITLE,
        cast.world.tanjung_raja_desa,
        proposer,
        "air",
    )
    assert "Usulan Anda diterima dengan nomor" in seen["after proposing"]

    def support(browser: Browser) -> None:
        shots = seen["shots"]
        with browser_context(
            browser, base_url, cookies=neighbour_cookies, javascript=False, width=MOBILE_WIDTH
        ) as context:
            page = context.new_page()
            page.goto(seen["usulan path"], wait_until="load")
            _press(page, "Saya mendukung")
            seen["after supporting"] = page.locator("main").inner_text()
            shots.take(page, "supported by a neighbour")

    chromium.run(support)
    assert Support.objects.filter(usulan=made, user=neighbour).count() == 1
    assert "1 warga mendukung" in seen["after supporting"]

    next_year = timezone.localdate().year + 1
    downloads = tmp_path / "downloads"
    downloads.mkdir()

    def export_and_accept(browser: Browser) -> None:
        shots = seen["shots"]
        with browser_context(
            browser, base_url, cookies=operator_cookies, javascript=False, width=MOBILE_WIDTH
        ) as context:
            page = context.new_page()
            page.goto("/", wait_until="load")
            _follow(page, f"Akun saya: {cast.rini.full_name}", within="header")
            _follow(page, "Usulan Musrenbang di wilayah kantor (unduh, tandai diterima, dibangun)")
            seen["staff list"] = page.locator("main").inner_text()
            shots.take(page, "the operator's list")
            for name, suffix in (
                ("PDF untuk rapat (dengan foto)", "pdf"),
                ("CSV untuk sistem perencanaan", "csv"),
                ("XLSX (Excel)", "xlsx"),
            ):
                with page.expect_download() as info:
                    page.get_by_role("link", name=name, exact=True).click()
                target = downloads / f"usulan.{suffix}"
                info.value.save_as(str(target))
            _follow(page, TITLE)
            shots.take(page, "the usulan for the operator")
            page.get_by_label("RKPDes (rencana kerja desa)").check()
            page.get_by_label("Tahun rencana", exact=True).fill(str(next_year))
            _press(page, "Tandai diterima")
            seen["after accepting"] = page.locator("main").inner_text()
            shots.take(page, "accepted into the RKPDes")

    chromium.run(export_and_accept)
    assert TITLE in seen["staff list"]
    pdf = (downloads / "usulan.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 1000
    rows = list(csv.DictReader(io.StringIO((downloads / "usulan.csv").read_text(encoding="utf-8-sig"))))
    assert [(row["Judul"], row["Jumlah pendukung"]) for row in rows] == [(TITLE, "1")]
    with zipfile.ZipFile(downloads / "usulan.xlsx") as book:
        assert TITLE in book.read("xl/sharedStrings.xml").decode()
    assert "Usulan ditandai diterima masuk rencana." in seen["after accepting"]
    accepted = Usulan.objects.get(pk=made.pk)
    assert (accepted.status, accepted.plan, accepted.plan_year) == (Status.ACCEPTED, Plan.RKPDES, next_year)
    assert _run_queued_notices() == 1
    assert _told(made, "aspiration.accepted") == sorted([proposer.pk, neighbour.pk])

    def mark_built(browser: Browser) -> None:
        shots = seen["shots"]
        with browser_context(
            browser, base_url, cookies=operator_cookies, javascript=False, width=MOBILE_WIDTH
        ) as context:
            page = context.new_page()
            page.goto(f"/petugas/musrenbang/usulan/{made.pk}/", wait_until="load")
            page.get_by_label("Tanggal selesai dibangun", exact=True).fill(timezone.localdate().isoformat())
            page.get_by_label("Catatan (tidak wajib)", exact=True).fill("Dana Desa")
            _press(page, "Tandai sudah dibangun")
            seen["after building"] = page.locator("main").inner_text()
            shots.take(page, "built")

    chromium.run(mark_built)
    assert Usulan.objects.get(pk=made.pk).status == Status.BUILT
    assert _run_queued_notices() == 1
    assert _told(made, "aspiration.built") == sorted([proposer.pk, neighbour.pk])
    assert _run_queued_notices() == 0

    def public(browser: Browser) -> None:
        shots = seen["shots"]
        with browser_context(browser, base_url, cookies=[], javascript=False, width=MOBILE_WIDTH) as context:
            page = context.new_page()
            page.goto("/musrenbang/", wait_until="load")
            _follow(page, "Tanjung Raja")
            main = page.locator("main").inner_text()
            seen["desa page"] = main
            shots.take(page, "the desa page shows it built")
        with browser_context(browser, base_url, cookies=[], javascript=True, width=MOBILE_WIDTH) as context:
            page = context.new_page()
            page.goto(f"/musrenbang/desa/{cast.world.tanjung_raja_desa.code}/", wait_until="load")
            assert_no_axe_violations(page, "the desa page")
            page.goto(seen["usulan path"], wait_until="load")
            assert_no_axe_violations(page, "the usulan page")

    chromium.run(public)
    page_text = seen["desa page"]
    built_at = page_text.index("Sudah dibangun")
    assert built_at < page_text.index(TITLE) < page_text.index("Diterima masuk rencana")
    assert "Wati" not in page_text
    assert "Joko" not in page_text
