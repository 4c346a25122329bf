"""The Indeks Kepuasan Masyarakat, computed exactly (domain.md section 5, PermenPANRB 14/2017).

- NRR per unsur = total score of the unsur / number of respondents;
- NRR tertimbang = NRR x 1/9 (the weight is exactly 1/9, never 0.11 or 0.111);
- IKM (1-4) = Σ NRR tertimbang = the mean of the 9 NRR;
- IKM unit pelayanan = IKM x 25 (25-100), rounded half up to 2 decimals, and
  classified on that rounded value: D < 65.00 ≤ C ≤ 76.60 < B ≤ 88.30 < A.

Everything is a :class:`~fractions.Fraction` until the one rounding at the end,
so a report never drifts the way rounded intermediate steps do (the GASPUL
example: 90.56 with rounded steps, 91.48 exactly; see the tests).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from layanan.survey import sample
from layanan.survey.unsur import COUNT

WEIGHT = Fraction(1, COUNT)
SCALE = 25

# (lowest x25 value, mutu, kinerja), best first; classification takes the first row reached.
INTERVALS: tuple[tuple[Decimal, str, Promise], ...] = (
    (Decimal("88.31"), "A", _("Sangat baik")),
    (Decimal("76.61"), "B", _("Baik")),
    (Decimal("65.00"), "C", _("Kurang baik")),
    (Decimal("25.00"), "D", _("Tidak baik")),
)


def round_half_up(value: Fraction, places: int = 2) -> Decimal:
    """``value`` rounded half up (away from zero for positive values) to ``places`` decimals, exactly."""
    factor = 10**places
    scaled = value * factor
    sign = -1 if scaled < 0 else 1
    whole = math.floor(abs(scaled) + Fraction(1, 2)) * sign
    return Decimal(whole).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def classify(ikm: Decimal) -> tuple[str, str]:
    """Mutu (A-D) and kinerja label of an IKM on the 25-100 scale, already rounded to 2 decimals."""
    for lowest, mutu, kinerja in INTERVALS:
        if ikm >= lowest:
            return mutu, str(kinerja)
    return "D", str(INTERVALS[-1][2])


@dataclass(frozen=True)
class IkmResult:
    """The IKM of a group of responses. With no respondents: ``ikm`` None, ``mutu`` and ``kinerja`` ""."""

    respondents: int
    totals: tuple[int, ...]  # total score per unsur, official order
    nrr_per_unsur: tuple[Fraction, ...]
    ikm_raw: Fraction | None  # 1-4, exact
    ikm: Decimal | None  # x25, 2 decimals
    mutu: str
    kinerja: str
    population: int | None = None  # completed cases served in the period, when known
    required_sample: int | None = None  # minimum respondents for that population (None: not checked)

    @property
    def sample_ok(self) -> bool:
        """Enough respondents for the population (True when no requirement applies)."""
        return self.required_sample is None or self.respondents >= self.required_sample

    @property
    def sample_label(self) -> str:
        """What to print beside the IKM: "sampel cukup", or how many answers are still missing."""
        if self.required_sample is None:
            return gettext("sampel tidak diperiksa")
        if self.sample_ok:
            return gettext("sampel cukup")
        return gettext("sampel belum cukup (%(n)s dari %(required)s yang diperlukan)") % {
            "n": self.respondents,
            "required": self.required_sample,
        }

    @property
    def nrr_display(self) -> tuple[Decimal, ...]:
        """NRR per unsur, 4 decimals (for tables; the IKM is never computed from these)."""
        return tuple(round_half_up(value, 4) for value in self.nrr_per_unsur)

    @property
    def nrr_weighted_display(self) -> tuple[Decimal, ...]:
        """NRR tertimbang per unsur (NRR x 1/9), 4 decimals."""
        return tuple(round_half_up(value * WEIGHT, 4) for value in self.nrr_per_unsur)

    @property
    def ikm_raw_display(self) -> Decimal | None:
        return None if self.ikm_raw is None else round_half_up(self.ikm_raw, 4)

    @property
    def lowest_unsur(self) -> int | None:
        """The number (1-9) of the unsur with the lowest NRR (the first of equals), or None."""
        if not self.respondents:
            return None
        lowest = min(self.nrr_per_unsur)
        return self.nrr_per_unsur.index(lowest) + 1


def compute(
    *,
    totals: Sequence[int],
    respondents: int,
    population: int | None = None,
    required_sample: int | None = None,
) -> IkmResult:
    """The IKM from the total score of each of the 9 unsur over ``respondents`` questionnaires."""
    if len(totals) != COUNT:
        raise ValueError(f"expected {COUNT} unsur totals, got {len(totals)}")
    if respondents < 0 or any(total < 0 for total in totals):
        raise ValueError("respondents and totals cannot be negative")
    if respondents and not all(respondents <= total <= 4 * respondents for total in totals):
        raise ValueError("each unsur total must lie between 1 and 4 per respondent")
    if population is not None and population < respondents:
        # Every respondent was served, so the population is at least the respondents (answers
        # whose invitation is missing must not shrink the requirement to nothing).
        population = respondents
        if required_sample is not None:
            required_sample = sample.required_sample(population)
    if not respondents:
        return IkmResult(
            respondents=0,
            totals=tuple(totals),
            nrr_per_unsur=(Fraction(0),) * COUNT,
            ikm_raw=None,
            ikm=None,
            mutu="",
            kinerja="",
            population=population,
            required_sample=required_sample,
        )
    nrr = tuple(Fraction(total, respondents) for total in totals)
    raw = sum((value * WEIGHT for value in nrr), Fraction(0))
    ikm = round_half_up(raw * SCALE)
    mutu, kinerja = classify(ikm)
    return IkmResult(
        respondents=respondents,
        totals=tuple(totals),
        nrr_per_unsur=nrr,
        ikm_raw=raw,
        ikm=ikm,
        mutu=mutu,
        kinerja=kinerja,
        population=population,
        required_sample=required_sample,
    )


def compute_from_scores(rows: Iterable[Sequence[int]], **extra: int | None) -> IkmResult:
    """The IKM from individual questionnaires (9 scores of 1-4 each); for tests and small sets."""
    totals = [0] * COUNT
    respondents = 0
    for row in rows:
        if len(row) != COUNT or not all(1 <= score <= 4 for score in row):
            raise ValueError("each questionnaire has 9 scores from 1 to 4")
        for index, score in enumerate(row):
            totals[index] += score
        respondents += 1
    return compute(totals=totals, respondents=respondents, **extra)
