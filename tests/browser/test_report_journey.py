"""Journey 2: a citizen reports a problem anonymously, with a photo, and follows it to the end.

Dewi, a citizen of Tanjung Raja (not Siti), opens the home page on a 360 px phone, follows
"Buat laporan", fills the report form with a photo, ticks "Anonim", sends and reads her tracking
number. The coordinator (the administrator, 1280 px) opens the verification desk from the menu,
finds the report, sees no "Lihat identitas pelapor" button (an anonymous reporter has no identity
to open), verifies it and forwards it to Dinas PUPR, chosen under "Perangkat daerah" in the grouped
office list. Andi of Dinas PUPR opens his office's queue, starts the follow-up and answers with an
evidence photo. Dewi opens "Laporan saya", reads the answer, sees the photo load, and rates it.
Then anyone: the public list shows the report (its text, never her name or phone), its page shows
the evidence photo, and ``/lacak/`` finds it by its number. The database is checked after each
stage.

Dewi's part and the public part run once more in English, on a second report (the staff's steps
in between are taken through the services). Every step leaves a screenshot under
``test-results/journeys/journey-2-report/``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import Browser, FilePayload, Locator, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from layanan.accounts.models import User
from layanan.complaints import services as complaints
from layanan.complaints.models import Category, Report, ReportPhoto, Status
from layanan.complaints.tests.citizen_builders import jpeg
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

pytestmark = pytest.mark.browser

CATEGORY = "Jalan dan jembatan"
PUPR = "Dinas Pekerjaan Umum dan Penataan Ruang"
DEWI_NAME = "Dewi Anggraini"
DEWI_PHONE = "081277776543"
TEXT_ID = "Jalan desa di depan SD Negeri 1 Tanjung Raja berlubang besar, motor sering jatuh saat hujan."
TEXT_EN = "Jembatan kayu di dusun tiga Tanjung Raja patah sebagian, anak sekolah takut menyeberang."
ANSWER = "Lubang jalan sudah ditambal dan diaspal ulang oleh tim Dinas PUPR pada hari ini."
ANSWER_EN = "Papan jembatan yang patah sudah diganti dengan papan baru oleh tim Dinas PUPR."
# A step waits at most this long for what it looks for (a missing link fails fast, not in 30 s).
STEP_TIMEOUT_MS = 10_000


@dataclass(frozen=True)
class Words:
    """What Dewi and the public read and click, in one language."""

    language: str
    main_menu: str
    make_report: str
    report_heading: str
    kind: str
    category: str
    text: str
    desa: str
    anonymous: str
    send: str
    sent_heading: str
    my_reports: str
    answer: str
    evidence: str
    satisfied: str
    send_rating: str
    thanks_rating: str
    you_are_happy: str
    public_list: str
    public_heading: str
    track: str
    track_heading: str
    tracking_number: str
    phone_last4: str
    answered: str
    on_public_list: str
    sign_in_to_support: str
    sign_in_heading: str


INDONESIAN = Words(
    language="id",
    main_menu="Menu utama",
    make_report="Buat laporan",
    report_heading="Laporkan masalah",
    kind="Pengaduan",
    category="Kategori",
    text="Apa yang terjadi?",
    desa="Desa/kelurahan tempat kejadian",
    anonymous="Anonim",
    send="Kirim laporan",
    sent_heading="Laporan terkirim",
    my_reports="Laporan saya",
    answer="Jawaban",
    evidence="Foto hasil tindak lanjut",
    satisfied="Ya, puas",
    send_rating="Kirim penilaian",
    thanks_rating="Terima kasih atas penilaian Anda.",
    you_are_happy="Anda puas dengan tindak lanjutnya.",
    public_list="Lihat laporan warga dan tanggapannya",
    public_heading="Laporan warga",
    track="Lacak",
    track_heading="Lacak permohonan atau laporan",
    tracking_number="Nomor pelacakan",
    phone_last4="4 angka terakhir nomor HP Anda",
    answered="Dijawab",
    on_public_list="Lihat laporan ini di daftar laporan warga",
    sign_in_to_support="Masuk untuk mendukung laporan ini",
    sign_in_heading="Masuk",
)
ENGLISH = Words(
    language="en",
    main_menu="Main menu",
    make_report="Make a report",
    report_heading="Report a problem",
    kind="Complaint",
    category="Category",
    text="What happened?",
    desa="Desa/kelurahan where it happened",
    anonymous="Anonymous",
    send="Send report",
    sent_heading="Report sent",
    my_reports="My reports",
    answer="Answer",
    evidence="Photos after handling",
    satisfied="Yes, happy",
    send_rating="Send your rating",
    thanks_rating="Thank you for your rating.",
    you_are_happy="You are happy with how it was handled.",
    public_list="See residents\u2019 reports and the answers",
    public_heading="Residents\u2019 reports",
    track="Track",
    track_heading="Track an application or a report",
    tracking_number="Tracking number",
    phone_last4="Last 4 digits of your mobile number",
    answered="Answered",
    on_public_list="See this report in the residents' reports list",
    sign_in_to_support="Sign in to support this report",
    sign_in_heading="Sign in",
)


# --- helpers ------------------------------------------------------------------------------------------


def cookies_in(words: Words, cookies: list[object], base_url: str) -> list[object]:
    if words.language == "id":
        return cookies
    return [*cookies, {"name": settings.LANGUAGE_COOKIE_NAME, "value": words.language, "url": base_url}]


def heading(page: Page) -> str:
    return page.locator("h1").inner_text().strip()


def click_to(page: Page, target: Locator) -> None:
    with page.expect_navigation(wait_until="load"):
        target.click()


def image_loads(image: Locator) -> int:
    """The image's natural width once it has loaded (0: it did not); lazy images are scrolled to.

    A lazy image out of view has not started loading (Chromium may still call it complete), so
    it is scrolled to and given a few seconds to arrive.
    """
    image.scroll_into_view_if_needed()
    with contextlib.suppress(PlaywrightTimeoutError):  # not loaded: reported as 0 below
        image.page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle(), timeout=5000
        )
    return int(image.evaluate("img => img.naturalWidth"))


def assert_nobody_named(page: Page) -> None:
    """Dewi's name and phone (in any of its forms) are nowhere in the page's HTML."""
    html = page.content()
    for identity in (DEWI_NAME, DEWI_PHONE, "+62" + DEWI_PHONE[1:], "0812 7777 6543", "0812-7777-6543"):
        assert identity not in html, f"{page.url} names the anonymous reporter: {identity}"


def photo_file(name: str) -> FilePayload:
    return FilePayload(
        name=name, mimeType="image/jpeg", buffer=jpeg(gps=(-4.7702, 104.7311), size=(640, 480))
    )


# --- the browser parts ----------------------------------------------------------------------------------


def citizen_reports(
    browser: Browser, base_url: str, cookies: list[object], words: Words, shots: Shots, text: str
) -> str:
    """From the home page to the tracking number: the form, a photo, anonymous, sent."""
    with browser_context(
        browser, base_url, cookies=cookies_in(words, cookies, base_url), javascript=True, width=MOBILE_WIDTH
    ) as context:
        page = context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        page.goto("/", wait_until="load")
        shots.take(page, "citizen home")
        click_to(page, page.locator("main").get_by_role("link", name=words.make_report, exact=True))
        assert heading(page) == words.report_heading
        shots.take(page, "citizen report form")
        page.get_by_label(words.kind).first.check()
        page.get_by_label(words.category, exact=True).select_option(label=CATEGORY)
        page.get_by_label(words.text).fill(text)
        page.get_by_label(words.desa).select_option(label="Tanjung Raja")
        page.set_input_files("#id_photos", files=photo_file("jalan.jpg"))
        page.get_by_label(words.anonymous).check()
        shots.take(page, "citizen report form filled")
        click_to(page, page.get_by_role("button", name=words.send, exact=True))
        assert heading(page) == words.sent_heading, page.locator("main").inner_text()
        number = page.locator(".tracking-number").inner_text().strip()
        shots.take(page, "citizen report sent")
        return number


def coordinator_verifies(
    browser: Browser, base_url: str, cookies: list[object], number: str, shots: Shots
) -> None:
    """The desk, the report (no identity button: anonymous), verified and forwarded to Dinas PUPR."""
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=DESKTOP_WIDTH) as context:
        page = context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        page.goto("/", wait_until="load")
        click_to(
            page, page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Laporan masuk")
        )
        assert heading(page) == "Meja verifikasi laporan"
        shots.take(page, "coordinator desk")
        click_to(page, page.get_by_role("link", name=number, exact=True))
        assert heading(page) == f"Laporan {number}"
        main = page.locator("main")
        assert TEXT_ID in main.inner_text()
        assert main.get_by_role("button", name="Lihat identitas pelapor").count() == 0
        assert "Pelapor anonim" in main.inner_text()
        assert_nobody_named(page)
        office = page.get_by_label("Instansi yang menindaklanjuti", exact=True)
        groups = office.locator("optgroup").evaluate_all("gs => gs.map(g => g.label)")
        assert groups[0] == "Perangkat daerah", groups
        assert "Kecamatan Tanjung Raja" in groups, groups
        assert office.locator("optgroup[label='Perangkat daerah'] option", has_text=PUPR).count() == 1
        office.select_option(label=PUPR)
        shots.take(page, "coordinator report to verify")
        click_to(page, page.get_by_role("button", name="Verifikasi dan teruskan", exact=True))
        assert heading(page) == "Meja verifikasi laporan"
        assert f"diteruskan ke {PUPR}" in page.locator(".messages").inner_text()
        assert page.get_by_role("link", name=number, exact=True).count() == 0  # it has left the desk
        shots.take(page, "coordinator desk after forwarding")


def agency_answers(browser: Browser, base_url: str, cookies: list[object], number: str, shots: Shots) -> None:
    """Andi's queue, the report, "Mulai tindak lanjut", the answer with an evidence photo."""
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=DESKTOP_WIDTH) as context:
        page = context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        page.goto("/", wait_until="load")
        click_to(
            page, page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Laporan masuk")
        )
        assert heading(page) == "Laporan masuk"
        shots.take(page, "agency queue")
        click_to(page, page.get_by_role("link", name=number, exact=True))
        assert_nobody_named(page)
        photo = page.get_by_role("img", name="Foto dari pelapor 1")
        assert image_loads(photo) > 0
        shots.take(page, "agency report")
        click_to(page, page.get_by_role("button", name="Mulai tindak lanjut", exact=True))
        assert "Sedang ditindaklanjuti" in page.locator("#status").inner_text()
        page.get_by_label("Jawaban", exact=True).fill(ANSWER)
        page.set_input_files("#answer-evidence", files=photo_file("sesudah.jpg"))
        shots.take(page, "agency answer filled")
        click_to(page, page.get_by_role("button", name="Kirim jawaban", exact=True))
        assert "Jawaban dikirim kepada pelapor." in page.locator(".messages").inner_text()
        assert image_loads(page.get_by_role("img", name="Foto hasil tindak lanjut 1")) > 0
        shots.take(page, "agency answered")


