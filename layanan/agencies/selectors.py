"""Reads for agencies and offices.

Offices (their names, kinds and regions) are public directory data: a citizen
sees which office will handle a request. So these selectors take no actor;
anything scoped to staff (work queues, staff lists) belongs to the selectors
of the app that owns it, through the permission module.
"""

from __future__ import annotations

from django.db.models import QuerySet

from layanan.agencies.models import Office
from layanan.regions.models import Region


def office_list(*, kind: str | None = None, include_inactive: bool = False) -> QuerySet[Office]:
    """Offices, optionally of one kind (``Office.Kind``), active ones only unless asked."""
    offices = Office.objects.select_related("region").order_by("kind", "code")
    if not include_inactive:
        offices = offices.filter(is_active=True)
    if kind is not None:
        offices = offices.filter(kind=kind)
    return offices


def office_get(code: str) -> Office | None:
    """The office with this code, or ``None``."""
    return Office.objects.select_related("region").filter(code=code).first()


def office_for_region(region: Region) -> Office | None:
    """The desa/kelurahan or kecamatan office that serves people of ``region``.

    For a desa/kelurahan: its own active office, else its kecamatan's. For a
    kecamatan: the kantor camat. For a regency or province: ``None`` (those
    are served by OPD chosen per service, not by region).
    """
    kind_by_level = {Region.Level.VILLAGE: Office.Kind.VILLAGE, Region.Level.DISTRICT: Office.Kind.DISTRICT}
    wanted: list[tuple[str, str]] = []
    current: Region | None = region
    while current is not None and current.level in kind_by_level:
        wanted.append((current.code, kind_by_level[Region.Level(current.level)]))
        current = current.parent
    if not wanted:
        return None
    offices = {
        (office.region_id, office.kind): office
        for office in Office.objects.select_related("region").filter(
            is_active=True, region_id__in=[code for code, _ in wanted]
        )
    }
    for key in wanted:
        if key in offices:
            return offices[key]
    return None
