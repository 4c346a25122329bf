"""Discovery, the service list and the service definitions, as GeoReport v2 shows them."""

from __future__ import annotations

import pytest
from django.test import Client

from layanan.api.open311.tests.builders import BASE, category, xml
from layanan.audit.services import audit_record
from layanan.complaints.tests import domain_builders as built
from layanan.testing import Cast

pytestmark = pytest.mark.django_db


def test_discovery_names_the_endpoint_its_formats_and_whom_to_ask(cast: Cast) -> None:
    answer = Client().get(f"{BASE}/discovery.json")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    body = answer.json()
    assert set(body) == {"changeset", "contact", "key_service", "endpoints"}
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production"
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert body["changeset"].startswith("20")

    # The discovery file is also at the level above the endpoint, as the specification suggests.
    assert Client().get("/open311/discovery.json").json() == body


def test_the_changeset_moves_when_a_category_is_saved_in_the_admin(cast: Cast) -> None:
    before = Client().get(f"{BASE}/discovery.json").json()["changeset"]
    lamp = category(cast)
    audit_record(
        actor=cast.admin, action="complaints.category_change", obj=lamp, details={"changed": ["name"]}
    )
    after = Client().get(f"{BASE}/discovery.json").json()
    assert after["changeset"] > before  # sortable, as the discovery specification asks
    assert after["endpoints"][0]["changeset"] == after["changeset"]


def test_discovery_in_xml_is_the_specifications_document(cast: Cast) -> None:
    answer = Client().get(f"{BASE}/discovery.xml")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "text/xml; charset=utf-8"
    assert answer.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = xml(answer)
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint is not None
    assert [fmt.text for fmt in endpoint.findall("formats/format")] == ["text/xml", "application/json"]
    assert endpoint.findtext("url") == "http://testserver/open311/v2/"


def test_the_service_list_is_every_active_category(cast: Cast) -> None:
    lamp = category(cast)
    retired = built.category(cast.world.pupr, slug="sudah-tidak-dipakai", active=False)
    answer = Client().get(f"{BASE}/services.json")
    assert answer.status_code == 200
    listed = {service["service_code"]: service for service in answer.json()}
    assert retired.slug not in listed
    assert listed[lamp.slug] == {
        "service_code": "lampu-jalan",
        "service_name": "Lampu jalan",
        "description": "Lampu penerangan jalan umum mati atau rusak.",
        "metadata": True,
        "type": "realtime",
        "keywords": "Pengaduan, Aspirasi, Permintaan informasi",
        "group": cast.world.pupr.name,
    }


def test_the_service_list_in_xml_follows_the_specifications_example(cast: Cast) -> None:
    category(cast)
    root = xml(Client().get(f"{BASE}/services.xml"))
    assert root.tag == "services"
    service = next(item for item in root.findall("service") if item.findtext("service_code") == "lampu-jalan")
    assert [child.tag for child in service] == [
        "service_code",
        "service_name",
        "description",
        "metadata",
        "type",
        "keywords",
        "group",
    ]
    assert service.findtext("metadata") == "true"
    assert service.findtext("type") == "realtime"


def test_a_service_definition_lists_the_attributes_a_request_carries(cast: Cast) -> None:
    category(cast)
    answer = Client().get(f"{BASE}/services/lampu-jalan.json")
    assert answer.status_code == 200
    body = answer.json()
    assert body["service_code"] == "lampu-jalan"
    attributes = {attribute["code"]: attribute for attribute in body["attributes"]}
    assert list(attributes) == ["region", "kind", "anonymous", "confidential"]
    region = attributes["region"]
    assert region["required"] is True
    assert region["variable"] is True
    assert region["datatype"] == "singlevaluelist"
    assert region["order"] == 1
    assert cast.world.kotabumi_pasar.code in [value["key"] for value in region["values"]]
    assert all(value["key"].startswith("18.03.") for value in region["values"])
    assert [value["key"] for value in attributes["kind"]["values"]] == ["pengaduan", "aspirasi", "informasi"]
    assert attributes["kind"]["required"] is False
    assert [value["key"] for value in attributes["anonymous"]["values"]] == ["true", "false"]
    assert [a["order"] for a in body["attributes"]] == [1, 2, 3, 4]


def test_a_service_definition_in_xml_has_attribute_and_value_elements(cast: Cast) -> None:
    category(cast)
    root = xml(Client().get(f"{BASE}/services/lampu-jalan.xml"))
    assert root.tag == "service_definition"
    assert root.findtext("service_code") == "lampu-jalan"
    first = root.find("attributes/attribute")
    assert first is not None
    assert [child.tag for child in first] == [
        "variable",
        "code",
        "datatype",
        "required",
        "datatype_description",
        "order",
        "description",
        "values",
    ]
    assert first.findtext("required") == "true"
    value = first.find("values/value")
    assert value is not None
    assert [child.tag for child in value] == ["key", "name"]


def test_an_unknown_or_retired_service_is_a_404_in_the_specifications_error_shape(cast: Cast) -> None:
    built.category(cast.world.pupr, slug="pensiun", active=False)
    for code in ("tidak-ada", "pensiun"):
        answer = Client().get(f"{BASE}/services/{code}.json")
        assert answer.status_code == 404
        [error] = answer.json()
        assert error["code"] == 404
        assert "service_code" in error["description"]
    answer = Client().get(f"{BASE}/services/tidak-ada.xml")
    assert answer.status_code == 404
    root = xml(answer)
    assert root.tag == "errors"
    assert root.findtext("error/code") == "404"
    assert root.findtext("error/description")


def test_only_json_and_xml_are_served(cast: Cast) -> None:
    assert Client().get(f"{BASE}/services.csv").status_code == 404
    assert Client().get(f"{BASE}/services").status_code == 404


def test_a_service_list_cannot_be_written_to(cast: Cast) -> None:
    answer = Client().post(f"{BASE}/services.json", {"service_code": "x"})
    assert answer.status_code == 405
    assert answer["Allow"] == "GET, HEAD"
    assert answer.json()[0]["code"] == 405
