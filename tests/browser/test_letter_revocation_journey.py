"""Journey 3 in Chromium: the signer previews and signs; the office revokes; citizen and public see it.

Hendra, the head of desa Tanjung Raja, opens an approved village letter at 1280 px, opens
the preview of the letter (unsigned, marked PRATINJAU), signs it with his authenticator
code, then finds it on his office's list of issued letters and revokes it with a reason.
The villager, at 360 px, opens her application and reads when, why and what to do; the
verification page, given the code printed under the QR, says the letter is revoked.
Only what a person sees and clicks; a screenshot of every step is kept under
``test-results/journeys/journey-3-letter-revocation/`` (or ``$JOURNEY_SHOTS``). A second
test shows each new page in Indonesian and English and checks it like every page (one
``<h1>``, axe, weight, width).
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
import typst
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, Page
from pyhanko.pdf_utils.reader import PdfFileReader

from layanan.applications.models import Application, Status
from layanan.applications.tests.test_letters import awaiting_signature, kepala_desa
from layanan.documents.models import Document
from layanan.documents.tests.render_builders import signing_ca, signing_code  # noqa: F401  # a fixture
from layanan.testing import Cast
from tests.browser.conftest import (
    DESKTOP_WIDTH,
    MOBILE_WIDTH,
    Chromium,
    browser_context,
    check_page_in_chromium,
    session_cookies,
    signed_in_client,
)
from tests.browser.journeys import shots_root

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("signing_ca")]

REASON = "Nama ayah pada surat salah tulis; ajukan ulang dengan KK terbaru."

# What a person reads and clicks, by its Indonesian source text; shown in the journey's language.
WORDS = (
    "Menunggu tanda tangan",
    "Pratinjau surat sebelum ditandatangani (PDF)",
    "Kode autentikator (6 angka)",
    "Tanda tangani",
    "Permohonan ditandatangani dan selesai. Surat sudah terbit.",
    "Selesai",
    "Surat yang sudah terbit",
    "Berlaku",
    "Cabut",
    "Cabut surat",
    "Tulis alasan surat ini dicabut.",
    "Alasan surat dicabut",
    "Dicabut",
    "Surat Anda dicabut",
    "Yang perlu Anda lakukan:",
    "Surat dicabut",
    "Unduh surat (PDF)",
    "Kode dokumen",
    "Periksa kode",
    "Dokumen dicabut",
    "Dokumen sah dan berlaku",
)


class Words:
    """The journey's words in one language (from the catalogue, so a changed translation still reads)."""

    def __init__(self, language: str) -> None:
        self.language = language
        with translation.override(language):
            self.texts = {text: str(translation.gettext(text)) for text in WORDS}

    def __getitem__(self, text: str) -> str:
        return self.texts[text]

    def shot(self, name: str) -> str:
        return f"journey-{self.language}-{name}"


def shots_dir() -> Path:
    folder = shots_root() / "journey-3-letter-revocation"  # beside the other journeys' screenshots
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(shots_dir() / f"{name}.png"), full_page=True)


