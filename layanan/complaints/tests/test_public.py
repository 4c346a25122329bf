"""The public list of reports: anyone reads it, nobody learns who reported, hostile text stays text."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from layanan.complaints import views
from layanan.complaints.models import Kind, ReportPhoto, Status
from layanan.complaints.tests import citizen_builders as build
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

LIST = reverse("complaints:public_list")


def test_anyone_reads_the_list_without_confidential_or_unverified_reports(cast: Cast) -> None:
    shown = build.verified(build.report(cast, text="Jalan berlubang di depan balai desa Kotabumi Pasar."))
    secret = build.verified(
        build.report(cast, text="Petugas meminta uang pelicin di loket pelayanan.", confidential=True)
    )
    fresh = build.report(cast, text="Drainase tersumbat dan air meluap ke jalan raya.")
    for user in (None, cast.siti, cast.andi):
        response = build.client_of(user).get(LIST)
        assert response.status_code == 200
        html = response.content.decode()
        assert shown.tracking_number not in html or "Jalan berlubang" in html
        assert "Jalan berlubang di depan balai desa" in html
        assert "uang pelicin" not in html
        assert "Drainase tersumbat" not in html  # not verified yet
    assert (
        build.client_of(None).get(reverse("complaints:public_detail", args=[secret.public_id])).status_code
        == 404
    )
    assert (
        build.client_of(None).get(reverse("complaints:public_detail", args=[fresh.public_id])).status_code
        == 404
    )


def test_hostile_text_is_shown_as_text(cast: Cast) -> None:
    report = build.verified(build.report(cast, text=build.HOSTILE))
    build.answered(report, answer="<img src=x onerror=alert(1)> Sudah diperbaiki.")
    for url in (LIST, reverse("complaints:public_detail", args=[report.public_id])):
        html = build.client_of(None).get(url).content.decode()
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        assert "<img src=x" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_the_reporter_s_identity_never_appears(cast: Cast) -> None:
    report = build.verified(build.report(cast, text="Sampah menumpuk di pinggir jalan desa sejak sebulan."))
    for url in (LIST, reverse("complaints:public_detail", args=[report.public_id])):
        html = build.client_of(None).get(url).content.decode()
        assert "Sampah menumpuk" in html
        assert cast.siti.full_name not in html
        assert cast.siti.phone not in html
        assert cast.siti.phone[1:] not in html


def test_filters_by_kecamatan_category_and_status(cast: Cast) -> None:
    kotabumi = build.verified(build.report(cast, text="Jalan rusak parah di Kotabumi Pasar dekat pasar."))
    tanjung = build.verified(
        build.report(
            cast,
            text="Sampah tidak diangkut di Tanjung Raja sejak lama.",
            region=cast.world.tanjung_raja_desa,
            category_slug="kebersihan",
        ),
        status=Status.ANSWERED,
    )
    client = build.client_of(None)

    def shown(query: dict[str, str]) -> tuple[bool, bool]:
        html = client.get(LIST, query).content.decode()
        return ("Jalan rusak parah" in html, "Sampah tidak diangkut" in html)

    assert shown({}) == (True, True)
    assert shown({"kecamatan": cast.world.tanjung_raja.code}) == (False, True)
    assert shown({"kecamatan": cast.world.kotabumi.code}) == (True, False)
    assert shown({"category": "kebersihan"}) == (False, True)
    assert shown({"status": Status.ANSWERED}) == (False, True)
    assert shown({"status": Status.DISPOSED}) == (True, False)
    assert kotabumi.pk != tanjung.pk


def test_the_list_is_paginated(cast: Cast, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(views, "PUBLIC_PAGE_SIZE", 1)
    build.verified(build.report(cast, text="Laporan pertama tentang jalan rusak di desa."))
    build.verified(build.report(cast, text="Laporan kedua tentang jembatan patah di desa."))
    client = build.client_of(None)
    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"halaman": "2"}).content.decode()
    assert "Halaman 1 dari 2" in first
    assert "Laporan kedua" in first
    assert "Laporan pertama" not in first
    assert "Laporan pertama" in second
    assert "Laporan kedua" not in second


def test_photos_appear_only_when_published(cast: Cast) -> None:
    report = build.verified(
        build.report(
            cast,
            text="Jembatan kayu di dusun dua patah dan tidak bisa dilewati motor.",
            photos=[build.photo_upload(build.jpeg()), build.photo_upload(build.jpeg())],
        )
    )
    hidden, published = ReportPhoto.objects.filter(report=report).order_by("pk")
    ReportPhoto.objects.filter(pk=published.pk).update(published=True)
    client = build.client_of(None)
    html = client.get(reverse("complaints:public_detail", args=[report.public_id])).content.decode()
    assert reverse("complaints:public_photo", args=[published.pk]) in html
    assert reverse("complaints:public_photo", args=[hidden.pk]) not in html
    response = client.get(reverse("complaints:public_photo", args=[published.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert client.get(reverse("complaints:public_photo", args=[hidden.pk])).status_code == 404
    # A confidential report's photo is never served, published or not.
    report.confidential = True
    report.save(update_fields=["confidential"])
    assert client.get(reverse("complaints:public_photo", args=[published.pk])).status_code == 404


def test_a_visitor_is_asked_to_sign_in_to_support_and_comes_back_to_the_report(cast: Cast) -> None:
    """Not a form posting to the sign-in wall: signing in would land on the POST-only URL (405)."""
    report = build.verified(build.report(cast, text="Lampu jalan di simpang pasar mati sejak seminggu."))
    page = reverse("complaints:public_detail", args=[report.public_id])
    support = reverse("complaints:support", args=[report.public_id])

    visitor = build.client_of(None).get(page)
    assert visitor.status_code == 200
    html = visitor.content.decode()
    assert support not in html
    assert f"{reverse('accounts:login')}?next={page}" in html
    assert "Masuk untuk mendukung laporan ini" in html

    dewi = build.client_of(build.other_citizen())
    signed_in = dewi.get(page).content.decode()
    assert f'action="{support}"' in signed_in
    assert "Masuk untuk mendukung laporan ini" not in signed_in
    assert dewi.post(support).status_code == 302
    assert report.supports.count() == 1


def test_one_report_s_kind_reads_complaint_in_english_while_the_menu_says_complaints(cast: Cast) -> None:
    report = build.verified(build.report(cast, text="Jembatan kayu di dusun dua patah sebagian."))
    client = build.client_of(None)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("complaints:public_detail", args=[report.public_id])).content.decode()
    assert '<dd class="summary-list__value">Complaint</dd>' in html
    with translation.override("en"):
        assert str(Kind.COMPLAINT.label) == "Complaint"
        assert translation.gettext("Pengaduan") == "Complaints"  # the menu's word for all of them
    with translation.override("id"):
        assert str(Kind.COMPLAINT.label) == "Pengaduan"
