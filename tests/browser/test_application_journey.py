"""The whole path in Chromium, without JavaScript: Siti applies, Budi approves, Siti sees it done.

Siti opens the catalogue, starts an application, answers each step, uploads a
photo for one requirement and brings the paper for the other, reviews and
submits, and reads her tracking number. Budi opens his queue, claims the
application, accepts each requirement and approves it (a SIAK service: it
completes). Siti's "Permohonan saya" then shows it completed. Everything runs
with JavaScript disabled: every step must work as plain HTML forms.
"""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import Browser, FilePayload, Page

from layanan.agencies.models import Office
from layanan.applications.models import Application, RequirementCheck, Status
from layanan.catalogue.models import FormField, Requirement, Service
from layanan.testing import Cast
from tests.browser.conftest import (
    DESKTOP_WIDTH,
    Chromium,
    browser_context,
    session_cookies,
    signed_in_client,
)

pytestmark = pytest.mark.browser

SERVICE_NAME = "Surat Keterangan Pindah Antarkabupaten"


def build_journey_service(office: Office) -> Service:
    service = Service.objects.create(
        slug="surat-pindah-uji",
        name=SERVICE_NAME,
        summary="Surat pindah domisili ke kabupaten lain.",
        keywords="pindah, surat pindah",
        handler=Service.Handler.FIXED_OFFICE,
        office=office,
        sla_working_days=3,
        output=Service.Output.SIAK,
        persyaratan="Kartu Keluarga; KTP-el.",
        jangka_waktu="3 hari kerja",
        biaya="Rp 0",
    )
    FormField.objects.create(
        service=service,
        step=1,
        step_title="Tujuan pindah",
        order=1,
        name="alamat_tujuan",
        label="Alamat tujuan",
    )
    FormField.objects.create(
        service=service,
        step=1,
        order=2,
        name="alasan",
        label="Alasan pindah",
        kind=FormField.Kind.CHOICE,
        choices="Pekerjaan\nKeluarga",
    )
    FormField.objects.create(
        service=service,
        step=2,
        step_title="Kontak",
        order=1,
        name="hp",
        label="Nomor HP yang dapat dihubungi",
        kind=FormField.Kind.PHONE,
    )
    Requirement.objects.create(
        service=service, order=1, code="kk", name="Kartu Keluarga", kind=Requirement.Kind.UPLOAD_OR_PAPER
    )
    Requirement.objects.create(
        service=service, order=2, code="ktp", name="KTP-el", kind=Requirement.Kind.UPLOAD_OR_PAPER
    )
    return service


def small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 180, 140)).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def submit(page: Page, name: str) -> None:
    """Click a submit button and wait for the page the form leads to."""
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name=name, exact=True).click()


def citizen_applies(browser: Browser, base_url: str, cookies: list[object], photo: bytes) -> str:
    with browser_context(
        browser, base_url, cookies=cookies, javascript=False, width=DESKTOP_WIDTH
    ) as context:
        page = context.new_page()
        page.goto(reverse("catalogue:list"), wait_until="load")
        with page.expect_navigation(wait_until="load"):
            page.get_by_role("link", name=SERVICE_NAME).first.click()
        start_url = reverse("applications:start", kwargs={"slug": "surat-pindah-uji"})
        starter = page.locator(f'a[href="{start_url}"], form[action="{start_url}"] button[type="submit"]')
        with page.expect_navigation(wait_until="load"):
            starter.first.click()
        if page.get_by_role("button", name="Mulai mengisi").count():
            submit(page, "Mulai mengisi")

        assert page.locator("h1").count() == 1
        page.get_by_label("Alamat tujuan").fill("Jl. Pahlawan 7, Bandar Lampung")
        page.get_by_label("Pekerjaan").check()
        submit(page, "Lanjut")
        page.get_by_label("Nomor HP yang dapat dihubungi").fill("081298765432")
        submit(page, "Lanjut")

        page.locator("#cara-kk-upload").check()
        page.set_input_files(
            "#berkas-kk", files=FilePayload(name="kk.jpg", mimeType="image/jpeg", buffer=photo)
        )
        page.locator("#cara-ktp-paper").check()
        submit(page, "Lanjut")

        assert "Periksa sebelum mengirim" in page.locator("h1").inner_text()
        body = page.locator("main").inner_text()
        assert "Jl. Pahlawan 7, Bandar Lampung" in body
        assert "Dokumen asli dibawa ke kantor" in body
        submit(page, "Kirim permohonan")

        assert "Permohonan terkirim" in page.locator("h1").inner_text()
        return page.locator(".tracking-number").inner_text().strip()


