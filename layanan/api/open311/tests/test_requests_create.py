"""POST Service Request: an API key files a report as a system, once per Idempotency-Key."""

from __future__ import annotations

import pytest
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.api.models import IdempotentAnswer
from layanan.api.open311.tests.builders import BASE, TEXT, api_key, category, form, xml
from layanan.api.tests.builders import issued
from layanan.api.tokens import token_revoke
from layanan.audit.models import AuditEvent
from layanan.complaints import services
from layanan.complaints.models import Report
from layanan.complaints.tests.citizen_builders import jpeg, photo_upload
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

PERSON = {
    "email": "dewi.pelapor@example.org",
    "first_name": "Dewi",
    "last_name": "Anggraeni",
    "phone": "081366612345",
    "device_id": "perangkat-rahasia-77",
    "media_url": "https://contoh.example/foto/lampu.jpg",
}


def test_a_request_is_filed_as_a_system_report_and_answered_with_its_tracking_number(cast: Cast) -> None:
    key = api_key(cast.admin)
    answer = Client().post(f"{BASE}/requests.json", form(cast, key, **PERSON))
    assert answer.status_code == 201, answer.content
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    [created] = answer.json()
    assert set(created) == {"service_request_id", "service_notice", "account_id"}
    assert created["account_id"] is None
    assert "diverifikasi" in created["service_notice"]
    report = Report.objects.get()
    assert created["service_request_id"] == report.tracking_number
    assert report.reporter is None
    assert report.channel == "open311"
    assert report.category.slug == "lampu-jalan"
    assert report.region == cast.world.kotabumi_pasar
    assert str(report.latitude) == "-4.834000"
    assert report.text == TEXT
    assert report.kind == "pengaduan"
    assert not report.anonymous
    assert not report.confidential
    # Which key filed it is audited (its prefix), the administrator as the one who let it in.
    event = AuditEvent.objects.get(action="api.open311_request_create")
    assert event.actor_id == cast.admin.pk
    assert event.details == {"token": key.split("_")[1]}


def test_the_persons_contact_fields_are_kept_nowhere(cast: Cast) -> None:
    key = api_key(cast.admin)
    answer = Client().post(
        f"{BASE}/requests.json", form(cast, key, **PERSON), headers={"Idempotency-Key": "kunci-1"}
    )
    assert answer.status_code == 201
    report = Report.objects.get()
    stored = " ".join(
        [
            str(list(Report.objects.values().filter(pk=report.pk))),
            str(list(AuditEvent.objects.values())),
            str(list(IdempotentAnswer.objects.values())),
        ]
    )
    for value in PERSON.values():
        assert value not in stored


def test_the_location_may_be_an_address_string_instead_of_a_point(cast: Cast) -> None:
    key = api_key(cast.admin)
    data = form(cast, key, address_string="Simpang Pasar Kotabumi, depan toko emas")
    del data["lat"], data["long"]
    answer = Client().post(f"{BASE}/requests.xml", data)
    assert answer.status_code == 201
    root = xml(answer)
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    assert [child.tag for child in request] == ["service_request_id", "service_notice", "account_id"]
    assert request.findtext("account_id") == ""
    report = Report.objects.get()
    assert request.findtext("service_request_id") == report.tracking_number
    assert report.latitude is None
    assert report.address_text == "Simpang Pasar Kotabumi, depan toko emas"


def test_the_specifications_example_request_is_accepted(cast: Cast) -> None:
    """The example POST of the specification, byte for byte but for our service and attribute:
    jurisdiction_id is ignored, the contact fields are not kept, lat/long and address_string both sent."""
    key = api_key(cast.admin)
    category(cast)
    body = (
        f"api_key={key}&jurisdiction_id=city.gov&service_code=lampu-jalan&lat=37.76524078"
        "&long=-122.4212043&address_string=1234+5th+street&email=smit333%40sfgov.edu&device_id=tt222111"
        "&account_id=123456&first_name=john&last_name=smith&phone=111111111"
        "&description=A+large+sinkhole+is+destroying+the+street"
        "&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg"
        f"&attribute[region]={cast.world.kotabumi_pasar.code}"
    )
    answer = Client().post(
        f"{BASE}/requests.xml", body, content_type="application/x-www-form-urlencoded; charset=utf-8"
    )
    assert answer.status_code == 201, answer.content
    root = xml(answer)
    report = Report.objects.get()
    assert root.findtext("request/service_request_id") == report.tracking_number
    assert report.address_text == "1234 5th street"
    assert report.text == "A large sinkhole is destroying the street"
    stored = str(list(Report.objects.values().filter(pk=report.pk)))
    for kept_nowhere in ("smit333", "tt222111", "123456", "john", "smith", "111111111", "flickr"):
        assert kept_nowhere not in stored


