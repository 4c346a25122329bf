"""Journey 1: a new citizen gets a village letter, from registering to the survey, as a person would.

A new citizen (360 px) opens the home page, registers with her home desa (Tanjung Raja), finds
"Surat keterangan domisili" by everyday words, starts applying, answers steps 1 and 2 (her name and
desa come from the account), leaves for the home page, comes back through "Permohonan saya" and
lands on step 3 where she stopped, answers it, uploads a photo of one requirement and brings the
others on paper, submits, reads her tracking number and which originals to bring where. Rini, the
operator of Desa Tanjung Raja (1280 px), claims it, sees the photo on her page and flags the purpose
the citizen wrote, with a reason; the citizen reads the reason beside that answer, fixes it and
sends the application again; Rini accepts every requirement and approves; the head of the desa
opens the letter's preview and signs with the code from his authenticator. The citizen sees the
letter on her application page, downloads the PDF (its text is read: her fixed purpose, RT / RW,
the code under the QR), checks it on ``/v/<code>/`` and answers the satisfaction survey from the
link she was sent. Her part from the search to the submit then runs once more in English.

The catalogue entry and the letter template are the real seed (``data/catalogue.json``,
``data/letter_templates/``); the letter is signed by the local signing CA. Every step leaves a
screenshot under ``test-results/journeys/journey-1-letter/``.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, FilePayload, Page

from layanan.accounts.models import Role, User
from layanan.accounts.tests.codes import code_sent_to
from layanan.applications.models import Application, Status
from layanan.catalogue.testing import VILLAGE_SAMPLE, seeded_service
from layanan.documents.management.commands.seed_letter_templates import parse_template
from layanan.documents.models import LetterTemplate
from layanan.documents.rendering import code_grouped
from layanan.documents.tests.pdf_text import pdf_text_flat
from layanan.documents.tests.render_builders import signing_ca, signing_code  # noqa: F401  # a fixture
from layanan.notifications.models import Message
from layanan.notifications.testing import FakeGateway
from layanan.survey.models import Invitation, Response
from layanan.survey.services import invitation_link
from layanan.testing import Cast, make_user
from tests.browser.conftest import (
    DESKTOP_WIDTH,
    MOBILE_WIDTH,
    Chromium,
    browser_context,
    session_cookies,
    signed_in_client,
)
from tests.browser.journeys import Shots

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("signing_ca")]

JOURNEY = "journey-1-letter"
STEP_TIMEOUT_MS = 8000  # a missing button fails the step quickly instead of after Playwright's 30 s
PHONE = "0812 7788 9900"
NIK = "1803045203900002"
FULL_NAME = "Dewi Anggraini"
PASSWORD = "Lampura-aman-2026"
PURPOSE = "Melamar pekerjaan di PT Sinar Lampung"
BETTER_PURPOSE = "Melamar pekerjaan sebagai guru di SD Negeri 1 Tanjung Raja"
PURPOSE_LABEL = "Untuk keperluan apa surat ini?"
REVISION_REASON = "Tulis keperluan dengan lengkap: nama tempat Anda melamar pekerjaan."


def seed_village_letter() -> None:
    """The real "Surat keterangan domisili" and its letter template, as the seed commands make them."""
    service = seeded_service(VILLAGE_SAMPLE)
    folder = Path(settings.BASE_DIR) / "data" / "letter_templates"
    header, body = parse_template((folder / f"{VILLAGE_SAMPLE}.typ").read_text(encoding="utf-8"))
    LetterTemplate.objects.create(
        service=service, title=header["title"], classification_code=header["classification"], body=body
    )


def photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 400), (190, 170, 130)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


# --- what a person reads and clicks, in one language ------------------------------------------------


@dataclass(frozen=True)
class Words:
    language: str
    services: str
    search: str
    search_button: str
    service_name: str
    apply: str
    start: str
    next: str
    my_applications: str
    continue_filling: str
    check_heading: str
    send: str
    sent_heading: str
    step_of_3: str
    step_of_1: str
    steps_pattern: str
    full_name: str
    nik: str
    originals: str
    service_column: str
    birth_date: str


INDONESIAN = Words(
    language="id",
    services="Layanan",
    search="surat domisili",
    search_button="Cari",
    service_name="Surat keterangan domisili",
    apply="Ajukan permohonan",
    start="Mulai mengisi",
    next="Lanjut",
    my_applications="Permohonan saya",
    continue_filling="Lanjutkan mengisi",
    check_heading="Periksa sebelum mengirim",
    send="Kirim permohonan",
    sent_heading="Permohonan terkirim",
    step_of_3="Langkah 3 dari",
    step_of_1="Langkah 1 dari",
    steps_pattern=r"(\d+) langkah:",
    full_name="Nama lengkap",
    nik="NIK",
    service_column="Layanan",
    originals="Anda memilih membawa dokumen asli: Surat pengantar RT/RW, Kartu Keluarga (KK).",
    birth_date="12 Maret 1990",
)
ENGLISH = Words(
    language="en",
    services="Services",
    search="proof of residence",
    search_button="Search",
    service_name="Certificate of residence (surat keterangan domisili)",
    apply="Apply",
    start="Start",
    next="Continue",
    my_applications="My applications",
    continue_filling="Continue filling in",
    check_heading="Check before you send",
    send="Send the application",
    sent_heading="Application sent",
    step_of_3="Step 3 of",
    step_of_1="Step 1 of",
    steps_pattern=r"(\d+) steps:",
    full_name="Full name",
    nik="NIK (national identity number)",
    service_column="Service",
    originals="You chose to bring the originals: ",
    birth_date="12 March 1990",
)


def cookies_in(words: Words, cookies: list[object], base_url: str) -> list[object]:
    if words.language == "id":
        return cookies
    return [*cookies, {"name": settings.LANGUAGE_COOKIE_NAME, "value": words.language, "url": base_url}]


# --- small moves -------------------------------------------------------------------------------------


def click(page: Page, role: str, name: str, *, exact: bool = True) -> None:
    """Click a link or button a person sees, and wait for the page it leads to."""
    with page.expect_navigation(wait_until="load"):
        page.get_by_role(role, name=name, exact=exact).first.click()  # type: ignore[arg-type]


def new_page(context: BrowserContext) -> Page:
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    return page


def no_errors(page: Page) -> None:
    summary = page.locator(".error-summary")
    assert not summary.count(), summary.inner_text()


def submit_any(page: Page, names: tuple[str, ...]) -> None:
    """Click the first of ``names`` the page offers as a button (its words differ by the way there)."""
    for name in names:
        button = page.get_by_role("button", name=name, exact=True)
        if button.count():
            with page.expect_navigation(wait_until="load"):
                button.first.click()
            return
    raise AssertionError(f"none of the buttons {names} is on {page.url}")


def heading(page: Page) -> str:
    return page.locator("h1").inner_text().strip()


# --- the citizen ------------------------------------------------------------------------------------


def citizen_registers(browser: Browser, base_url: str, shots: Shots, fake_gateway: FakeGateway) -> list[Any]:
    """From the home page to a signed-in account; returns the session cookies."""
    with browser_context(browser, base_url, cookies=[], javascript=True, width=MOBILE_WIDTH) as context:
        page = new_page(context)
        page.goto("/", wait_until="load")
        shots.take(page, "home page")
        click(page, "link", "Buat akun")
        assert heading(page) == "Daftar akun warga"
        page.get_by_label("Nama lengkap").fill(FULL_NAME)
        page.get_by_label("Nomor HP").fill(PHONE)
        page.get_by_label("Desa/kelurahan tempat tinggal").select_option(label="Tanjung Raja")
        page.get_by_label("NIK (tidak wajib)").fill(NIK)
        page.get_by_label("Kata sandi", exact=True).fill(PASSWORD)
        page.get_by_label("Ulangi kata sandi").fill(PASSWORD)
        page.get_by_label("WhatsApp").check()
        shots.take(page, "registration form")
        click(page, "button", "Kirim kode")
        no_errors(page)
        assert heading(page) == "Masukkan kode"
        shots.take(page, "code step")
        page.get_by_label("Kode").fill(code_sent_to(fake_gateway, "+62" + PHONE.replace(" ", "").lstrip("0")))
        click(page, "button", "Lanjut")
        no_errors(page)
        assert f"Selamat datang, {FULL_NAME}" in page.locator(".messages").inner_text()
        shots.take(page, "registered")
        return list(context.cookies())  # her session, as the browser keeps it


def citizen_starts(
    browser: Browser, base_url: str, cookies: list[object], words: Words, shots: Shots
) -> None:
    """Search, open the letter, start, answer steps 1 and 2, then leave for the home page."""
    with browser_context(
        browser, base_url, cookies=cookies_in(words, cookies, base_url), javascript=True, width=MOBILE_WIDTH
    ) as context:
        page = new_page(context)
        page.goto("/", wait_until="load")
        click(page, "link", words.services)
        page.get_by_role("searchbox").fill(words.search)
        shots.take(page, "search typed")
        click(page, "button", words.search_button)
        shots.take(page, "search results")
        results = page.locator("main").get_by_role("link", name=words.service_name, exact=True)
        assert results.count() >= 1, f"searching {words.search!r} must offer {words.service_name}"
        with page.expect_navigation(wait_until="load"):
            results.first.click()
        assert heading(page) == words.service_name
        promised = re.search(words.steps_pattern, page.locator("main").inner_text())
        assert promised, "the service page must say how many pages the form has"
        shots.take(page, "service page")
        click(page, "button", words.apply)
        if page.get_by_role("button", name=words.start).count():
            shots.take(page, "start")
            click(page, "button", words.start)

        # Step 1: the form counts its pages as the service page did; the name and NIK come from the account.
        assert f"{words.step_of_1} {promised.group(1)}" in page.locator("main").inner_text()
        shots.take(page, "step 1 prefilled")
        assert page.get_by_label(words.full_name).input_value() == FULL_NAME
        assert page.get_by_label(words.nik, exact=True).input_value().replace(" ", "") == NIK
        page.locator("[name=tempat_lahir]").fill("Kotabumi")
        page.locator("[name=tanggal_lahir]").fill("1990-03-12")
        page.locator("[name=pekerjaan]").fill("Guru honorer")
        click(page, "button", words.next)
        no_errors(page)

        # Step 2: the desa comes from the account.
        shots.take(page, "step 2 prefilled")
        assert page.locator("[name=desa]").input_value() == "18.03.04.2009"
        page.locator("[name=alamat]").fill("Jl. Lintas Sumatra No. 12, Dusun II")
        page.locator("[name=rt]").fill("002")
        page.locator("[name=rw]").fill("001")
        page.locator("[name=tinggal_sejak]").fill("2015-06-01")
        click(page, "button", words.next)
        no_errors(page)
        shots.take(page, "step 3 before leaving")

        # She leaves: the home page, by the brand link.
        with page.expect_navigation(wait_until="load"):
            page.locator(".header__brand").click()
        shots.take(page, "left for the home page")


def citizen_resumes_and_submits(
    browser: Browser, base_url: str, cookies: list[object], words: Words, shots: Shots, picture: bytes
) -> str:
    """Back through "Permohonan saya" to step 3, then the requirements, the review and the submit."""
    with browser_context(
        browser, base_url, cookies=cookies_in(words, cookies, base_url), javascript=True, width=MOBILE_WIDTH
    ) as context:
        page = new_page(context)
        page.goto("/", wait_until="load")
        click(page, "link", words.my_applications)
        sent = page.locator("main table")
        if sent.count():  # her letters sent before: one service on each row
            assert sent.locator("th").first.inner_text().strip() == words.service_column
        shots.take(page, "my applications with the draft")
        click(page, "link", words.service_name)
        shots.take(page, "the draft")
        click(page, "link", words.continue_filling)
        assert words.step_of_3 in page.locator("main").inner_text(), "resuming must land on step 3"
        shots.take(page, "resumed on step 3")
        page.locator("[name=keperluan]").fill(PURPOSE)
        click(page, "button", words.next)
        no_errors(page)

        # Requirements: a photo of the KTP-el, the other two on paper.
        page.locator("#cara-ktp-upload").check()
        page.set_input_files(
            "#berkas-ktp", files=FilePayload(name="ktp.jpg", mimeType="image/jpeg", buffer=picture)
        )
        page.locator("#cara-pengantar_rt-paper").check()
        page.locator("#cara-kk-paper").check()
        shots.take(page, "requirements")
        click(page, "button", words.next)
        no_errors(page)

        assert words.check_heading in heading(page)
        body = page.locator("main").inner_text()
        assert PURPOSE in body
        assert words.birth_date in body  # a date in words, not 1990-03-12
        shots.take(page, "review")
        click(page, "button", words.send)
        assert words.sent_heading in heading(page)
        originals = page.locator("#dokumen-asli").inner_text()  # she chose to bring two on paper
        assert words.originals in originals
        assert "Kantor Desa Tanjung Raja" in originals
        shots.take(page, "sent")
        return page.locator(".tracking-number").inner_text().strip()


# --- the operator and the signer -------------------------------------------------------------------


def open_from_queue(page: Page, tracking_number: str, tab: str, shots: Shots, step: str) -> None:
    """From the home page to the application, through the work queue's tab where it waits."""
    page.goto("/", wait_until="load")
    click(page, "link", "Antrean kerja")
    click(page, "link", tab)
    row = page.locator("tr", has_text=tracking_number)
    assert row.count() == 1, f"{tracking_number} must wait under {tab!r}"
    shots.take(page, step)
    with page.expect_navigation(wait_until="load"):
        row.get_by_role("link", name=tracking_number).click()
    assert tracking_number in heading(page)


