"""An application's steps offline, and a post cut while the phone thinks it is online (docs/offline.md).

Siti opens her draft once online: the phone keeps its pages. Without a connection she fills a step and
the uploads (her photo shrunk before storing): both wait in the outbox and arrive once, in order, when
the connection returns. Online, a report whose post is cut on the way is not lost: it waits in the
outbox and arrives once.
"""

from __future__ import annotations

from playwright.sync_api import Browser, FilePayload, Request, Route

from layanan.applications.models import Attachment, RequirementCheck
from layanan.applications.tests.test_views_citizen import NIK, build_draft, url
from layanan.complaints.models import Report
from layanan.complaints.tests.citizen_builders import category
from layanan.offline.models import FormReceipt
from layanan.testing import Cast
from tests.browser.conftest import (
    MOBILE_WIDTH,
    Chromium,
    browser_context,
    session_cookies,
    signed_in_client,
)
from tests.browser.test_offline_journey import (
    NEW,
    OUTBOX,
    SENT,
    TEXT,
    WAITING,
    big_photo,
    controlled,
    pytestmark,
    stored_items,
    wait_until,
)

__all__ = ["pytestmark"]


def in_account_cache(path: str) -> str:
    return (
        "caches.keys().then(keys => Promise.all(keys.filter(k => k.startsWith('account-'))"
        f".map(k => caches.open(k).then(c => c.match(location.origin + '{path}')))))"
        ".then(found => found.some(Boolean))"
    )


def test_an_application_filled_offline_arrives_once_in_order(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    application = build_draft(cast)
    step1, step2 = url("step", application, step=1), url("step", application, step=2)
    requirements, review = url("requirements", application), url("review", application)
    cookies = session_cookies(signed_in_client(cast.siti), base_url)
    photo = big_photo()
    posts: list[str] = []

    def note_post(request: Request) -> None:
        if request.method == "POST":
            posts.append(request.url.removeprefix(base_url))

    def journey(browser: Browser) -> tuple[list[dict[str, object]], str]:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH
        ) as context:
            context.on("request", note_post)
            page = context.new_page()
            page.goto("/", wait_until="load")
            controlled(page)
            page.goto(step1, wait_until="load")  # once online: the rest of the form is kept with it
            wait_until(page, in_account_cache(review))
            context.set_offline(True)
            page.goto(step1, wait_until="load")
            assert page.locator("body[data-stored]").count() == 1, "the step comes from the phone"
            page.get_by_label("NIK pemohon").fill(NIK)
            page.get_by_label("Tanggal lahir").fill("1990-06-05")
            page.get_by_label("Perempuan").check()
            with page.expect_navigation(url=f"**{step2}", wait_until="load"):  # on to the next kept page
                page.evaluate(
                    "() => { const f = document.querySelector('form[data-offline]');"
                    " f.requestSubmit(); f.requestSubmit(); }"
                )
            page.goto(requirements, wait_until="load")
            page.set_input_files(
                "#berkas-foto-kk", files=FilePayload(name="kk.jpg", mimeType="image/jpeg", buffer=photo)
            )
            page.locator("#cara-akta-paper").check()
            with page.expect_navigation(url=f"**{review}", wait_until="load"):
                page.get_by_role("button", name="Lanjut", exact=True).click()
            page.goto(OUTBOX, wait_until="load")
            page.wait_for_selector(WAITING)
            waiting = stored_items(page)
            assert page.locator(WAITING).count() == 2
            assert "KTP-el baru: Data pemohon" in page.locator(WAITING).first.inner_text()
            assert not posts, "nothing was sent while offline"
            context.set_offline(False)
            wait_until(page, f"document.querySelectorAll('{SENT}').length === 2", seconds=30)
            assert page.locator(WAITING).count() == 0
            return waiting, page.locator(SENT).first.inner_text()

    waiting, first_sent = chromium.run(journey)
    assert len(waiting) == 2, "sent twice offline: one item (one key)"
    widths = [max(f["width"], f["height"]) for item in waiting for f in item["files"]]  # type: ignore[attr-defined]
    assert widths == [1600], "the document photo was shrunk before storing"
    assert "Terkirim." in first_sent
    assert "Lihat permohonan" in first_sent
    saved = type(application).objects.get(pk=application.pk)
    assert saved.answers["nik"] == NIK
    assert saved.answers["tanggal_lahir"] == "1990-06-05"
    assert Attachment.objects.filter(application=application).count() == 1
    assert saved.checks.get(requirement__code="akta").provision == RequirementCheck.Provision.PAPER
    assert FormReceipt.objects.filter(user=cast.siti).count() == 2
    assert [path for path in posts if path.endswith("/")] == [step1, requirements], "each once, in order"


def test_a_report_whose_post_is_cut_while_online_waits_and_arrives_once(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    chosen = category(cast).name
    cookies = session_cookies(signed_in_client(cast.siti), base_url)
    attempts: list[str] = []
    held: list[Route] = []

    def cut_the_first(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        attempts.append(route.request.url)
        if len(attempts) == 1:
            held.append(route)  # on its way, slowly: the journey cuts it once it has looked
        else:
            route.continue_()

    def journey(browser: Browser) -> tuple[str, str, list[dict[str, object]]]:
        with browser_context(
            browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH
        ) as context:
            page = context.new_page()
            page.goto("/", wait_until="load")
            controlled(page)
            page.goto(NEW, wait_until="load")
            context.route(f"**{NEW}", cut_the_first)
            page.get_by_label("Pengaduan").check()
            page.get_by_label("Kategori").select_option(label=chosen)
            page.get_by_label("Apa yang terjadi?").fill(TEXT)
            page.get_by_label("Desa/kelurahan tempat kejadian").select_option(label="Kotabumi Pasar")
            page.get_by_role("button", name="Kirim laporan", exact=True).click()
            # Posted by the script, the form shows no browser progress: it says it is on its way.
            sending = page.locator("form [data-sending][role=status]")
            sending.wait_for()
            said = sending.inner_text()
            with page.expect_navigation(url=f"**{OUTBOX}", wait_until="load"):
                held[0].abort("connectionreset")  # the connection drops on the way
            # Online: the outbox sends it again at once, with the same key.
            page.wait_for_selector(f"{SENT} .tracking-number", timeout=30_000)
            return page.locator(f"{SENT} .tracking-number").inner_text().strip(), said, stored_items(page)

    number, said, items = chromium.run(journey)
    assert said == "Sedang mengirim… Biarkan halaman ini terbuka."
    assert len(attempts) == 2
    report = Report.objects.get()
    assert report.text == TEXT
    assert report.tracking_number == number
    assert [item["key"] for item in items] == [str(report.submit_key)]
