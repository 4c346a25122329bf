"""No published cell may reveal a person: the suppression rule of the open data sets.

With ``t`` = ``OPEN_DATA_MIN_COUNT`` (default 5):

1. **Small counts.** A count from 1 to t - 1 is suppressed (0 is published: it tells nothing about
   anyone).
2. **Lone suppressed cells.** The totals of some groups of rows are published elsewhere (the
   transparency page shows each service's and office's counts): a group holding exactly one
   suppressed cell of a count would give it back by subtraction. So the smallest other non-zero cell
   of that count in the group is suppressed too. The data sets themselves publish no totals rows.
3. **Parts of a suppressed whole.** A non-zero count that is part of another count of its row
   (completed on time, of completed) is suppressed when the whole is: a published part of 7 would
   tell that its hidden whole is at least 7, so not a small one, and so narrow down the small one
   beside it.
4. **Figures of small or hidden groups.** A derived figure (a share, a median, an IKM) is suppressed
   when its group (its ``base`` count) is smaller than t or suppressed (a median shown beside a
   hidden count would tell that the count is not small), and when one of the counts it could be
   multiplied back into (its ``sources``: an on-time share and the completed count give the on-time
   count) is suppressed.

Rules 2 and 3 are repeated until neither hides anything more. A suppressed cell is empty in the CSV
and ``null`` in the JSON, and the row's ``disamarkan`` column names the cells suppressed in it
(without saying why, so a hidden cell does not tell whether it is a small one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings

from layanan.opendata.registry import COUNT, DERIVED, SUPPRESSED_COLUMN, DataSet


def min_count() -> int:
    """The smallest count published (``OPEN_DATA_MIN_COUNT``); smaller non-zero counts are suppressed."""
    return int(settings.OPEN_DATA_MIN_COUNT)


def is_small(value: Any, threshold: int) -> bool:
    return isinstance(value, int) and 0 < value < threshold


def suppressed_cells(dataset: DataSet, rows: list[Mapping[str, Any]], *, threshold: int) -> list[set[str]]:
    """For each row, the names of the cells to suppress (rules 1-4 of the module)."""
    counts = [column.name for column in dataset.columns if column.kind == COUNT]
    parts = [(column.name, column.part_of) for column in dataset.columns if column.part_of]
    hidden = [{name for name in counts if is_small(row.get(name), threshold)} for row in rows]
    groups = [_grouped(rows, columns) for columns in dataset.marginals]
    changed = True
    while changed:
        changed = False
        for index, cells in enumerate(hidden):  # rule 3
            for part, whole in parts:
                if whole in cells and part not in cells and (rows[index].get(part) or 0) > 0:
                    cells.add(part)
                    changed = True
        for name in counts:  # rule 2
            for members_by_key in groups:
                for members in members_by_key:
                    lone = [index for index in members if name in hidden[index]]
                    if len(lone) != 1:
                        continue
                    others = [
                        index
                        for index in members
                        if name not in hidden[index] and (rows[index].get(name) or 0) > 0
                    ]
                    if not others:  # the group's total is that one cell: nothing here can hide it
                        continue
                    pick = min(others, key=lambda index: (rows[index].get(name) or 0, index))
                    hidden[pick].add(name)
                    changed = True
    for row, cells in zip(rows, hidden, strict=True):  # rule 4
        for column in dataset.columns:
            if column.kind != DERIVED or row.get(column.name) is None:
                continue
            base = row.get(column.base) or 0
            if base < threshold or column.base in cells or any(source in cells for source in column.sources):
                cells.add(column.name)
    return hidden


def _grouped(rows: list[Mapping[str, Any]], columns: tuple[str, ...]) -> list[list[int]]:
    members: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        members[tuple(row.get(column) for column in columns)].append(index)
    return [indexes for indexes in members.values() if len(indexes) > 1]


def published(
    dataset: DataSet, rows: Iterable[Mapping[str, Any]], *, threshold: int | None = None
) -> list[dict[str, Any]]:
    """The rows as published: only the data set's columns, suppressed cells None, and ``disamarkan``."""
    threshold = min_count() if threshold is None else threshold
    source = list(rows)
    hidden = suppressed_cells(dataset, source, threshold=threshold)
    result = []
    for row, cells in zip(source, hidden, strict=True):
        out: dict[str, Any] = {}
        for column in dataset.columns:
            out[column.name] = None if column.name in cells else row.get(column.name)
        out[SUPPRESSED_COLUMN] = ";".join(column.name for column in dataset.columns if column.name in cells)
        result.append(out)
    return result
