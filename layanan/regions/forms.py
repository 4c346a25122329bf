"""Form choices made of the regency's regions."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from layanan.regions.selectors import village_list


def village_choices() -> list[tuple[str, Any]]:
    """The regency's desa/kelurahan grouped by kecamatan, for an optgroup select."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for village in village_list():
        district = village.parent.name if village.parent else ""
        groups.setdefault(district, []).append((village.code, village.name))
    return [("", _("Pilih desa/kelurahan")), *[(district, items) for district, items in groups.items()]]
