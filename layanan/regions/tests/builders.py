"""Builders for region-loading tests: the real CSV files, edited copies, and small invented trios."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from django.conf import settings

from layanan.regions.models import Region
from layanan.regions.services import LoadReport, RegionFiles, regions_load

DATA_DIR = Path(settings.BASE_DIR) / "data" / "wilayah"
REAL = RegionFiles(
    kabkota=DATA_DIR / "lampung_kabkota.csv",
    kecamatan=DATA_DIR / "lampung_utara_kecamatan.csv",
    desa=DATA_DIR / "lampung_utara_desa.csv",
)


def csv_dicts(path: Path) -> list[dict[str, str]]:
    """The rows of a CSV file, read independently of the loader."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load(files: RegionFiles = REAL, *, regency_code: str = "18.03") -> LoadReport:
    return regions_load(
        kabkota_csv=files.kabkota,
        kecamatan_csv=files.kecamatan,
        desa_csv=files.desa,
        regency_code=regency_code,
    )


def edited_copy(tmp_path: Path, *, edits: dict[tuple[str, int], str] | None = None) -> RegionFiles:
    """A copy of the real files in ``tmp_path`` with some lines replaced.

    ``edits`` maps (``"kabkota"``/``"kecamatan"``/``"desa"``, 1-based line) to the new line.
    """
    folder = tmp_path / "wilayah"
    folder.mkdir(exist_ok=True)
    copies = {}
    for kind in ("kabkota", "kecamatan", "desa"):
        source: Path = getattr(REAL, kind)
        target = folder / source.name
        shutil.copyfile(source, target)
        copies[kind] = target
    for (kind, line), text in (edits or {}).items():
        lines = copies[kind].read_text(encoding="utf-8").splitlines()
        lines[line - 1] = text
        copies[kind].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return RegionFiles(**copies)


def write_csv(path: Path, header: str, rows: list[str]) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def metro_files(tmp_path: Path) -> RegionFiles:
    """A small trio for 18.72 (Kota Metro).

    TEST DATA, NOT REAL: the kecamatan and kelurahan names below are invented and
    the codes only follow the real format; the counts are those of these files.
    """
    folder = tmp_path / "metro"
    folder.mkdir(exist_ok=True)
    return RegionFiles(
        kabkota=write_csv(
            folder / "metro_kabkota.csv",
            "code,name,kecamatan_count,kelurahan_count,desa_count",
            ["18.72,Kota Metro,2,5,0"],
        ),
        kecamatan=write_csv(
            folder / "metro_kecamatan.csv",
            "code,name,desa_count,kelurahan_count",
            ["18.72.01,Metro Uji Barat,0,3", "18.72.02,Metro Uji Timur,0,2"],
        ),
        desa=write_csv(
            folder / "metro_desa.csv",
            "code,name,kecamatan_code,type,kecamatan_name,kodepos",
            [
                "18.72.01.1001,Kelurahan Uji Satu,18.72.01,kelurahan,Metro Uji Barat,34111",
                "18.72.01.1002,Kelurahan Uji Dua,18.72.01,kelurahan,Metro Uji Barat,34111",
                "18.72.01.1003,Kelurahan Uji Tiga,18.72.01,kelurahan,Metro Uji Barat,",
                "18.72.02.1001,Kelurahan Uji Empat,18.72.02,kelurahan,Metro Uji Timur,34112",
                "18.72.02.1002,Kelurahan Uji Lima,18.72.02,kelurahan,Metro Uji Timur,34112",
            ],
        ),
    )


def snapshot() -> list[tuple[str, str, str, str, str | None, str]]:
    """Every region row, to compare the database before and after."""
    return list(
        Region.objects.order_by("code").values_list(
            "code", "name", "level", "village_type", "parent_id", "postal_code"
        )
    )
