"""GET Service Requests, one request, and token look-ups: exactly the public list, nothing of the reporter."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone

from layanan.api.open311.serializers import w3c
from layanan.api.open311.tests.builders import BASE, api_key, category, form, public, xml
from layanan.complaints import services
from layanan.complaints.models import Report, ReportPhoto
from layanan.complaints.tests import domain_builders as built
from layanan.complaints.tests.citizen_builders import jpeg, photo_upload
from layanan.testing import Cast

pytestmark = pytest.mark.django_db

FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "media_url",
]


def _listed(query: str = "", fmt: str = "json") -> list[dict[str, object]]:
    answer = Client().get(f"{BASE}/requests.{fmt}{query}")
    assert answer.status_code == 200, answer.content
    return answer.json()


def _numbers(rows: list[dict[str, object]]) -> set[object]:
    return {row["service_request_id"] for row in rows}


def test_a_public_report_is_a_request_with_nothing_of_its_reporter_nor_its_point(cast: Cast) -> None:
    report = public(cast, latitude=-4.834, longitude=104.883, address_text="Rumah Bu Siti, Gang Mawar 3")
    [row] = _listed()
    assert list(row) == FIELDS
    assert row["service_request_id"] == report.tracking_number
    assert row["status"] == "open"
    assert row["status_notes"] == "Diteruskan ke instansi"
    assert row["service_code"] == "lampu-jalan"
    assert row["service_name"] == "Lampu jalan"
    assert row["description"] == report.text
    assert row["agency_responsible"] == cast.world.pupr.name
    region = cast.world.kotabumi_pasar
    assert region.parent is not None
    assert row["address"] == f"{region.name}, Kecamatan {region.parent.name}"
    assert row["address_id"] == region.code
    assert row["expected_datetime"] is not None
    assert str(row["requested_datetime"]).endswith("+07:00")
    assert row["media_url"] is None
    assert row["service_notice"] is None  # no answer yet: null, as the specification's example
    text = str(row)
    for secret in (cast.siti.full_name, cast.siti.phone, "Gang Mawar", "104.883", "-4.834"):
        assert secret not in text


def test_reports_off_the_public_list_never_appear(cast: Cast) -> None:
    shown = public(cast)
    waiting = built.submitted(cast, category=category(cast))  # not yet verified
    confidential = public(cast, confidential=True)
    practice = built.submitted(cast, category=category(cast), practice=True)
    rows = _listed()
    assert _numbers(rows) == {shown.tracking_number}
    for hidden in (waiting, confidential, practice):
        assert _numbers(_listed(f"?service_request_id={hidden.tracking_number}")) == set()
        answer = Client().get(f"{BASE}/requests/{hidden.tracking_number}.json")
        assert answer.status_code == 404
        assert answer.json()[0]["code"] == 404


def test_an_anonymous_report_is_listed_without_any_reporter_data(cast: Cast) -> None:
    report = public(cast, anonymous=True)
    for fmt in ("json", "xml"):
        answer = Client().get(f"{BASE}/requests.{fmt}")
        body = answer.content.decode()
        assert report.tracking_number in body
        for secret in (cast.siti.full_name, cast.siti.phone, cast.siti.phone[-8:], cast.siti.email or "@"):
            assert secret not in body


def test_status_maps_to_open_and_closed_with_the_detailed_status_in_the_notes(cast: Cast) -> None:
    open_one = public(cast)
    closed = built.answered(cast, category=category(cast, slug="akta-rusak", office=cast.world.disdukcapil))
    closed = services.report_confirm(report=closed, actor=cast.siti)
    assert closed.status == "closed"
    rows = {row["service_request_id"]: row for row in _listed()}
    assert rows[closed.tracking_number]["status"] == "closed"
    assert rows[closed.tracking_number]["agency_responsible"] == cast.world.disdukcapil.name
    assert rows[closed.tracking_number]["status_notes"] == "Selesai"
    assert rows[closed.tracking_number]["service_notice"] == "Sudah kami perbaiki."
    assert rows[closed.tracking_number]["expected_datetime"] is None
    # "For requests with status=closed, this will be the date the request was closed."
    assert rows[closed.tracking_number]["updated_datetime"] == w3c(closed.closed_at)
    assert rows[open_one.tracking_number]["status"] == "open"
    assert _numbers(_listed("?status=closed")) == {closed.tracking_number}
    assert _numbers(_listed("?status=open")) == {open_one.tracking_number}
    assert _numbers(_listed("?status=open,closed")) == {open_one.tracking_number, closed.tracking_number}
    answer = Client().get(f"{BASE}/requests.json?status=selesai")
    assert answer.status_code == 400
    assert "status" in answer.json()[0]["description"]


def test_the_filters_of_the_specification(cast: Cast) -> None:
    lamp = public(cast)
    road = built.disposed(cast, category=category(cast, slug="jalan-rusak"))
    third = public(cast)
    assert _numbers(_listed("?service_code=jalan-rusak")) == {road.tracking_number}
    assert _numbers(_listed("?service_code=jalan-rusak,lampu-jalan")) == {
        lamp.tracking_number,
        road.tracking_number,
        third.tracking_number,
    }
    # service_request_id, comma delimited, overrides all the other arguments.
    ids = f"{lamp.tracking_number},{road.tracking_number.lower()}"
    assert _numbers(_listed(f"?service_request_id={ids}&service_code=tidak-ada&status=closed")) == {
        lamp.tracking_number,
        road.tracking_number,
    }
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert _listed(f"?start_date={tomorrow}") == []
    yesterday = (timezone.now() - timedelta(days=1)).isoformat()
    assert len(_listed(f"?start_date={yesterday.replace('+', '%2B')}")) == 3
    assert len(_listed(f"?end_date={tomorrow}")) == 3


def test_dates_must_be_w3c_and_span_at_most_90_days(cast: Cast) -> None:
    for query in (
        "?start_date=kemarin",
        "?end_date=2026-13-40",
        "?start_date=2026-01-01&end_date=2026-06-01",
    ):
        answer = Client().get(f"{BASE}/requests.json{query}")
        assert answer.status_code == 400, query
        assert answer.json()[0]["code"] == 400
    answer = Client().get(f"{BASE}/requests.xml?start_date=2026-06-01&end_date=2026-01-01")
    assert answer.status_code == 400
    assert xml(answer).tag == "errors"


def test_by_default_only_the_last_90_days_are_listed(cast: Cast) -> None:
    recent = public(cast)
    old = public(cast)
    Report.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=91))
    assert _numbers(_listed()) == {recent.tracking_number}
    # A start_date alone reaches 90 days forward from it.
    then = (timezone.localdate() - timedelta(days=100)).isoformat()
    assert _numbers(_listed(f"?start_date={then}")) == {old.tracking_number}


def test_a_published_photo_is_the_media_url(cast: Cast) -> None:
    report = public(cast, photos=[photo_upload(jpeg())])
    [row] = _listed()
    assert row["media_url"] is None  # the reporter's photo is not published until an officer says so
    ReportPhoto.objects.filter(report=report).update(published=True)
    photo = ReportPhoto.objects.get(report=report)
    [row] = _listed()
    assert row["media_url"] == f"http://testserver/lapor/publik/foto/{photo.pk}/"
    assert Client().get(str(row["media_url"])).status_code == 200


def test_the_list_in_xml_follows_the_specifications_example(cast: Cast) -> None:
    report = public(cast)
    answer = Client().get(f"{BASE}/requests.xml")
    assert answer["Content-Type"] == "text/xml; charset=utf-8"
    root = xml(answer)
    assert root.tag == "service_requests"
    [request] = root.findall("request")
    assert [child.tag for child in request] == FIELDS
    assert request.findtext("service_request_id") == report.tracking_number
    assert request.findtext("status") == "open"
    assert request.findtext("media_url") == ""


def test_one_request_by_its_number_in_both_formats(cast: Cast) -> None:
    report = public(cast)
    answer = Client().get(f"{BASE}/requests/{report.tracking_number}.json")
    assert answer.status_code == 200
    [row] = answer.json()
    assert row["service_request_id"] == report.tracking_number
    root = xml(Client().get(f"{BASE}/requests/{report.tracking_number}.xml"))
    assert root.tag == "service_requests"
    assert root.findtext("request/service_request_id") == report.tracking_number
    missing = Client().get(f"{BASE}/requests/A-TIDAK-ADA.xml")
    assert missing.status_code == 404
    assert xml(missing).findtext("error/code") == "404"


def test_a_token_names_the_request_it_became(cast: Cast) -> None:
    created = Client().post(f"{BASE}/requests.json", form(cast, api_key(cast.admin)))
    number = created.json()[0]["service_request_id"]
    answer = Client().get(f"{BASE}/tokens/{number}.json")
    assert answer.status_code == 200
    assert answer.json() == [{"service_request_id": number, "token": number}]
    root = xml(Client().get(f"{BASE}/tokens/{number}.xml"))
    assert root.tag == "service_requests"
    request = root.find("request")
    assert request is not None
    assert [child.tag for child in request] == ["service_request_id", "token"]
    # Not a token: a report filed on the web pages.
    web = built.submitted(cast, category=category(cast))
    assert Client().get(f"{BASE}/tokens/{web.tracking_number}.json").status_code == 404


@override_settings(API_RATE_PER_ADDRESS=3, API_RATE_WINDOW_SECONDS=86_400)
def test_reads_are_limited_per_address_with_retry_after(cast: Cast) -> None:
    cache.clear()
    client = Client()
    assert [client.get(f"{BASE}/services.json").status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get(f"{BASE}/requests.xml")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert xml(limited).findtext("error/code") == "429"
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.get(f"{BASE}/services.json").status_code == 200


def test_a_list_costs_a_fixed_number_of_queries(cast: Cast, django_assert_max_num_queries: Any) -> None:
    for _ in range(3):
        public(cast, photos=[photo_upload(jpeg())])
    with django_assert_max_num_queries(4):
        assert len(_listed()) == 3
