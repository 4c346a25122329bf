"""A village's app gets its key: Siti goes from the home page to her account, creates an API token,
copies it, and the app reads her reports with it; she revokes it and the app is refused.

Every screen passes axe-core (the page works without JavaScript too: tests/browser/test_page_budgets.py);
the token is on the screen once and never again.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser

from layanan.api.models import ApiToken
from layanan.complaints.tests import domain_builders as built
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


def test_siti_creates_a_token_for_an_app_and_revokes_it(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    report = built.submitted(cast)
    cookies = session_cookies(signed_in_client(cast.siti), base_url)

    def create(browser: Browser) -> tuple[str, bool]:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH
        ) as context:
            page = context.new_page()
            page.goto(reverse("core:home"), wait_until="load")
            page.get_by_role("link", name="Akun saya").first.click()
            page.wait_for_load_state("load")
            page.get_by_role("link", name="Token API untuk aplikasi dan sistem lain").click()
            page.wait_for_load_state("load")
            assert page.locator("h1").inner_text().strip() == "Token API"
            assert_no_axe_violations(page, "the token page, empty")
            page.get_by_label("Nama token").fill("Aplikasi desa")
            page.get_by_label("Membaca data akun ini (permohonan, laporan, antrean)").check()
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="Buat token").click()
            raw = page.locator(".token-raw").inner_text().strip()
            assert_no_axe_violations(page, "the token page, a token shown")
            fits = page.evaluate("document.documentElement.scrollWidth") <= MOBILE_WIDTH
            page.goto(reverse("api-pages:tokens"), wait_until="load")
            assert raw not in page.content()
            return raw, fits

    raw, fits = chromium.run(create)
    assert fits
    app = Client(headers={"Authorization": f"Bearer {raw}"})
    mine = app.get("/api/v1/reports")
    assert mine.status_code == 200
    assert [item["tracking_number"] for item in mine.json()["items"]] == [report.tracking_number]

    def revoke(browser: Browser) -> None:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH
        ) as context:
            page = context.new_page()
            page.goto(reverse("api-pages:tokens"), wait_until="load")
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="Cabut Aplikasi desa").click()
            assert "sudah dicabut" in page.content()

    chromium.run(revoke)
    assert ApiToken.objects.get().revoked_at is not None
    assert app.get("/api/v1/reports").status_code == 401