def reporter_reads_and_rates(
    browser: Browser,
    base_url: str,
    cookies: list[object],
    number: str,
    answer: str,
    words: Words,
    shots: Shots,
) -> None:
    """ "Laporan saya", the report: the answer, the evidence photo loaded, "Ya, puas"."""
    with browser_context(
        browser, base_url, cookies=cookies_in(words, cookies, base_url), javascript=True, width=MOBILE_WIDTH
    ) as context:
        page = context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        page.goto("/", wait_until="load")
        menu = page.get_by_role("navigation", name=words.main_menu)
        click_to(page, menu.get_by_role("link", name=words.my_reports, exact=True))
        assert heading(page) == words.my_reports
        shots.take(page, "reporter my reports")
        click_to(page, page.get_by_role("link", name=number, exact=True))
        main = page.locator("main")
        assert heading(page) == CATEGORY
        assert main.get_by_role("heading", name=words.answer, exact=True).count() == 1
        assert answer in main.inner_text()
        assert main.get_by_role("heading", name=words.evidence, exact=True).count() == 1
        assert image_loads(main.get_by_role("img", name=f"{words.evidence} 1")) > 0
        shots.take(page, "reporter reads the answer")
        page.get_by_label(words.satisfied, exact=True).check()
        click_to(page, page.get_by_role("button", name=words.send_rating, exact=True))
        assert words.thanks_rating in page.locator(".messages").inner_text()
        assert words.you_are_happy in main.inner_text()
        shots.take(page, "reporter rated")


