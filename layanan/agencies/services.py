"""Writes for agencies: seeding the offices that serve the regency, and an office's letterhead.

The OPD list comes from a data file (``data/agencies.csv``: ``code,name,short_name``)
so another regency edits a file, not code. Kecamatan and desa/kelurahan offices
follow the regions already loaded: one office per kecamatan (``kec-18-03-02``,
"Kantor Camat Kotabumi") and one per desa/kelurahan (``desa-18-03-04-2009``,
"Kantor Desa Tanjung Raja" or "Kantor Kelurahan Kotabumi Pasar").

Seeding is idempotent by office code. It sets code, name, short name, kind and
region; the address, phone, email and active flag an administrator enters are
never touched.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from layanan.agencies.models import Office
from layanan.audit.services import audit_record
from layanan.regions.csvfiles import DataFileError, csv_rows
from layanan.regions.models import Region
from layanan.regions.services import Counts

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.http import HttpRequest

__all__ = [
    "LETTERHEAD_FIELDS",
    "DataFileError",
    "OfficeSeedError",
    "SeedReport",
    "agencies_csv_default",
    "district_office_code",
    "office_letterhead_update",
    "offices_seed",
    "village_office_code",
]

OFFICE_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_PREFIXES = ("kec-", "desa-")
CODE_MAX = Office._meta.get_field("code").max_length or 40
NAME_MAX = Office._meta.get_field("name").max_length or 160
SHORT_NAME_MAX = Office._meta.get_field("short_name").max_length or 40
KIND_ORDER = (Office.Kind.AGENCY, Office.Kind.DISTRICT, Office.Kind.VILLAGE)
COMPARED_FIELDS = ("name", "short_name", "kind", "region_id")


class OfficeSeedError(Exception):
    """Offices cannot be seeded (for example, the regency's regions are not loaded yet)."""


@dataclass
class SeedReport:
    regency_code: str
    kinds: dict[str, Counts] = field(default_factory=lambda: {kind: Counts() for kind in KIND_ORDER})
    updated_codes: list[str] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(c.created for c in self.kinds.values())

    @property
    def updated(self) -> int:
        return sum(c.updated for c in self.kinds.values())

    @property
    def unchanged(self) -> int:
        return sum(c.unchanged for c in self.kinds.values())

    @property
    def total(self) -> int:
        return sum(c.total for c in self.kinds.values())


@dataclass(frozen=True)
class _Wanted:
    code: str
    name: str
    short_name: str
    kind: str
    region_id: str


def agencies_csv_default() -> Path:
    """``agencies.csv`` next to the region folder (``data/agencies.csv`` by default)."""
    return Path(settings.REGION_DATA_DIR).parent / "agencies.csv"


def district_office_code(region: Region) -> str:
    return "kec-" + region.code.replace(".", "-")


def village_office_code(region: Region) -> str:
    return "desa-" + region.code.replace(".", "-")


# Office names are data stored in Bahasa Indonesia, not interface text: no gettext.
VILLAGE_OFFICE_PREFIX: dict[str, str] = {
    Region.VillageType.KELURAHAN: "Kantor Kelurahan",
    Region.VillageType.DESA: "Kantor Desa",
    Region.VillageType.DESA_ADAT: "Kantor Desa Adat",
}
DISTRICT_OFFICE_PREFIX = "Kantor Camat"


def _village_office_name(region: Region) -> str:
    prefix = VILLAGE_OFFICE_PREFIX.get(region.village_type, "Kantor Desa")
    return f"{prefix} {region.name}"


def _parse_agencies(path: Path, regency: Region) -> list[_Wanted]:
    wanted: list[_Wanted] = []
    seen: dict[str, int] = {}
    for row in csv_rows(path, required=("code", "name")):
        code = row["code"]
        if not OFFICE_CODE.match(code) or len(code) > CODE_MAX:
            raise row.error(
                _("kode kantor %(code)r harus huruf kecil, angka dan tanda hubung (maks. %(max)d)")
                % {"code": code, "max": CODE_MAX}
            )
        if code.startswith(RESERVED_PREFIXES):
            raise row.error(
                _("kode %(code)r memakai awalan kec- atau desa- yang khusus untuk kantor wilayah")
                % {"code": code}
            )
        if code in seen:
            raise row.error(
                _("kode %(code)s sudah ada di baris %(line)d") % {"code": code, "line": seen[code]}
            )
        seen[code] = row.line
        name = " ".join(row["name"].split())
        short_name = " ".join(row["short_name"].split())
        if not name or len(name) > NAME_MAX:
            raise row.error(_("nama kosong atau lebih dari %(max)d karakter") % {"max": NAME_MAX})
        if len(short_name) > SHORT_NAME_MAX:
            raise row.error(_("singkatan lebih dari %(max)d karakter") % {"max": SHORT_NAME_MAX})
        wanted.append(_Wanted(code, name, short_name, Office.Kind.AGENCY, regency.code))
    return wanted


def offices_seed(
    *, regency_code: str, agencies_csv: Path, actor: AbstractBaseUser | None = None
) -> SeedReport:
    """Create or update the OPD, kecamatan and desa/kelurahan offices of the regency.

    Raises :class:`DataFileError` for a bad agencies file and
    :class:`OfficeSeedError` when the regency is not loaded; nothing is
    written in either case.
    """
    regency = Region.objects.filter(code=regency_code, level=Region.Level.REGENCY).first()
    if regency is None:
        raise OfficeSeedError(
            _("kabupaten/kota %(code)s belum ada; jalankan load_regions dulu") % {"code": regency_code}
        )
    wanted = _parse_agencies(agencies_csv, regency)
    below = Region.objects.filter(code__startswith=regency_code + ".").order_by("code")
    for region in below.filter(level=Region.Level.DISTRICT):
        wanted.append(
            _Wanted(
                district_office_code(region),
                f"{DISTRICT_OFFICE_PREFIX} {region.name}",
                "",
                Office.Kind.DISTRICT,
                region.code,
            )
        )
    for region in below.filter(level=Region.Level.VILLAGE):
        wanted.append(
            _Wanted(
                village_office_code(region),
                _village_office_name(region),
                "",
                Office.Kind.VILLAGE,
                region.code,
            )
        )

    report = SeedReport(regency_code=regency_code)
    with transaction.atomic():
        existing = Office.objects.select_for_update().in_bulk([w.code for w in wanted], field_name="code")
        to_create: list[Office] = []
        to_update: list[Office] = []
        for item in wanted:
            counts = report.kinds[item.kind]
            values = {
                "name": item.name,
                "short_name": item.short_name,
                "kind": item.kind,
                "region_id": item.region_id,
            }
            office = existing.get(item.code)
            if office is None:
                to_create.append(Office(code=item.code, **values))
                counts.created += 1
            elif any(getattr(office, name) != values[name] for name in COMPARED_FIELDS):
                for name, value in values.items():
                    setattr(office, name, value)
                to_update.append(office)
                report.updated_codes.append(item.code)
                counts.updated += 1
            else:
                counts.unchanged += 1
        Office.objects.bulk_create(to_create, batch_size=500)
        Office.objects.bulk_update(to_update, fields=list(COMPARED_FIELDS), batch_size=500)
        if to_create or to_update:
            audit_record(
                actor=actor,
                action="agencies.offices_seed",
                obj=regency,
                details={
                    "regency": regency_code,
                    "file": agencies_csv.name,
                    "created": report.created,
                    "updated": report.updated,
                    "updated_codes": report.updated_codes[:50],
                },
            )
    return report


# What an office's own staff may change about it: the letterhead of its letters.
LETTERHEAD_FIELDS = ("letterhead_lines", "address", "phone", "email", "head_title", "letter_code")


def office_letterhead_update(
    *,
    office: Office,
    actor: AbstractBaseUser | None,
    changes: Mapping[str, str],
    request: HttpRequest | None = None,
) -> list[str]:
    """Save the letterhead fields in ``changes`` (names of :data:`LETTERHEAD_FIELDS`) and audit them.

    The caller has checked ``can(actor, "office.letterhead.write", office)``: agencies sits below
    the permission table. Returns the names of the fields that changed (none: nothing is written).
    The audit row keeps the old and new values: they are the office's public contact details.
    """
    unknown = set(changes) - set(LETTERHEAD_FIELDS)
    if unknown:
        raise ValueError(f"not letterhead fields: {sorted(unknown)}")
    with transaction.atomic():
        fresh = Office.objects.select_for_update().get(pk=office.pk)
        changed = [
            name for name in LETTERHEAD_FIELDS if name in changes and getattr(fresh, name) != changes[name]
        ]
        if not changed:
            return []
        before = {name: getattr(fresh, name) for name in changed}
        for name in changed:
            setattr(fresh, name, changes[name])
            setattr(office, name, changes[name])
        fresh.save(update_fields=changed)
        audit_record(
            actor=actor,
            action="agencies.letterhead_update",
            obj=fresh,
            request=request,
            details={
                "office": fresh.code,
                "before": before,
                "after": {name: changes[name] for name in changed},
            },
        )
    return changed