def with_language(cookies: list[Any], base_url: str, language: str) -> list[Any]:
    return [*cookies, {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]


def pdf_first_page_png(pdf: bytes, name: str) -> None:
    """Keep the first page of a PDF as a picture (headless Chromium has no PDF viewer to screenshot)."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "letter.pdf").write_bytes(pdf)
        (Path(folder) / "show.typ").write_text(
            '#set page(paper: "a4", margin: 0pt)\n#image("letter.pdf", page: 1, width: 100%)\n'
        )
        png = typst.compile(str(Path(folder) / "show.typ"), root=folder, format="png", ppi=72)
    assert isinstance(png, bytes)
    (shots_dir() / f"{name}.png").write_bytes(png)


def click_to(page: Page, name: str | re.Pattern[str], *, role: str = "link") -> None:
    with page.expect_navigation(wait_until="load"):
        page.get_by_role(role, name=name, exact=True).first.click()  # type: ignore[arg-type]


# --- the steps, each in Chromium's thread -------------------------------------------------------------


def signer_previews(browser: Browser, base_url: str, cookies: list[Any], work_path: str, w: Words) -> bytes:
    with browser_context(
        browser, base_url, cookies=cookies, javascript=False, width=DESKTOP_WIDTH
    ) as context:
        page = context.new_page()
        page.goto(work_path, wait_until="load")
        assert w["Menunggu tanda tangan"] in page.locator("#status").inner_text()
        shot(page, w.shot("01-signer-work-page"))
        link = page.get_by_role("link", name=w["Pratinjau surat sebelum ditandatangani (PDF)"])
        href = link.get_attribute("href") or ""
        with page.expect_response(re.compile("/petugas/pratinjau-surat/")) as answer:
            link.click()
        response = answer.value
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"].startswith("inline;")
        # Chromium shows it in its PDF viewer, which a headless screenshot leaves grey and which
        # replaces the body the page sees: the same request gives the bytes to check and to picture.
        fetched = context.request.get(href)
        assert fetched.status == 200
        return fetched.body()


def signer_signs(
    browser: Browser, base_url: str, cookies: list[Any], work_path: str, code: str, w: Words
) -> None:
    with browser_context(
        browser, base_url, cookies=cookies, javascript=False, width=DESKTOP_WIDTH
    ) as context:
        page = context.new_page()
        page.goto(work_path, wait_until="load")
        page.get_by_label(w["Kode autentikator (6 angka)"]).fill(code)
        click_to(page, w["Tanda tangani"], role="button")
        messages = page.locator(".messages").inner_text()
        assert w["Permohonan ditandatangani dan selesai. Surat sudah terbit."] in messages
        assert w["Selesai"] in page.locator("#status").inner_text()
        shot(page, w.shot("03-signer-signed"))


def office_revokes(browser: Browser, base_url: str, cookies: list[Any], number: str, w: Words) -> None:
    with browser_context(
        browser, base_url, cookies=cookies, javascript=False, width=DESKTOP_WIDTH
    ) as context:
        page = context.new_page()
        page.goto(reverse("applications:queue"), wait_until="load")
        click_to(page, w["Surat yang sudah terbit"])
        row = page.locator("tr", has_text=number)
        assert row.count() == 1
        assert w["Berlaku"] in row.inner_text()
        shot(page, w.shot("04-office-letters"))
        with page.expect_navigation(wait_until="load"):
            row.get_by_role("link", name=re.compile("^" + w["Cabut"])).click()
        assert page.locator("h1").inner_text().strip() == w["Cabut surat"]
        click_to(page, w["Cabut surat"], role="button")  # no reason yet: refused in plain words
        assert w["Tulis alasan surat ini dicabut."] in page.locator(".error-summary").inner_text()
        shot(page, w.shot("05-office-revoke-without-reason"))
        page.get_by_label(w["Alasan surat dicabut"]).fill(REASON)
        shot(page, w.shot("06-office-revoke-form"))
        click_to(page, w["Cabut surat"], role="button")
        assert number in page.locator(".messages").inner_text()
        assert w["Dicabut"] in page.locator("tr", has_text=number).inner_text()
        shot(page, w.shot("07-office-letters-after"))


def citizen_reads(browser: Browser, base_url: str, cookies: list[Any], tracking_number: str, w: Words) -> str:
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH) as context:
        page = context.new_page()
        page.goto(reverse("applications:mine"), wait_until="load")
        with page.expect_navigation(wait_until="load"):
            page.locator("main a", has_text=re.compile(tracking_number + "|Surat Keterangan")).first.click()
        box = page.locator("#surat-anda")
        text = box.inner_text()
        assert w["Surat Anda dicabut"] in text
        assert REASON in text
        assert w["Yang perlu Anda lakukan:"] in text
        assert w["Surat dicabut"] in page.locator("main").inner_text()
        assert page.get_by_role("link", name=w["Unduh surat (PDF)"]).count() == 0
        box.scroll_into_view_if_needed()
        shot(page, w.shot("08-citizen-application"))
        return page.locator("main").inner_text()


def public_verifies(browser: Browser, base_url: str, cookies: list[Any], code: str, w: Words) -> str:
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH) as context:
        page = context.new_page()
        page.goto(reverse("documents:index"), wait_until="load")
        page.get_by_label(w["Kode dokumen"]).fill(code)
        click_to(page, w["Periksa kode"], role="button")
        text = page.locator("main").inner_text()
        shot(page, w.shot("09-verify-page"))
        return text


# --- the journey ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_signer_previews_and_signs_the_office_revokes_and_the_citizen_and_public_see_it(
    cast: Cast, base_url: str, chromium: Chromium, language: str
) -> None:
    w = Words(language)
    application = awaiting_signature(cast, name="Putri Lestari")
    official = kepala_desa(cast)
    signing_code(official)  # Hendra has his authenticator
    hendra = with_language(session_cookies(signed_in_client(official), base_url), base_url, language)
    villager = with_language(
        session_cookies(signed_in_client(application.applicant), base_url), base_url, language
    )
    public = with_language([], base_url, language)
    work_path = reverse("applications:work", kwargs={"public_id": application.public_id})

    preview = chromium.run(lambda browser: signer_previews(browser, base_url, hendra, work_path, w))

    reader = PdfFileReader(io.BytesIO(preview))
    assert str(reader.trailer_view["/Info"]["/Title"]) == "PRATINJAU — BELUM DITANDATANGANI"
    assert reader.embedded_signatures == []
    pdf_first_page_png(preview, w.shot("02-signer-preview"))
    assert not Document.objects.exists()

    code = signing_code(official)
    chromium.run(lambda browser: signer_signs(browser, base_url, hendra, work_path, code, w))

    application.refresh_from_db()
    assert application.status == Status.COMPLETED
    document = application.documents.get()

    chromium.run(lambda browser: office_revokes(browser, base_url, hendra, document.number, w))

    document.refresh_from_db()
    assert (document.state, document.revoked_reason) == (Document.State.REVOKED, REASON)
    assert application.timeline.filter(action="document_revoke").exists()

    tracking_number = str(application.tracking_number)
    page_text = chromium.run(lambda browser: citizen_reads(browser, base_url, villager, tracking_number, w))
    assert page_text.count(REASON) == 2  # the box, and the history

    verified = chromium.run(
        lambda browser: public_verifies(browser, base_url, public, document.public_code, w)
    )
    assert w["Dokumen dicabut"] in verified
    assert w["Dokumen sah dan berlaku"] not in verified
    assert Application.objects.get(pk=application.pk).status == Status.COMPLETED


# --- each new page, in Indonesian and English ---------------------------------------------------------


def test_each_new_letter_page_reads_well_in_both_languages(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    from layanan.applications.services.decision import application_letter_revoke
    from layanan.applications.tests.test_letters import signed

    official = kepala_desa(cast)
    revoked_app = signed(awaiting_signature(cast, name="Putri Lestari"), official)
    revoked = revoked_app.documents.get()
    application_letter_revoke(document=revoked, actor=official, reason=REASON)
    kept = signed(awaiting_signature(cast), official).documents.get()
    waiting = awaiting_signature(cast)
    staff = session_cookies(signed_in_client(official), base_url)
    citizen = session_cookies(signed_in_client(revoked_app.applicant), base_url)
    pages = [
        ("letters", staff, reverse("applications:letters"), 200),
        ("revoke", staff, reverse("applications:letter_revoke", kwargs={"code": kept.public_code}), 200),
        ("replace", staff, reverse("applications:letter_replace", kwargs={"code": kept.public_code}), 200),
        ("work-signing", staff, reverse("applications:work", kwargs={"public_id": waiting.public_id}), 200),
        (
            "citizen-revoked",
            citizen,
            reverse("applications:detail", kwargs={"public_id": revoked_app.public_id}),
            200,
        ),
        (
            "download-revoked",
            citizen,
            reverse("documents:download", kwargs={"code": revoked.public_code}),
            410,
        ),
    ]

    def job(browser: Browser) -> None:
        for language in ("id", "en"):
            for name, cookies, path, status in pages:
                jar = [*cookies, {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
                check_page_in_chromium(
                    browser,
                    base_url=base_url,
                    path=path,
                    cookies=jar,
                    where=f"{name} ({language})",
                    status=status,
                )
                for width in (MOBILE_WIDTH, DESKTOP_WIDTH):
                    with browser_context(
                        browser, base_url, cookies=jar, javascript=False, width=width
                    ) as context:
                        page = context.new_page()
                        page.goto(path, wait_until="load")
                        if language == "en" and name == "citizen-revoked":
                            assert "Your letter was revoked" in page.locator("main").inner_text()
                        shot(page, f"page-{name}-{language}-{width}")

    chromium.run(job)
