"""The "Data saya" page: everything about me, who of the staff touched it (role and office, no name)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.audit.services import audit_record
from layanan.complaints.tests.citizen_builders import other_citizen, report
from layanan.privacy.tests.builders import privacy_request
from layanan.servicepoints.services import subscription_add

pytestmark = pytest.mark.django_db
MY_DATA = reverse("privacy:my_data")


def _siti_with_identity(cast):
    cast.siti.nik = "1803020101900001"
    cast.siti.kk = "1803020101900099"
    cast.siti.save()
    return cast.siti


def test_it_shows_my_account_with_the_identity_masked(cast, client):
    _siti_with_identity(cast)
    sign_in(client, cast.siti)

    response = client.get(MY_DATA)

    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1>") == 1
    assert "Siti Aminah" in body
    assert "1803********0001" in body
    assert "1803020101900001" not in body
    assert "1803020101900099" not in body


def test_it_lists_my_anonymous_reports_and_my_requests(cast, client):
    sign_in(client, cast.siti)
    report(cast, anonymous=True)
    mine = privacy_request(cast.siti)

    body = client.get(MY_DATA).content.decode()

    assert "1 laporan, termasuk laporan anonim" in body
    assert mine.reference in body


def test_it_shows_staff_access_by_role_and_office_without_the_name(cast, client, settings):
    settings.PRIVACY_ACCESS_LOG_SHOWS_NAMES = False
    filed = report(cast)
    audit_record(actor=cast.budi, action="complaints.report.view", obj=filed)
    audit_record(actor=cast.siti, action="complaints.report.view", obj=filed)  # my own: not listed
    sign_in(client, cast.siti)

    body = client.get(MY_DATA).content.decode()

    assert "complaints.report.view" in body
    assert filed.tracking_number in body
    assert "Dinas Kependudukan dan Pencatatan Sipil" in body
    assert "Budi Santoso" not in body
    assert body.count("complaints.report.view") == 1


def test_the_staff_member_is_named_when_the_setting_says_so(cast, client, settings):
    settings.PRIVACY_ACCESS_LOG_SHOWS_NAMES = True
    audit_record(actor=cast.budi, action="identity.read", obj=cast.siti)
    sign_in(client, cast.siti)

    body = client.get(MY_DATA).content.decode()

    assert "Budi Santoso" in body


def test_another_citizen_sees_none_of_my_data_or_requests(cast, client):
    _siti_with_identity(cast)
    filed = report(cast)
    mine = privacy_request(cast.siti)
    audit_record(actor=cast.budi, action="complaints.report.view", obj=filed)
    dewi = other_citizen()
    sign_in(client, dewi)

    response = client.get(MY_DATA)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Dewi Lestari" in body
    assert "Siti Aminah" not in body
    assert filed.tracking_number not in body
    assert mine.reference not in body
    assert "complaints.report.view" not in body


@pytest.mark.parametrize("persona", ["budi", "rini", "auditor", "admin"])
def test_staff_have_no_my_data_page(cast, client, persona):
    sign_in(client, getattr(cast, persona))

    assert client.get(MY_DATA).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, cast):
    response = client.get(MY_DATA)

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_page_makes_a_fixed_number_of_queries_however_much_there_is(
    cast, client, django_assert_max_num_queries
):
    for number in range(5):
        filed = report(
            cast, text=f"Laporan nomor {number} tentang jalan berlubang di desa kami yang lama rusak."
        )
        audit_record(actor=cast.budi, action="complaints.report.view", obj=filed)
        privacy_request(cast.siti)
    sign_in(client, cast.siti)

    with django_assert_max_num_queries(20):
        response = client.get(MY_DATA)

    assert response.status_code == 200


def _subscriptions_line(body: str) -> str:
    (line,) = [line for line in body.splitlines() if "Langganan pengumuman:" in line]
    return line


def test_it_lists_my_announcement_subscriptions_and_not_another_citizens(cast, client):
    subscription_add(user=cast.siti, region=cast.world.kotabumi)
    subscription_add(user=cast.siti, region=cast.world.regency)
    dewi = other_citizen()
    subscription_add(user=dewi, region=cast.world.tanjung_raja)
    sign_in(client, cast.siti)

    response = client.get(MY_DATA)

    assert response.status_code == 200
    line = _subscriptions_line(response.content.decode())
    assert "Kotabumi" in line
    assert "Kabupaten Lampung Utara" in line
    assert "Tanjung Raja" not in line
    assert reverse("servicepoints:subscriptions") in line

    client.force_login(dewi)
    theirs = _subscriptions_line(client.get(MY_DATA).content.decode())
    assert "Tanjung Raja" in theirs
    assert "Kotabumi" not in theirs


def test_without_subscriptions_the_page_says_none(cast, client):
    sign_in(client, cast.siti)

    line = _subscriptions_line(client.get(MY_DATA).content.decode())

    assert "tidak ada" in line