def public_finds(
    browser: Browser, base_url: str, number: str, text: str, answer: str, words: Words, shots: Shots
) -> None:
    """Anyone: the public list (text, no identity), the report's page with the photo, then /lacak/."""
    with browser_context(
        browser, base_url, cookies=cookies_in(words, [], base_url), javascript=True, width=MOBILE_WIDTH
    ) as context:
        page = context.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        page.goto("/", wait_until="load")
        click_to(page, page.locator("main").get_by_role("link", name=words.public_list, exact=True))
        assert heading(page) == words.public_heading
        entry = page.locator("section", has_text=text[:40])
        assert entry.count() == 1
        assert answer[:40] in entry.inner_text()
        assert_nobody_named(page)
        shots.take(page, "public list")
        click_to(page, entry.get_by_role("link"))
        main = page.locator("main")
        assert heading(page) == CATEGORY
        for shown in (number, text, answer):
            assert shown in main.inner_text()
        assert_nobody_named(page)
        assert image_loads(main.get_by_role("img", name=f"{words.evidence} 1")) > 0
        assert words.kind in main.locator(".summary-list").inner_text()
        shots.take(page, "public report")
        report_page = page.url

        # "Saya juga mengalami ini" asks a visitor to sign in first, and the sign-in comes back here.
        click_to(page, main.get_by_role("link", name=words.sign_in_to_support, exact=True))
        assert heading(page) == words.sign_in_heading
        assert page.url.endswith("?next=" + report_page.removeprefix(base_url))
        page.goto(report_page, wait_until="load")

        # The tracking page, from the menu: the number and the phone's last four digits.
        click_to(
            page,
            page.get_by_role("navigation", name=words.main_menu).get_by_role(
                "link", name=words.track, exact=True
            ),
        )
        assert heading(page) == words.track_heading
        page.get_by_label(words.tracking_number, exact=True).fill(number)
        page.get_by_label(words.phone_last4, exact=True).fill(DEWI_PHONE[-4:])
        shots.take(page, "track form")
        click_to(page, main.get_by_role("button", name=words.track, exact=True))
        found = page.locator(".notice--success")
        assert number in found.inner_text()
        assert CATEGORY in found.inner_text()
        assert words.answered in main.locator(".summary-list").inner_text()
        assert main.get_by_role("link", name=words.on_public_list).count() == 1
        assert_nobody_named(page)
        shots.take(page, "track found")


