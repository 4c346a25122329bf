"""offices_seed: the OPD list from data/agencies.csv and one office per kecamatan and desa/kelurahan."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from layanan.agencies.models import Office
from layanan.agencies.services import DataFileError, OfficeSeedError, agencies_csv_default, offices_seed
from layanan.regions.models import Region
from layanan.regions.tests.builders import load, write_csv
from layanan.testing import World

AGENCIES = {
    "disdukcapil": ("Dinas Kependudukan dan Pencatatan Sipil", "Disdukcapil"),
    "dpmptsp": ("Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", "DPMPTSP"),
    "dinsos": ("Dinas Sosial", "Dinsos"),
    "dinas-pupr": ("Dinas Pekerjaan Umum dan Penataan Ruang", "Dinas PUPR"),
    "dinkes": ("Dinas Kesehatan", "Dinkes"),
    "disdik": ("Dinas Pendidikan", "Disdik"),
    "dlh": ("Dinas Lingkungan Hidup", "DLH"),
    "diskominfo": ("Dinas Komunikasi dan Informatika", "Diskominfo"),
    "inspektorat": ("Inspektorat Daerah", "Inspektorat"),
}


def seed(agencies_csv: Path | None = None) -> object:
    return offices_seed(regency_code="18.03", agencies_csv=agencies_csv or agencies_csv_default())


def office_rows() -> list[tuple[object, ...]]:
    return list(
        Office.objects.order_by("code").values_list("code", "name", "short_name", "kind", "region_id")
    )


def test_the_agencies_file_lists_the_nine_opd_with_official_and_short_names() -> None:
    with agencies_csv_default().open(encoding="utf-8", newline="") as handle:
        rows = {row["code"]: (row["name"], row["short_name"]) for row in csv.DictReader(handle)}

    assert rows == AGENCIES


@pytest.mark.django_db
def test_it_creates_the_nine_agencies_and_one_office_per_kecamatan_and_desa_each_tied_to_its_region() -> None:
    load()

    report = offices_seed(regency_code="18.03", agencies_csv=agencies_csv_default())

    assert (report.created, report.updated, report.unchanged) == (279, 0, 0)
    K = Office.Kind
    agencies = Office.objects.filter(kind=K.AGENCY)
    assert {o.code: (o.name, o.short_name) for o in agencies} == AGENCIES
    assert set(agencies.values_list("region_id", flat=True)) == {"18.03"}
    districts = Office.objects.filter(kind=K.DISTRICT).select_related("region")
    villages = Office.objects.filter(kind=K.VILLAGE).select_related("region")
    assert districts.count() == 23
    assert villages.count() == 247
    for office in districts:
        assert office.region.level == Region.Level.DISTRICT
        assert office.code == "kec-" + office.region.code.replace(".", "-")
        assert office.name == f"Kantor Camat {office.region.name}"
    prefixes = {"desa": "Kantor Desa", "kelurahan": "Kantor Kelurahan"}
    for office in villages:
        assert office.region.level == Region.Level.VILLAGE
        assert office.code == "desa-" + office.region.code.replace(".", "-")
        assert office.name == f"{prefixes[office.region.village_type]} {office.region.name}"
    assert Office.objects.get(code="kec-18-03-02").name == "Kantor Camat Kotabumi"
    assert Office.objects.get(code="desa-18-03-02-1005").name == "Kantor Kelurahan Kotabumi Pasar"
    assert Office.objects.get(code="desa-18-03-04-2009").name == "Kantor Desa Tanjung Raja"
    assert villages.filter(name__startswith="Kantor Kelurahan ").count() == 15


@pytest.mark.django_db
def test_seeding_twice_changes_nothing_and_keeps_what_an_administrator_entered() -> None:
    load()
    seed()
    Office.objects.filter(code="dinkes").update(address="Jl. Jenderal Sudirman, Kotabumi", is_active=False)
    before = office_rows()

    report = offices_seed(regency_code="18.03", agencies_csv=agencies_csv_default())

    assert (report.created, report.updated, report.unchanged) == (0, 0, 279)
    assert office_rows() == before
    dinkes = Office.objects.get(code="dinkes")
    assert (dinkes.address, dinkes.is_active) == ("Jl. Jenderal Sudirman, Kotabumi", False)


@pytest.mark.django_db
def test_it_adopts_the_offices_of_the_test_world_and_follows_a_renamed_region(world: World) -> None:
    kept = {o.code: o.pk for o in Office.objects.all()}
    Region.objects.filter(code="18.03.04").update(name="Tanjung Raja Baru")

    report = offices_seed(regency_code="18.03", agencies_csv=agencies_csv_default())

    # The world's two OPD lack short names; kec-18-03-04 follows the rename.
    assert sorted(report.updated_codes) == ["dinas-pupr", "disdukcapil", "kec-18-03-04"]
    assert {o.code: o.pk for o in Office.objects.filter(code__in=kept)} == kept
    assert Office.objects.get(code="kec-18-03-04").name == "Kantor Camat Tanjung Raja Baru"
    assert Office.objects.get(code="desa-18-03-02-1005").name == "Kantor Kelurahan Kotabumi Pasar"
    assert Office.objects.count() == 9 + 2 + 2


@pytest.mark.django_db
def test_it_refuses_to_seed_before_the_regency_is_loaded() -> None:
    with pytest.raises(OfficeSeedError, match=r"kabupaten/kota 18\.03 belum ada; jalankan load_regions"):
        seed()

    assert not Office.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "message"),
    [
        pytest.param(
            "Dinkes,Dinas Kesehatan,Dinkes", "kode kantor 'Dinkes' harus huruf kecil", id="bad-code"
        ),
        pytest.param("kec-18-03-02,Kantor Camat,", "awalan kec- atau desa-", id="reserved-prefix"),
        pytest.param("dinsos,Dinas Sosial,Dinsos", "kode dinsos sudah ada di baris 2", id="duplicate"),
        pytest.param("dinkes,,Dinkes", "nama kosong", id="empty-name"),
        pytest.param("dinkes,Dinas Kesehatan," + "D" * 41, "singkatan lebih dari 40", id="long-short-name"),
    ],
)
def test_a_bad_agencies_row_is_refused_naming_the_line_and_nothing_is_written(
    world: World, tmp_path: Path, row: str, message: str
) -> None:
    before = office_rows()
    path = write_csv(tmp_path / "agencies.csv", "code,name,short_name", ["dinsos,Dinas Sosial,Dinsos", row])

    with pytest.raises(DataFileError) as refused:
        seed(path)

    assert refused.value.line == 3
    assert "agencies.csv baris 3: " in str(refused.value)
    assert message in str(refused.value)
    assert office_rows() == before


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_the_seed_back(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    before = office_rows()

    def failing_audit(**kwargs: object) -> None:
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr("layanan.agencies.services.audit_record", failing_audit)

    with pytest.raises(RuntimeError, match="audit unavailable"):
        seed()

    assert office_rows() == before
