"""Reads for regions.

Region codes and names are public reference data (anyone picks their
kecamatan and desa on a form), so these selectors take no actor. They return
querysets, usable directly as a form field's ``queryset``, and are scoped to
the regency that runs this instance (``settings.REGENCY["code"]``) unless
told otherwise, so another regency loaded alongside does not leak into forms.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from layanan.regions.models import Region


def _regency_code(regency_code: str | None) -> str:
    return regency_code or str(settings.REGENCY["code"])


def region_get(code: str) -> Region | None:
    """The region with this Kemendagri code, or ``None``."""
    return Region.objects.select_related("parent").filter(code=code).first()


def regency_get(*, regency_code: str | None = None) -> Region | None:
    """The regency that runs this instance (``settings.REGENCY["code"]``)."""
    return Region.objects.filter(code=_regency_code(regency_code), level=Region.Level.REGENCY).first()


def district_list(*, regency_code: str | None = None) -> QuerySet[Region]:
    """The kecamatan of the regency, by code."""
    return Region.objects.filter(level=Region.Level.DISTRICT, parent_id=_regency_code(regency_code)).order_by(
        "code"
    )


def village_list(*, district_code: str | None = None, regency_code: str | None = None) -> QuerySet[Region]:
    """The desa/kelurahan of one kecamatan, or of the whole regency, by code, with their kecamatan."""
    villages = Region.objects.filter(level=Region.Level.VILLAGE).select_related("parent").order_by("code")
    if district_code is not None:
        return villages.filter(parent_id=district_code)
    return villages.filter(parent__parent_id=_regency_code(regency_code))


def region_ancestors(region: Region) -> list[Region]:
    """From the province down to ``region``'s parent (one query per level, at most three)."""
    chain: list[Region] = []
    current = region.parent
    while current is not None:
        chain.append(current)
        current = current.parent
    return list(reversed(chain))


def region_in_regency(region: Region, *, regency_code: str | None = None) -> bool:
    """True when ``region`` is the regency or lies inside it."""
    code = _regency_code(regency_code)
    return region.code == code or region.code.startswith(code + ".")
