"""A workshop: Siti turns practice mode on from the home page, files a complaint, sees the banner
and the "Latihan" mark, and turns practice mode off again; the banner passes axe-core.

The report exists, marked practice, and no message was saved for it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser

from layanan.complaints.models import Report
from layanan.complaints.tests.citizen_builders import category
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

pytestmark = pytest.mark.browser

BANNER = "Mode latihan: tidak ada yang dikirim ke kantor mana pun"
TEXT = "Latihan: lampu jalan di depan balai desa mati sejak seminggu, jalan gelap pada malam hari."


def test_siti_practises_a_complaint_in_a_workshop_and_leaves_practice_mode(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    chosen = category(cast, slug="lampu-jalan", name="Lampu penerangan jalan")
    cookies = session_cookies(signed_in_client(cast.siti), base_url)

    def journey(browser: Browser) -> tuple[str, str, bool, bool]:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH
        ) as context:
            page = context.new_page()
            page.goto(reverse("core:home"), wait_until="load")
            assert BANNER not in page.content()
            page.get_by_role("link", name="Mode latihan untuk pelatihan").click()
            page.wait_for_load_state("load")
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="Mulai mode latihan").click()
            banner = page.get_by_role("region", name="Mode latihan")
            assert BANNER in banner.inner_text()
            assert_no_axe_violations(page, "/latihan/ in practice mode")
            page.goto(reverse("complaints:new"), wait_until="load")
            assert BANNER in page.content()
            page.get_by_label("Pengaduan").check()
            page.get_by_label("Kategori").select_option(label=chosen.name)
            page.get_by_label("Apa yang terjadi?").fill(TEXT)
            page.get_by_label("Desa/kelurahan tempat kejadian").select_option(label="Kotabumi Pasar")
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="Kirim laporan").click()
            number = page.locator(".tracking-number").inner_text().strip()
            assert page.locator(".panel .tag--practice").inner_text().strip() == "Latihan"
            assert BANNER in page.content()
            assert_no_axe_violations(page, "the done page of a practice report")
            page.goto(reverse("complaints:mine"), wait_until="load")
            marked = page.locator("tr", has_text=number).locator(".tag--practice").is_visible()
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="Keluar dari mode latihan").click()
            still_on_list = page.url.endswith(reverse("complaints:mine"))
            heading = page.locator("h1").inner_text().strip()
            assert BANNER not in page.content()
            return number, heading, marked, still_on_list

    number, heading, marked, still_on_list = chromium.run(journey)
    assert marked
    assert still_on_list
    assert heading == "Laporan saya"
    report = Report.objects.get(tracking_number=number)
    assert report.practice is True
    assert report.reporter == cast.siti
    assert not Message.objects.exists()
