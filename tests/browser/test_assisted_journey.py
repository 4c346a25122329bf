"""Assisted service in Chromium: Rini serves a walk-in villager at the desa office, end to end.

Rini (operator of Desa Tanjung Raja) signs in from the home page with her password and her
authenticator's code, goes through her work queue to the assisted service, searches the villager's NIK,
registers him on the spot, sends the consent code to his phone and records it, starts a village
letter on his behalf, scans his KTP-el as the requirement upload, submits, and prints the receipt
(A6 and 58 mm, print media: the screen-only links disappear). Then Pak Darmo signs in on his own
phone with a code, finds the application in "Permohonan saya", and reads that it was filed by
the operator at the desa office. All without JavaScript.

A second test switches kiosk mode on with JavaScript: the countdown is announced, "Saya masih di
sini" keeps the session, and left alone the screen signs itself out and shows nothing of the
citizen any more.
"""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Browser, FilePayload, Page

from layanan.accounts.models import Role, User
from layanan.accounts.tests.builders import code_now, enrol
from layanan.accounts.tests.codes import code_sent_to
from layanan.applications.models import Application, Status
from layanan.assisted.models import Visit
from layanan.audit.models import AuditEvent
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.identity.testing import make_nik
from layanan.notifications.testing import FakeGateway
from layanan.testing import TEST_PASSWORD, Cast
from tests.browser.conftest import (
    DESKTOP_WIDTH,
    MOBILE_WIDTH,
    Chromium,
    browser_context,
    session_cookies,
    signed_in_client,
)

pytestmark = pytest.mark.browser

SERVICE_NAME = "Surat Keterangan Usaha (uji)"
NIK = make_nik(region="180304", day=3, month=3, year=1970, serial="9201")
PHONE = "+6281277770009"


def build_village_letter() -> Service:
    service = Service.objects.create(
        slug="sku-uji",
        name=SERVICE_NAME,
        summary="Surat keterangan usaha dari desa.",
        handler=Service.Handler.APPLICANT_VILLAGE,
        output=Service.Output.LETTER,
        verify_role=Role.OPERATOR,
        decide_role=Role.OPERATOR,
        sign_role=Role.SIGNER,
        sla_working_days=3,
    )
    FormField.objects.create(
        service=service, step=1, step_title="Usaha", order=1, name="jenis_usaha", label="Jenis usaha"
    )
    Requirement.objects.create(
        service=service, order=1, code="ktp", name="KTP-el", kind=Requirement.Kind.UPLOAD_OR_PAPER
    )
    return service


def scan_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (230, 230, 220)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def submit(page: Page, name: str) -> None:
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name=name, exact=True).click()


def operator_serves(
    browser: Browser, base_url: str, operator: tuple[str, str], fake_gateway: FakeGateway
) -> str:
    """Rini signs in at the village office's computer (password, then her authenticator's code) from
    the home page and serves a walk-in citizen to the printed receipt."""
    with browser_context(browser, base_url, cookies=[], javascript=False, width=DESKTOP_WIDTH) as context:
        page = context.new_page()
        page.goto("/", wait_until="load")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("navigation").get_by_role("link", name="Masuk", exact=True).click()
        phone, secret = operator
        page.get_by_label("Nomor HP atau email").fill(phone)
        page.get_by_label("Kata sandi").fill(TEST_PASSWORD)
        submit(page, "Masuk")
        assert page.locator("h1").inner_text() == "Masukkan kode keamanan"
        page.get_by_label("Kode keamanan").fill(code_now(secret))
        submit(page, "Lanjutkan")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("link", name="Antrean kerja").click()
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("link", name="Layanan dibantu (warga datang ke kantor)").click()
        assert page.locator("h1").inner_text() == "Layanan dibantu"

        page.get_by_label("NIK di KTP-el warga").fill(NIK)
        submit(page, "Cari warga")
        assert NIK not in page.url
        assert "NIK belum terdaftar" in page.locator("main").inner_text()
        page.get_by_label("Nama lengkap warga").fill("Darmo Sutrisno")
        page.get_by_label("Nomor HP warga (tidak wajib)").fill("0812 7777 0009")
        page.get_by_label("Desa/kelurahan tempat tinggal").select_option(label="Tanjung Raja")
        submit(page, "Daftarkan dan lanjutkan")

        assert page.locator("h1").inner_text() == "Darmo Sutrisno"
        assert NIK not in page.content()  # masked on the page
        submit(page, "Kirim kode ke 0812****0009")
        assert "Kode persetujuan dikirim" in page.locator(".messages").inner_text()
        page.get_by_label("Kode dari HP warga").fill(code_sent_to(fake_gateway, PHONE))
        submit(page, "Catat persetujuan")
        assert "Persetujuan warga sudah dicatat." in page.locator(".messages").inner_text()

        page.get_by_label(SERVICE_NAME).check()
        submit(page, "Mulai mengisi atas nama warga")
        page.get_by_label("Jenis usaha").fill("Warung kopi")
        submit(page, "Lanjut")
        page.locator("#cara-ktp-upload").check()
        page.set_input_files(
            "#berkas-ktp", files=FilePayload(name="ktp.jpg", mimeType="image/jpeg", buffer=scan_jpeg())
        )
        submit(page, "Lanjut")
        submit(page, "Kirim permohonan")
        assert "Permohonan terkirim" in page.locator("h1").inner_text()
        tracking = page.locator(".tracking-number").inner_text().strip()

        with page.expect_navigation(wait_until="load"):
            page.get_by_role("link", name="Tanda terima A6").click()
        assert page.locator(".tracking").inner_text().strip() == tracking
        assert f"CEK {tracking}" in page.locator(".command").inner_text()
        page.emulate_media(media="print")
        assert not page.locator(".no-print").is_visible()
        assert page.locator(".tracking").is_visible()
        page.emulate_media(media="screen")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("link", name="Printer struk 58 mm").click()
        assert f"CEK {tracking}" in page.locator("main").inner_text()
        return tracking


