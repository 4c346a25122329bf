"""Finding the desa/kelurahan named in a report typed into an SMS or WhatsApp message.

Names are compared folded: accents dropped, lower case, letters and digits
only, so ``Kotabumi Udik``, ``kotabumiudik`` and ``KOTABUMI-UDIK`` are the
same. The search, in order:

1. the first words of the message (up to four, after fillers like ``desa``,
   ``di``, ``kel``): ``ADUAN Kotabumi Udik jalan berlubang``;
2. the words after a marker anywhere in it: ``jalan rusak di desa Sukamaju``;
3. the same two places again with a small typo allowed (similarity ≥ 0.85,
   and one best name only).

Seven names are shared by two or three desa in Lampung Utara (Sukamaju,
Sidomulyo, ...); the kecamatan written after the name (``Sukamaju Abung
Barat``, ``Sukamaju kec. Abung Barat``) or anywhere in the message settles
which one; otherwise the match is :class:`Ambiguous` and nothing is filed.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

MAX_NAME_WORDS = 4
SIMILARITY = 0.85
FILLERS = frozenset({"desa", "ds", "kel", "kelurahan", "di", "dari", "tiyuh", "kampung", "kampong"})
MARKERS = frozenset({"desa", "ds", "kel", "kelurahan", "di", "tiyuh", "kampung"})
DISTRICT_WORDS = frozenset({"kec", "kecamatan", "kecamatannya"})


class Village(Protocol):
    """What the search needs of a desa: its name and its kecamatan's name."""

    @property
    def name(self) -> str: ...

    @property
    def district_name(self) -> str: ...


@dataclass(frozen=True)
class Found[V: Village]:
    village: V
    text: str  # the report without the keyword and, when it came first, without the desa's name


@dataclass(frozen=True)
class Ambiguous[V: Village]:
    candidates: list[V]


def fold(text: str) -> str:
    """Lower case, accents dropped, letters and digits only."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if char.isalnum() and char.isascii()).lower()


class VillageIndex[V: Village]:
    """The villages of the regency by folded name; built once per message (247 rows)."""

    def __init__(self, villages: Iterable[V]) -> None:
        self.by_name: dict[str, list[V]] = {}
        for village in villages:
            self.by_name.setdefault(fold(village.name), []).append(village)

    def find(self, body: str) -> Found[V] | Ambiguous[V] | None:
        words = body.split()
        folded = [fold(word) for word in words]
        start = 0
        while start < len(folded) and (folded[start] in FILLERS or not folded[start]):
            start += 1
        marker_starts = [i + 1 for i, word in enumerate(folded) if word in MARKERS and i + 1 > start]
        for exact in (True, False):
            hit = self._at(words, folded, start, exact=exact)
            if hit is not None:
                candidates, end = hit
                return self._settle(candidates, words, folded, end, keep_all=False)
            for position in marker_starts:
                hit = self._at(words, folded, position, exact=exact)
                if hit is not None:
                    candidates, end = hit
                    return self._settle(candidates, words, folded, end, keep_all=True)
        return None

    def _at(
        self, words: list[str], folded: list[str], start: int, *, exact: bool
    ) -> tuple[list[V], int] | None:
        """The villages named by the words from ``start`` (longest name first) and where the name ends."""
        if exact:
            for count in range(min(MAX_NAME_WORDS, len(folded) - start), 0, -1):
                key = "".join(folded[start : start + count])
                if key and key in self.by_name:
                    return self.by_name[key], start + count
            return None
        best: tuple[float, str, int] | None = None
        tie = False
        for count in range(1, min(MAX_NAME_WORDS, len(folded) - start) + 1):
            key = "".join(folded[start : start + count])
            if len(key) < 4:
                continue
            for name in self.by_name:
                ratio = difflib.SequenceMatcher(None, key, name).ratio()
                if ratio < SIMILARITY:
                    continue
                if best is None or ratio > best[0]:
                    best, tie = (ratio, name, start + count), False
                elif ratio == best[0] and name != best[1]:
                    tie = True
        if best is None or tie:
            return None
        return self.by_name[best[1]], best[2]

    def _settle(
        self, candidates: list[V], words: list[str], folded: list[str], end: int, *, keep_all: bool
    ) -> Found[V] | Ambiguous[V]:
        rest_start = end
        chosen = candidates[0] if len(candidates) == 1 else None
        if chosen is None:
            # "Sukamaju Abung Barat ..." or "Sukamaju kec. Abung Barat ...": the kecamatan right after.
            position = end + 1 if end < len(folded) and folded[end] in DISTRICT_WORDS else end
            for count in range(min(3, len(folded) - position), 0, -1):
                key = "".join(folded[position : position + count])
                matching = [village for village in candidates if fold(village.district_name) == key]
                if len(matching) == 1:
                    chosen, rest_start = matching[0], position + count
                    break
        if chosen is None:
            # The kecamatan named anywhere else in the message.
            whole = "".join(folded)
            matching = [village for village in candidates if fold(village.district_name) in whole]
            if len(matching) != 1:
                return Ambiguous(candidates=list(candidates))
            chosen = matching[0]
        text = " ".join(words) if keep_all else " ".join(words[rest_start:])
        return Found(village=chosen, text=text.strip(" :,.-;"))
