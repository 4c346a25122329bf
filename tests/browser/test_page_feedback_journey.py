"""Feedback on the platform, in Chromium: from "Tidak" on a service page to a published change.

A visitor on a 360 px phone without JavaScript opens a service page, answers "Tidak" to "Apakah
halaman ini membantu?", and describes the problem on the thank-you page (with a phone number in
it, which is blanked before it is stored). The administrator (1280 px) opens the product page,
sees the text with the page's name, tags it "Formulir", and records the change made in answer;
the public page "Yang kami ubah karena masukan Anda" shows it. The thank-you page and the product
page are checked with axe-core (JavaScript on); every page of the feedback app is also visited by
tests/browser/test_page_budgets.py. Screenshots go under ``test-results/journeys/page-feedback/``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page

from layanan.catalogue.testing import seeded_service
from layanan.feedback.models import PageFeedback, PlatformChange
from layanan.feedback.tests.builders import seeded_tags
from layanan.testing import Cast
from tests.browser.conftest import (
    DESKTOP_WIDTH,
    MOBILE_WIDTH,
    Chromium,
    assert_no_axe_violations,
    browser_context,
    session_cookies,
    signed_in_client,
)
from tests.browser.journeys import Shots

pytestmark = pytest.mark.browser

TRYING = "Mencari syarat akta kelahiran untuk anak saya. HP saya 0812-3456-7890."
PROBLEM = "Daftar syaratnya panjang sekali, saya tidak tahu mana yang wajib."
TITLE = "Syarat wajib kini ditandai jelas"
STEP_TIMEOUT_MS = 10_000


def _press(page: Page, name: str, *, within: str = "main") -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(within).get_by_role("button", name=name, exact=True).click()


def _follow(page: Page, name: str, *, within: str = "main") -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(within).get_by_role("link", name=name, exact=True).first.click()


def test_a_no_on_a_service_page_reaches_the_administrator_and_a_published_change(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    seeded_tags()
    service = seeded_service()
    path = reverse("catalogue:detail", kwargs={"slug": service.slug})
    admin_cookies = session_cookies(signed_in_client(cast.admin), base_url)

    def walk(browser: Browser) -> dict[str, Any]:
        shots = Shots("page-feedback")
        seen: dict[str, Any] = {}
        with browser_context(browser, base_url, cookies=[], javascript=False, width=MOBILE_WIDTH) as visitor:
            page = visitor.new_page()
            page.set_default_timeout(STEP_TIMEOUT_MS)
            page.goto(path, wait_until="load")
            ask = page.get_by_role("complementary", name="Masukan tentang halaman ini")
            seen["question"] = ask.inner_text()
            shots.take(page, "a service page")
            with page.expect_navigation(wait_until="load"):
                ask.get_by_role("button", name="Tidak", exact=True).click()
            seen["thanks"] = page.locator("h1").inner_text().strip()
            shots.take(page, "thanks after no")
            page.get_by_label("Apa yang ingin Anda lakukan?").fill(TRYING)
            page.get_by_label("Apa yang tidak berjalan?").fill(PROBLEM)
            _press(page, "Kirim laporan masalah")
            seen["reported"] = page.locator("main").inner_text()
            shots.take(page, "problem sent")
            _follow(page, "Kembali ke halaman tadi")
            seen["back"] = page.url

        with browser_context(browser, base_url, cookies=[], javascript=True, width=MOBILE_WIDTH) as checker:
            page = checker.new_page()
            page.goto(path, wait_until="load")
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("complementary").get_by_role("button", name="Tidak", exact=True).click()
            assert_no_axe_violations(page, "the thank-you page with the problem form")

        with browser_context(
            browser, base_url, cookies=admin_cookies, javascript=True, width=DESKTOP_WIDTH
        ) as admin:
            page = admin.new_page()
            page.set_default_timeout(STEP_TIMEOUT_MS)
            page.goto(reverse("feedback:product"), wait_until="load")
            seen["product"] = page.locator("main").inner_text()
            assert_no_axe_violations(page, "the product page")
            shots.take(page, "the product page")
            text = page.locator("section.inset", has_text=PROBLEM)
            text.get_by_label("Formulir", exact=True).check()
            with page.expect_navigation(wait_until="load"):
                text.get_by_role("button", name="Simpan label", exact=True).click()
            seen["tagged"] = page.locator(".messages").inner_text()
            _follow(page, "Catat perubahan")
            page.get_by_label("Tanggal", exact=True).fill(timezone.localdate().isoformat())
            page.get_by_label("Judul", exact=True).fill(TITLE)
            page.get_by_label("Uraian", exact=True).fill(
                "Di halaman layanan, syarat yang wajib kini diberi tanda."
            )
            page.get_by_label("Halaman terkait", exact=True).fill("catalogue:detail")
            page.get_by_label("Formulir", exact=True).check()
            shots.take(page, "recording a change")
            _press(page, "Catat dan terbitkan")
            seen["recorded"] = page.locator(".messages").inner_text()

        with browser_context(browser, base_url, cookies=[], javascript=False, width=MOBILE_WIDTH) as reader:
            page = reader.new_page()
            page.goto("/", wait_until="load")
            _follow(page, "Yang kami ubah karena masukan Anda", within="footer")
            seen["public"] = page.locator("main").inner_text()
            shots.take(page, "the public changes page")
        return seen

    seen = chromium.run(walk)
    assert "Apakah halaman ini membantu?" in seen["question"]
    assert seen["thanks"] == "Terima kasih atas masukan Anda"
    assert "Laporan Anda sudah kami terima." in seen["reported"]
    assert seen["back"].endswith(path)
    assert "catalogue:detail" in seen["product"]
    assert PROBLEM in seen["product"]
    assert "0812-3456-7890" not in seen["product"]
    assert "[nomor disamarkan]" in seen["product"]
    assert "Label disimpan." in seen["tagged"]
    assert "Perubahan dicatat dan tampil di halaman publik." in seen["recorded"]
    assert TITLE in seen["public"]

    told = PageFeedback.objects.get(problem=PROBLEM)
    assert (told.page, told.helpful) == ("catalogue:detail", False)
    assert told.trying == "Mencari syarat akta kelahiran untuk anak saya. HP saya [nomor disamarkan]."
    assert list(told.tags.values_list("slug", flat=True)) == ["formulir"]
    assert PageFeedback.objects.filter(helpful=False).count() == 2  # and the axe check's own "Tidak"
    change = PlatformChange.objects.get()
    assert (change.title, change.pages) == (TITLE, "catalogue:detail")
    assert list(change.tags.values_list("slug", flat=True)) == ["formulir"]
