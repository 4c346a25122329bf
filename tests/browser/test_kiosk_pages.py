"""Rule 7 of DEVELOPERS.md with kiosk mode on: the pages an operator opens on a shared screen.

Kiosk mode (``layanan/assisted/kiosk.py``, ``docs/assisted-service.md``) changes every page:
a bar with the idle notice, larger targets (``kiosk.css``), the countdown script, and at the end
the sign-in page with the idle sign-out notice. Each page below is checked as
``test_page_budgets`` checks the matrix (first response gzipped, whole page, one ``<h1>``, no
horizontal scroll at 360 px, axe-core clean), with the kiosk switched on by its real POST; then
the countdown is brought on screen (Chromium's clock moved on) and scanned, and so is the
sign-in page a screen left alone lands on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Browser

from layanan.assisted import kiosk
from layanan.testing import Cast
from tests.browser.conftest import (
    DESKTOP_WIDTH,
    FIRST_RESPONSE_BUDGET,
    MOBILE_WIDTH,
    WHOLE_PAGE_BUDGET,
    Chromium,
    assert_no_axe_violations,
    browser_context,
    check_page_in_chromium,
    session_cookies,
    signed_in_client,
    visit,
)
from tests.url_matrix import assisted_submitted, assisted_visit

pytestmark = pytest.mark.browser

IDLE_NOTICE = "Anda otomatis keluar karena layar tidak dipakai beberapa saat."


def assisted_draft(cast: Cast) -> Any:
    """A draft Rini started for a walk-in villager through a consented visit (the real services)."""
    from layanan.applications.tests import builders
    from layanan.assisted import services
    from layanan.assisted.tests.helpers import scan

    found = assisted_visit(cast)
    services.consent_paper_record(visit=found, actor=cast.rini, upload=scan())
    return services.visit_application_start(visit=found, actor=cast.rini, service=builders.village_letter())


def _draft_page(name: str, **extra: Any) -> Callable[[Cast], str]:
    return lambda cast: reverse(name, kwargs={"public_id": assisted_draft(cast).public_id, **extra})


# What an operator opens at a shared screen: the assisted service, the citizen's draft as it is
# filled in, the receipt, and the pages around them.
KIOSK_PAGES: dict[str, Callable[[Cast], str]] = {
    "assisted:home": lambda cast: reverse("assisted:home"),
    "assisted:visit": lambda cast: reverse("assisted:visit", args=[assisted_visit(cast).public_id]),
    "assisted:consent_form": lambda cast: reverse(
        "assisted:consent_form", args=[assisted_visit(cast).public_id]
    ),
    "applications:step": _draft_page("applications:step", step=1),
    "applications:requirements": _draft_page("applications:requirements"),
    "applications:review": _draft_page("applications:review"),
    "applications:detail": _draft_page("applications:detail"),
    "assisted:receipt": lambda cast: reverse("assisted:receipt", args=[assisted_submitted(cast).public_id]),
    "applications:mine": lambda cast: reverse("applications:mine"),
    "applications:queue": lambda cast: reverse("applications:queue"),
    "catalogue:list": lambda cast: reverse("catalogue:list"),
    "core:home": lambda cast: reverse("core:home"),
}


def kiosk_client(cast: Cast) -> Client:
    """Rini signed in with kiosk mode switched on by its own POST."""
    client = signed_in_client(cast.rini)
    response = client.post(reverse("assisted:kiosk"), {"mode": "on"})
    assert response.status_code == 302
    assert client.session.get(kiosk.SESSION_KEY) == kiosk.idle_seconds()
    return client


@pytest.mark.parametrize("name", list(KIOSK_PAGES))
def test_a_kiosk_page_fits_the_budgets_and_passes_axe(
    name: str, cast: Cast, base_url: str, chromium: Chromium
) -> None:
    path = KIOSK_PAGES[name](cast)
    where = f"{path} in kiosk mode"
    client = kiosk_client(cast)

    response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200, f"{where}: HTTP {response.status_code}"
    first = len(response.content)
    assert first <= FIRST_RESPONSE_BUDGET, (
        f"{where}: the first response is {first} bytes gzipped, over the {FIRST_RESPONSE_BUDGET} budget"
    )
    plain = client.get(path).content.decode()
    assert 'id="kios"' in plain, f"{where}: the kiosk bar is missing"  # the page really is in kiosk mode
    assert "no-store" in response["Cache-Control"]

    cookies = session_cookies(client, base_url)
    chromium.run(
        lambda browser: check_page_in_chromium(
            browser, base_url=base_url, path=path, cookies=cookies, where=where
        )
    )


def countdown_scanned(browser: Browser, base_url: str, cookies: list[Any], path: str) -> str:
    """The page with the last minute's countdown on screen (the clock moved on), scanned by axe."""
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH) as context:
        context.clock.install()
        page = visit(context, path).page
        page.clock.fast_forward((kiosk.idle_seconds() - 40) * 1000)
        warning = page.locator("#kios-peringatan")
        warning.wait_for(state="visible", timeout=5000)
        width = page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= MOBILE_WIDTH, f"{path} with the countdown: {width} px wide"
        assert_no_axe_violations(page, f"{path} with the kiosk countdown")
        return warning.inner_text()