def operator_asks_for_revision(
    browser: Browser, base_url: str, cookies: list[object], tracking_number: str, shots: Shots
) -> None:
    """Rini claims the new application and flags the purpose the citizen wrote, with a reason."""
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=DESKTOP_WIDTH) as context:
        page = new_page(context)
        page.goto("/", wait_until="load")
        click(page, "link", "Antrean kerja")
        row = page.locator("tr", has_text=tracking_number)
        assert row.count() == 1, "the new application must be in the desa's queue"
        shots.take(page, "operator queue")
        with page.expect_navigation(wait_until="load"):
            row.get_by_role("button", name=re.compile("^Ambil")).click()
        assert tracking_number in heading(page)
        assert PURPOSE in page.locator("#isian-keperluan").inner_text()
        # The photo of the KTP-el shows on the page itself (it loads lazily, once scrolled to).
        thumbnail = page.get_by_role("img", name=re.compile("KTP-el pemohon"))
        thumbnail.scroll_into_view_if_needed()
        page.wait_for_function(
            "image => image.complete && image.naturalWidth > 0", arg=thumbnail.element_handle()
        )
        page.evaluate("window.scrollTo(0, 0)")
        shots.take(page, "operator claimed")

        page.get_by_role("checkbox", name=re.compile(re.escape(PURPOSE_LABEL))).check()
        page.get_by_label(f"Alasan perbaikan: {PURPOSE_LABEL}").fill(REVISION_REASON)
        shots.take(page, "operator flags the purpose")
        click(page, "button", "Minta perbaikan")
        no_errors(page)
        assert "Perlu diperbaiki" in page.locator("#status").inner_text()
        assert REVISION_REASON in page.locator("#isian-keperluan").inner_text()
        shots.take(page, "operator sent back")


