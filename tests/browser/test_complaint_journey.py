"""Siti files a complaint on a 360 px phone with a photo, and reads her tracking number.

She opens the report form, picks the kind, the category and her desa,
describes the problem, attaches a photo taken by her phone (a generated
JPEG), and sends. The done page shows the tracking number, and "Laporan
saya" lists the report. Run once with JavaScript (the optional locate
button appears) on the small screen.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, FilePayload

from layanan.complaints.models import Report, ReportPhoto
from layanan.complaints.tests.citizen_builders import category, jpeg
from layanan.testing import Cast
from tests.browser.conftest import (
    MOBILE_WIDTH,
    Chromium,
    browser_context,
    session_cookies,
    signed_in_client,
)

pytestmark = pytest.mark.browser

TEXT = "Lampu jalan di depan Pasar Kotabumi mati sejak dua minggu, malam hari sangat gelap."


def test_siti_files_a_complaint_with_a_photo_on_a_small_phone(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    chosen = category(cast, slug="lampu-jalan", name="Lampu penerangan jalan")
    cookies = session_cookies(signed_in_client(cast.siti), base_url)
    photo = jpeg(gps=(-4.8301, 104.8806), size=(640, 480))

    def journey(browser: Browser) -> tuple[str, str, int]:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH
        ) as context:
            page = context.new_page()
            page.goto(reverse("complaints:new"), wait_until="load")
            assert page.locator("h1").inner_text().strip() == "Laporkan masalah"
            assert page.evaluate("document.scrollingElement.scrollWidth") <= MOBILE_WIDTH
            assert page.locator("#locate").is_visible() is False  # inside the closed <details>
            page.get_by_label("Pengaduan").check()
            page.get_by_label("Kategori").select_option(label=chosen.name)
            page.get_by_label("Apa yang terjadi?").fill(TEXT)
            page.get_by_label("Desa/kelurahan tempat kejadian").select_option(label="Kotabumi Pasar")
            page.set_input_files(
                "#id_photos", files=FilePayload(name="lampu.jpg", mimeType="image/jpeg", buffer=photo)
            )
            page.get_by_label("Gunakan lokasi dari foto").check()
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="Kirim laporan").click()
            heading = page.locator("h1").inner_text().strip()
            number = page.locator(".tracking-number").inner_text().strip()
            width = page.evaluate("document.scrollingElement.scrollWidth")
            page.goto(reverse("complaints:mine"), wait_until="load")
            assert number in page.locator("main").inner_text()
            return heading, number, width

    heading, number, width = chromium.run(journey)
    assert heading == "Laporan terkirim"
    assert width <= MOBILE_WIDTH
    report = Report.objects.get(tracking_number=number)
    assert report.reporter == cast.siti
    assert report.text == TEXT
    assert report.category == chosen
    assert report.latitude is not None  # the photo's GPS point, read before re-encoding
    assert ReportPhoto.objects.filter(report=report).count() == 1
