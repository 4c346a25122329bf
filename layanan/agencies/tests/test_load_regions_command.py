"""manage.py load_regions: default files, explicit files, offices, refusals."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.core.management import CommandError, call_command

from layanan.agencies.models import Office
from layanan.regions.models import Region
from layanan.regions.tests.builders import REAL, metro_files, snapshot, write_csv


def run(*args: str) -> str:
    out = StringIO()
    call_command("load_regions", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_it_loads_the_regency_of_the_settings_with_its_offices_and_a_second_run_changes_nothing() -> None:
    first = run()

    assert "Wilayah 18.03: 286 (provinsi 1, kabupaten 15, kecamatan 23, desa 247): 286 dibuat" in first
    assert "Kantor 18.03: 279 (opd 9, kecamatan 23, desa 247): 279 dibuat" in first
    assert Region.objects.count() == 286
    assert Office.objects.count() == 279

    second = run()

    assert "0 dibuat, 0 diperbarui, 286 tidak berubah." in second
    assert "0 dibuat, 0 diperbarui, 279 tidak berubah." in second
    assert Region.objects.count() == 286
    assert Office.objects.count() == 279


@pytest.mark.django_db
def test_explicit_files_load_another_regency_and_no_offices_skips_the_offices(tmp_path: Path) -> None:
    files = metro_files(tmp_path)

    out = run(
        "--regency=18.72",
        f"--kabkota={files.kabkota}",
        f"--kecamatan={files.kecamatan}",
        f"--desa={files.desa}",
        "--no-offices",
    )

    assert "Wilayah 18.72: 9 " in out
    assert "Kantor" not in out
    assert Region.objects.filter(code__startswith="18.72.").count() == 7
    assert not Office.objects.exists()


@pytest.mark.django_db
def test_it_finds_the_files_of_the_configured_regency_among_others_in_the_data_folder(
    tmp_path: Path, settings: LazySettings
) -> None:
    metro = metro_files(tmp_path)
    folder = tmp_path / "data" / "wilayah"
    folder.mkdir(parents=True)
    for path in (metro.kabkota, metro.kecamatan, metro.desa, REAL.kecamatan, REAL.desa):
        shutil.copyfile(path, folder / path.name)
    write_csv(tmp_path / "data" / "agencies.csv", "code,name,short_name", ["dinkes,Dinas Kesehatan,Dinkes"])
    settings.REGION_DATA_DIR = folder
    settings.REGENCY = {**settings.REGENCY, "code": "18.72"}

    out = run("--province-name=Lampung")

    assert "Wilayah 18.72: 9 " in out
    assert "Kantor 18.72: 8 (opd 1, kecamatan 2, desa 5)" in out
    assert not Region.objects.filter(code__startswith="18.03").exists()
    assert Office.objects.get(code="dinkes").region_id == "18.72"


@pytest.mark.django_db
def test_a_bad_row_fails_the_command_with_file_and_line_and_loads_nothing(tmp_path: Path) -> None:
    files = metro_files(tmp_path)
    write_csv(
        files.desa,
        "code,name,kecamatan_code,type,kecamatan_name,kodepos",
        ["18.72.01.2001,Kelurahan Uji Satu,18.72.01,kelurahan,Metro Uji Barat,34111"],
    )

    with pytest.raises(CommandError, match=r"metro_desa\.csv baris 2: jenis kelurahan tidak sesuai"):
        run(
            "--regency=18.72",
            f"--kabkota={files.kabkota}",
            f"--kecamatan={files.kecamatan}",
            f"--desa={files.desa}",
        )

    assert not Region.objects.exists()


@pytest.mark.django_db
def test_a_bad_agencies_file_leaves_the_regions_unloaded_too(tmp_path: Path) -> None:
    files = metro_files(tmp_path)
    agencies = write_csv(tmp_path / "agencies.csv", "code,name,short_name", ["Dinas Kesehatan,Dinkes,"])

    with pytest.raises(CommandError, match=r"agencies\.csv baris 2: kode kantor 'Dinas Kesehatan'"):
        run(
            "--regency=18.72",
            f"--kabkota={files.kabkota}",
            f"--kecamatan={files.kecamatan}",
            f"--desa={files.desa}",
            f"--agencies={agencies}",
        )

    assert snapshot() == []
    assert not Office.objects.exists()


@pytest.mark.django_db
def test_it_refuses_when_the_data_folder_has_no_files_for_the_regency(
    tmp_path: Path, settings: LazySettings
) -> None:
    settings.REGION_DATA_DIR = tmp_path

    with pytest.raises(CommandError, match=r"tidak ada tepat satu berkas \*_kabkota\.csv untuk 18\.03"):
        run()

    assert not Region.objects.exists()
