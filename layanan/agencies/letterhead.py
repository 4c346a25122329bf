"""An office's letterhead (kop surat): what its letters print, with defaults for what it has not set.

Each office may set its own letterhead lines, address, phone, email, the title of
its head ("Kepala Desa Tanjung Raja") and the short code on its letter numbers
("TJR") (the staff page ``documents:letterhead`` for its own staff, or the
admin). :func:`office_letterhead` fills in whatever an office has left empty:

- lines: "PEMERINTAH KABUPATEN LAMPUNG UTARA", then for a desa/kelurahan its
  kecamatan ("KECAMATAN TANJUNG RAJA") and itself ("DESA TANJUNG RAJA"); for a
  kecamatan "KECAMATAN ..."; for an agency its name;
- address: for a desa, kelurahan or kecamatan office its area ("Desa Tanjung
  Raja, Kecamatan Tanjung Raja, Kabupaten Lampung Utara"), never the regency's
  head office; for an agency the regency's address;
- phone and email: the regency's;
- head's title: "Kepala Desa <name>", "Lurah <name>", "Camat <name>" or
  "Kepala <agency name>";
- letter code: :func:`default_letter_code`;
- place of the letter: the desa, kelurahan or kecamatan itself, else the capital.

Office names and titles are data kept in Bahasa Indonesia, not interface text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

from layanan.agencies.models import Office
from layanan.regions.models import Region

__all__ = [
    "LINES_MAX",
    "Letterhead",
    "default_letter_code",
    "default_lines",
    "office_letter_code",
    "office_letterhead",
    "written_lines",
]

LINES_MAX = 4
_LOWER_WORDS = frozenset({"dan", "di", "ke", "dari", "untuk", "serta"})
_VOWELS = frozenset("AEIOU")


@dataclass(frozen=True)
class Letterhead:
    lines: tuple[str, ...]
    address: str
    phone: str
    email: str
    head_title: str
    letter_code: str
    place: str


def _words(text: str) -> list[str]:
    return [word for word in re.split(r"[^0-9A-Za-z]+", text) if word]


def _abbreviation(name: str) -> str:
    """``Tanjung Raja`` → ``TR``; one word → its first letter and next two consonants.

    ``Kotabumi`` → ``KTB``; a word of three letters or fewer stays whole.
    """
    words = [word.upper() for word in _words(name) if word.lower() not in _LOWER_WORDS]
    if not words:
        return ""
    if len(words) > 1:
        return "".join(word[0] for word in words)[:8]
    word = words[0]
    consonants = [letter for letter in word[1:] if letter not in _VOWELS]
    return (word[0] + "".join(consonants[:2])) if len(word) > 3 else word


def _region_of(office: Office) -> Region | None:
    """The office's region, or ``None`` for an unsaved office without one (a template preview)."""
    return office.region if office.region_id else None


def default_letter_code(office: Office) -> str:
    """The code on the letter numbers of an office that has set none (documented in docs/documents.md).

    A desa or kelurahan office: the abbreviation of its name (``Tanjung Raja`` → ``TR``,
    ``Kotabumi Pasar`` → ``KP``); a kecamatan office: ``KEC-`` and that of the kecamatan;
    an agency: its short name (``Disdukcapil`` → ``DISDUKCAPIL``), else the initials of its name.
    """
    region = _region_of(office)
    if office.kind == Office.Kind.AGENCY or region is None:
        short = re.sub(r"[^0-9A-Z.-]+", "", office.short_name.upper())
        return (short or _abbreviation(office.name) or office.code.upper())[:20]
    code = _abbreviation(region.name) or office.code.upper()
    prefix = "KEC-" if office.kind == Office.Kind.DISTRICT else ""
    return (prefix + code)[:20]


def office_letter_code(office: Office) -> str:
    """The code on the office's letter numbers: its own, else :func:`default_letter_code`."""
    return office.letter_code.strip() or default_letter_code(office)


def _village_word(region: Region) -> str:
    if region.village_type == Region.VillageType.KELURAHAN:
        return "Kelurahan"
    if region.village_type == Region.VillageType.DESA_ADAT:
        return "Desa Adat"
    return "Desa"


def default_lines(office: Office) -> tuple[str, ...]:
    """The letterhead lines of an office that has written none (upper-cased, top first)."""
    lines = [f"Pemerintah {settings.REGENCY['name']}"]
    region = _region_of(office)
    if region is None:
        lines.append(office.name)
    elif office.kind == Office.Kind.VILLAGE:
        if region.parent is not None:
            lines.append(f"Kecamatan {region.parent.name}")
        lines.append(f"{_village_word(region)} {region.name}")
    elif office.kind == Office.Kind.DISTRICT:
        lines.append(f"Kecamatan {region.name}")
    else:
        lines.append(office.name)
    return tuple(line.upper() for line in lines)


def _default_address(office: Office) -> str:
    region = _region_of(office)
    regency = str(settings.REGENCY["name"])
    if region is None:
        return str(settings.REGENCY["address"])
    if office.kind == Office.Kind.VILLAGE:
        parts = [f"{_village_word(region)} {region.name}"]
        if region.parent is not None:
            parts.append(f"Kecamatan {region.parent.name}")
        return ", ".join([*parts, regency])
    if office.kind == Office.Kind.DISTRICT:
        return f"Kecamatan {region.name}, {regency}"
    return str(settings.REGENCY["address"])


def _default_head_title(office: Office) -> str:
    region = _region_of(office)
    if region is None:
        return f"Kepala {office.name}"
    if office.kind == Office.Kind.VILLAGE:
        if region.village_type == Region.VillageType.KELURAHAN:
            return f"Lurah {region.name}"
        return f"Kepala {_village_word(region)} {region.name}"
    if office.kind == Office.Kind.DISTRICT:
        return f"Camat {region.name}"
    return f"Kepala {office.name}"


def written_lines(office: Office) -> tuple[str, ...]:
    """The lines the office wrote itself (blank lines dropped), at most :data:`LINES_MAX`."""
    lines = [" ".join(line.split()) for line in office.letterhead_lines.splitlines()]
    return tuple(line for line in lines if line)[:LINES_MAX]


def office_letterhead(office: Office) -> Letterhead:
    """What the letters of ``office`` print: its own data, defaults for what it has not set."""
    regency = settings.REGENCY
    region = _region_of(office)
    place = region.name if region is not None and office.kind != Office.Kind.AGENCY else ""
    place = place or str(regency["capital"])
    return Letterhead(
        lines=written_lines(office) or default_lines(office),
        address=office.address.strip() or _default_address(office),
        phone=office.phone.strip() or str(regency.get("phone", "")),
        email=office.email.strip() or str(regency.get("email", "")),
        head_title=office.head_title.strip() or _default_head_title(office),
        letter_code=office_letter_code(office),
        place=place,
    )
