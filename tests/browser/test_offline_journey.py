"""Offline on the phone (docs/offline.md), in Chromium with its service worker and IndexedDB.

Siti fills a report without a connection: it waits in the outbox (its photo shrunk) and is sent once
when the connection returns, with the tracking number shown. When the first upload is cut after the
server received it, the retry carries the same key and the report still arrives once. After she signs
out, the next person on the phone finds nothing of hers: no outbox item, no kept page of her account.
127.0.0.1 is a secure context, so the service worker runs as on HTTPS.
"""

from __future__ import annotations

import io
import time
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, FilePayload, Page, Request, Route

from layanan.complaints.models import Report, ReportPhoto
from layanan.complaints.tests.citizen_builders import category, jpeg
from layanan.testing import Cast
from tests.browser.conftest import (
    MOBILE_WIDTH,
    WHOLE_PAGE_BUDGET,
    Chromium,
    browser_context,
    session_cookies,
    signed_in_client,
    visit,
)

pytestmark = pytest.mark.browser

TEXT = "Jembatan kayu di Dusun Dua patah, motor dan anak sekolah tidak bisa lewat."
NEW = reverse("complaints:new")
OUTBOX = reverse("offline:outbox")
WAITING = '[data-outbox-list="waiting"] .outbox__item'
SENT = '[data-outbox-list="sent"] .outbox__item'
KOTABUMI = (-4.8301, 104.8806)


def big_photo() -> bytes:
    """A 2400 x 1800 photo with noise (it does not compress away) and the GPS point of Kotabumi in its
    EXIF, as a phone's camera gives."""
    with Image.open(io.BytesIO(jpeg(gps=KOTABUMI))) as small:
        exif = small.info["exif"]
    image = Image.effect_noise((2400, 1800), 60).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92, exif=exif)
    return out.getvalue()