def citizen_follows(browser: Browser, base_url: str, fake_gateway: FakeGateway, tracking: str) -> str:
    with browser_context(browser, base_url, cookies=[], javascript=False, width=MOBILE_WIDTH) as context:
        page = context.new_page()
        page.goto(reverse("accounts:sign_in_code"), wait_until="load")
        page.get_by_label("Nomor HP atau email").fill("0812 7777 0009")
        page.get_by_label("SMS").check()
        submit(page, "Kirim kode")
        page.get_by_label("Kode").fill(code_sent_to(fake_gateway, PHONE))
        submit(page, "Lanjut")
        page.goto(reverse("applications:mine"), wait_until="load")
        entry = page.locator("main li, main tr, main .card", has_text=tracking)
        assert entry.count() >= 1, "the application must be on Permohonan saya"
        with page.expect_navigation(wait_until="load"):
            entry.first.get_by_role("link").first.click()
        return page.locator("main").inner_text()


def test_an_operator_serves_a_walk_in_and_the_citizen_follows_on_his_phone(
    cast: Cast, base_url: str, chromium: Chromium, fake_gateway: FakeGateway, settings
) -> None:
    settings.OTP_RESEND_SECONDS = 0  # the consent code and, a minute later in life, the sign-in code
    build_village_letter()
    rini = (cast.rini.phone, enrol(cast.rini)[0])

    tracking = chromium.run(lambda browser: operator_serves(browser, base_url, rini, fake_gateway))

    application = Application.objects.get(tracking_number=tracking)
    citizen = User.objects.get(full_name="Darmo Sutrisno")
    assert application.status == Status.SUBMITTED
    assert application.applicant == citizen
    assert application.submitted_by == cast.rini
    assert application.office == cast.world.desa_tanjung_raja
    assert application.attachments.filter(is_current=True, uploaded_by=cast.rini).count() == 1
    assert Visit.objects.get(application=application).consent == Visit.Consent.CODE
    assert citizen.phone_verified_at is not None
    assert AuditEvent.objects.filter(details__on_behalf_of=citizen.pk).count() >= 6

    detail = chromium.run(lambda browser: citizen_follows(browser, base_url, fake_gateway, tracking))

    assert tracking in detail
    assert "Diajukan oleh operator Rini Lestari di" in detail
    assert cast.world.desa_tanjung_raja.name in detail


def kiosk_signs_out(
    browser: Browser, base_url: str, cookies: list[object], visit_url: str
) -> dict[str, object]:
    seen: dict[str, object] = {}
    with browser_context(browser, base_url, cookies=cookies, javascript=True, width=DESKTOP_WIDTH) as context:
        page = context.new_page()
        page.goto(reverse("assisted:home"), wait_until="load")
        submit(page, "Nyalakan mode kios")
        page.goto(visit_url, wait_until="load")
        seen["name_shown"] = "Darmo Sutrisno" in page.locator("main").inner_text()
        warning = page.locator("#kios-peringatan")
        warning.wait_for(state="visible", timeout=8000)
        seen["countdown"] = page.locator("#kios-detik").inner_text()
        page.get_by_role("button", name="Saya masih di sini").click()
        warning.wait_for(state="hidden", timeout=3000)
        seen["still_here_url"] = page.url
        page.wait_for_url(lambda address: "/petugas/" not in address, timeout=20000)  # signed out
        page.wait_for_load_state("load")
        seen["after"] = page.locator("body").inner_text()
        page.go_back(wait_until="load")
        seen["back"] = page.locator("body").inner_text()
    return seen


def test_kiosk_mode_announces_the_sign_out_and_leaves_nothing_on_screen(
    cast: Cast, base_url: str, chromium: Chromium, settings
) -> None:
    settings.KIOSK_IDLE_SECONDS = 6
    from layanan.assisted import services

    citizen, _created = services.citizen_register(
        actor=cast.rini,
        full_name="Darmo Sutrisno",
        phone="",
        nik=NIK,
        home_region=cast.world.tanjung_raja_desa,
    )
    visit = services.visit_open(actor=cast.rini, citizen=citizen)
    rini = session_cookies(signed_in_client(cast.rini), base_url)
    url = reverse("assisted:visit", args=[visit.public_id])

    seen = chromium.run(lambda browser: kiosk_signs_out(browser, base_url, rini, url))

    assert seen["name_shown"] is True
    assert str(seen["countdown"]).isdigit()
    assert str(seen["still_here_url"]).endswith(url)
    assert "Darmo Sutrisno" not in str(seen["after"])
    assert "Masuk" in str(seen["after"])  # the header offers to sign in again
    assert "Darmo Sutrisno" not in str(seen["back"])
    # Signed out by the script, or by the cookie's own idle expiry first: no session of Rini lives on.
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    live = [s for s in Session.objects.filter(expire_date__gt=timezone.now()) if s.get_decoded()]
    assert not [s for s in live if s.get_decoded().get("_auth_user_id") == str(cast.rini.pk)]
