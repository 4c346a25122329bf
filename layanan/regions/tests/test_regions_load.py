"""regions_load: the real Lampung Utara files, idempotency, renames, refusals, another regency."""

from __future__ import annotations

from pathlib import Path

import pytest

from layanan.regions.models import Region
from layanan.regions.services import DataFileError
from layanan.regions.tests.builders import REAL, csv_dicts, edited_copy, load, metro_files, snapshot

KELURAHAN_OF_LAMPUNG_UTARA = {  # domain.md 1.3
    "18.03.01.1001": "Bukit Kemuning",
    "18.03.02.1001": "Kotabumi Udik",
    "18.03.02.1002": "Cempedak",
    "18.03.02.1003": "Rejosari",
    "18.03.02.1004": "Kotabumi Tengah",
    "18.03.02.1005": "Kotabumi Pasar",
    "18.03.02.1006": "Kotabumi Ilir",
    "18.03.02.1007": "Sindang Sari",
    "18.03.02.1008": "Sribasuki",
    "18.03.02.1009": "Kota Gapura",
    "18.03.10.1001": "Kelapa Tujuh",
    "18.03.10.1002": "Tanjung Aman",
    "18.03.10.1003": "Kota Alam",
    "18.03.10.1011": "Tanjung Harapan",
    "18.03.10.1012": "Tanjung Senang",
}


@pytest.mark.django_db
def test_it_loads_23_kecamatan_and_247_desa_and_kelurahan_of_lampung_utara() -> None:
    report = load()

    villages = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="18.03.")
    assert Region.objects.filter(level=Region.Level.DISTRICT, parent_id="18.03").count() == 23
    assert villages.count() == 247
    assert villages.filter(village_type=Region.VillageType.DESA).count() == 232
    assert (
        dict(villages.filter(village_type=Region.VillageType.KELURAHAN).values_list("code", "name"))
        == KELURAHAN_OF_LAMPUNG_UTARA
    )
    assert Region.objects.filter(level=Region.Level.REGENCY, parent_id="18").count() == 15
    assert Region.objects.get(code="18").name == "Lampung"
    tanjung_raja = Region.objects.get(code="18.03.04")
    assert tanjung_raja.name == "Tanjung Raja"
    assert tanjung_raja.children.count() == 19
    assert Region.objects.get(code="18.03.04.2009").name == "Tanjung Raja"
    assert Region.objects.get(code="18.03.23").name == "Blambangan Pagar"
    assert (report.created, report.updated, report.unchanged) == (286, 0, 0)
    assert {level: counts.created for level, counts in report.levels.items()} == {
        "provinsi": 1,
        "kabupaten": 15,
        "kecamatan": 23,
        "desa": 247,
    }


@pytest.mark.django_db
def test_every_code_in_the_database_is_a_code_of_the_csv_files_with_its_row_values() -> None:
    load()

    kabkota = csv_dicts(REAL.kabkota)
    kecamatan = csv_dicts(REAL.kecamatan)
    desa = csv_dicts(REAL.desa)
    csv_codes = (
        {"18"} | {r["code"] for r in kabkota} | {r["code"] for r in kecamatan} | {r["code"] for r in desa}
    )
    assert set(Region.objects.values_list("code", flat=True)) == csv_codes
    stored = {r.code: r for r in Region.objects.all()}
    for row in kabkota:
        assert (stored[row["code"]].name, stored[row["code"]].parent_id) == (row["name"], "18")
    for row in kecamatan:
        assert (stored[row["code"]].name, stored[row["code"]].parent_id) == (row["name"], "18.03")
    for row in desa:
        region = stored[row["code"]]
        assert (region.name, region.parent_id, region.village_type, region.postal_code) == (
            row["name"],
            row["kecamatan_code"],
            row["type"],
            row["kodepos"],
        )


@pytest.mark.django_db
def test_loading_twice_changes_nothing_and_reports_every_row_unchanged() -> None:
    load()
    before = snapshot()

    report = load()

    assert (report.created, report.updated, report.unchanged) == (0, 0, 286)
    assert report.updated_codes == []
    assert snapshot() == before


@pytest.mark.django_db
def test_a_renamed_row_is_updated_in_place(tmp_path: Path) -> None:
    load()
    renamed = edited_copy(
        tmp_path, edits={("desa", 42): "18.03.04.2009,Tanjung Raja Baru,18.03.04,desa,Tanjung Raja,34557"}
    )

    report = load(renamed)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 285)
    assert report.updated_codes == ["18.03.04.2009"]
    assert Region.objects.get(code="18.03.04.2009").name == "Tanjung Raja Baru"
    assert Region.objects.count() == 286


