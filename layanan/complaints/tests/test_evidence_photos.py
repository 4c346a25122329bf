"""The agency's evidence photo on an answer: the reporter sees it, the public too unless the report
is confidential; always through a view that checks who asks, never a public media URL."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from layanan.accounts.models import User
from layanan.accounts.testing import sign_in
from layanan.complaints import services
from layanan.complaints.models import Kind, Report, ReportPhoto
from layanan.complaints.tests.domain_builders import disposed, png_upload
from layanan.testing import Cast, make_user

pytestmark = pytest.mark.django_db


def _answered_with_photo(cast: Cast, **extra: Any) -> tuple[Report, ReportPhoto]:
    report = disposed(cast, **extra)
    report = services.report_start(report=report, actor=cast.budi, expected_version=report.version)
    report = services.report_answer(
        report=report,
        actor=cast.budi,
        expected_version=report.version,
        answer="Blanko sudah tersedia, KTP-el dicetak ulang.",
        evidence=[_big_jpeg()],
    )
    return report, report.photos.get(is_evidence=True)


def _big_jpeg() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 900), (30, 120, 60)).save(buffer, "JPEG")
    return SimpleUploadedFile("bukti.jpg", buffer.getvalue(), content_type="image/jpeg")


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        sign_in(client, user)
    return client


def _photo_url(photo: ReportPhoto, *, public: bool = False, small: bool = False) -> str:
    url = reverse("complaints:public_photo" if public else "complaints:photo", args=[photo.pk])
    return url + ("?ukuran=kecil" if small else "")


def test_the_reporter_sees_the_evidence_photo_inline_on_their_report_page(cast: Cast) -> None:
    report, photo = _answered_with_photo(cast)

    response = _client(cast.siti).get(reverse("complaints:detail", args=[report.public_id]))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<a href="{_photo_url(photo)}"><img src="{_photo_url(photo, small=True)}"' in html
    assert 'alt="Foto hasil tindak lanjut 1"' in html
    assert settings.MEDIA_URL not in html
    assert photo.published  # the answer's photo is published with the answer


def test_the_public_page_shows_the_evidence_photo_under_the_answer(cast: Cast) -> None:
    report, photo = _answered_with_photo(cast)

    response = Client().get(reverse("complaints:public_detail", args=[report.public_id]))

    assert response.status_code == 200
    html = response.content.decode()
    answer = html[html.index("Blanko sudah tersedia") :]
    full, small = _photo_url(photo, public=True), _photo_url(photo, public=True, small=True)
    assert f'<a href="{full}"><img src="{small}"' in answer
    assert settings.MEDIA_URL not in html


def test_anyone_may_fetch_a_public_report_s_evidence_photo_whole_or_small(cast: Cast) -> None:
    _report, photo = _answered_with_photo(cast)
    for url in (_photo_url(photo, public=True), _photo_url(photo)):
        response = Client().get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
    small = Client().get(_photo_url(photo, public=True, small=True))
    assert small.status_code == 200
    with Image.open(io.BytesIO(small.content)) as image:
        assert max(image.size) <= 480
    whole = b"".join(Client().get(_photo_url(photo, public=True)).streaming_content)  # type: ignore[attr-defined]
    with Image.open(io.BytesIO(whole)) as image:
        assert max(image.size) > 480


def test_a_confidential_report_s_evidence_photo_reaches_only_the_reporter_and_the_staff(cast: Cast) -> None:
    report, photo = _answered_with_photo(cast, confidential=True)
    stranger = make_user(phone="081277770001", full_name="Tetangga Penasaran")

    # The public page does not exist for it, and the public photo view does not serve it.
    assert Client().get(reverse("complaints:public_detail", args=[report.public_id])).status_code == 404
    assert Client().get(_photo_url(photo, public=True)).status_code == 404
    assert Client().get(_photo_url(photo, public=True, small=True)).status_code == 404
    # The protected view: a visitor is sent to sign in, a stranger or another agency is refused.
    visitor = Client().get(_photo_url(photo, small=True))
    assert visitor.status_code == 302
    assert reverse("accounts:login") in visitor["Location"]
    for refused in (stranger, cast.andi):
        assert _client(refused).get(_photo_url(photo)).status_code == 404
        assert _client(refused).get(_photo_url(photo, small=True)).status_code == 404
    # The reporter and the handling office see it, with no caching on the way.
    for allowed in (cast.siti, cast.budi, cast.admin):
        response = _client(allowed).get(_photo_url(photo, small=True))
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"
    # The reporter's page shows it through the protected view only.
    html = _client(cast.siti).get(reverse("complaints:detail", args=[report.public_id])).content.decode()
    assert _photo_url(photo, small=True) in html
    assert reverse("complaints:public_photo", args=[photo.pk]) not in html
    assert settings.MEDIA_URL not in html
    assert ReportPhoto.objects.filter(report=report, is_evidence=True).count() == 1


def test_a_published_photo_of_a_report_off_the_public_list_is_not_public(cast: Cast) -> None:
    report, photo = _answered_with_photo(cast)
    Report.objects.filter(pk=report.pk).update(status="archived")
    assert Client().get(_photo_url(photo)).status_code == 302
    assert _client(cast.andi).get(_photo_url(photo)).status_code == 404
    assert _client(cast.siti).get(_photo_url(photo)).status_code == 200


def test_a_reporter_s_own_photo_stays_unpublished(cast: Cast) -> None:
    report = disposed(cast, photos=[png_upload()])
    photo = report.photos.get()
    assert not photo.published
    assert Client().get(_photo_url(photo, public=True)).status_code == 404


def test_the_reporter_sees_the_photos_they_sent_and_another_citizen_may_not_fetch_them(cast: Cast) -> None:
    report = services.report_submit(
        reporter=cast.siti,
        kind=Kind.COMPLAINT,
        category=disposed(cast).category,
        text="Jembatan kayu di dusun kami patah, berbahaya untuk motor dan anak sekolah.",
        region=cast.world.tanjung_raja_desa,
        photos=[_big_jpeg()],
    )
    own = report.photos.get(is_evidence=False)

    html = _client(cast.siti).get(reverse("complaints:detail", args=[report.public_id])).content.decode()

    assert "Foto yang Anda kirim" in html
    assert f'src="{_photo_url(own, small=True)}"' in html
    assert _client(cast.siti).get(_photo_url(own)).status_code == 200
    stranger = make_user(phone="081200009999", full_name="Warga Lain")
    assert _client(stranger).get(_photo_url(own)).status_code == 404
    assert ReportPhoto.objects.filter(report=report, is_evidence=False).count() == 1