def officer_approves(browser: Browser, base_url: str, cookies: list[object], tracking_number: str) -> None:
    with browser_context(
        browser, base_url, cookies=cookies, javascript=False, width=DESKTOP_WIDTH
    ) as context:
        page = context.new_page()
        page.goto(reverse("applications:queue"), wait_until="load")
        row = page.locator("tr", has_text=tracking_number)
        assert row.count() == 1, "the new application must be in Budi's queue"
        with page.expect_navigation(wait_until="load"):
            row.get_by_role("button", name=re.compile("^Ambil")).click()
        assert tracking_number in page.locator("h1").inner_text()
        assert "Permohonan ini sekarang Anda tangani." in page.locator(".messages").inner_text()
        # The uploaded photo shows inline, as a thumbnail linking to the full file.
        assert page.get_by_role("link", name=re.compile("^Foto 1: Kartu Keluarga")).count() == 1

        for name in ("Kartu Keluarga", "KTP-el"):
            section = page.locator("section", has=page.get_by_role("heading", name=re.compile(name)))
            section.get_by_label("Diterima").check()
            with page.expect_navigation(wait_until="load"):
                section.get_by_role("button", name=re.compile("^Simpan pemeriksaan")).click()
            assert not page.locator(".error-summary").count(), page.locator(".error-summary").inner_text()

        submit(page, "Setujui")
        assert "Permohonan disetujui." in page.locator(".messages").inner_text()
        assert "Selesai" in page.locator("#status").inner_text()


def citizen_sees_it_completed(
    browser: Browser, base_url: str, cookies: list[object], tracking_number: str
) -> None:
    with browser_context(
        browser, base_url, cookies=cookies, javascript=False, width=DESKTOP_WIDTH
    ) as context:
        page = context.new_page()
        page.goto(reverse("applications:mine"), wait_until="load")
        entry = page.locator("main li, main tr, main .card", has_text=tracking_number)
        assert entry.count() >= 1, "the application must be on Permohonan saya"
        assert "Selesai" in entry.first.inner_text()


def test_a_citizen_applies_and_an_officer_approves_without_javascript(
    cast: Cast, base_url: str, chromium: Chromium
) -> None:
    build_journey_service(cast.world.disdukcapil)
    photo = small_jpeg()
    siti = session_cookies(signed_in_client(cast.siti), base_url)
    budi = session_cookies(signed_in_client(cast.budi), base_url)

    tracking_number = chromium.run(lambda browser: citizen_applies(browser, base_url, siti, photo))

    application = Application.objects.get(tracking_number=tracking_number)
    assert application.status == Status.SUBMITTED
    assert application.applicant_id == cast.siti.pk
    assert application.attachments.filter(is_current=True).count() == 1
    assert application.checks.filter(provision=RequirementCheck.Provision.PAPER).count() == 1

    chromium.run(lambda browser: officer_approves(browser, base_url, budi, tracking_number))

    application.refresh_from_db()
    assert application.status == Status.COMPLETED
    assert application.assigned_to_id == cast.budi.pk
    assert not application.checks.exclude(verdict=RequirementCheck.Verdict.ACCEPTED).exists()

    chromium.run(lambda browser: citizen_sees_it_completed(browser, base_url, siti, tracking_number))
