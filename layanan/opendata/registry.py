"""The open data sets, defined in code: their metadata, their columns, and the function giving their rows.

A data set is a :class:`DataSet` in :data:`REGISTRY` (``datasets.py`` fills it). Its ``rows`` function
returns the rows as dicts keyed by column name, **before** suppression: every count as counted and
every derived figure (share, median, IKM) computed. :mod:`layanan.opendata.suppression` then empties
what could reveal a person, using what the columns say about themselves:

- ``COUNT``: a number of cases, people or answers; 1 to ``OPEN_DATA_MIN_COUNT`` - 1 is suppressed,
  and a count that is ``part_of`` another count of the row is suppressed with it;
- ``DERIVED``: a figure computed from a group; suppressed when its ``base`` (the group's size) is
  below the threshold or suppressed, or any of its ``sources`` (the counts it could be multiplied
  back into) is suppressed;
- ``PERIOD``, ``CODE``, ``LABEL``: what a row is about (never suppressed; no free text, no person).

Adding a data set: write a function returning the rows, and :func:`register` a :class:`DataSet`
naming its columns (``docs/opendata.md``, "Adding a data set").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

Text = str | Promise

PERIOD = "period"
CODE = "code"
LABEL = "label"
COUNT = "count"
DERIVED = "derived"
KINDS = (PERIOD, CODE, LABEL, COUNT, DERIVED)

# The column every data set ends with: which of the row's cells were suppressed.
SUPPRESSED_COLUMN = "disamarkan"

# How often a data set changes (dct:accrualPeriodicity, the Dublin Core frequency vocabulary).
FREQUENCIES = {
    "monthly": "http://purl.org/cld/freq/monthly",
    "quarterly": "http://purl.org/cld/freq/quarterly",
    "annual": "http://purl.org/cld/freq/annual",
}


@dataclass(frozen=True)
class Column:
    name: str  # the header in the CSV and the key in the JSON rows: Indonesian snake_case
    kind: str  # PERIOD, CODE, LABEL, COUNT or DERIVED
    title: Text
    definition: Text
    unit: Text = ""
    datatype: str = "string"  # string, integer, decimal (for the metadata and the JSON)
    base: str = ""  # DERIVED: the COUNT column that is the size of the group it was computed from
    sources: tuple[str, ...] = ()  # DERIVED: COUNT columns it would give back with the others
    decimals: int = 0  # decimal columns: the places written
    part_of: str = ""  # COUNT: the COUNT of the same row it is a part of (on time of completed)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.name}: unknown kind {self.kind!r}")
        if self.kind == DERIVED and not self.base:
            raise ValueError(f"column {self.name}: a derived figure names the count of its group (base)")


@dataclass(frozen=True)
class DataSet:
    slug: str  # the identifier: /data/<slug>/, /data/<slug>.csv
    title: Text
    description: Text
    keywords: tuple[Text, ...]
    frequency: str  # a key of FREQUENCIES
    period_column: str  # the PERIOD column: values "YYYY", "YYYY-MM" or "YYYY-Qn"
    columns: tuple[Column, ...]
    rows: Callable[[], Iterable[Mapping[str, Any]]]
    # Groups of rows whose totals are published elsewhere (the transparency page, other data sets):
    # within each, a lone suppressed cell gets a second one, so it cannot be had by subtraction.
    marginals: tuple[tuple[str, ...], ...] = ()
    source: Text = ""  # where the figures come from, for the metadata

    def __post_init__(self) -> None:
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names) or SUPPRESSED_COLUMN in names:
            raise ValueError(f"data set {self.slug}: column names must be unique and not {SUPPRESSED_COLUMN}")
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"data set {self.slug}: unknown frequency {self.frequency!r}")
        kinds = {column.name: column.kind for column in self.columns}
        if kinds.get(self.period_column) != PERIOD:
            raise ValueError(f"data set {self.slug}: {self.period_column} is not a period column")
        for column in self.columns:
            for name in (column.base, *column.sources, column.part_of):
                if name and kinds.get(name) != COUNT:
                    raise ValueError(f"data set {self.slug}: {column.name} refers to {name}, not a count")
        for group in self.marginals:
            if not set(group) <= set(names):
                raise ValueError(f"data set {self.slug}: marginal {group} names unknown columns")

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


REGISTRY: dict[str, DataSet] = {}

# Slugs that would collide with the catalogue's own addresses.
RESERVED = frozenset({"catalog"})


def register(dataset: DataSet) -> DataSet:
    """Add a data set to the catalogue (in the order of registration)."""
    if dataset.slug in RESERVED or dataset.slug in REGISTRY:
        raise ValueError(f"data set slug {dataset.slug!r} is taken")
    REGISTRY[dataset.slug] = dataset
    return dataset


def datasets() -> list[DataSet]:
    """Every registered data set, in the order of the catalogue (``apps.ready`` registers them)."""
    return list(REGISTRY.values())


def dataset(slug: str) -> DataSet | None:
    return REGISTRY.get(slug)
