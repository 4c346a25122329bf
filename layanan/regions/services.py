"""Writes for regions: loading Kemendagri codes from the project's CSV copy.

Codes are never generated. Every row's code is taken as written, checked
(format, parent prefix, village type against the code's leading digit, the
counts the kecamatan and kabupaten files declare), and only when all three
files are good is anything written, in one transaction. Loading again changes
nothing; a renamed row is updated; nothing is deleted.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from layanan.audit.services import audit_record
from layanan.regions.csvfiles import CsvRow, DataFileError, csv_rows
from layanan.regions.models import Region

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

__all__ = [
    "Counts",
    "DataFileError",
    "LoadReport",
    "RegionFiles",
    "region_files_find",
    "regions_load",
]

REGENCY_CODE = re.compile(r"^[0-9]{2}\.[0-9]{2}$")
DISTRICT_CODE = re.compile(r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}$")
VILLAGE_CODE = re.compile(r"^[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}$")
POSTAL_CODE = re.compile(r"^[0-9]{5}$")
NAME_MAX = Region._meta.get_field("name").max_length or 120

# Permendagri 58/2021: the first digit of the 4-digit village part.
VILLAGE_TYPE_BY_DIGIT = {
    "1": Region.VillageType.KELURAHAN,
    "2": Region.VillageType.DESA,
    "3": Region.VillageType.DESA_ADAT,
}
LEVEL_ORDER = (Region.Level.PROVINCE, Region.Level.REGENCY, Region.Level.DISTRICT, Region.Level.VILLAGE)
COMPARED_FIELDS = ("name", "level", "village_type", "parent_id", "postal_code")


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class LoadReport:
    regency_code: str
    levels: dict[str, Counts] = field(default_factory=lambda: {level: Counts() for level in LEVEL_ORDER})
    updated_codes: list[str] = field(default_factory=list)
    # Codes under the regency that are in the database but no longer in the files.
    # They are kept (people and offices point at them) and reported.
    not_in_files: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.levels.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.levels.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.levels.values())

    @property
    def total(self) -> int:
        return sum(c.total for c in self.levels.values())


@dataclass(frozen=True)
class RegionFiles:
    kabkota: Path
    kecamatan: Path
    desa: Path


@dataclass(frozen=True)
class _Row:
    code: str
    name: str
    level: str
    parent_code: str | None
    village_type: str = ""
    postal_code: str = ""


def _zero_part(code: str) -> bool:
    return any(set(part) == {"0"} for part in code.split("."))


def _name(row: CsvRow) -> str:
    name = " ".join(row["name"].split())
    if not name:
        raise row.error(_("nama kosong"))
    if len(name) > NAME_MAX:
        raise row.error(_("nama lebih dari %(max)d karakter") % {"max": NAME_MAX})
    return name


def _count(row: CsvRow, column: str) -> int:
    value = row[column]
    if not value.isascii() or not value.isdigit():
        raise row.error(
            _("kolom %(column)s harus bilangan bulat, bukan %(value)r") % {"column": column, "value": value}
        )
    return int(value)


def _check_unique(row: CsvRow, code: str, seen: dict[str, int]) -> None:
    if code in seen:
        raise row.error(_("kode %(code)s sudah ada di baris %(line)d") % {"code": code, "line": seen[code]})
    seen[code] = row.line


@dataclass
class _Parsed:
    rows: list[_Row]
    regency_row: CsvRow
    regency_counts: dict[str, int] | None
    district_rows: dict[str, CsvRow]
    district_counts: dict[str, tuple[int, int]]
    district_names: dict[str, str]
    villages_by_district: dict[str, Counter[str]]


def _parse_kabkota(path: Path, regency_code: str, province_name: str, parsed: _Parsed) -> None:
    rows = csv_rows(path, required=("code", "name"))
    count_columns = ("kecamatan_count", "kelurahan_count", "desa_count")
    has_counts = all(column in rows[0].values for column in count_columns)
    province_code = rows[0]["code"][:2]
    seen: dict[str, int] = {}
    regencies: list[_Row] = []
    for row in rows:
        code = row["code"]
        if not REGENCY_CODE.match(code) or _zero_part(code):
            raise row.error(_("kode kabupaten/kota %(code)r tidak berformat PP.KK") % {"code": code})
        if code[:2] != province_code:
            raise row.error(
                _("kode %(code)s bukan di provinsi %(province)s seperti baris sebelumnya")
                % {"code": code, "province": province_code}
            )
        _check_unique(row, code, seen)
        name = _name(row)
        counts = {column: _count(row, column) for column in count_columns} if has_counts else None
        if code == regency_code:
            parsed.regency_row = row
            parsed.regency_counts = counts
        regencies.append(_Row(code, name, Region.Level.REGENCY, province_code))
    if regency_code not in seen:
        raise DataFileError(
            path, None, _("kabupaten/kota %(code)s tidak ada di berkas ini") % {"code": regency_code}
        )
    province = " ".join(province_name.split())
    if not province or len(province) > NAME_MAX:
        raise DataFileError(path, None, _("nama provinsi kosong atau terlalu panjang"))
    parsed.rows.append(_Row(province_code, province, Region.Level.PROVINCE, None))
    parsed.rows.extend(regencies)


def _parse_kecamatan(path: Path, regency_code: str, parsed: _Parsed) -> None:
    rows = csv_rows(path, required=("code", "name", "desa_count", "kelurahan_count"))
    seen: dict[str, int] = {}
    for row in rows:
        code = row["code"]
        if not DISTRICT_CODE.match(code) or _zero_part(code):
            raise row.error(_("kode kecamatan %(code)r tidak berformat PP.KK.CC") % {"code": code})
        if not code.startswith(regency_code + "."):
            raise row.error(
                _("kecamatan %(code)s bukan bagian dari kabupaten/kota %(regency)s")
                % {"code": code, "regency": regency_code}
            )
        _check_unique(row, code, seen)
        name = _name(row)
        parsed.district_counts[code] = (_count(row, "desa_count"), _count(row, "kelurahan_count"))
        parsed.district_rows[code] = row
        parsed.district_names[code] = name
        parsed.villages_by_district[code] = Counter()
        parsed.rows.append(_Row(code, name, Region.Level.DISTRICT, regency_code))


def _parse_desa(path: Path, parsed: _Parsed) -> None:
    rows = csv_rows(path, required=("code", "name", "kecamatan_code", "type"))
    seen: dict[str, int] = {}
    for row in rows:
        code = row["code"]
        district = row["kecamatan_code"]
        if not VILLAGE_CODE.match(code) or _zero_part(code):
            raise row.error(_("kode desa/kelurahan %(code)r tidak berformat PP.KK.CC.NNNN") % {"code": code})
        if district not in parsed.district_names:
            raise row.error(
                _("kecamatan %(district)r tidak ada di berkas kecamatan") % {"district": district}
            )
        if not code.startswith(district + "."):
            raise row.error(
                _("kode %(code)s tidak diawali kode kecamatannya %(district)s")
                % {"code": code, "district": district}
            )
        village_type = row["type"]
        if village_type not in VILLAGE_TYPE_BY_DIGIT.values():
            raise row.error(_("jenis %(type)r bukan kelurahan, desa atau desa_adat") % {"type": village_type})
        expected_type = VILLAGE_TYPE_BY_DIGIT.get(code[-4])
        if village_type != expected_type:
            raise row.error(
                _(
                    "jenis %(type)s tidak sesuai dengan kode %(code)s "
                    "(angka pertama 1 = kelurahan, 2 = desa, 3 = desa_adat)"
                )
                % {"type": village_type, "code": code}
            )
        district_name = " ".join(row["kecamatan_name"].split())
        if district_name and district_name != parsed.district_names[district]:
            raise row.error(
                _("nama kecamatan %(given)r berbeda dengan berkas kecamatan (%(name)r)")
                % {"given": district_name, "name": parsed.district_names[district]}
            )
        postal_code = row["kodepos"]
        if postal_code and not POSTAL_CODE.match(postal_code):
            raise row.error(_("kode pos %(code)r bukan 5 angka") % {"code": postal_code})
        _check_unique(row, code, seen)
        name = _name(row)
        parsed.villages_by_district[district][village_type] += 1
        parsed.rows.append(_Row(code, name, Region.Level.VILLAGE, district, village_type, postal_code))


def _check_counts(regency_code: str, parsed: _Parsed) -> None:
    K = Region.VillageType
    totals: Counter[str] = Counter()
    for district, (desa_count, kelurahan_count) in parsed.district_counts.items():
        found = parsed.villages_by_district[district]
        found_desa = found[K.DESA] + found[K.DESA_ADAT]
        totals.update(found)
        if (found_desa, found[K.KELURAHAN]) != (desa_count, kelurahan_count):
            raise parsed.district_rows[district].error(
                _(
                    "kecamatan %(code)s mencatat %(desa)d desa dan %(kel)d kelurahan, "
                    "tetapi berkas desa memuat %(found_desa)d desa dan %(found_kel)d kelurahan"
                )
                % {
                    "code": district,
                    "desa": desa_count,
                    "kel": kelurahan_count,
                    "found_desa": found_desa,
                    "found_kel": found[K.KELURAHAN],
                }
            )
    counts = parsed.regency_counts
    if counts is None:
        return
    found_counts = {
        "kecamatan_count": len(parsed.district_counts),
        "kelurahan_count": totals[K.KELURAHAN],
        "desa_count": totals[K.DESA] + totals[K.DESA_ADAT],
    }
    if counts != found_counts:
        raise parsed.regency_row.error(
            _(
                "%(code)s mencatat %(kec)d kecamatan, %(kel)d kelurahan dan %(desa)d desa, "
                "tetapi berkas kecamatan dan desa memuat %(found_kec)d, %(found_kel)d dan %(found_desa)d"
            )
            % {
                "code": regency_code,
                "kec": counts["kecamatan_count"],
                "kel": counts["kelurahan_count"],
                "desa": counts["desa_count"],
                "found_kec": found_counts["kecamatan_count"],
                "found_kel": found_counts["kelurahan_count"],
                "found_desa": found_counts["desa_count"],
            }
        )


def _parse(
    *, kabkota_csv: Path, kecamatan_csv: Path, desa_csv: Path, regency_code: str, province_name: str
) -> list[_Row]:
    if not REGENCY_CODE.match(regency_code):
        raise DataFileError(
            kabkota_csv,
            None,
            _("kode kabupaten/kota %(code)r tidak berformat PP.KK") % {"code": regency_code},
        )
    parsed = _Parsed(
        rows=[],
        regency_row=CsvRow(kabkota_csv, 0, {}),
        regency_counts=None,
        district_rows={},
        district_counts={},
        district_names={},
        villages_by_district={},
    )
    _parse_kabkota(kabkota_csv, regency_code, province_name, parsed)
    _parse_kecamatan(kecamatan_csv, regency_code, parsed)
    _parse_desa(desa_csv, parsed)
    _check_counts(regency_code, parsed)
    return parsed.rows


def regions_load(
    *,
    kabkota_csv: Path,
    kecamatan_csv: Path,
    desa_csv: Path,
    regency_code: str,
    province_name: str = "Lampung",
    actor: AbstractBaseUser | None = None,
) -> LoadReport:
    """Load the province, its kabupaten/kota, and one regency's kecamatan and desa/kelurahan.

    Raises :class:`DataFileError` (naming file and line) before writing
    anything when a row is bad.
    """
    rows = _parse(
        kabkota_csv=kabkota_csv,
        kecamatan_csv=kecamatan_csv,
        desa_csv=desa_csv,
        regency_code=regency_code,
        province_name=province_name,
    )
    report = LoadReport(regency_code=regency_code)
    file_codes = {row.code for row in rows}
    with transaction.atomic():
        existing = Region.objects.select_for_update().in_bulk(list(file_codes))
        to_create: list[Region] = []
        to_update: list[Region] = []
        for row in rows:
            counts = report.levels[row.level]
            wanted = {
                "name": row.name,
                "level": row.level,
                "village_type": row.village_type,
                "parent_id": row.parent_code,
                "postal_code": row.postal_code,
            }
            region = existing.get(row.code)
            if region is None:
                to_create.append(Region(code=row.code, **wanted))
                counts.created += 1
            elif any(getattr(region, name) != wanted[name] for name in COMPARED_FIELDS):
                for name, value in wanted.items():
                    setattr(region, name, value)
                to_update.append(region)
                report.updated_codes.append(row.code)
                counts.updated += 1
            else:
                counts.unchanged += 1
        Region.objects.bulk_create(to_create, batch_size=500)
        Region.objects.bulk_update(to_update, fields=list(COMPARED_FIELDS), batch_size=500)
        in_database = Region.objects.filter(code__startswith=regency_code + ".").values_list(
            "code", flat=True
        )
        report.not_in_files = sorted(set(in_database) - file_codes)
        if to_create or to_update:
            audit_record(
                actor=actor,
                action="regions.load",
                obj=Region.objects.get(code=regency_code),
                details={
                    "regency": regency_code,
                    "files": [kabkota_csv.name, kecamatan_csv.name, desa_csv.name],
                    "created": report.created,
                    "updated": report.updated,
                    "updated_codes": report.updated_codes[:50],
                },
            )
    return report


def _file_mentions(path: Path, regency_code: str) -> bool:
    try:
        rows = csv_rows(path, required=("code",))
    except DataFileError:
        return False
    return any(row["code"] == regency_code or row["code"].startswith(regency_code + ".") for row in rows)


def region_files_find(*, data_dir: Path, regency_code: str) -> RegionFiles:
    """The ``*_kabkota.csv``, ``*_kecamatan.csv`` and ``*_desa.csv`` in ``data_dir`` for ``regency_code``.

    Of the files matching a pattern, the one that lists the regency (or its
    kecamatan/desa) is taken; none or more than one is an error.
    """
    found: dict[str, Path] = {}
    for kind in ("kabkota", "kecamatan", "desa"):
        candidates = [
            path for path in sorted(data_dir.glob(f"*_{kind}.csv")) if _file_mentions(path, regency_code)
        ]
        if len(candidates) != 1:
            raise DataFileError(
                data_dir,
                None,
                _(
                    "tidak ada tepat satu berkas *_%(kind)s.csv untuk %(code)s "
                    "(ditemukan %(count)d); sebutkan berkasnya dengan --%(kind)s"
                )
                % {"kind": kind, "code": regency_code, "count": len(candidates)},
            )
        found[kind] = candidates[0]
    return RegionFiles(kabkota=found["kabkota"], kecamatan=found["kecamatan"], desa=found["desa"])
