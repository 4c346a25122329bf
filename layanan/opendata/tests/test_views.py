"""The public pages and downloads: no sign-in, read from the published copies, cache-friendly."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse

from layanan.accounts.testing import sign_in
from layanan.opendata import services
from layanan.opendata.datasets import APPLICATIONS, IKM, REPORTS
from layanan.opendata.models import Snapshot
from layanan.opendata.registry import SUPPRESSED_COLUMN, datasets
from layanan.opendata.tests import builders

pytestmark = pytest.mark.django_db

KOTABUMI = "18.03.02"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def published(cast):
    office = cast.world.disdukcapil
    service = builders.service(office)
    builders.application_month(
        month=date(2026, 3, 1),
        service=service,
        office=office,
        kecamatan=KOTABUMI,
        received=12,
        completed=9,
        on_time=8,
    )
    builders.application_month(
        month=date(2026, 3, 1), service=service, office=office, kecamatan="18.03.04", received=2, completed=0
    )
    # A second small cell, so the first is not alone in its service's month (else a large one is hidden too).
    builders.application_month(
        month=date(2026, 3, 1), service=service, office=office, kecamatan="18.03.01", received=3, completed=0
    )
    services.snapshots_refresh()
    return service


def _download(client, slug: str, fmt: str):
    return client.get(reverse("opendata:download", kwargs={"slug": slug, "fmt": fmt}))


def test_the_catalogue_lists_every_data_set_with_its_period_and_last_update(client, published):
    response = client.get(reverse("opendata:list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1>") == 1
    for dataset in datasets():
        assert reverse("opendata:detail", kwargs={"slug": dataset.slug}) in html
    assert "Terakhir diperbarui" in html
    assert "Maret 2026" in html
    assert reverse("opendata:catalog") in html


def test_a_data_set_page_shows_metadata_columns_preview_downloads_licence_and_citation(client, published):
    response = client.get(reverse("opendata:detail", kwargs={"slug": APPLICATIONS.slug}))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Terakhir diperbarui" in html
    assert "1 Maret 2026" in html
    for column in APPLICATIONS.columns:
        assert f"<code>{column.name}</code>" in html
    assert "hari kerja" in html  # a unit
    assert published.name in html  # the preview's first rows
    assert reverse("opendata:download", kwargs={"slug": APPLICATIONS.slug, "fmt": "csv"}) in html
    assert 'rel="license"' in html
    assert "creativecommons.org/licenses/by/4.0/" in html
    assert "Cara mengutip" in html
    assert Snapshot.objects.count() == len(datasets())  # a page view writes nothing


def test_a_page_before_the_first_refresh_says_so_and_offers_no_download(client, db):
    response = client.get(reverse("opendata:detail", kwargs={"slug": REPORTS.slug}))
    assert response.status_code == 200
    assert "Belum diterbitkan" in response.content.decode()
    assert _download(client, REPORTS.slug, "csv").status_code == 404
    assert not Snapshot.objects.exists()


def test_an_unknown_data_set_is_404(client, db):
    assert client.get("/data/tidak-ada/").status_code == 404
    assert client.get("/data/tidak-ada.csv").status_code == 404
    assert client.get("/data/permohonan-layanan.xml").status_code == 404


def test_the_csv_is_utf8_with_a_header_row_and_commas_and_suppressed_cells_empty(client, published):
    response = _download(client, APPLICATIONS.slug, "csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{APPLICATIONS.slug}.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    text = response.content.decode("utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [column.name for column in APPLICATIONS.columns] + [SUPPRESSED_COLUMN]
    by_place = {row["kode_kecamatan"]: row for row in rows}
    assert by_place[KOTABUMI]["diterima"] == "12"
    assert by_place[KOTABUMI]["persen_tepat_waktu"] == "88.9"
    assert by_place["18.03.04"]["diterima"] == ""
    assert "diterima" in by_place["18.03.04"][SUPPRESSED_COLUMN]


def test_the_json_carries_the_metadata_and_the_rows(client, published):
    response = _download(client, APPLICATIONS.slug, "json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    document = json.loads(response.content)
    meta = document["metadata"]
    assert meta["identifier"] == APPLICATIONS.slug
    assert meta["title"]["id"] == "Permohonan layanan per bulan"
    assert meta["title"]["en"]
    assert meta["title"]["en"] != meta["title"]["id"]
    assert meta["license"]["url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert meta["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    assert meta["suppression"]["min_count"] == 5
    assert meta["spatial"]["code"] == "18.03"
    assert {column["name"] for column in meta["columns"]} >= {"kode_kecamatan", "median_hari_kerja"}
    units = {column["name"]: column["unit"] for column in meta["columns"]}
    assert units["median_hari_kerja"]["id"] == "hari kerja"
    small = next(row for row in document["rows"] if row["kode_kecamatan"] == "18.03.04")
    assert small["diterima"] is None
    assert small["selesai"] == 0


def test_downloads_are_public_cacheable_and_answer_conditional_requests(client, published):
    response = _download(client, APPLICATIONS.slug, "csv")
    assert "public" in response["Cache-Control"]
    assert "max-age=3600" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    again = client.get(
        reverse("opendata:download", kwargs={"slug": APPLICATIONS.slug, "fmt": "csv"}),
        HTTP_IF_NONE_MATCH=response["ETag"],
    )
    assert again.status_code == 304


def test_the_licence_is_the_setting(client, published, settings):
    settings.OPEN_DATA_LICENSE_NAME = "CC0 1.0"
    settings.OPEN_DATA_LICENSE_URL = "https://creativecommons.org/publicdomain/zero/1.0/"
    catalog = json.loads(client.get(reverse("opendata:catalog")).content)
    assert catalog["dcat:dataset"][0]["dct:license"]["@id"] == settings.OPEN_DATA_LICENSE_URL


def test_the_dcat_catalogue_names_every_published_data_set_with_what_portals_need(client, published):
    response = client.get(reverse("opendata:catalog"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    catalog = json.loads(response.content)
    assert catalog["@type"] == "dcat:Catalog"
    assert catalog["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert catalog["@context"]["dct"] == "http://purl.org/dc/terms/"
    entries = {entry["dct:identifier"]: entry for entry in catalog["dcat:dataset"]}
    assert (
        set(entries)
        == {dataset.slug for dataset in datasets()}
        >= {APPLICATIONS.slug, REPORTS.slug, IKM.slug}
    )
    entry = entries[APPLICATIONS.slug]
    for key in (
        "dct:title", "dct:description", "dct:publisher", "dct:license", "dct:temporal", "dct:spatial",
        "dct:accrualPeriodicity", "dcat:keyword", "dct:modified", "dcat:distribution",
    ):  # fmt: skip
        assert entry[key], key
    assert {"@language": "id", "@value": "Permohonan layanan per bulan"} in entry["dct:title"]
    assert entry["dct:temporal"]["dcat:startDate"]["@value"] == "2026-03-01"
    assert entry["dct:spatial"]["dct:identifier"] == "18.03"
    assert entry["dct:accrualPeriodicity"]["@id"] == "http://purl.org/cld/freq/monthly"
    kinds = {d["dcat:mediaType"]["@id"]: d["dcat:downloadURL"]["@id"] for d in entry["dcat:distribution"]}
    assert kinds == {
        "https://www.iana.org/assignments/media-types/text/csv": f"http://testserver/data/{APPLICATIONS.slug}.csv",
        "https://www.iana.org/assignments/media-types/application/json": (
            f"http://testserver/data/{APPLICATIONS.slug}.json"
        ),
    }
    for url in kinds.values():  # each download address answers
        assert client.get(url.removeprefix("http://testserver")).status_code == 200


def test_every_persona_may_read_and_nobody_needs_to_sign_in(client, cast, published):
    for person in (None, cast.siti, cast.budi, cast.bupati):
        if person is not None:
            sign_in(client, person)
        assert client.get(reverse("opendata:list")).status_code == 200
        assert _download(client, IKM.slug, "json").status_code == 200
    assert Snapshot.objects.count() == len(datasets())


def test_an_english_reader_gets_english_metadata(client, published):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("opendata:detail", kwargs={"slug": APPLICATIONS.slug})).content.decode()
    assert "Last updated" in html
    assert "Permohonan layanan per bulan" not in html


def test_the_transparency_page_and_the_footer_link_to_the_open_data(client, db):
    html = client.get(reverse("monitoring:transparency")).content.decode()
    assert html.count(f'href="{reverse("opendata:list")}"') == 2  # the page and the footer


def test_the_pages_and_downloads_only_read(client, published):
    before = list(Snapshot.objects.values_list("slug", "digest", "updated_at"))
    for url in (
        reverse("opendata:list"),
        reverse("opendata:catalog"),
        reverse("opendata:detail", kwargs={"slug": APPLICATIONS.slug}),
        reverse("opendata:download", kwargs={"slug": APPLICATIONS.slug, "fmt": "csv"}),
    ):
        assert client.post(url).status_code == 405, url
        assert client.head(url).status_code == 200, url
    assert list(Snapshot.objects.values_list("slug", "digest", "updated_at")) == before


def test_a_cached_page_shows_the_new_copy_as_soon_as_the_refresh_saved_it(client, cast, published):
    url = reverse("opendata:detail", kwargs={"slug": APPLICATIONS.slug})
    assert "3 baris." in client.get(url).content.decode()
    assert any("pagecache:opendata:detail:" in str(key) for key in cache._cache)  # type: ignore[attr-defined]
    assert "3 baris." in client.get(url).content.decode()  # served from the page cache
    builders.application_month(
        month=date(2026, 4, 1),
        service=published,
        office=cast.world.disdukcapil,
        kecamatan=KOTABUMI,
        received=8,
    )
    services.snapshots_refresh()
    assert "4 baris." in client.get(url).content.decode()


def test_a_download_costs_two_queries_and_the_catalogues_one(client, published, django_assert_num_queries):
    with django_assert_num_queries(2):  # the validators' stamp, then the text
        assert _download(client, APPLICATIONS.slug, "json").status_code == 200
    with django_assert_num_queries(1):  # every copy, without the downloads' text
        assert client.get(reverse("opendata:list")).status_code == 200
    with django_assert_num_queries(1):  # every copy, without the downloads' text
        assert client.get(reverse("opendata:catalog")).status_code == 200
