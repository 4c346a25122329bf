"""``/lacak/`` with a report's number: the report's status, the same limits and the same privacy
as an application's, on the one page that promises to track both."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from layanan.audit.models import AuditEvent
from layanan.complaints.models import Report, Status
from layanan.complaints.tests.domain_builders import TEXT, answered, submitted
from layanan.complaints.views_lookup import LOOKUP_PER_ADDRESS, LOOKUP_PER_NUMBER
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

LOOKUP = reverse("applications:lookup")
NOT_FOUND = "Nomor tidak ditemukan."


def _look(report: Report, digits: str, *, client: Client | None = None, url: str = LOOKUP) -> Any:
    return (client or Client()).post(url, {"tracking_number": report.tracking_number, "phone_last4": digits})


def test_the_page_says_it_tracks_applications_and_reports(cast: Cast) -> None:
    intros = (
        ("id", "permohonan (P-...) atau laporan pengaduan (A-...)"),
        ("en", "an application (P-...) or a report (A-...)"),
    )
    for language, words in intros:
        client = Client()
        client.cookies["django_language"] = language
        response = client.get(LOOKUP)
        assert response.status_code == 200
        html = response.content.decode()
        assert words in html
        assert NOT_FOUND not in html


def test_a_report_number_shows_the_report_s_status_and_nothing_personal(cast: Cast) -> None:
    report = answered(cast, address_text="Depan rumah Pak Harun RT 02")
    spelled = report.tracking_number.lower().replace("-", " ")
    before = (Report.objects.get(pk=report.pk).version, AuditEvent.objects.count())

    response = Client().post(LOOKUP, {"tracking_number": spelled, "phone_last4": cast.siti.phone[-4:]})

    assert response.status_code == 200
    html = response.content.decode()
    assert report.tracking_number in html
    assert "Sudah dijawab" in html
    assert "Diterima, menunggu verifikasi" in html  # the steps, by status only
    assert report.category.name in html
    assert reverse("complaints:public_detail", args=[report.public_id]) in html
    for hidden in (cast.siti.full_name, cast.siti.phone, TEXT[:30], "Pak Harun", "Sudah kami perbaiki"):
        assert hidden not in html
    assert NOT_FOUND not in html
    assert (Report.objects.get(pk=report.pk).version, AuditEvent.objects.count()) == before  # a read


def test_a_confidential_report_shows_its_status_only(cast: Cast) -> None:
    report = answered(cast, confidential=True)

    response = _look(report, cast.siti.phone[-4:])

    assert response.status_code == 200
    html = response.content.decode()
    assert "Sudah dijawab" in html
    assert report.category.name not in html
    assert reverse("complaints:public_detail", args=[report.public_id]) not in html
    assert str(report.public_id) not in html
    assert TEXT[:30] not in html


def test_an_anonymous_report_is_found_by_its_reporter_s_digits_and_names_nobody(cast: Cast) -> None:
    report = submitted(cast, anonymous=True)

    response = _look(report, cast.siti.phone[-4:])

    html = response.content.decode()
    assert "Diterima, menunggu verifikasi" in html
    assert cast.siti.full_name not in html
    assert response.context["report"] is not None


@pytest.mark.parametrize("case", ["wrong digits", "unknown number", "an application's digits elsewhere"])
def test_every_mismatch_gets_the_same_not_found_message(cast: Cast, case: str) -> None:
    report = submitted(cast)
    number, digits = report.tracking_number, cast.siti.phone[-4:]
    if case == "wrong digits":
        digits = "0000" if digits != "0000" else "1111"
    elif case == "unknown number":
        number = "A-00000-00000"
    else:
        digits = cast.budi.phone[-4:] if cast.budi.phone[-4:] != digits else "9999"

    response = Client().post(LOOKUP, {"tracking_number": number, "phone_last4": digits})

    assert response.status_code == 200
    html = response.content.decode()
    assert NOT_FOUND in html
    assert response.context["report"] is None
    assert "Sudah dijawab" not in html
    assert "menunggu verifikasi" not in html


def test_the_digits_must_be_four_numbers_for_a_report_too(cast: Cast) -> None:
    report = submitted(cast)
    response = _look(report, "12a4")
    assert response.status_code == 200
    assert "Masukkan tepat 4 angka." in response.content.decode()
    assert response.context["report"] is None


def test_misses_on_applications_and_reports_count_in_the_same_address_bucket(cast: Cast) -> None:
    report = submitted(cast)
    client = Client()
    for attempt in range(LOOKUP_PER_ADDRESS.attempts):
        kind = "P" if attempt % 2 else "A"
        client.post(LOOKUP, {"tracking_number": f"{kind}-{attempt:05d}-00000", "phone_last4": "1234"})

    response = _look(report, cast.siti.phone[-4:], client=client)

    html = response.content.decode()
    assert "Terlalu banyak pencarian" in html
    assert response.context["report"] is None
    other_address = _look(report, cast.siti.phone[-4:], client=Client(REMOTE_ADDR="10.0.0.2"))
    assert other_address.context["report"] is not None


def test_guessing_a_report_s_digits_is_slowed_down_across_addresses_even_posting_straight_to_it(
    cast: Cast,
) -> None:
    report = submitted(cast)
    right = cast.siti.phone[-4:]
    wrong = [f"{n:04d}" for n in range(20) if f"{n:04d}" != right][: LOOKUP_PER_NUMBER.attempts]
    for index, digits in enumerate(wrong):
        url = LOOKUP if index % 2 else reverse("complaints:track")
        _look(report, digits, client=Client(REMOTE_ADDR=f"10.0.1.{index}"), url=url)

    response = _look(report, right, client=Client(REMOTE_ADDR="10.0.2.1"))

    assert response.context["report"] is None
    assert "Terlalu banyak pencarian" in response.content.decode()


def test_the_report_side_alone_answers_a_get_with_the_empty_form(cast: Cast) -> None:
    report = submitted(cast)
    response = Client().get(
        reverse("complaints:track"), {"tracking_number": report.tracking_number, "phone_last4": "1234"}
    )
    assert response.status_code == 200
    assert response.context["report"] is None
    assert f'action="{LOOKUP}"' in response.content.decode()


def test_the_found_report_s_status_is_the_current_one(cast: Cast) -> None:
    report = submitted(cast)
    Report.objects.filter(pk=report.pk).update(status=Status.ARCHIVED)
    html = _look(report, cast.siti.phone[-4:]).content.decode()
    assert "Diarsipkan" in html
    assert reverse("complaints:public_detail", args=[report.public_id]) not in html
