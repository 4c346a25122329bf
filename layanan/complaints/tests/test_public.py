"""The public list of reports: anyone reads it, nobody learns who reported, hostile text stays text."""

from __future__ import annotations

import pytest
from django.urls import reverse

from layanan.complaints import views
from layanan.complaints.models import ReportPhoto, Status
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