def citizen_fixes(browser: Browser, base_url: str, cookies: list[object], shots: Shots) -> None:
    """She reads the reason beside the purpose, changes the purpose and sends the application again."""
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH) as context:
        page = new_page(context)
        page.goto("/", wait_until="load")
        click(page, "link", "Permohonan saya")
        click(page, "link", INDONESIAN.service_name)
        item = page.locator("#perbaikan li", has_text=PURPOSE_LABEL)
        assert item.count() == 1, "the box must name the answer to fix"
        assert REVISION_REASON in item.inner_text()
        shots.take(page, "citizen reads the revision")
        with page.expect_navigation(wait_until="load"):
            item.get_by_role("link", name=re.compile("^Ubah isian")).click()
        beside = page.locator("#alasan-keperluan")
        assert REVISION_REASON in beside.inner_text(), "the reason must stand beside the answer"
        assert page.get_by_label(PURPOSE_LABEL).input_value() == PURPOSE
        shots.take(page, "citizen sees the reason beside the answer")
        page.get_by_label(PURPOSE_LABEL).fill(BETTER_PURPOSE)
        submit_any(page, ("Simpan", "Lanjut"))
        no_errors(page)
        # Back on the review page, with the new purpose and the button to send it again.
        assert INDONESIAN.check_heading in heading(page)
        assert BETTER_PURPOSE in page.locator("main").inner_text()
        shots.take(page, "citizen reviews the fix")
        click(page, "button", "Kirim ulang")
        no_errors(page)
        shots.take(page, "citizen resent")


