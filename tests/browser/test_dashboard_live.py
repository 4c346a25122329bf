"""The Bupati keeps the dashboard open; a new application shows up without a reload.

The overview's live region re-fetches its fragment (``monitoring/live.js``) every
``MONITORING_LIVE_SECONDS``, here one second. The page opens showing no application;
an application then arrives and its summary day is refreshed (as the task the
signals enqueue does), and the figure changes in the open page.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, expect

from layanan.monitoring import services
from layanan.monitoring.models import Kind
from layanan.monitoring.tests import builders as b
from layanan.testing import Cast
from tests.browser.conftest import DESKTOP_WIDTH, Chromium, browser_context, session_cookies, signed_in_client

pytestmark = pytest.mark.browser

FIRST_FIGURE = "#live .figure__value"  # applications received in the period


def test_the_overview_shows_a_new_application_without_reloading(
    cast: Cast, base_url: str, chromium: Chromium, settings: Any
) -> None:
    settings.MONITORING_LIVE_SECONDS = 1
    cookies = session_cookies(signed_in_client(cast.bupati), base_url)
    ktp = b.service(name="KTP-el", office=cast.world.disdukcapil)
    opened = threading.Event()

    def watch(browser: Browser) -> tuple[str, str, int]:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=True, width=DESKTOP_WIDTH
        ) as context:
            page = context.new_page()
            loads: list[str] = []
            page.on("load", lambda _page: loads.append(page.url))
            page.goto(reverse("monitoring:overview"), wait_until="load")
            before = page.locator(FIRST_FIGURE).first.inner_text().strip()
            opened.set()
            expect(page.locator(FIRST_FIGURE).first).to_have_text("1", timeout=20_000)
            return before, page.locator(FIRST_FIGURE).first.inner_text().strip(), len(loads)

    watching = chromium.start(watch)
    assert opened.wait(timeout=60), "the dashboard did not open"
    application = b.application(
        of=ktp,
        applicant=cast.siti,
        office=cast.world.disdukcapil,
        submitted_at=timezone.now() - timedelta(minutes=5),
        due_at=timezone.now() + timedelta(days=3),
    )
    services.item_refresh(kind=Kind.APPLICATION, item_id=application.pk)

    before, after, loads = watching.result(timeout=60)
    assert (before, after) == ("0", "1")
    assert loads == 1  # one page load: the figure changed in place