def test_the_desa_code_may_be_sent_as_address_id(cast: Cast) -> None:
    key = api_key(cast.admin)
    data = form(cast, key, address_id=cast.world.kotabumi_pasar.code)
    del data["lat"], data["long"], data["attribute[region]"]
    answer = Client().post(f"{BASE}/requests.json", data)
    assert answer.status_code == 201, answer.content
    assert Report.objects.get().region == cast.world.kotabumi_pasar
    # Both sent, naming two different desa: refused rather than guessed.
    clash = form(cast, key, address_id=cast.world.desa_tanjung_raja.region_id)
    answer = Client().post(f"{BASE}/requests.json", clash)
    assert answer.status_code == 400
    assert "berbeda" in answer.json()[0]["description"]
    assert Report.objects.count() == 1


def test_the_attributes_set_the_kind_anonymity_and_confidentiality(cast: Cast) -> None:
    key = api_key(cast.admin)
    data = form(
        cast,
        key,
        **{"attribute[kind]": "aspirasi", "attribute[anonymous]": "true", "attribute[confidential]": "true"},
    )
    assert Client().post(f"{BASE}/requests.json", data).status_code == 201
    report = Report.objects.get()
    assert (report.kind, report.anonymous, report.confidential) == ("aspirasi", True, True)


def test_a_media_file_goes_through_the_photo_cleaning(cast: Cast) -> None:
    key = api_key(cast.admin)
    answer = Client().post(f"{BASE}/requests.json", form(cast, key, media=photo_upload(jpeg())))
    assert answer.status_code == 201
    assert Report.objects.get().photos.count() == 1


def test_without_a_valid_open311_key_nothing_is_filed(cast: Cast) -> None:
    citizen_key = issued(cast.siti, ["reports"]).raw  # a citizen's token: no open311 scope
    revoked = api_key(cast.admin)
    token_revoke(token=cast.admin.api_tokens.get(prefix=revoked.split("_")[1]), actor=cast.admin)
    for key in ("", "llp_salah_kunci", citizen_key, revoked):
        answer = Client().post(f"{BASE}/requests.json", form(cast, key))
        assert answer.status_code == 403, key
        [error] = answer.json()
        assert error["code"] == 403
        assert "api_key" in error["description"]
    # In the query string the key is not read (it would sit in access logs).
    data = form(cast, "")
    answer = Client().post(f"{BASE}/requests.json?api_key={api_key(cast.admin)}", data)
    assert answer.status_code == 403
    assert not Report.objects.exists()


def test_an_officer_cannot_get_an_open311_key(cast: Cast) -> None:
    with pytest.raises(Exception, match="Izin ini"):
        api_key(cast.andi)


