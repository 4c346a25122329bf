"""The citizen's front door on a 360 px phone: from the home page to the complaint form and the verify
page, through sign-in and registration and back, a header that leaves room for the page, and tables
that scroll in their own box with a hint instead of being cut off."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from layanan.accounts.models import User
from layanan.accounts.tests.codes import code_sent_to
from layanan.applications.tests import builders
from layanan.catalogue.seed import catalogue_file_default, catalogue_file_read
from layanan.catalogue.services import catalogue_seed
from layanan.notifications.testing import FakeGateway
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

pytestmark = pytest.mark.browser

# The signed-in header took 194 px (a citizen) to 250 px (an administrator) of a 360 by 800 px screen.
HEADER_MOST = 120


def language(base_url: str, code: str) -> list[dict[str, str]]:
    return [{"name": "django_language", "value": code, "url": base_url}]


def go(page: Page, name: str, *, within: str = "main") -> None:
    with page.expect_navigation(wait_until="load"):
        page.locator(within).get_by_role("link", name=name, exact=True).first.click()


def test_a_signed_in_citizen_goes_from_the_home_page_to_the_complaint_form(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    cookies = session_cookies(signed_in_client(cast.siti), base_url)

    def walk(browser: Browser) -> list[tuple[str, str]]:
        seen = []
        with browser_context(
            browser, base_url, cookies=cookies, javascript=False, width=MOBILE_WIDTH
        ) as context:
            page = context.new_page()
            page.goto("/", wait_until="load")
            go(page, "Buat laporan")
            seen.append((page.url, page.locator("h1").inner_text().strip()))
            page.goto("/", wait_until="load")
            go(page, "Lapor", within="header")
            seen.append((page.url, page.locator("h1").inner_text().strip()))
        return seen

    from_card, from_header = chromium.run(walk)
    assert from_card == (f"{base_url}/lapor/baru/", "Laporkan masalah")
    assert from_header == from_card


def test_anyone_goes_from_the_home_page_to_the_verify_page(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    def walk(browser: Browser) -> tuple[str, str, int]:
        with browser_context(browser, base_url, cookies=[], javascript=True, width=MOBILE_WIDTH) as context:
            page = context.new_page()
            page.goto("/", wait_until="load")
            go(page, "Periksa keaslian dokumen")
            return (
                page.url,
                page.locator("h1").inner_text().strip(),
                page.evaluate("document.scrollingElement.scrollWidth"),
            )

    url, heading, width = chromium.run(walk)
    assert url == f"{base_url}/v/"
    assert heading == "Periksa keaslian dokumen"
    assert width <= MOBILE_WIDTH


def test_a_newcomer_reports_a_broken_road_found_by_search_through_registration_and_back(
    world: object, base_url: str, chromium: Chromium, fake_gateway: FakeGateway
) -> None:
    catalogue_seed(entries=catalogue_file_read(catalogue_file_default()))

    def walk(browser: Browser) -> list[str]:
        seen = []
        with browser_context(browser, base_url, cookies=[], javascript=True, width=MOBILE_WIDTH) as context:
            page = context.new_page()
            page.goto("/", wait_until="load")
            go(page, "Layanan", within="header")
            page.get_by_label("Cari layanan").fill("jalan rusak")
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="Cari").click()
            seen.append(page.locator("main h2").first.inner_text().strip())
            go(page, "Buat laporan")  # not signed in: the sign-in page, keeping where she was going
            seen.append(page.locator("h1").inner_text().strip())
            go(page, "Daftar sebagai warga")
            page.get_by_label("Nama lengkap").fill("Dewi Anggraini")
            page.get_by_label("Nomor HP").fill("0813 1111 2222")
            page.get_by_label("Desa/kelurahan tempat tinggal").select_option(label="Tanjung Raja")
            page.get_by_label("Kata sandi", exact=True).fill("kebun-kopi-lampura-7")
            page.get_by_label("Ulangi kata sandi").fill("kebun-kopi-lampura-7")
            page.get_by_label("SMS").check()
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="Kirim kode").click()
            seen.append(
                page.locator("h1").inner_text().strip()
            )  # the code step: nothing said about the number
            assert_no_axe_violations(page, "the code step")
            page.get_by_label("Kode").fill(code_sent_to(fake_gateway, "+6281311112222"))
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="Lanjut").click()
            seen.append(page.url)
            seen.append(page.locator("h1").inner_text().strip())
        return seen

    offer, sign_in_heading, code_heading, landed, heading = chromium.run(walk)
    assert offer == "Ingin melaporkan masalah?"
    assert sign_in_heading == "Masuk"
    assert code_heading == "Masukkan kode"
    assert landed == f"{base_url}/lapor/baru/"
    assert heading == "Laporkan masalah"
    assert User.objects.get(phone="+6281311112222").home_region_id == "18.03.04.2009"


@pytest.mark.parametrize("persona", ["siti", "admin"])
@pytest.mark.parametrize("code", ["id", "en"])
def test_the_signed_in_header_leaves_the_phone_screen_to_the_page(
    persona: str, code: str, cast: Cast, base_url: str, chromium: Chromium
) -> None:
    cookies = [
        *session_cookies(signed_in_client(getattr(cast, persona)), base_url),
        *language(base_url, code),
    ]

    def measure(browser: Browser) -> tuple[float, int, float, float]:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH
        ) as context:
            page = context.new_page()
            page.goto("/", wait_until="load")
            header = page.locator("header").bounding_box() or {"height": 0}
            first = page.locator("nav.nav li").first.bounding_box() or {"y": -1}
            last = page.locator("nav.nav li").last.bounding_box() or {"y": -2}
            return (
                header["height"],
                page.evaluate("document.scrollingElement.scrollWidth"),
                first["y"],
                last["y"],
            )

    height, width, first_row, last_row = chromium.run(measure)
    assert height < HEADER_MOST
    assert first_row == last_row  # one row that scrolls sideways, not a wall of wrapped links
    assert width <= MOBILE_WIDTH


def test_the_last_menu_item_can_be_reached_on_a_phone(cast: Cast, base_url: str, chromium: Chromium) -> None:
    cookies = session_cookies(signed_in_client(cast.siti), base_url)

    def sign_out(browser: Browser) -> str:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=False, width=MOBILE_WIDTH
        ) as context:
            page = context.new_page()
            page.goto("/", wait_until="load")
            with page.expect_navigation(wait_until="load"):
                page.locator("header").get_by_role("button", name="Keluar").click()
            return page.locator("header").get_by_role("link", name="Masuk").inner_text()

    assert chromium.run(sign_out) == "Masuk"


def test_my_applications_table_scrolls_in_a_labelled_box_with_a_hint_on_a_phone(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    service = builders.service(name="Akta kelahiran anak kedua dan seterusnya", office=cast.world.disdukcapil)
    builders.submitted(service, cast.siti)
    cookies = session_cookies(signed_in_client(cast.siti), base_url)

    def look(browser: Browser) -> dict[int, dict[str, object]]:
        seen: dict[int, dict[str, object]] = {}
        for width in (MOBILE_WIDTH, DESKTOP_WIDTH):
            with browser_context(browser, base_url, cookies=cookies, javascript=True, width=width) as context:
                page = context.new_page()
                page.goto("/permohonan/saya/", wait_until="load")
                box = page.get_by_role("region", name="Permohonan yang sudah dikirim")
                hint = box.get_by_text("Geser untuk melihat kolom lain")
                for _ in range(60):  # reach the box with the keyboard, as a person without a mouse would
                    page.keyboard.press("Tab")
                    if box.evaluate("element => element === document.activeElement"):
                        break
                focused = box.evaluate("element => element === document.activeElement")
                page.keyboard.press("ArrowRight")
                if width == MOBILE_WIDTH:  # the arrow key scrolls it, smoothly: wait for it to move
                    page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=5_000)
                seen[width] = {
                    "hint": hint.is_visible(),
                    "scrolls": box.evaluate("element => element.scrollWidth > element.clientWidth"),
                    "focused": focused,
                    "moved": box.evaluate("element => element.scrollLeft") > 0,
                    "page": page.evaluate("document.scrollingElement.scrollWidth"),
                    "last column": page.get_by_role("columnheader", name="Perkiraan selesai").count(),
                }
                if width == MOBILE_WIDTH:
                    assert_no_axe_violations(page, "Permohonan saya at 360 px")
        return seen

    seen = chromium.run(look)
    phone, desktop = seen[MOBILE_WIDTH], seen[DESKTOP_WIDTH]
    assert phone == {
        "hint": True,
        "scrolls": True,
        "focused": True,
        "moved": True,
        "page": MOBILE_WIDTH,
        "last column": 1,
    }
    assert desktop["hint"] is False
    assert desktop["scrolls"] is False
