"""The base layout in a real browser: phone width, the language switch and sign-out without JavaScript,
the skip link and its visible focus."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from layanan.testing import Cast
from tests.browser.conftest import (
    MOBILE_WIDTH,
    Chromium,
    browser_context,
    session_cookies,
    signed_in_client,
    visit,
)

pytestmark = pytest.mark.browser

GOVUK_FOCUS_YELLOW = "rgb(255, 221, 0)"


@pytest.mark.parametrize("persona", ["anonymous", "admin"])
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_home_page_does_not_scroll_sideways_on_a_360_px_phone(
    persona: str, language: str, cast: Cast, base_url: str, chromium: Chromium
) -> None:
    client = signed_in_client(None if persona == "anonymous" else cast.admin)
    cookies = [
        *session_cookies(client, base_url),
        {"name": "django_language", "value": language, "url": base_url},
    ]

    def measure(browser: Browser) -> tuple[int, str]:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH
        ) as context:
            page = visit(context, "/").page
            return page.evaluate("document.scrollingElement.scrollWidth"), page.locator("html").get_attribute(
                "lang"
            ) or ""

    width, lang = chromium.run(measure)
    assert lang == language
    assert width <= MOBILE_WIDTH


def test_the_language_switch_works_without_javascript(base_url: str, chromium: Chromium) -> None:
    def switch(browser: Browser) -> list[tuple[str, str, str]]:
        seen = []
        with browser_context(browser, base_url, cookies=[], javascript=False, width=MOBILE_WIDTH) as context:
            page = visit(context, "/tentang-privasi/").page
            seen.append(
                (page.url, page.locator("html").get_attribute("lang") or "", page.locator("h1").inner_text())
            )
            page.get_by_role("button", name="English").click()
            seen.append(
                (page.url, page.locator("html").get_attribute("lang") or "", page.locator("h1").inner_text())
            )
            page.get_by_role("button", name="Bahasa Indonesia").click()
            seen.append(
                (page.url, page.locator("html").get_attribute("lang") or "", page.locator("h1").inner_text())
            )
        return seen

    before, english, back = chromium.run(switch)
    assert before == (f"{base_url}/tentang-privasi/", "id", "Privasi dan data pribadi")
    # Back on the same page, now in English (the catalogue is compiled by `make messages`).
    assert english == (f"{base_url}/tentang-privasi/", "en", "Privacy and personal data")
    assert back == before


def test_signing_out_works_without_javascript(cast: Cast, base_url: str, chromium: Chromium) -> None:
    cookies = session_cookies(signed_in_client(cast.siti), base_url)

    def sign_out(browser: Browser) -> tuple[bool, bool, bool, str]:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=False, width=MOBILE_WIDTH
        ) as context:
            page = visit(context, "/").page
            name_shown = page.get_by_text("Siti Aminah").first.is_visible()
            page.get_by_role("button", name="Keluar").click()
            header = page.locator("header")
            return (
                name_shown,
                header.get_by_role("link", name="Masuk").is_visible(),
                header.get_by_role("button", name="Keluar").count() > 0,
                page.locator("main .messages").get_by_role("status").inner_text(),
            )

    name_shown, sign_in_offered, sign_out_offered, flash = chromium.run(sign_out)
    assert name_shown
    assert sign_in_offered
    assert not sign_out_offered
    assert flash.strip()  # the accounts app's farewell, in the flash-messages area


def test_the_first_tab_stop_is_a_visible_skip_link_with_a_yellow_focus(
    base_url: str, chromium: Chromium
) -> None:
    def tab(browser: Browser) -> tuple[str, bool, str, str]:
        with browser_context(browser, base_url, cookies=[], javascript=True, width=MOBILE_WIDTH) as context:
            page = visit(context, "/").page
            page.keyboard.press("Tab")
            focused = page.locator(":focus")
            text = focused.inner_text()
            visible = focused.is_visible() and (focused.bounding_box() or {"x": -1})["x"] >= 0
            background = focused.evaluate("element => getComputedStyle(element).backgroundColor")
            page.keyboard.press("Enter")
            return text, visible, background, page.url

    text, visible, background, url = chromium.run(tab)
    assert text == "Langsung ke isi utama"
    assert visible
    assert background == GOVUK_FOCUS_YELLOW
    assert url.endswith("/#main")
