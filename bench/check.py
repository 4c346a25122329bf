"""``make bench-check``: compare the last run (``bench/results/latest.json``) with ``bench/baseline.json``.

``python -m bench.check`` exits 1 with a table of what failed and why when

- a higher-is-better value (a ratio) falls more than 20 % below its baseline, or below its target;
- a lower-is-better value (ms) rises more than 25 % above its baseline (20 % worse as a rate), or
  above its target. When the run and the baseline both measured the yardstick (``yardstick_ms`` in
  the figures: a fixed piece of work timed in the same run, ``bench.results.yardstick_ms``), the
  time must have risen both in ms and per yardstick: a slower day of the machine is not taken for a
  regression, and neither is a day on which the yardstick alone ran faster (on 2026-12-07 it ran
  0.68x while every dashboard of unchanged code took the same ms as its baseline); the target stays
  in milliseconds;
- a raw figure exceeds its limit (``limits``: ``{"p99_ms": 100}``), or is missing;
- a yes/no check (``ok``) is false (something lost or doubled);
- a key of the baseline is missing from the run, unless the run says its module was skipped and why;
- a module failed or ran out of time.

``python -m bench.check --update`` (``make bench-baseline``) writes the baseline from the last run:
the keys of every module that ran replace that module's keys; those of skipped or unselected
modules stay as they were. Update it only on purpose, with the reason in the commit.

The functions below are pure (dicts in, rows out) so that ``tests/test_bench_check.py`` can try
every rule without running a benchmark.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
LATEST = BENCH_DIR / "results" / "latest.json"
BASELINE = BENCH_DIR / "baseline.json"

# A higher-is-better value may fall to 80 % of its baseline; a time may rise to 125 % (a rate 20 % lower).
HIGHER_TOLERANCE = 0.20
LOWER_TOLERANCE = 0.25
# Module states written by ``python -m bench`` in latest.json's "modules".
PASSED, FAILED, TIMEOUT, SKIPPED = "passed", "failed", "timeout", "skipped"


@dataclass
class Row:
    key: str
    module: str
    value: float | None
    unit: str
    baseline: float | None
    target: float | None
    reasons: list[str] = field(default_factory=list)
    note: str = ""

    @property
    def passed(self) -> bool:
        return not self.reasons


def _fmt(number: float | None) -> str:
    if number is None:
        return "-"
    return f"{number:.3g}" if abs(number) < 1000 else f"{number:,.0f}"


def entry_reasons(
    entry: dict[str, Any], baseline: float | None, baseline_yardstick: float | None = None
) -> list[str]:
    """Why one recorded figure fails (empty: it passes), against its baseline value if any (and the
    yardstick measured with that baseline, if any)."""
    reasons: list[str] = []
    value = float(entry["value"])
    unit = entry.get("unit", "ratio")
    higher = entry.get("higher_is_better", True)
    target = entry.get("target")
    yardstick = (entry.get("figures") or {}).get("yardstick_ms")
    if baseline is not None and baseline > 0:
        if higher and value < baseline * (1 - HIGHER_TOLERANCE):
            drop = 1 - value / baseline
            reasons.append(f"{_fmt(value)} is {drop:.0%} below the baseline {_fmt(baseline)} (at most 20 %)")
        if not higher and yardstick and baseline_yardstick:
            now, then = value / float(yardstick), baseline / float(baseline_yardstick)
            if now > then * (1 + LOWER_TOLERANCE) and value > baseline * (1 + LOWER_TOLERANCE):
                reasons.append(
                    f"{_fmt(value)} {unit} is {now / then - 1:.0%} above the baseline {_fmt(baseline)} "
                    f"at the same machine speed (yardstick {_fmt(float(yardstick))} ms now, "
                    f"{_fmt(float(baseline_yardstick))} then; at most 25 %)"
                )
        elif not higher and value > baseline * (1 + LOWER_TOLERANCE):
            rise = value / baseline - 1
            reasons.append(
                f"{_fmt(value)} {unit} is {rise:.0%} above the baseline {_fmt(baseline)} (at most 25 %)"
            )
    if target is not None:
        if higher and value < target:
            reasons.append(f"{_fmt(value)} is below the target {_fmt(target)}")
        if not higher and value > target:
            reasons.append(f"{_fmt(value)} {unit} is above the target {_fmt(target)}")
    figures = entry.get("figures") or {}
    for name, limit in (entry.get("limits") or {}).items():
        measured = figures.get(name)
        if measured is None:
            reasons.append(f"{name} not measured (limit {_fmt(limit)})")
        elif float(measured) > float(limit):
            reasons.append(f"{name} {_fmt(float(measured))} exceeds its limit {_fmt(float(limit))}")
    if entry.get("ok") is False:
        reasons.append("check failed (ok is false)" + (f": {entry['note']}" if entry.get("note") else ""))
    return reasons


def compare(latest: dict[str, Any], baseline: dict[str, Any]) -> list[Row]:
    """One row per figure of the run and per baseline key it lacks, and one per failed module."""
    modules: dict[str, dict[str, Any]] = latest.get("modules", {})
    values: dict[str, dict[str, Any]] = baseline.get("values", {})
    rows: list[Row] = []
    for name, state in modules.items():
        if state.get("status") in (FAILED, TIMEOUT):
            rows.append(
                Row(
                    key=f"{name} (module)",
                    module=name,
                    value=None,
                    unit="",
                    baseline=None,
                    target=None,
                    reasons=[f"module {state['status']}: {state.get('reason') or 'see its log'}"],
                )
            )
    seen: set[str] = set()
    for entry in latest.get("results", []):
        key = entry["key"]
        seen.add(key)
        base = values.get(key, {}).get("value")
        base_yardstick = values.get(key, {}).get("yardstick_ms")
        rows.append(
            Row(
                key=key,
                module=entry.get("module", ""),
                value=float(entry["value"]),
                unit=entry.get("unit", "ratio"),
                baseline=base,
                target=entry.get("target"),
                reasons=entry_reasons(entry, base, base_yardstick),
                note="" if key in values else "new: no baseline yet",
            )
        )
    for key, base_entry in values.items():
        if key in seen:
            continue
        module = base_entry.get("module") or key.split(".", 1)[0]
        state = modules.get(module, {})
        row = Row(
            key=key,
            module=module,
            value=None,
            unit=base_entry.get("unit", "ratio"),
            baseline=base_entry.get("value"),
            target=base_entry.get("target"),
        )
        if state.get("status") == SKIPPED and state.get("reason"):
            row.note = f"skipped: {state['reason']}"
        else:
            row.reasons.append("in the baseline but missing from this run")
        rows.append(row)
    return rows


def baseline_update(latest: dict[str, Any], baseline: dict[str, Any]) -> dict[str, Any]:
    """The baseline with the keys of every module that ran in ``latest`` replaced by this run's values."""
    ran = {name for name, state in latest.get("modules", {}).items() if state.get("status") == PASSED}
    ran |= {entry.get("module", "") for entry in latest.get("results", []) if not latest.get("modules")}
    values = {
        key: value
        for key, value in baseline.get("values", {}).items()
        if (value.get("module") or key.split(".", 1)[0]) not in ran
    }
    for entry in latest.get("results", []):
        if entry.get("module") not in ran:
            continue
        values[entry["key"]] = {
            "module": entry.get("module"),
            "label": entry.get("label", ""),
            "value": entry["value"],
            "unit": entry.get("unit", "ratio"),
            "higher_is_better": entry.get("higher_is_better", True),
            "target": entry.get("target"),
        }
        yardstick = (entry.get("figures") or {}).get("yardstick_ms")
        if yardstick:
            values[entry["key"]]["yardstick_ms"] = yardstick
    return {
        "updated": datetime.now(UTC).isoformat(timespec="seconds"),
        "from_run": {k: latest.get(k) for k in ("date", "commit", "quick", "machine")},
        "values": dict(sorted(values.items())),
    }