def operator_approves(
    browser: Browser, base_url: str, cookies: list[object], tracking_number: str, shots: Shots
) -> None:
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=DESKTOP_WIDTH) as context:
        page = new_page(context)
        open_from_queue(page, tracking_number, "Sedang diperiksa", shots, "operator queue after the fix")
        for name in ("Surat pengantar RT/RW", "KTP-el pemohon", "Kartu Keluarga (KK)"):
            section = page.locator("section", has=page.locator("h3", has_text=name))
            section.get_by_label("Diterima", exact=True).check()
            with page.expect_navigation(wait_until="load"):
                section.get_by_role("button", name=re.compile("^Simpan pemeriksaan")).click()
            no_errors(page)
        shots.take(page, "operator accepted all")
        click(page, "button", "Setujui")
        no_errors(page)
        shots.take(page, "operator approved")


def signer_signs(
    browser: Browser, base_url: str, cookies: list[object], tracking_number: str, code: str, shots: Shots
) -> None:
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=DESKTOP_WIDTH) as context:
        page = new_page(context)
        open_from_queue(page, tracking_number, "Menunggu tanda tangan", shots, "signer queue")
        shots.take(page, "signer opens")
        # He reads the letter before signing it: the preview opens in the browser's PDF viewer, which a
        # headless screenshot leaves grey, so the same address is fetched to check what it gives.
        preview = page.get_by_role("link", name="Pratinjau surat sebelum ditandatangani (PDF)")
        fetched = context.request.get(preview.get_attribute("href") or "")
        assert fetched.status == 200
        assert fetched.headers["content-type"] == "application/pdf"
        assert fetched.body().startswith(b"%PDF")
        page.get_by_label("Kode autentikator (6 angka)").fill(code)
        click(page, "button", "Tanda tangani")
        no_errors(page)
        assert "Surat sudah terbit" in page.locator(".messages").inner_text()
        shots.take(page, "signed")