def test_bad_requests_say_what_is_wrong_and_store_nothing(cast: Cast) -> None:
    key = api_key(cast.admin)
    cases = [
        ({"service_code": ""}, "service_code"),
        ({"attribute[region]": ""}, "attribute[region]"),
        ({"attribute[region]": "18.03"}, "desa/kelurahan"),  # the report service says it
        ({"attribute[kind]": "keluhan"}, "attribute[kind]"),
        ({"attribute[anonymous]": "ya"}, "anonymous"),
        ({"attribute[warna]": "merah"}, "warna"),
        ({"lat": "", "long": ""}, "address_id"),
        ({"address_id": "18.03.99.9999"}, "address_id"),
        ({"address_id": "18.03"}, "address_id"),
        ({"long": ""}, "lat"),
        ({"lat": "utara"}, "lat"),
        ({"lat": "95"}, "lokasi"),
        ({"description": "Mati."}, "paling sedikit"),
    ]
    for change, said in cases:
        answer = Client().post(f"{BASE}/requests.json", {**form(cast, key), **change})
        assert answer.status_code == 400, change
        [error] = answer.json()
        assert error["code"] == 400
        assert said in error["description"], (change, error)
    answer = Client().post(f"{BASE}/requests.xml", {**form(cast, key), "service_code": ""})
    assert answer.status_code == 400
    assert xml(answer).findtext("error/code") == "400"
    # "404 - service_code or jurisdiction_id was not found"
    answer = Client().post(f"{BASE}/requests.json", {**form(cast, key), "service_code": "tidak-ada"})
    assert answer.status_code == 404
    assert answer.json()[0]["code"] == 404
    assert not Report.objects.exists()


def test_the_same_idempotency_key_returns_the_first_request(cast: Cast) -> None:
    key = api_key(cast.admin)
    first = Client().post(f"{BASE}/requests.json", form(cast, key), headers={"Idempotency-Key": "k-1"})
    again = Client().post(f"{BASE}/requests.json", form(cast, key), headers={"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Report.objects.count() == 1
    assert AuditEvent.objects.filter(action="api.open311_request_create").count() == 1
    other = Client().post(
        f"{BASE}/requests.json",
        form(cast, key, description=TEXT + " Mohon segera."),
        headers={"Idempotency-Key": "k-1"},
    )
    assert other.status_code == 400  # the specification: 400 for any other refusal
    assert other.json()[0]["code"] == 400
    assert "Idempotency-Key" in other.json()[0]["description"]
    assert Report.objects.count() == 1
    # Without a key two posts are two requests, as the specification has it.
    Client().post(f"{BASE}/requests.json", form(cast, key))
    assert Report.objects.count() == 2


@override_settings(API_RATE_PER_TOKEN=2, API_RATE_PER_ADDRESS=100, API_RATE_WINDOW_SECONDS=86_400)
def test_creates_are_limited_per_key_with_retry_after(cast: Cast) -> None:
    key = api_key(cast.admin)
    statuses = [Client().post(f"{BASE}/requests.json", form(cast, key)).status_code for _ in range(2)]
    assert statuses == [201, 201]
    limited = Client().post(f"{BASE}/requests.json", form(cast, key))
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert limited.json()[0]["code"] == 429
    assert Report.objects.count() == 2


def test_a_system_report_goes_through_the_offices_like_any_other(cast: Cast) -> None:
    """Filed with no reporter, it is verified, handled and answered on the staff pages; the answer
    reaches Open311 readers, and the coordinator's "who reported" says nobody (no account)."""
    created = Client().post(f"{BASE}/requests.json", form(cast, api_key(cast.admin)))
    number = created.json()[0]["service_request_id"]
    report = Report.objects.get(tracking_number=number)
    assert Client().get(f"{BASE}/requests/{number}.json").status_code == 404  # not verified yet
    report = services.report_verify(report=report, actor=cast.admin, expected_version=report.version)
    staff = Client()
    sign_in(staff, cast.andi)  # Dinas PUPR: the category's office
    assert staff.get(reverse("complaints:staff_report", args=[report.public_id])).status_code == 200
    report = services.report_start(report=report, actor=cast.andi, expected_version=report.version)
    report = services.report_answer(
        report=report, actor=cast.andi, expected_version=report.version, answer="Lampu sudah diganti."
    )
    assert services.reporter_identity_view(report=report, actor=cast.admin) is None
    [row] = Client().get(f"{BASE}/requests/{number}.json").json()
    assert row["status_notes"] == "Sudah dijawab"
    assert row["service_notice"] == "Lampu sudah diganti."
    assert row["agency_responsible"] == cast.world.pupr.name
    # Siti, a citizen, never reaches it on the staff pages.
    citizen = Client()
    sign_in(citizen, cast.siti)
    assert citizen.get(reverse("complaints:staff_report", args=[report.public_id])).status_code in (403, 404)