def table(rows: list[Row], *, only_failed: bool = False) -> str:
    """The rows as a plain-text table."""
    shown = [row for row in rows if row.reasons or not only_failed]
    header = ("key", "value", "baseline", "target", "result", "why")
    lines = [
        (
            row.key,
            "-" if row.value is None else f"{_fmt(row.value)}{'' if row.unit == 'ratio' else ' ' + row.unit}",
            _fmt(row.baseline),
            _fmt(row.target),
            "FAIL" if row.reasons else "ok",
            "; ".join(row.reasons) or row.note,
        )
        for row in shown
    ]
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *lines, strict=False)]
    out = []
    for line in (header, *lines):
        out.append(
            "  ".join(str(cell).ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
    return "\n".join(out)


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.exists() else {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the baseline from the last run")
    parser.add_argument("--latest", type=Path, default=LATEST)
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    args = parser.parse_args(argv)
    latest = _load(args.latest)
    if not latest:
        print(f"{args.latest} not found: run `make bench` first.")
        return 1
    baseline = _load(args.baseline)
    if args.update:
        broken = [
            name for name, s in latest.get("modules", {}).items() if s.get("status") in (FAILED, TIMEOUT)
        ]
        if broken:
            print(f"Not updating the baseline: these modules failed in the last run: {', '.join(broken)}.")
            return 1
        updated = baseline_update(latest, baseline)
        args.baseline.write_text(json.dumps(updated, indent=2, ensure_ascii=False) + "\n")
        note = " (from a --quick run: regenerate from a full one)" if latest.get("quick") else ""
        print(f"{args.baseline}: {len(updated['values'])} values{note}. Commit it with the reason.")
        return 0
    if not baseline:
        print(f"{args.baseline} not found: only the targets, limits and checks are compared.")
    rows = compare(latest, baseline)
    failed = [row for row in rows if row.reasons]
    print(f"Run of {latest.get('date', '?')} at {latest.get('commit', '?')} against {args.baseline.name}:")
    print(table(rows))
    if latest.get("quick"):
        print("\nNote: the last run was a --quick one; its figures are rough.")
    machine = latest.get("machine") or {}
    if machine.get("load_start") and machine.get("cpus") and machine["load_start"][0] > machine["cpus"]:
        print(
            f"\nNote: the run started at a load average of {machine['load_start'][0]:.1f} on "
            f"{machine['cpus']} CPUs: other work shared the machine, so even the ratios are noisy. "
            "Run it again on a quiet machine before believing a failure (or a pass)."
        )
    if failed:
        print(f"\n{len(failed)} of {len(rows)} failed:")
        print(table(failed, only_failed=True))
        return 1
    print(f"\nAll {len(rows)} passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