# --- the database after each stage -------------------------------------------------------------------


def the_report(number: str) -> Report:
    return Report.objects.get(tracking_number=number)


def check_sent(number: str, dewi: User, text: str, category: Category) -> None:
    report = the_report(number)
    assert report.status == Status.RECEIVED
    assert report.anonymous is True
    assert report.confidential is False
    assert report.reporter_id == dewi.pk  # she can still follow it, though no one sees her name
    assert report.text == text
    assert report.category == category
    assert report.region.name == "Tanjung Raja"
    assert ReportPhoto.objects.filter(report=report, is_evidence=False).count() == 1
    assert not report.dispositions.exists()


def check_forwarded(number: str, cast: Cast) -> None:
    report = the_report(number)
    assert report.status == Status.DISPOSED
    assert [(d.office, d.is_active) for d in report.dispositions.all()] == [(cast.world.pupr, True)]


def check_answered(number: str, answer: str) -> None:
    report = the_report(number)
    assert report.status == Status.ANSWERED
    assert report.public_answer == answer
    assert report.answered_at is not None
    evidence = ReportPhoto.objects.filter(report=report, is_evidence=True)
    assert evidence.count() == 1
    assert evidence.get().published
    assert report.dispositions.get().answered_at is not None
    assert report.satisfied is None


def check_rated(number: str) -> None:
    report = the_report(number)
    assert report.satisfied is True
    assert report.status == Status.ANSWERED  # rated, not yet closed
    assert report.anonymous is True


def handled_through_services(cast: Cast, number: str) -> None:
    """The staff's steps of the English run: verified to the routed office, started, answered."""
    report = the_report(number)
    report = complaints.report_verify(report=report, actor=cast.admin, expected_version=report.version)
    report = complaints.report_start(report=report, actor=cast.andi, expected_version=report.version)
    evidence = SimpleUploadedFile("sesudah.jpg", jpeg(size=(320, 240)), content_type="image/jpeg")
    complaints.report_answer(
        report=report, actor=cast.andi, expected_version=report.version, answer=ANSWER_EN, evidence=[evidence]
    )


# --- the journey ----------------------------------------------------------------------------------------


def test_an_anonymous_report_goes_from_the_home_page_to_a_rated_public_answer(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    category = Category.objects.create(slug="jalan-jembatan", name=CATEGORY, default_office=cast.world.pupr)
    dewi = make_user(phone=DEWI_PHONE, full_name=DEWI_NAME, home_region=cast.world.tanjung_raja_desa)
    citizen = session_cookies(signed_in_client(dewi), base_url)
    coordinator = session_cookies(signed_in_client(cast.admin), base_url)
    andi = session_cookies(signed_in_client(cast.andi), base_url)
    shots = Shots("journey-2-report")

    number = chromium.run(lambda b: citizen_reports(b, base_url, citizen, INDONESIAN, shots, TEXT_ID))
    check_sent(number, dewi, TEXT_ID, category)

    chromium.run(lambda b: coordinator_verifies(b, base_url, coordinator, number, shots))
    check_forwarded(number, cast)

    chromium.run(lambda b: agency_answers(b, base_url, andi, number, shots))
    check_answered(number, ANSWER)

    chromium.run(lambda b: reporter_reads_and_rates(b, base_url, citizen, number, ANSWER, INDONESIAN, shots))
    check_rated(number)

    chromium.run(lambda b: public_finds(b, base_url, number, TEXT_ID, ANSWER, INDONESIAN, shots))

    # Once more in English: Dewi's part and the public's, on a second report.
    english = Shots("journey-2-report", language="en")
    second = chromium.run(lambda b: citizen_reports(b, base_url, citizen, ENGLISH, english, TEXT_EN))
    check_sent(second, dewi, TEXT_EN, category)
    handled_through_services(cast, second)
    check_answered(second, ANSWER_EN)
    chromium.run(
        lambda b: reporter_reads_and_rates(b, base_url, citizen, second, ANSWER_EN, ENGLISH, english)
    )
    check_rated(second)
    chromium.run(lambda b: public_finds(b, base_url, second, TEXT_EN, ANSWER_EN, ENGLISH, english))