BAD_ROWS = [
    pytest.param(
        ("desa", 3),
        "18.03.01.202,Tanjung Baru,18.03.01,desa,Bukit Kemuning,34564",
        "tidak berformat PP.KK.CC.NNNN",
        id="malformed-village-code",
    ),
    pytest.param(
        ("desa", 3),
        "18.03.05.2002,Tanjung Baru,18.03.01,desa,Bukit Kemuning,34564",
        "tidak diawali kode kecamatannya 18.03.01",
        id="village-under-the-wrong-kecamatan",
    ),
    pytest.param(
        ("desa", 3),
        "18.03.01.2002,Tanjung Baru,18.03.99,desa,Bukit Kemuning,34564",
        "kecamatan '18.03.99' tidak ada di berkas kecamatan",
        id="unknown-kecamatan",
    ),
    pytest.param(
        ("desa", 3),
        "18.03.01.2002,Tanjung Baru,18.03.01,kelurahan,Bukit Kemuning,34564",
        "jenis kelurahan tidak sesuai dengan kode 18.03.01.2002",
        id="type-disagrees-with-code",
    ),
    pytest.param(
        ("desa", 2),
        "18.03.01.1001,Bukit Kemuning,18.03.01,desa,Bukit Kemuning,34564",
        "jenis desa tidak sesuai dengan kode 18.03.01.1001",
        id="kelurahan-code-typed-desa",
    ),
    pytest.param(
        ("desa", 3),
        "18.03.01.2002,Tanjung Baru,18.03.01,dusun,Bukit Kemuning,34564",
        "jenis 'dusun' bukan kelurahan, desa atau desa_adat",
        id="unknown-type",
    ),
    pytest.param(
        ("desa", 4),
        "18.03.01.2002,Suka Menanti,18.03.01,desa,Bukit Kemuning,34564",
        "kode 18.03.01.2002 sudah ada di baris 3",
        id="duplicate-code",
    ),
    pytest.param(
        ("desa", 3),
        "18.03.01.2002,Tanjung Baru,18.03.01,desa,Bukit Kemuning,3456",
        "kode pos '3456' bukan 5 angka",
        id="bad-postal-code",
    ),
    pytest.param(
        ("desa", 3),
        "18.03.01.2002,,18.03.01,desa,Bukit Kemuning,34564",
        "nama kosong",
        id="empty-name",
    ),
    pytest.param(
        ("kecamatan", 5),
        "18.03.04,Tanjung Raja,18,0",
        "kecamatan 18.03.04 mencatat 18 desa dan 0 kelurahan, tetapi berkas desa memuat 19 desa",
        id="kecamatan-count-mismatch",
    ),
    pytest.param(
        ("kecamatan", 2),
        "18.04.01,Bukit Kemuning,7,1",
        "kecamatan 18.04.01 bukan bagian dari kabupaten/kota 18.03",
        id="kecamatan-of-another-regency",
    ),
    pytest.param(
        ("kabkota", 4),
        "18.03,Kabupaten Lampung Utara,23,15,231",
        "18.03 mencatat 23 kecamatan, 15 kelurahan dan 231 desa",
        id="regency-count-mismatch",
    ),
    pytest.param(
        ("kabkota", 3),
        "18.2,Kabupaten Lampung Tengah,28,10,301",
        "tidak berformat PP.KK",
        id="malformed-regency-code",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("where", "line", "message"), BAD_ROWS)
def test_a_bad_row_stops_the_load_naming_file_and_line_and_writes_nothing(
    tmp_path: Path, where: tuple[str, int], line: str, message: str
) -> None:
    load(metro_files(tmp_path), regency_code="18.72")
    before = snapshot()
    # The same files also rename a desa, which must not be written either.
    files = edited_copy(
        tmp_path,
        edits={
            where: line,
            ("desa", 52): "18.03.04.2019,Priangan Lama,18.03.04,desa,Tanjung Raja,34557",
        },
    )

    with pytest.raises(DataFileError) as refused:
        load(files)

    kind, number = where
    path = getattr(files, kind)
    assert refused.value.path == path
    assert refused.value.line == number
    assert f"{path.name} baris {number}: " in str(refused.value)
    assert message in str(refused.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_a_file_missing_a_required_column_is_refused_at_line_1(tmp_path: Path) -> None:
    files = edited_copy(tmp_path, edits={("desa", 1): "code,name,kecamatan_code,kecamatan_name,kodepos"})

    with pytest.raises(DataFileError, match=r"lampung_utara_desa\.csv baris 1: kolom wajib tidak ada: type"):
        load(files)

    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_a_regency_absent_from_the_kabkota_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match=r"kabupaten/kota 18\.14 tidak ada di berkas ini"):
        load(edited_copy(tmp_path), regency_code="18.14")

    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_a_failure_while_writing_rolls_the_whole_load_back(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing_audit(**kwargs: object) -> None:
        raise RuntimeError("audit unavailable")

    monkeypatch.setattr("layanan.regions.services.audit_record", failing_audit)

    with pytest.raises(RuntimeError, match="audit unavailable"):
        load()

    assert Region.objects.count() == 0


@pytest.mark.django_db
def test_another_regency_loads_from_files_of_the_same_shape_without_touching_lampung_utara(
    tmp_path: Path,
) -> None:
    load()
    before = snapshot()

    report = load(metro_files(tmp_path), regency_code="18.72")

    # The province and the Kota Metro row already exist (from the Lampung file) and are unchanged.
    assert (report.created, report.updated, report.unchanged) == (7, 0, 2)
    assert Region.objects.filter(level=Region.Level.DISTRICT, parent_id="18.72").count() == 2
    metro_villages = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="18.72.")
    assert set(metro_villages.values_list("village_type", flat=True)) == {Region.VillageType.KELURAHAN}
    assert metro_villages.count() == 5
    assert Region.objects.get(code="18.72.01.1003").postal_code == ""
    after = [row for row in snapshot() if not row[0].startswith("18.72.")]
    assert after == before
    assert Region.objects.filter(code__startswith="18.03.").count() == 270


@pytest.mark.django_db
def test_a_region_the_files_no_longer_list_is_kept_and_reported(tmp_path: Path) -> None:
    files = metro_files(tmp_path)
    load(files, regency_code="18.72")
    Region.objects.create(
        code="18.72.03", name="Kecamatan Lama", level=Region.Level.DISTRICT, parent_id="18.72"
    )

    report = load(files, regency_code="18.72")

    assert report.not_in_files == ["18.72.03"]
    assert (report.created, report.updated) == (0, 0)
    assert Region.objects.filter(code="18.72.03").exists()
