"""The minimum number of respondents for a population: Krejcie & Morgan (1970).

PermenPANRB 14/2017 points to the Krejcie & Morgan table for the sample of a
survey; that the regulation's lampiran uses exactly this table is **unverified**
(domain.md section 5.4, [U]), so the method is a setting:

``SKM_SAMPLE_METHOD``
    ``krejcie-morgan`` (default): the published table, taking the first row whose
    population is at least the one served (rounding the population up, so the
    requirement is never understated). The table starts at a population of 10
    with a sample of 10: a smaller population still needs that first row's
    sample, so an IKM from fewer than 10 answers is never called sufficient.
    ``krejcie-morgan-formula``: the formula behind the table,
    s = χ²NP(1-P) / (d²(N-1) + χ²P(1-P)) with χ² = 3.841, P = 0.5, d = 0.05, rounded up,
    and never below the table's first sample (the same floor).
    ``off``: no requirement, no warning.
``SKM_SAMPLE_TABLE_FILE``
    A CSV file of ``population,sample`` rows replacing the built-in table.
"""

from __future__ import annotations

import csv
import math
from bisect import bisect_left
from fractions import Fraction
from functools import cache
from pathlib import Path

from django.conf import settings

# Krejcie, R. V. & Morgan, D. W. (1970), "Determining sample size for research activities", Table 1.
KREJCIE_MORGAN: tuple[tuple[int, int], ...] = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40), (50, 44),
    (55, 48), (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70), (90, 73), (95, 76),
    (100, 80), (110, 86), (120, 92), (130, 97), (140, 103), (150, 108), (160, 113), (170, 118),
    (180, 123), (190, 127), (200, 132), (210, 136), (220, 140), (230, 144), (240, 148),
    (250, 152), (260, 155), (270, 159), (280, 162), (290, 165), (300, 169), (320, 175),
    (340, 181), (360, 186), (380, 191), (400, 196), (420, 201), (440, 205), (460, 210),
    (480, 214), (500, 217), (550, 226), (600, 234), (650, 242), (700, 248), (750, 254),
    (800, 260), (850, 265), (900, 269), (950, 274), (1000, 278), (1100, 285), (1200, 291),
    (1300, 297), (1400, 302), (1500, 306), (1600, 310), (1700, 313), (1800, 317), (1900, 320),
    (2000, 322), (2200, 327), (2400, 331), (2600, 335), (2800, 338), (3000, 341), (3500, 346),
    (4000, 351), (4500, 354), (5000, 357), (6000, 361), (7000, 364), (8000, 367), (9000, 368),
    (10000, 370), (15000, 375), (20000, 377), (30000, 379), (40000, 380), (50000, 381),
    (75000, 382), (1000000, 384),
)  # fmt: skip

METHODS = ("krejcie-morgan", "krejcie-morgan-formula", "off")


@cache
def _table_from_file(path: str) -> tuple[tuple[int, int], ...]:
    rows: list[tuple[int, int]] = []
    with Path(path).open(newline="", encoding="utf-8") as handle:
        for record in csv.reader(handle):
            if not record or not record[0].strip().isdigit():
                continue  # a header or an empty line
            rows.append((int(record[0]), int(record[1])))
    if not rows:
        raise ValueError(f"SKM_SAMPLE_TABLE_FILE {path} has no population,sample rows")
    return tuple(sorted(rows))


def table() -> tuple[tuple[int, int], ...]:
    path = getattr(settings, "SKM_SAMPLE_TABLE_FILE", "")
    return _table_from_file(str(path)) if path else KREJCIE_MORGAN


def from_table(population: int, rows: tuple[tuple[int, int], ...]) -> int:
    """The sample of the first row whose population is at least ``population``.

    A population below the first row takes the first row's sample: the table says
    nothing smaller is enough, and a handful of answers must not read as "cukup".
    """
    index = bisect_left([row[0] for row in rows], max(population, 0))
    return rows[min(index, len(rows) - 1)][1]


def from_formula(population: int) -> int:
    if population <= 0:
        return 0
    chi2, p, d = Fraction(3841, 1000), Fraction(1, 2), Fraction(5, 100)
    sample = chi2 * population * p * (1 - p) / (d * d * (population - 1) + chi2 * p * (1 - p))
    return min(population, math.ceil(sample))


def required_sample(population: int | None) -> int | None:
    """Minimum respondents for ``population`` served, or None when not known or not checked."""
    method = getattr(settings, "SKM_SAMPLE_METHOD", "krejcie-morgan")
    if population is None or method == "off":
        return None
    rows = table()
    if method == "krejcie-morgan-formula":
        return max(from_formula(population), rows[0][1])
    return from_table(population, rows)