# --- the citizen gets the letter ------------------------------------------------------------------


def citizen_gets_the_letter(
    browser: Browser,
    base_url: str,
    cookies: list[object],
    public_code: str,
    letter_number: str,
    survey_path: str,
    shots: Shots,
    downloads: Path,
) -> None:
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH) as context:
        page = new_page(context)
        page.goto("/", wait_until="load")
        click(page, "link", "Permohonan saya")
        number = page.locator("main td .nik").first
        lines = number.evaluate("element => element.getClientRects().length")
        assert lines == 1, "the tracking number must not break across lines"
        shots.take(page, "my applications completed")
        click(page, "link", INDONESIAN.service_name)
        assert "Surat Anda" in page.locator("main").inner_text()
        assert letter_number in page.locator("main").inner_text()
        shots.take(page, "the letter is ready")
        with page.expect_download() as waiting:
            page.get_by_role("link", name="Unduh surat (PDF)").click()
        saved = downloads / "surat.pdf"
        waiting.value.save_as(saved)
        assert saved.read_bytes().startswith(b"%PDF")

        # The address the QR code carries, as anyone who scans it opens it.
        page.goto(f"/v/{public_code}/", wait_until="load")
        assert heading(page) == "Dokumen sah dan berlaku"
        verified = page.locator("main").inner_text()
        assert letter_number in verified
        assert FULL_NAME not in verified  # the holder's name stays masked for the public
        shots.take(page, "verify page")

        page.goto(survey_path, wait_until="load")
        shots.take(page, "survey")
        for group in page.locator("fieldset").all():
            radios = group.get_by_role("radio")
            if radios.count():
                radios.last.check()
        shots.take(page, "survey answered")
        click(page, "button", "Kirim", exact=False)
        no_errors(page)
        shots.take(page, "survey thanks")