def test_the_kiosk_countdown_passes_axe(cast: Cast, base_url: str, chromium: Chromium) -> None:
    path = KIOSK_PAGES["assisted:visit"](cast)
    cookies = session_cookies(kiosk_client(cast), base_url)

    shown = chromium.run(lambda browser: countdown_scanned(browser, base_url, cookies, path))

    assert "Saya masih di sini" in shown
    assert "detik" in shown


def left_alone(cast: Cast, base_url: str) -> list[Any]:
    """The cookie of a kiosk session whose idle time ran out (its last request long ago)."""
    client = kiosk_client(cast)
    session = client.session
    session[kiosk.SEEN_KEY] = int(time.time()) - kiosk.idle_seconds() - 1
    session.save()
    return session_cookies(client, base_url)


def signed_out_page_scanned(
    browser: Browser, base_url: str, plain_cookies: list[Any], full_cookies: list[Any], path: str
) -> tuple[str, str]:
    """The page a screen left alone lands on, without JavaScript (1280 px) and with it (360 px)."""
    with browser_context(
        browser, base_url, cookies=plain_cookies, javascript=False, width=DESKTOP_WIDTH
    ) as context:
        plain = visit(context, path)
        assert plain.status == 200, f"{path} after idle: HTTP {plain.status}"
        assert plain.page.locator("h1").count() == 1
        assert not plain.failures, plain.failures
        plain_text = plain.page.locator("main").inner_text()
        plain_url = plain.page.url
    with browser_context(
        browser, base_url, cookies=full_cookies, javascript=True, width=MOBILE_WIDTH
    ) as context:
        full = visit(context, path)
        assert full.status == 200
        assert not full.failures, full.failures
        total = full.transferred_bytes()
        assert total <= WHOLE_PAGE_BUDGET, (
            f"the idle sign-out page is {total} bytes:\n{full.transfer_report()}"
        )
        width = full.page.evaluate("document.scrollingElement.scrollWidth")
        assert width <= MOBILE_WIDTH, f"the idle sign-out page is {width} px wide"
        assert IDLE_NOTICE in full.page.locator("main").inner_text()
        assert_no_axe_violations(full.page, "the sign-in page after the kiosk's idle sign-out")
    return plain_text, plain_url


def test_the_idle_sign_out_page_shows_the_notice_and_passes_axe(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    path = KIOSK_PAGES["assisted:visit"](cast)
    plain_cookies = left_alone(cast, base_url)
    full_cookies = left_alone(cast, base_url)

    text, url = chromium.run(
        lambda browser: signed_out_page_scanned(browser, base_url, plain_cookies, full_cookies, path)
    )

    assert IDLE_NOTICE in text
    assert reverse("accounts:login") in url
    assert "Pak Matriks" not in text  # nothing of the citizen is left on screen
