"""Journey: a citizen who does not write reports by voice, and the coordinator hears it.

Siti opens the report form on a 360 px phone, chooses the kind, the category and the desa, attaches
a voice note to the audio field (``set_input_files``: what the phone's recorder hands the form
without JavaScript) and writes nothing. She sends and reads her tracking number. The coordinator
(1280 px) opens the report from the verification desk, finds "Laporan ini disampaikan dengan pesan
suara." and the player, and the player loads the note: 200, ``audio/ogg``, about two seconds long.
The play is audited; the public page of the report, once verified, carries no player.

A second run records in the page: Chromium with its fake microphone, "Rekam", "Berhenti", "Putar"
(the recording plays from a ``blob:`` URL under the page's policy), "Hapus rekaman", a second take
that the ordinary submit carries. The database is checked after each stage; screenshots go to
``test-results/journeys/journey-voice/``.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest
from playwright.sync_api import Browser, FilePayload, Page

from layanan.audit.models import AuditEvent
from layanan.complaints import services as complaints
from layanan.complaints.models import Category, Report, ReportVoice, Status
from layanan.testing import Cast
from layanan.testing.audio import opus_facts, tone
from tests.browser.conftest import (
    CHROMIUM_ARGS,
    DESKTOP_WIDTH,
    MOBILE_WIDTH,
    Chromium,
    assert_no_axe_violations,
    browser_context,
    session_cookies,
    signed_in_client,
)
from tests.browser.journeys import Shots

pytestmark = pytest.mark.browser

CATEGORY = "Jalan dan jembatan"
STEP_TIMEOUT_MS = 10_000
SPOKEN = "Laporan ini disampaikan dengan pesan suara."


def heading(page: Page) -> str:
    return page.locator("h1").inner_text().strip()


def click_to(page: Page, target: Any) -> None:
    with page.expect_navigation(wait_until="load"):
        target.click()


def fill_the_rest(page: Page) -> None:
    """Kind, category and desa: everything but the text, which stays empty."""
    page.get_by_label("Pengaduan").first.check()
    page.get_by_label("Kategori", exact=True).select_option(label=CATEGORY)
    page.get_by_label("Desa/kelurahan tempat kejadian").select_option(label="Tanjung Raja")


def citizen_sends_a_voice_file(browser: Browser, base_url: str, cookies: list[Any], shots: Shots) -> str:
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH) as context:
        page = context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        page.goto("/lapor/baru/", wait_until="load")
        assert heading(page) == "Laporkan masalah"
        assert page.get_by_role("button", name="Rekam", exact=True).is_visible()  # MediaRecorder is there
        fill_the_rest(page)
        page.set_input_files(
            "#id_voice", files=FilePayload(name="rekaman.wav", mimeType="audio/wav", buffer=tone(seconds=2))
        )
        shots.take(page, "citizen form with a voice file and no text")
        assert_no_axe_violations(page, "the report form with the recorder shown")
        click_to(page, page.get_by_role("button", name="Kirim laporan", exact=True))
        assert heading(page) == "Laporan terkirim", page.locator("main").inner_text()
        number = page.locator(".tracking-number").inner_text().strip()
        shots.take(page, "citizen report sent")
        return number


def coordinator_plays(
    browser: Browser, base_url: str, cookies: list[Any], number: str, shots: Shots
) -> float:
    """The desk, the report, the player: the note loads with 200 as audio/ogg; its length in seconds."""
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=DESKTOP_WIDTH) as context:
        page = context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        page.goto("/lapor/petugas/verifikasi/", wait_until="load")
        click_to(page, page.get_by_role("link", name=number, exact=True))
        assert heading(page) == f"Laporan {number}"
        main = page.locator("main")
        assert SPOKEN in main.inner_text()
        player = main.locator("audio")
        assert player.count() == 1
        assert player.get_attribute("preload") == "none"  # opening the page plays (and audits) nothing
        with page.expect_response(lambda response: "/suara/" in response.url) as answered:
            # What pressing play does, without depending on where the browser draws its button.
            player.evaluate("audio => { audio.preload = 'auto'; audio.load(); }")
        response = answered.value
        assert response.status == 200
        assert response.headers["content-type"] == "audio/ogg"
        page.wait_for_function(
            "audio => audio.readyState >= 1 && audio.duration > 0", arg=player.element_handle()
        )
        shots.take(page, "coordinator report with the voice note")
        assert_no_axe_violations(page, "the staff report page with its voice note")
        assert player.evaluate("audio => audio.error") is None
        return float(player.evaluate("audio => audio.duration"))


def public_page_has_no_player(browser: Browser, base_url: str, report: Report) -> str:
    with browser_context(browser, base_url, cookies=[], javascript=True, width=MOBILE_WIDTH) as context:
        page = context.new_page()
        page.goto(f"/lapor/publik/{report.public_id}/", wait_until="load")
        assert page.locator("audio").count() == 0
        return page.locator("main").inner_text()


def citizen_records_in_the_page(browser: Browser, base_url: str, cookies: list[Any], shots: Shots) -> str:
    """Chromium with a fake microphone: record, stop, play, discard, record again, send."""
    assert browser.browser_type.executable_path
    recorder = browser.browser_type.launch(
        executable_path=shutil.which("chromium"),
        args=[*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"],
    )
    try:
        with browser_context(
            recorder, base_url, cookies=cookies, javascript=True, width=MOBILE_WIDTH
        ) as context:
            context.grant_permissions(["microphone"], origin=base_url)
            page = context.new_page()
            page.set_default_timeout(STEP_TIMEOUT_MS)
            refused: list[str] = []
            page.on(
                "console",
                lambda message: refused.append(message.text) if "Content Security" in message.text else None,
            )
            page.goto("/lapor/baru/", wait_until="load")
            fill_the_rest(page)
            status = page.locator("#voice-status")
            files = "() => document.getElementById('id_voice').files.length"
            for take in ("first", "second"):
                page.get_by_role("button", name="Rekam", exact=True).click()
                page.wait_for_function(
                    "() => document.getElementById('voice-status').textContent.startsWith('Merekam')"
                )
                assert "Merekam" in status.inner_text(), status.inner_text()
                page.wait_for_timeout(1500)
                page.get_by_role("button", name="Berhenti", exact=True).click()
                page.wait_for_function(f"{files} === 1")
                assert status.inner_text() == "Rekaman siap dikirim bersama laporan."
                if take == "first":
                    page.get_by_role("button", name="Putar", exact=True).click()
                    page.wait_for_timeout(300)
                    shots.take(page, "citizen recorded in the page")
                    page.get_by_role("button", name="Hapus rekaman", exact=True).click()
                    assert page.get_by_role("button", name="Rekam", exact=True).is_visible()
                    assert page.get_by_role("button", name="Rekam", exact=True).is_visible()
                    assert page.evaluate(files) == 0
                    assert status.inner_text() == "Rekaman dihapus."
            assert refused == [], refused
            click_to(page, page.get_by_role("button", name="Kirim laporan", exact=True))
            assert heading(page) == "Laporan terkirim", page.locator("main").inner_text()
            return page.locator(".tracking-number").inner_text().strip()
    finally:
        recorder.close()


def test_a_voice_note_without_text_reaches_the_coordinator_who_plays_it(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    Category.objects.create(slug="jalan-jembatan", name=CATEGORY, default_office=cast.world.pupr)
    citizen = session_cookies(signed_in_client(cast.siti), base_url)
    coordinator = session_cookies(signed_in_client(cast.admin), base_url)
    shots = Shots("journey-voice")

    number = chromium.run(lambda b: citizen_sends_a_voice_file(b, base_url, citizen, shots))
    report = Report.objects.get(tracking_number=number)
    assert (report.text, report.status, report.reporter) == ("", Status.RECEIVED, cast.siti)
    voice = ReportVoice.objects.get(report=report)
    with voice.file.open("rb") as handle:
        assert opus_facts(handle.read())[:3] == ("ogg", "opus", "mono")

    seconds = chromium.run(lambda b: coordinator_plays(b, base_url, coordinator, number, shots))
    assert 1.8 <= seconds <= 2.3
    assert AuditEvent.objects.filter(action="complaints.voice_play", object_id=str(report.pk)).count() >= 1

    report = complaints.report_verify(report=report, actor=cast.admin, expected_version=report.version)
    shown = chromium.run(lambda b: public_page_has_no_player(b, base_url, report))
    assert "Pesan suara tidak diumumkan." in shown


def test_a_voice_note_recorded_in_the_page_is_sent_with_the_form(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    Category.objects.create(slug="jalan-jembatan", name=CATEGORY, default_office=cast.world.pupr)
    citizen = session_cookies(signed_in_client(cast.siti), base_url)
    shots = Shots("journey-voice", language="id-recorder")

    number = chromium.run(lambda b: citizen_records_in_the_page(b, base_url, citizen, shots))

    report = Report.objects.get(tracking_number=number)
    assert report.text == ""
    voice = ReportVoice.objects.get(report=report)
    assert 1 <= voice.seconds <= 3  # the second take only
    assert Report.objects.count() == 1