def wait_until(page: Page, script: str, seconds: float = 15) -> None:
    """Poll ``script`` (an expression, or a promise) until true (the CSP forbids wait_for_function's eval)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script):
        assert time.monotonic() < deadline, f"still false after {seconds} s: {script}"
        page.wait_for_timeout(100)


def controlled(page: Page) -> None:
    """Wait until the service worker controls the page (it claims it once installed).

    Installing fetches the shell from the test server, which answers one request at a time: on a
    loaded CI machine that took more than 15 s once, so this waits longer than the other checks."""
    wait_until(page, "navigator.serviceWorker.controller !== null", seconds=60)


def keep_the_form(context: BrowserContext) -> Page:
    """Open the site and the report form once online, so that the phone keeps the form."""
    page = context.new_page()
    page.goto("/", wait_until="load")
    controlled(page)
    page.goto(NEW, wait_until="load")
    wait_until(
        page,
        "caches.keys().then(keys => Promise.all(keys.filter(k => k.startsWith('account-'))"
        ".map(k => caches.open(k).then(c => c.match(location.href))))).then(found => found.some(Boolean))",
    )
    return page


def fill_offline(context: BrowserContext, page: Page, chosen: str, photo: bytes | None) -> None:
    """Without a connection: open the kept form, fill it, send it (twice, quickly) to the outbox."""
    page.goto("/", wait_until="load")
    context.set_offline(True)
    page.goto(NEW, wait_until="load")
    assert page.locator("body[data-stored]").count() == 1, "the form comes from the phone"
    assert page.locator(".offline-banner").is_visible()
    page.get_by_label("Pengaduan").check()
    page.get_by_label("Kategori").select_option(label=chosen)
    page.get_by_label("Apa yang terjadi?").fill(TEXT)
    page.get_by_label("Desa/kelurahan tempat kejadian").select_option(label="Kotabumi Pasar")
    if photo is not None:
        page.set_input_files(
            "#id_photos", files=FilePayload(name="jembatan.jpg", mimeType="image/jpeg", buffer=photo)
        )
        page.get_by_label("Gunakan lokasi dari foto").check()
    with page.expect_navigation(url=f"**{OUTBOX}", wait_until="load"):
        page.evaluate(
            "() => { const f = document.querySelector('form[data-offline]');"
            " f.requestSubmit(); f.requestSubmit(); }"
        )
    page.wait_for_selector(WAITING)


def stored_items(page: Page) -> list[dict[str, Any]]:
    """The outbox's items in IndexedDB, with each file's size and image width."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
          const open = indexedDB.open('lampura-outbox', 1);
          open.onupgradeneeded = () => open.result.createObjectStore('items', {keyPath: 'key'});
          open.onsuccess = () => {
            const get = open.result.transaction('items').objectStore('items').getAll();
            get.onsuccess = async () => {
              const items = [];
              for (const item of get.result) {
                const files = [];
                for (const file of item.files || []) {
                  const bitmap = await createImageBitmap(file.blob);
                  files.push({size: file.blob.size, width: bitmap.width, height: bitmap.height});
                }
                items.push({key: item.key, state: item.state, number: item.number || '', files});
              }
              open.result.close();
              resolve(items);
            };
          };
          open.onerror = () => reject(open.error);
        })"""
    )


def test_a_report_filled_offline_is_sent_once_when_the_connection_returns(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    chosen = category(cast).name
    cookies = session_cookies(signed_in_client(cast.siti), base_url)
    photo = big_photo()
    posts: list[str] = []

    def note_post(request: Request) -> None:
        if request.method == "POST":
            posts.append(request.url)

    def journey(browser: Browser) -> tuple[list[dict[str, Any]], str, str]:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH
        ) as context:
            context.on("request", note_post)
            page = keep_the_form(context)
            fill_offline(context, page, chosen, photo)
            waiting = stored_items(page)
            assert page.locator(".offline-banner").is_visible()
            assert not posts, "nothing was sent while offline"
            context.set_offline(False)
            page.wait_for_selector(f"{SENT} .tracking-number")
            number = page.locator(f"{SENT} .tracking-number").inner_text().strip()
            assert page.locator(WAITING).count() == 0
            assert not page.locator(".offline-banner").is_visible(), "connected again: no banner"
            assert not page.locator("[data-outbox-send]").is_visible(), "nothing left to send"
            page.reload(wait_until="load")  # still listed after a reload, from the phone's storage
            page.wait_for_selector(f"{SENT} .tracking-number")
            listed = page.locator(SENT).inner_text()
            return waiting, number, listed

    waiting, number, listed = chromium.run(journey)
    assert len(waiting) == 1, "sent twice offline: one item (one key)"
    assert waiting[0]["state"] == "waiting"
    (stored,) = waiting[0]["files"]
    assert max(stored["width"], stored["height"]) == 1600, "the photo was shrunk before storing"
    assert stored["size"] < len(photo)
    report = Report.objects.get()
    assert report.reporter == cast.siti
    assert report.text == TEXT
    assert str(report.submit_key) == waiting[0]["key"]
    assert report.tracking_number == number
    assert number in listed
    assert ReportPhoto.objects.filter(report=report).count() == 1
    # The photo's point was read on the phone before shrinking dropped the EXIF.
    assert report.latitude is not None
    assert report.longitude is not None
    assert (round(float(report.latitude), 3), round(float(report.longitude), 3)) == (-4.83, 104.881)
    assert len([url for url in posts if url.endswith(NEW)]) == 1


def test_an_upload_cut_after_the_server_received_it_arrives_once(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    chosen = category(cast).name
    cookies = session_cookies(signed_in_client(cast.siti), base_url)
    attempts: list[str] = []

    def cut_the_first(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        attempts.append(route.request.url)
        if len(attempts) == 1:
            route.fetch()  # the server receives and files it ...
            route.abort("connectionreset")  # ... and the answer never reaches the phone
        else:
            route.continue_()

    def journey(browser: Browser) -> tuple[str, list[dict[str, Any]]]:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH
        ) as context:
            page = keep_the_form(context)
            fill_offline(context, page, chosen, None)
            context.route(f"**{NEW}", cut_the_first)
            context.set_offline(False)
            # The first attempt fails; the outbox tries again by itself, with the same key.
            page.wait_for_selector(f"{SENT} .tracking-number", timeout=30_000)
            return page.locator(f"{SENT} .tracking-number").inner_text().strip(), stored_items(page)

    number, items = chromium.run(journey)
    assert len(attempts) == 2
    report = Report.objects.get()
    assert report.tracking_number == number
    assert [item["key"] for item in items] == [str(report.submit_key)]
    assert items[0]["state"] == "sent"


def test_after_sign_out_the_next_person_finds_nothing_of_the_first(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    chosen = category(cast).name
    siti = session_cookies(signed_in_client(cast.siti), base_url)
    budi = session_cookies(signed_in_client(cast.budi), base_url)
    inventory = """async () => {
      const found = {};
      for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        const texts = [];
        for (const request of await cache.keys()) texts.push(await (await cache.match(request)).text());
        found[name] = texts.join('\\n');
      }
      return found;
    }"""

    def journey(browser: Browser) -> tuple[dict[str, str], list[dict[str, Any]], int, dict[str, str], str]:
        with browser_context(browser, base_url, cookies=siti, javascript=True, width=MOBILE_WIDTH) as context:
            page = keep_the_form(context)
            fill_offline(context, page, chosen, None)
            context.route(
                f"**{NEW}",
                lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
            )
            context.set_offline(False)
            page.goto("/", wait_until="load")
            before = page.evaluate(inventory)
            with page.expect_navigation(wait_until="load"):
                page.get_by_role("button", name="Keluar").click()
            assert page.get_by_text("Anda sudah keluar.").is_visible()
            items = stored_items(page)
            # The next person signs in on the same phone.
            context.add_cookies(budi)
            page.goto(OUTBOX, wait_until="load")
            controlled(page)
            shown = page.locator(f"{WAITING}, {SENT}").count()
            page.goto(NEW, wait_until="load")
            page.goto("/", wait_until="load")
            context.set_offline(True)
            page.goto(NEW, wait_until="load")
            offline_form = page.locator("body").inner_text()
            context.set_offline(False)
            return before, items, shown, page.evaluate(inventory), offline_form

    before, items, shown, after, offline_form = chromium.run(journey)
    assert any(name.startswith("account-") and "Siti Aminah" in text for name, text in before.items())
    assert items == [], "the outbox was emptied at sign-out"
    assert shown == 0
    assert not any("Siti Aminah" in text for text in after.values())
    assert "Budi Santoso" in offline_form
    assert "Siti Aminah" not in offline_form
    assert Report.objects.count() == 0


def test_the_report_form_with_the_service_worker_and_the_outbox_fits_the_whole_page_budget(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    """The heaviest case: the form loads register.js and outbox.js; the worker and the manifest count too."""
    category(cast)
    client = signed_in_client(cast.siti)
    cookies = session_cookies(client, base_url)
    extra = 0
    for path in (reverse("offline:service_worker"), reverse("offline:manifest")):
        response = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200
        extra += len(response.content) + sum(len(k) + len(v) + 4 for k, v in response.items())

    def load(browser: Browser) -> tuple[int, str, list[str]]:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH
        ) as context:
            seen = visit(context, NEW)
            controlled(seen.page)
            urls = [request.url for request in seen.requests]
            return seen.transferred_bytes(), seen.transfer_report(), urls

    page_bytes, report, urls = chromium.run(load)
    assert any(url.endswith(".js") and "outbox" in url for url in urls), "the outbox's script is counted"
    total = page_bytes + extra
    assert total <= WHOLE_PAGE_BUDGET, f"{total} bytes (worker and manifest {extra}):\n{report}"


def test_a_visited_public_page_opens_offline_and_any_other_page_says_so_honestly(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    cookies = session_cookies(signed_in_client(cast.siti), base_url)
    services = reverse("catalogue:list")

    def journey(browser: Browser) -> dict[str, tuple[str, bool, bool, bool]]:
        seen: dict[str, tuple[str, bool, bool, bool]] = {}

        def look(page: Page, path: str) -> None:
            page.goto(path, wait_until="load")
            heading = page.locator("h1").inner_text().strip()
            stored = page.locator("body[data-stored]").count() == 1
            # A kept copy never asks to sign in: offline nobody can, and Siti already has.
            signin = page.get_by_role("link", name="Masuk", exact=True).is_visible()
            seen[path] = (heading, stored, page.locator(".offline-banner").is_visible(), signin)

        with browser_context(browser, base_url, cookies=[], javascript=True, width=MOBILE_WIDTH) as context:
            page = context.new_page()
            page.goto("/", wait_until="load")
            controlled(page)
            look(page, services)
            context.set_offline(True)
            look(page, services)
            look(page, reverse("monitoring:transparency"))  # never opened
            context.set_offline(False)
        with browser_context(
            browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH
        ) as context:
            page = context.new_page()
            page.goto("/", wait_until="load")
            controlled(page)
            page.goto(reverse("complaints:mine"), wait_until="load")
            context.set_offline(True)
            look(page, reverse("complaints:mine"))  # personal: never kept
            context.set_offline(False)
        return seen

    seen = chromium.run(journey)
    heading, stored, banner, signin = seen[services]
    assert (stored, banner, signin) == (True, True, False)
    assert heading
    assert seen[reverse("monitoring:transparency")] == ("Anda sedang offline", True, True, False)
    assert seen[reverse("complaints:mine")] == ("Anda sedang offline", True, True, False)