# --- the test ------------------------------------------------------------------------------------------


def test_a_new_citizen_gets_a_signed_village_letter_and_answers_the_survey(
    cast: Cast, base_url: str, chromium: Chromium, tmp_path: Path, fake_gateway: FakeGateway
) -> None:
    seed_village_letter()
    head = make_user(
        phone="081200000021",
        full_name="Sutrisno",
        role=Role.SIGNER,
        office=cast.world.desa_tanjung_raja,
        position="Kepala Desa Tanjung Raja",
    )
    picture = photo()
    shots = Shots(JOURNEY)
    rini = session_cookies(signed_in_client(cast.rini), base_url)
    sutrisno = session_cookies(signed_in_client(head), base_url)

    citizen = chromium.run(lambda browser: citizen_registers(browser, base_url, shots, fake_gateway))
    dewi = User.objects.get(full_name=FULL_NAME)
    assert dewi.role == Role.CITIZEN
    assert dewi.home_region == cast.world.tanjung_raja_desa

    chromium.run(lambda browser: citizen_starts(browser, base_url, citizen, INDONESIAN, shots))
    draft = Application.objects.get(applicant=dewi)
    assert draft.status == Status.DRAFT

    tracking_number = chromium.run(
        lambda browser: citizen_resumes_and_submits(browser, base_url, citizen, INDONESIAN, shots, picture)
    )
    application = Application.objects.get(tracking_number=tracking_number)
    assert application.pk == draft.pk
    assert application.status == Status.SUBMITTED
    assert application.office == cast.world.desa_tanjung_raja
    assert application.answers["keperluan"] == PURPOSE

    chromium.run(lambda browser: operator_asks_for_revision(browser, base_url, rini, tracking_number, shots))
    application.refresh_from_db()
    assert application.status == Status.REVISION

    chromium.run(lambda browser: citizen_fixes(browser, base_url, citizen, shots))
    application.refresh_from_db()
    assert application.status == Status.VERIFYING
    assert application.answers["keperluan"] == BETTER_PURPOSE

    chromium.run(lambda browser: operator_approves(browser, base_url, rini, tracking_number, shots))
    code = signing_code(head)
    chromium.run(lambda browser: signer_signs(browser, base_url, sutrisno, tracking_number, code, shots))
    application.refresh_from_db()
    assert application.status == Status.COMPLETED
    document = application.documents.get()

    # The survey link she was sent (an SMS or WhatsApp message): the invitation's own link.
    invitation = Invitation.objects.get(application=application)
    assert Message.objects.filter(event="survey.invite", recipient=dewi).count() == 1
    survey_path = urlsplit(invitation_link(invitation)).path
    chromium.run(
        lambda browser: citizen_gets_the_letter(
            browser, base_url, citizen, document.public_code, document.number, survey_path, shots, tmp_path
        )
    )
    # What she downloaded is the letter as she answered it, after the fix, as the office signed it.
    letter = pdf_text_flat((tmp_path / "surat.pdf").read_bytes())
    assert f"Nama : {FULL_NAME}" in letter
    assert "Tanggal lahir : 12 Maret 1990" in letter
    assert "RT / RW : 002 / 001" in letter
    assert BETTER_PURPOSE in letter
    assert "Kepala Desa Tanjung Raja" in letter
    assert "Sutrisno" in letter
    assert document.number in letter
    assert code_grouped(document.public_code) in letter  # printed under the QR code

    invitation.refresh_from_db()
    assert invitation.answered_at is not None
    assert Response.objects.filter(office=cast.world.desa_tanjung_raja).count() == 1

    english = Shots(JOURNEY, language="en")
    chromium.run(lambda browser: citizen_starts(browser, base_url, citizen, ENGLISH, english))
    tracking_en = chromium.run(
        lambda browser: citizen_resumes_and_submits(browser, base_url, citizen, ENGLISH, english, picture)
    )
    assert Application.objects.get(tracking_number=tracking_en).status == Status.SUBMITTED
