"""The reporter's pages, through the test client and the real services.

Each test checks the answer, the database afterwards, and that the persona
who must be refused is refused (another citizen, an officer, an anonymous
visitor).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from layanan.complaints.forms import exif_location
from layanan.complaints.models import Report, ReportPhoto, Status, Support
from layanan.complaints.tests import citizen_builders as build
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

NEW = reverse("complaints:new")
LAMPURA = (-4.8301, 104.8806)


def post_new(cast: Cast, data: dict[str, Any], files: list[Any] | None = None, user: Any = None) -> Any:
    client = build.client_of(user or cast.siti)
    payload = dict(data)
    if files:
        payload["photos"] = files
    return client.post(NEW, payload)


# --- the form ----------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_is_sent_to_sign_in_before_reporting(cast: Cast) -> None:
    response = build.client_of(None).get(NEW)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    response = build.client_of(None).post(NEW, build.form_data(cast))
    assert response.status_code == 302
    assert Report.objects.count() == 0


def test_the_form_is_one_page_with_every_question_and_a_submit_key(cast: Cast) -> None:
    build.category(cast)
    response = build.client_of(cast.siti).get(NEW)
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("kind", "category", "text", "region", "latitude", "longitude", "occurred_on"):
        assert f'name="{name}"' in html
    assert 'name="photos"' in html
    assert "multiple" in html
    assert 'accept="image/*"' in html
    assert 'name="submit_key"' in html
    assert "Gunakan lokasi dari foto" in html
    assert "<optgroup" in html  # desa grouped by kecamatan
    assert "complaints/locate.js" in html
    assert "onclick" not in html
    assert "style=" not in html


def test_it_explains_every_missing_answer_and_files_nothing(cast: Cast) -> None:
    build.category(cast)
    response = post_new(cast, {"submit_key": build.form_data(cast)["submit_key"]})
    assert response.status_code == 200
    html = response.content.decode()
    assert "error-summary" in html
    assert "Pilih jenis laporan." in html
    assert "Pilih kategori laporan." in html
    assert "Tuliskan apa yang terjadi, atau kirim pesan suara." in html
    assert "Pilih desa/kelurahan tempat kejadian." in html
    assert Report.objects.count() == 0


def test_it_refuses_a_text_that_is_too_short_a_lone_latitude_and_a_future_date(cast: Cast) -> None:
    data = build.form_data(cast, text="Rusak", latitude="-4.83", occurred_on="01/01/2999")
    response = post_new(cast, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "paling sedikit 10 huruf" in html
    assert "Isi garis lintang dan garis bujur" in html
    assert "Tanggal kejadian tidak boleh setelah hari ini." in html
    assert Report.objects.count() == 0


def test_a_citizen_files_a_report_and_reads_the_tracking_number(cast: Cast) -> None:
    response = post_new(cast, build.form_data(cast, occurred_on="01/06/2026", anonymous="on"))
    assert response.status_code == 302
    report = Report.objects.get()
    assert response["Location"] == reverse("complaints:done", args=[report.public_id])
    assert report.reporter == cast.siti
    assert report.anonymous is True
    assert report.confidential is False
    assert report.status == Status.RECEIVED
    assert report.region == cast.world.kotabumi_pasar
    assert report.address_text == "Depan Pasar Kotabumi"
    assert str(report.occurred_on) == "2026-06-01"
    done = build.client_of(cast.siti).get(response["Location"])
    assert done.status_code == 200
    assert report.tracking_number in done.content.decode()
    # Another citizen cannot open someone's done page.
    assert build.client_of(build.other_citizen()).get(response["Location"]).status_code in (403, 404)


def test_a_double_submit_gives_one_report(cast: Cast) -> None:
    data = build.form_data(cast)
    first = post_new(cast, data)
    second = post_new(cast, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Report.objects.count() == 1


def test_photos_are_re_encoded_and_the_photo_location_is_ignored_unless_ticked(cast: Cast) -> None:
    original = build.jpeg(gps=LAMPURA)
    response = post_new(cast, build.form_data(cast), files=[build.photo_upload(original)])
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.latitude is None
    assert report.longitude is None
    photo = ReportPhoto.objects.get(report=report)
    stored = photo.file.read()
    assert stored != original
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0  # EXIF (camera, GPS) dropped
    assert exif_location(build.photo_upload(stored)) is None


def test_the_photo_location_is_used_when_ticked(cast: Cast) -> None:
    data = build.form_data(cast, use_photo_location="on")
    response = post_new(cast, data, files=[build.photo_upload(build.jpeg(gps=LAMPURA))])
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.latitude == Decimal("-4.830100")
    assert report.longitude == Decimal("104.880600")


def test_a_point_typed_by_the_reporter_wins_over_the_photo_location(cast: Cast) -> None:
    data = build.form_data(cast, use_photo_location="on", latitude="-4.9", longitude="104.7")
    response = post_new(cast, data, files=[build.photo_upload(build.jpeg(gps=LAMPURA))])
    assert response.status_code == 302
    report = Report.objects.get()
    assert (report.latitude, report.longitude) == (Decimal("-4.900000"), Decimal("104.700000"))


def test_a_ticked_box_without_gps_in_the_photo_leaves_no_point(cast: Cast) -> None:
    data = build.form_data(cast, use_photo_location="on")
    response = post_new(cast, data, files=[build.photo_upload(build.jpeg())])
    assert response.status_code == 302
    assert Report.objects.get().latitude is None


def test_it_refuses_a_file_that_is_not_a_photo_and_a_fourth_photo(cast: Cast) -> None:
    fake = build.photo_upload(b"MZ\x90\x00 not an image at all", name="virus.jpg")
    response = post_new(cast, build.form_data(cast), files=[fake])
    assert response.status_code == 200
    assert "Berkas harus berupa foto" in response.content.decode()
    four = [build.photo_upload(build.jpeg(), name=f"{n}.jpg") for n in range(4)]
    response = post_new(cast, build.form_data(cast), files=four)
    assert response.status_code == 200
    assert "Pilih paling banyak 3 foto." in response.content.decode()
    assert Report.objects.count() == 0


def test_exif_location_reads_southern_and_western_positions_and_ignores_nonsense() -> None:
    assert exif_location(build.photo_upload(build.jpeg(gps=(-4.5, -70.25)))) == (
        Decimal("-4.500000"),
        Decimal("-70.250000"),
    )
    assert exif_location(build.photo_upload(b"not an image")) is None
    assert exif_location(build.photo_upload(build.jpeg())) is None


# --- similar reports -------------------------------------------------------------------------------------


def test_similar_open_reports_are_shown_first_and_can_be_supported(cast: Cast) -> None:
    dewi = build.other_citizen()
    text = "Lampu jalan di depan pasar mati sejak dua minggu, jalan gelap pada malam hari."
    original = build.report(cast, reporter=dewi, text=text)
    data = build.form_data(cast, text=text)
    response = post_new(cast, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Laporan serupa" in html
    assert "Saya juga mengalami ini" in html
    assert "Tetap kirim laporan baru" in html
    assert 'name="confirm" value="1"' in html
    assert Report.objects.count() == 1  # nothing filed yet

    client = build.client_of(cast.siti)
    supported = client.post(reverse("complaints:support", args=[original.public_id]))
    assert supported.status_code == 302
    assert Support.objects.filter(report=original, user=cast.siti).count() == 1
    mine = client.get(reverse("complaints:mine"))
    assert original.tracking_number in mine.content.decode()
    # The reporter cannot support her own report.
    build.client_of(dewi).post(reverse("complaints:support", args=[original.public_id]))
    assert Support.objects.filter(report=original, user=dewi).count() == 0
    # Anonymous visitors are sent to sign in.
    anonymous = build.client_of(None).post(reverse("complaints:support", args=[original.public_id]))
    assert anonymous.status_code == 302
    assert Support.objects.count() == 1


def test_send_anyway_files_a_new_report_with_the_carried_answers(cast: Cast) -> None:
    text = "Lampu jalan di depan pasar mati sejak dua minggu, jalan gelap pada malam hari."
    build.report(cast, reporter=build.other_citizen(), text=text)
    data = build.form_data(cast, text=text, confidential="on")
    first = post_new(cast, data)
    assert first.status_code == 200
    assert "Laporan serupa" in first.content.decode()
    response = post_new(cast, {**data, "confirm": "1"})
    assert response.status_code == 302
    new = Report.objects.get(reporter=cast.siti)
    assert new.text == text
    assert new.confidential is True
    assert new.anonymous is False
    again = post_new(cast, {**data, "confirm": "1"})  # a double click on "send anyway"
    assert again["Location"] == response["Location"]
    assert Report.objects.filter(reporter=cast.siti).count() == 1


# --- following one's reports -----------------------------------------------------------------------------


def test_my_reports_lists_own_and_supported_reports_and_nobody_else_s(cast: Cast) -> None:
    own = build.report(cast, text="Sampah menumpuk di pinggir jalan desa sejak sebulan.")
    dewi = build.other_citizen()
    response = build.client_of(cast.siti).get(reverse("complaints:mine"))
    assert response.status_code == 200
    assert own.tracking_number in response.content.decode()
    other = build.client_of(dewi).get(reverse("complaints:mine"))
    assert other.status_code == 200
    assert own.tracking_number not in other.content.decode()
    assert build.client_of(None).get(reverse("complaints:mine")).status_code == 302


def test_only_the_reporter_opens_the_detail(cast: Cast) -> None:
    report = build.report(cast, text="Sampah menumpuk di pinggir jalan desa sejak sebulan.")
    url = reverse("complaints:detail", args=[report.public_id])
    response = build.client_of(cast.siti).get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert report.tracking_number in html
    assert "Sampah menumpuk" in html
    assert build.client_of(build.other_citizen()).get(url).status_code in (403, 404)
    assert build.client_of(cast.andi).get(url).status_code in (403, 404)
    anonymous = build.client_of(None).get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("accounts:login"))


def test_the_reporter_rates_an_answer_and_another_citizen_cannot(cast: Cast) -> None:
    report = build.answered(build.report(cast))
    url = reverse("complaints:rate", args=[report.public_id])
    refused = build.client_of(build.other_citizen()).post(url, {"satisfied": "0"})
    assert refused.status_code in (403, 404)
    report.refresh_from_db()
    assert report.satisfied is None
    detail = build.client_of(cast.siti).get(reverse("complaints:detail", args=[report.public_id]))
    assert "Nilai tindak lanjut" in detail.content.decode()
    assert "Jembatan sudah diperbaiki" in detail.content.decode()
    invalid = build.client_of(cast.siti).post(url, {})
    assert invalid.status_code == 400
    assert "Pilih puas atau tidak puas." in invalid.content.decode()
    response = build.client_of(cast.siti).post(url, {"satisfied": "1", "comment": "Cepat sekali."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.satisfied is True
    assert report.rating_comment == "Cepat sekali."


def test_the_reporter_confirms_and_closes_and_another_citizen_cannot(cast: Cast) -> None:
    report = build.answered(build.report(cast))
    url = reverse("complaints:confirm", args=[report.public_id])
    assert build.client_of(build.other_citizen()).post(url).status_code in (403, 404)
    report.refresh_from_db()
    assert report.status == Status.ANSWERED
    assert build.client_of(cast.siti).get(url).status_code == 405
    response = build.client_of(cast.siti).post(url)
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.CLOSED
    assert report.closed_at is not None


def test_the_reporter_reopens_once_with_a_reason(cast: Cast) -> None:
    report = build.answered(build.report(cast))
    url = reverse("complaints:reopen", args=[report.public_id])
    assert build.client_of(build.other_citizen()).post(
        url, {"reason": "Belum diperbaiki sama sekali."}
    ).status_code in (
        403,
        404,
    )
    client = build.client_of(cast.siti)
    assert client.get(url).status_code == 200
    short = client.post(url, {"reason": "belum"})
    assert short.status_code == 200
    assert "lebih lengkap" in short.content.decode()
    response = client.post(url, {"reason": "Jembatan masih patah, belum diperbaiki."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.reopened_count == 1
    assert report.status != Status.ANSWERED
    # Answered again: the second reopen is refused.
    report = build.answered(report)
    again = client.post(url, {"reason": "Masih belum juga diperbaiki sampai sekarang."})
    assert again.status_code == 302
    report.refresh_from_db()
    assert report.reopened_count == 1
    assert report.status == Status.ANSWERED
