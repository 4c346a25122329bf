"""The officer's work page: values as people read them, files inline, NIKs in full only on purpose."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from layanan.applications.tests.officer_builders import FATHER_KK, MOTHER_NIK, birth_application
from layanan.applications.tests.test_views_staff import act_url, client_for
from layanan.audit.models import AuditEvent
from layanan.core.templatetags.human import human_date, size_text
from layanan.identity.selectors import mask_nik
from layanan.testing import Cast

pytestmark = pytest.mark.django_db


def _work(cast: Cast, application, user=None) -> str:
    response = client_for(user or cast.budi).get(reverse("applications:work", args=[application.public_id]))
    assert response.status_code == 200
    return response.content.decode()


def test_sizes_and_dates_read_as_people_write_them():
    assert [size_text(n) for n in (388, 1024, 12_345, 1_258_291)] == ["388 B", "1 KB", "12 KB", "1,2 MB"]
    assert human_date("1988-03-12") == "12 Maret 1988"
    assert human_date("bukan tanggal") == "bukan tanggal"


def test_the_work_page_shows_places_dates_sizes_and_statuses_in_words(cast: Cast):
    application = birth_application(cast)

    page = _work(cast, application)

    assert "Desa Tanjung Raja, Kec. Tanjung Raja" in page
    assert cast.world.tanjung_raja_desa.code not in page
    assert "12 Maret 1988" in page
    assert "1988-03-12" not in page
    assert "bita" not in page
    assert " B)" in page or " KB)" in page
    assert "Diterima, menunggu diperiksa → Sedang diperiksa" in page


def test_images_show_inline_and_pdfs_as_a_download_link_never_framed(cast: Cast):
    application = birth_application(cast)
    photo = application.attachments.get(requirement__code="kk")
    pdf = application.attachments.get(requirement__code="surat_lahir")
    preview = reverse("applications:preview", args=[photo.pk])
    pdf_preview = reverse("applications:preview", args=[pdf.pk])

    page = _work(cast, application)

    assert f'<a href="{preview}" class="attachment__image"><img src="{preview}?kecil=1"' in page
    assert "<iframe" not in page  # an uploaded PDF never opens inside this site
    assert f'<a href="{pdf_preview}" download>Unduh PDF 1' in page
    assert "<script" not in page.split("<main", 1)[-1].split("</main>", 1)[0]  # no viewer script


def test_a_pdf_is_a_sandboxed_download_and_the_thumbnail_is_small(cast: Cast):
    application = birth_application(cast)
    photo = application.attachments.get(requirement__code="kk")
    pdf = application.attachments.get(requirement__code="surat_lahir")
    client = client_for(cast.budi)

    download = client.get(reverse("applications:preview", args=[pdf.pk]))
    thumb = client.get(reverse("applications:preview", args=[photo.pk]) + "?kecil=1")

    assert download.status_code == 200
    assert download["Content-Disposition"] == f'attachment; filename="lampiran-{pdf.pk}.pdf"'
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"
    assert thumb["Content-Security-Policy"] == "sandbox; default-src 'none'"
    with Image.open(io.BytesIO(thumb.content)) as image:
        assert max(image.size) <= 320


@pytest.mark.parametrize("persona", ["siti", "andi", "bupati", "auditor"])
def test_others_may_not_open_the_preview(cast: Cast, persona: str):
    application = birth_application(cast)
    photo = application.attachments.get(requirement__code="kk")

    response = client_for(getattr(cast, persona)).get(reverse("applications:preview", args=[photo.pk]))
    missing = client_for(getattr(cast, persona)).get(reverse("applications:preview", args=[photo.pk + 999]))

    assert response.status_code == missing.status_code == 404  # the same answer as for no file


def test_niks_are_masked_until_the_handling_officer_asks_and_each_reveal_is_audited(cast: Cast):
    application = birth_application(cast)

    masked = _work(cast, application)
    response = client_for(cast.budi).post(act_url(application, "nik"))

    assert MOTHER_NIK not in masked
    assert mask_nik(MOTHER_NIK) in masked
    assert FATHER_KK not in masked
    assert "Tampilkan NIK lengkap" in masked
    assert response.status_code == 200
    page = response.content.decode()
    assert MOTHER_NIK in page
    assert FATHER_KK in page
    assert "no-store" in response["Cache-Control"]
    row = AuditEvent.objects.get(action="applications.numbers_reveal")
    assert row.actor == cast.budi
    assert row.object_id == str(application.pk)
    assert MOTHER_NIK not in str(row.details)
    assert MOTHER_NIK not in _work(cast, application)  # the next ordinary visit is masked again


@pytest.mark.parametrize("persona", ["bupati", "admin", "andi", "auditor", "siti"])
def test_readers_and_strangers_may_not_reveal_niks_and_see_them_masked(cast: Cast, persona: str):
    application = birth_application(cast)
    user = getattr(cast, persona)

    response = client_for(user).post(act_url(application, "nik"))
    read = client_for(user).get(reverse("applications:work", args=[application.public_id]))

    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="applications.numbers_reveal").exists()
    if read.status_code == 200:  # the leader and the administrator read the work page
        assert MOTHER_NIK not in read.content.decode()
        assert "Tampilkan NIK lengkap" not in read.content.decode()
    else:
        assert read.status_code == 403
