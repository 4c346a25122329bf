"""Where to get help, in Chromium without JavaScript on a 360 px phone.

A citizen goes from the home page to the service points, narrows them to her kecamatan and desa with
the plain GET form, and opens one. A desa operator writes and publishes an announcement from her
account page, and it is on the (cached) home page for the next anonymous reader at once. (axe-core
needs JavaScript: tests/browser/test_page_budgets.py checks every one of these pages with it.)
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page

from layanan.servicepoints.models import Announcement, ServicePoint
from layanan.servicepoints.tests.builders import point
from layanan.testing import Cast
from tests.browser.conftest import (
    MOBILE_WIDTH,
    Chromium,
    browser_context,
    session_cookies,
    signed_in_client,
)
from tests.browser.journeys import Shots

pytestmark = pytest.mark.browser


def _follow(page: Page, name: str, *, within: str = "main") -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(within).get_by_role("link", name=name, exact=True).first.click()


def _press(page: Page, name: str) -> None:
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name=name, exact=True).click()


def test_a_citizen_finds_the_service_point_of_her_desa(cast: Cast, base_url: str, chromium: Chromium) -> None:
    w = cast.world
    desa = point(w.desa_tanjung_raja)
    point(w.kec_kotabumi)
    point(w.kec_tanjung_raja)

    def walk(browser: Browser) -> dict[str, Any]:
        shots = Shots("places-citizen")
        seen: dict[str, Any] = {}
        with browser_context(browser, base_url, cookies=[], javascript=False, width=MOBILE_WIDTH) as context:
            page = context.new_page()
            page.goto("/", wait_until="load")
            shots.take(page, "home")
            _follow(page, "Cari tempat layanan terdekat: alamat, jam buka, dan apa yang bisa dibantu")
            seen["list"] = page.locator("main h2").all_inner_texts()
            shots.take(page, "service points")
            page.get_by_label("Kecamatan", exact=True).select_option(label="Tanjung Raja")
            _press(page, "Tampilkan")
            seen["kecamatan"] = page.locator("main h2").all_inner_texts()
            shots.take(page, "filtered by kecamatan")
            page.get_by_label("Desa/kelurahan", exact=True).select_option(label="Tanjung Raja")
            _press(page, "Tampilkan")
            shots.take(page, "filtered by desa")
            _follow(page, desa.name)
            seen["heading"] = page.locator("h1").inner_text().strip()
            seen["body"] = page.locator("main").inner_text()
            shots.take(page, "a service point")
        return seen

    seen = chromium.run(walk)
    assert set(seen["list"]) == set(ServicePoint.objects.values_list("name", flat=True))
    assert w.kec_kotabumi.name not in seen["kecamatan"]
    assert set(seen["kecamatan"]) == {w.desa_tanjung_raja.name, w.kec_tanjung_raja.name}
    assert seen["heading"] == desa.name
    assert "Jumat 08.00-11.00 WIB" in seen["body"]
    assert "Surat keterangan domisili" in seen["body"]


def test_an_operator_publishes_an_announcement_and_it_shows_on_the_home_page(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    cookies = session_cookies(signed_in_client(cast.rini), base_url)
    title = "Kantor desa tutup Jumat ini"

    def walk(browser: Browser) -> dict[str, str]:
        shots = Shots("places-announcement")
        seen: dict[str, str] = {}
        with browser_context(
            browser, base_url, cookies=[], javascript=False, width=MOBILE_WIDTH
        ) as anonymous:
            reader = anonymous.new_page()
            reader.goto("/", wait_until="load")  # now in the page cache, without the announcement
            seen["before"] = reader.locator("main").inner_text()
            with browser_context(
                browser, base_url, cookies=cookies, javascript=False, width=MOBILE_WIDTH
            ) as context:
                page = context.new_page()
                page.goto("/", wait_until="load")
                _follow(page, f"Akun saya: {cast.rini.full_name}", within="header")
                _follow(page, "Pengumuman kantor (jam layanan, gangguan, layanan baru)")
                shots.take(page, "office announcements")
                _follow(page, "Tulis pengumuman")
                page.get_by_label("Perubahan jam layanan").check()
                page.get_by_label("Judul", exact=True).fill(title)
                page.get_by_label("Isi", exact=True).fill("Pelayanan surat dibuka lagi Senin pukul 08.00.")
                shots.take(page, "the announcement form")
                _press(page, "Terbitkan")
                seen["after publishing"] = page.locator("main").inner_text()
                shots.take(page, "published")
            reader.goto("/", wait_until="load")
            seen["home"] = reader.locator("main").inner_text()
            shots.take(reader, "home with the announcement")
            _follow(reader, title)
            seen["announcement"] = reader.locator("main").inner_text()
        return seen

    seen = chromium.run(walk)
    assert title not in seen["before"]
    assert "Pengumuman diterbitkan." in seen["after publishing"]
    assert title in seen["home"]
    assert "Pelayanan surat dibuka lagi Senin pukul 08.00." in seen["announcement"]
    made = Announcement.objects.get()
    assert (made.office, made.created_by, made.published) == (cast.world.desa_tanjung_raja, cast.rini, True)
