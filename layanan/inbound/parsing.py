"""Reading what people type into an SMS or a WhatsApp message: CEK, ADUAN, or anything else.

Forgiving on purpose: case, extra spaces and punctuation do not matter
(``cek``, ``Cek:``, ``CEK  p 7k94m 9xh3c``), the tracking number may come with
or without dashes and with the look-alike letters of :mod:`layanan.tracking.codes`
(O for 0, I for 1, ...), and a message that is only a tracking number is
read as CEK. ``ADUAN``, ``LAPOR``, ``PENGADUAN`` and a few other words start a
report; the desa is found by :mod:`layanan.inbound.villages`. Pure functions:
no database.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from layanan.tracking.codes import CODE_LENGTH, tracking_number_is_valid, tracking_number_normalize

CHECK_WORDS = frozenset({"cek", "cekstatus", "status", "lacak", "periksa", "check"})
REPORT_WORDS = frozenset(
    {"aduan", "adu", "lapor", "laporan", "pengaduan", "keluhan", "mengadu", "melapor", "aspirasi"}
)
TEXT_MAX = 1600  # ten SMS segments; anything longer is cut, never refused

_FIRST_WORD = re.compile(r"^\W*([^\W\d_]+)\W*(.*)$", re.DOTALL)
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")
_SPACES = re.compile(r"\s+")


class Intent(StrEnum):
    CHECK = "check"
    REPORT = "report"
    HELP = "help"


@dataclass(frozen=True)
class Command:
    intent: Intent
    tracking_number: str = ""  # CHECK: the canonical number ("" when none could be read)
    tracking_valid: bool = False  # CHECK: whether its check character is right
    body: str = ""  # REPORT: what follows the keyword
    keyword: str = ""  # REPORT: the keyword, folded ("aduan", "aspirasi", ...)


def clean_text(text: str) -> str:
    """Unicode-normalised, one space between words, at most :data:`TEXT_MAX` characters."""
    normalized = unicodedata.normalize("NFKC", text or "")
    normalized = "".join(" " if unicodedata.category(char)[0] == "C" else char for char in normalized)
    return _SPACES.sub(" ", normalized).strip()[:TEXT_MAX]


def find_tracking_number(text: str) -> tuple[str, bool]:
    """The first tracking number in ``text`` and whether it is valid; ``("", False)`` when none.

    Looks at every run of 11 letters and digits (separators dropped), so
    ``nomor saya P-7K94M-9XH3C ya`` works; a run whose check character is right
    wins over one that only has the right shape.
    """
    chars = _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text or ""))
    shaped = ""
    for start in range(max(len(chars) - CODE_LENGTH + 1, 0)):
        candidate = tracking_number_normalize(chars[start : start + CODE_LENGTH])
        if candidate is None:
            continue
        if tracking_number_is_valid(candidate):
            return candidate, True
        shaped = shaped or candidate
    return shaped, False


def command_parse(text: str) -> Command:
    """What the message asks for. Never raises."""
    cleaned = clean_text(text)
    match = _FIRST_WORD.match(cleaned)
    word = match.group(1).casefold() if match else ""
    rest = match.group(2).strip() if match else ""
    if word not in CHECK_WORDS and word.startswith("cek") and match:  # "CEKP7K94M..." without a space
        rest = match.group(1)[3:] + rest
        word = "cek"
    if word in CHECK_WORDS:
        number, valid = find_tracking_number(rest)
        if not number:
            return Command(Intent.HELP)
        return Command(Intent.CHECK, tracking_number=number, tracking_valid=valid)
    if word in REPORT_WORDS:
        return Command(Intent.REPORT, body=rest, keyword=word)
    # A message that is nothing but a tracking number: read it as CEK.
    compact = _NOT_ALNUM.sub("", cleaned)
    if len(compact) == CODE_LENGTH:
        normalized = tracking_number_normalize(compact)
        if normalized is not None and tracking_number_is_valid(normalized):
            return Command(Intent.CHECK, tracking_number=normalized, tracking_valid=True)
    return Command(Intent.HELP)
