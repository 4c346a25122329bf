"""The benchmark suite's figures, in one shape, for ``bench/results/latest.*`` and ``make bench-check``.

Each benchmark module measures and then calls :func:`record` once per figure. A figure has a
``value`` that is compared between runs: a ratio to a baseline measured in the same run (req/s of
a page over req/s of the hello view), or a time in milliseconds where no same-run baseline makes
sense (a dashboard view). ``higher_is_better`` says which way is good. ``target`` is the bar the
project has set (the issue's number); ``figures`` carries the raw numbers behind it (req/s, p50 and
p99 in ms, compressed bytes, rows...) for the report; ``limits`` are upper bounds on some of those
raw figures (``{"p99_ms": 100}``) that the check enforces too; ``ok`` is a yes/no check such as
"nothing lost or doubled".

:func:`record` appends to ``bench/results/<module>.json`` (one file per module, replaced at the
module's first record of a run), so a module can be run alone (``python -m bench.pages_bench``) and
``python -m bench`` gathers them all into ``latest.json`` and ``latest.md``.

A module that cannot measure here (no PostgreSQL, say) calls :func:`skip` with the reason and
exits 0: the run shows it as skipped, and ``make bench-check`` does not count its figures as
missing. :func:`quick` tells a module that ``python -m bench --quick`` wants short runs (the
environment variable ``BENCH_QUICK=1``), to try the harness rather than to measure.

A time in milliseconds has no baseline of its own in the run, and the same code takes twice as long
on a slower day of a shared machine. So a module that records one also measures
:func:`yardstick_ms` (a fixed piece of work, in Python and optionally in the database) in the same
run and puts it in the figures; ``make bench-check`` then compares the time per yardstick, not the
time (bench/check.py).
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path
from typing import Any, Protocol

RESULTS_DIR = Path(os.environ.get("BENCH_RESULTS_DIR") or Path(__file__).resolve().parent / "results")
SKIPPED_SUFFIX = ".skipped"
# Files of the run as a whole, not of one module.
SUITE_FILES = ("latest.json",)
_started: set[str] = set()
YARDSTICK_SQL = "SELECT sum(g * g % 7) FROM generate_series(1::bigint, 300000) AS g"


class _Cursor(Protocol):
    def execute(self, sql: str) -> object: ...

    def fetchone(self) -> object: ...


def _python_work() -> int:
    """A fixed mix of what the platform's Python does: dicts, strings, sorting, JSON."""
    rows = [(n, f"Warga {n}", f"18.03.{n % 23:02d}.{n % 247:04d}") for n in range(12000)]
    ordered = sorted(rows, key=lambda row: (row[2], -row[0]))
    text = json.dumps([{"id": n, "name": name, "code": code} for n, name, code in ordered])
    return len(json.loads(text)) + sum(len(name.upper()) for _n, name, _code in rows)


def yardstick_ms(cursor: _Cursor | None = None, *, repeat: int = 5) -> float:
    """Milliseconds of a fixed piece of work on this machine now (median of ``repeat`` runs each):
    Python, plus one fixed SQL aggregate when ``cursor`` is given (for figures that the database
    spends most of). Only comparable between runs with the same arguments."""

    def median_ms(work: Any) -> float:
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            work()
            times.append((time.perf_counter() - began) * 1000)
        return statistics.median(times)

    total = median_ms(_python_work)
    if cursor is not None:

        def sql() -> None:
            cursor.execute(YARDSTICK_SQL)
            cursor.fetchone()

        total += median_ms(sql)
    return round(total, 2)


def quick() -> bool:
    """Whether this run is a short one to try the harness (``python -m bench --quick``)."""
    return os.environ.get("BENCH_QUICK", "") == "1"


def skip(module: str, reason: str) -> None:
    """Say that ``module`` measured nothing in this run, and why (latest.md shows it, the check allows it)."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    (RESULTS_DIR / f"{module}{SKIPPED_SUFFIX}").write_text(reason.strip() + "\n")
    print(f"{module}: skipped: {reason}")


def skipped_reason(module: str) -> str | None:
    """The reason ``module`` gave for skipping this run, or None."""
    path = RESULTS_DIR / f"{module}{SKIPPED_SUFFIX}"
    return path.read_text().strip() if path.exists() else None


def clear(module: str) -> None:
    """Forget what ``module`` recorded or skipped in an earlier run (the runner does this first)."""
    for path in (RESULTS_DIR / f"{module}.json", RESULTS_DIR / f"{module}{SKIPPED_SUFFIX}"):
        path.unlink(missing_ok=True)


def record(
    module: str,
    key: str,
    label: str,
    value: float,
    *,
    unit: str = "ratio",
    higher_is_better: bool = True,
    target: float | None = None,
    figures: dict[str, Any] | None = None,
    limits: dict[str, float] | None = None,
    ok: bool | None = None,
    note: str = "",
) -> dict[str, Any]:
    """Add one figure of ``module`` (``"pages"``) under ``key`` (``"pages.home"``) to this run's results."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    path = RESULTS_DIR / f"{module}.json"
    entries: list[dict[str, Any]] = []
    if module in _started and path.exists():
        entries = json.loads(path.read_text())
    _started.add(module)
    entry: dict[str, Any] = {
        "key": key,
        "module": module,
        "label": label,
        "value": round(value, 4),
        "unit": unit,
        "higher_is_better": higher_is_better,
        "target": target,
        "figures": figures or {},
        "limits": limits or {},
        "ok": ok,
        "note": note,
    }
    entries = [existing for existing in entries if existing["key"] != key] + [entry]
    path.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n")
    return entry


def load_module_results(*, since: float | None = None) -> list[dict[str, Any]]:
    """Every figure recorded by the modules of the last run, in module order (written after ``since``)."""
    entries: list[dict[str, Any]] = []
    for path in sorted(RESULTS_DIR.glob("*.json")):
        if path.name in SUITE_FILES or (since is not None and path.stat().st_mtime < since):
            continue
        entries.extend(json.loads(path.read_text()))
    return entries
