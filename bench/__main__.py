"""``make bench``: run every benchmark module and write ``bench/results/latest.md`` and ``latest.json``.

``python -m bench [--only pages,complaints] [--quick]``. Each ``bench/<name>_bench.py`` runs in its
own process, one after the other (they would skew each other on 2 cores), within its time budget
(:data:`MODULES`) and what is left of the suite's 15 minutes (:data:`SUITE_BUDGET`), and writes
its figures through :func:`bench.results.record`. A module that exits non-zero, runs out of time
or records nothing is shown as failed and makes this command exit 1; the others still run. ``--quick`` sets
``BENCH_QUICK=1`` (:func:`bench.results.quick`) and passes each module its short arguments: a run
to try the harness, not to measure.

Databases: the run never touches the development data. ``DATABASE_URL`` and ``BENCH_DATABASE_URL``
of the calling shell are not passed on; a module that needs PostgreSQL gets a throwaway database
made afresh with psql (``bench_<module>``, or ``$BENCH_DB_PREFIX<module>``) on the server of
``BENCH_POSTGRES`` (default ``postgres://postgres@127.0.0.1:5432``) when that server answers;
otherwise it runs on SQLite or skips itself, and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import check, results

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DEFAULT_BUDGET = 120.0
# The whole suite's budget: a module gets at most what is left of it (BENCH_SUITE_SECONDS to change).
SUITE_BUDGET = float(os.environ.get("BENCH_SUITE_SECONDS") or 900)
PSQL, GIT = shutil.which("psql"), shutil.which("git")


@dataclass(frozen=True)
class Module:
    """One ``bench/<name>_bench.py``: its time budget, arguments and database."""

    name: str
    budget: float  # seconds before it is stopped and counted as failed
    args: tuple[str, ...] = ()
    quick_args: tuple[str, ...] = ()
    # The variable that gets a fresh PostgreSQL database ``bench_<name>``, if the module needs one.
    database_variable: str | None = None
    needs_postgres: bool = False  # skip (with the reason) rather than fall back to SQLite
    keep_database: bool = False  # create it if missing but do not drop it (for a module's --keep)
    extra_env: dict[str, str] = field(default_factory=dict)


# In run order. The budgets are ceilings; the expected times add up to about 12 minutes on 2 cores.
MODULES: tuple[Module, ...] = (
    Module("pages", budget=300, quick_args=("--seconds", "1", "--rounds", "1")),
    # The main citizen pages in Chromium on throttled networks (Regular 2G, DevTools' 3G): ~3 minutes.
    Module("network", budget=420, quick_args=("--repeat", "1")),
    # Also over 2 processes x 2 threads: gunicorn's shape, each process with its own interpreter.
    Module("complaints", budget=180, args=("--processes", "2"), database_variable="DATABASE_URL"),
    # At a tenth of the 1M + 1M rows (the module extrapolates); --scale 1 alone takes ~15 min.
    Module(
        "monitoring",
        budget=420,
        args=("--scale", "0.1"),
        quick_args=("--scale", "0.01"),
        database_variable="BENCH_DATABASE_URL",
        needs_postgres=True,
        keep_database=True,
    ),
    # The open API: reads and report creates by token, against the hello view (the pages' database).
    Module("api", budget=300, quick_args=("--seconds", "1", "--rounds", "1")),
    Module("documents", budget=120, args=("--seconds", "3"), quick_args=("--seconds", "1")),
    Module(
        "notifications",
        budget=120,
        args=("--messages", "200"),
        quick_args=("--messages", "60"),
        database_variable="DATABASE_URL",
    ),
    Module(
        "audit",
        budget=120,
        args=("--events", "2000"),
        quick_args=("--events", "600"),
        database_variable="DATABASE_URL",
    ),
    Module(
        "tasks",
        budget=180,
        args=("--tasks", "1000"),
        quick_args=("--tasks", "100", "--depth", "2000"),
        database_variable="DATABASE_URL",
        needs_postgres=True,
    ),
)


def discover() -> list[Module]:
    """The modules of :data:`MODULES`, then any other ``*_bench.py`` (default budget, no arguments)."""
    known = {module.name: module for module in MODULES}
    found = {path.stem.removesuffix("_bench") for path in BENCH_DIR.glob("*_bench.py")}
    ordered = [module for module in MODULES if module.name in found]
    ordered += [Module(name, budget=DEFAULT_BUDGET) for name in sorted(found - set(known))]
    return ordered


# PostgreSQL --------------------------------------------------------------------------------------


def _postgres_server() -> str:
    return os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def _psql(sql: str, database: str = "postgres") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PSQL or "psql", f"{_postgres_server()}/{database}", "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def postgres_version() -> str | None:
    """The server's version, or None when psql is missing or the server does not answer."""
    if PSQL is None:
        return None
    try:
        answer = _psql("show server_version")
    except subprocess.TimeoutExpired:
        return None
    return answer.stdout.strip() if answer.returncode == 0 else None


def fresh_database(name: str, *, keep: bool = False) -> str:
    """Drop and create ``name`` (with ``keep``, only create it if missing); its URL."""
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise RuntimeError(f"{name!r}: a benchmark database name is lower-case letters, digits and _")
    exists = _psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'").stdout.strip() == "1"  # noqa: S608
    statements = [] if keep and exists else [f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)']
    if not (keep and exists):
        statements.append(f'CREATE DATABASE "{name}"')
    for sql in statements:
        answer = _psql(sql)
        if answer.returncode != 0:
            raise RuntimeError(f"psql: {answer.stderr.strip()}")
    return f"{_postgres_server()}/{name}"


# Running one module ------------------------------------------------------------------------------


def _pump(stream: Any, log: Any) -> None:
    for line in iter(stream.readline, ""):
        sys.stdout.write(line)
        sys.stdout.flush()
        log.write(line)
    stream.close()


def run_module(module: Module, *, quick: bool, postgres: str | None, left: float) -> dict[str, Any]:
    """Run one module in its own process group, for at most ``left`` seconds; its state for latest.json."""
    results.clear(module.name)
    budget = min(module.budget, left)
    if budget < 10:
        reason = f"not run: the suite's {SUITE_BUDGET:.0f} s were used up before it"
        return {"status": check.FAILED, "reason": reason, "database": None, "seconds": 0.0}
    env = {
        key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "BENCH_DATABASE_URL")
    }
    env.update(module.extra_env)
    env["PYTHONPATH"] = str(ROOT)
    env["BENCH_RESULTS_DIR"] = str(results.RESULTS_DIR)
    if quick:
        env["BENCH_QUICK"] = "1"
    state: dict[str, Any] = {"status": check.PASSED, "reason": "", "database": "sqlite"}
    if module.database_variable:
        if postgres is None:
            if module.needs_postgres:
                reason = (
                    "PostgreSQL does not answer (BENCH_POSTGRES); this module measures on PostgreSQL only"
                )
                results.skip(module.name, reason)
                return {**state, "status": check.SKIPPED, "reason": reason, "database": None, "seconds": 0.0}
        else:
            name = f"{os.environ.get('BENCH_DB_PREFIX', 'bench_')}{module.name}"
            try:
                env[module.database_variable] = fresh_database(name, keep=module.keep_database)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                return {
                    **state,
                    "status": check.FAILED,
                    "reason": f"database {name}: {error}",
                    "seconds": 0.0,
                }
            state["database"] = f"postgresql {name}"
    command = [
        sys.executable,
        "-m",
        f"bench.{module.name}_bench",
        *(module.quick_args if quick else module.args),
    ]
    print(
        f"\n== {module.name}: {' '.join(command[1:])} (budget {budget:.0f} s, {state['database']})",
        flush=True,
    )
    log_path = results.RESULTS_DIR / f"{module.name}.log"
    began = time.monotonic()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # its own process group: a timeout stops its servers and workers too
        )
        pump = threading.Thread(target=_pump, args=(process.stdout, log), daemon=True)
        pump.start()
        try:
            returncode = process.wait(timeout=budget)
        except subprocess.TimeoutExpired:
            _stop_group(process)
            returncode = None
        pump.join(timeout=10)
    state["seconds"] = round(time.monotonic() - began, 1)
    state["returncode"] = returncode
    skipped = results.skipped_reason(module.name)
    recorded = (results.RESULTS_DIR / f"{module.name}.json").exists()
    if returncode is None:
        state.update(status=check.TIMEOUT, reason=f"stopped after its budget of {budget:.0f} s")
    elif returncode != 0:
        state.update(
            status=check.FAILED, reason=f"exit status {returncode} (log: bench/results/{log_path.name})"
        )
    elif skipped:
        state.update(status=check.SKIPPED, reason=skipped)
    elif not recorded:
        state.update(status=check.FAILED, reason="recorded no figures (and did not say it skipped)")
    return state


def _stop_group(process: subprocess.Popen[str]) -> None:
    """SIGTERM to the module's process group, SIGKILL ten seconds later if still there."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


# The report --------------------------------------------------------------------------------------


def _git(*args: str) -> str:
    answer = subprocess.run([GIT or "git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
    return answer.stdout.strip()


def _figure(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(latest: dict[str, Any], baseline: dict[str, Any]) -> str:
    """latest.md: the run's context, then one table per module."""
    machine = latest["machine"]
    load_start = " ".join(f"{x:.2f}" for x in machine["load_start"])
    load_end = " ".join(f"{x:.2f}" for x in machine["load_end"])
    engines = ", ".join(f"{name} {version}" for name, version in latest["databases"].items() if version)
    lines = [
        "# Benchmark results",
        "",
        f"- date: {latest['date']} ({latest['duration_s']:.0f} s{', --quick' if latest['quick'] else ''})",
        f"- commit: {latest['commit']}{' (with uncommitted changes)' if latest['dirty'] else ''}",
        f"- machine: {machine['cpus']} CPUs, {machine['platform']}, Python {machine['python']}; "
        f"load average (1, 5, 15 min) {load_start} at the start, {load_end} at the end",
        f"- database engines: {engines}",
        "",
        "Values are ratios to a baseline measured in the same run (higher is better) or times in ms "
        "(lower is better). `result` compares with the target, the limits, the checks and "
        "`bench/baseline.json` (a ratio may fall 20 %, a time rise 25 %); `make bench-check` applies "
        "the same rules.",
        "",
    ]
    rows = {row.key: row for row in check.compare(latest, baseline)}
    by_module: dict[str, list[dict[str, Any]]] = {}
    for entry in latest["results"]:
        by_module.setdefault(entry["module"], []).append(entry)
    for name, state in latest["modules"].items():
        lines.append(f"## {name}")
        lines.append("")
        database = f", {state['database']}" if state.get("database") else ""
        reason = f": {state['reason']}" if state.get("reason") else ""
        lines += [f"**{state['status']}** in {state.get('seconds', 0):.0f} s{database}{reason}", ""]
        entries = by_module.pop(name, [])
        if entries:
            lines += _module_table(entries, rows)
    for name, entries in by_module.items():  # recorded under a name that is not a module file
        lines += [f"## {name}", "", *_module_table(entries, rows)]
    return "\n".join(lines).rstrip() + "\n"


def _module_table(entries: list[dict[str, Any]], rows: dict[str, check.Row]) -> list[str]:
    lines = [
        "| figure | value | target | baseline | result | raw figures |",
        "|---|---:|---:|---:|---|---|",
    ]
    for entry in entries:
        row = rows[entry["key"]]
        unit = "" if entry["unit"] == "ratio" else f" {entry['unit']}"
        better = "" if entry["higher_is_better"] else " (lower is better)"
        target = "-" if entry["target"] is None else f"{_figure(float(entry['target']))}{unit}"
        figures = ", ".join(f"{k} {_figure(v)}" for k, v in entry["figures"].items())
        limits = ", ".join(f"{k} ≤ {_figure(v)}" for k, v in entry["limits"].items())
        if limits:
            figures += f" (limits: {limits})"
        if entry["ok"] is not None:
            figures += f"; check {'passed' if entry['ok'] else 'FAILED'}"
        if entry["note"]:
            figures += f"; {entry['note']}"
        result = "pass" if row.passed else "**FAIL**: " + "; ".join(row.reasons)
        if row.passed and row.note:
            result += f" ({row.note})"
        lines.append(
            "| "
            + " | ".join(
                _cell(cell)
                for cell in (
                    f"{entry['label']} (`{entry['key']}`){better}",
                    f"{_figure(float(entry['value']))}{unit}",
                    target,
                    "-" if row.baseline is None else _figure(float(row.baseline)),
                    result,
                    figures or "-",
                )
            )
            + " |"
        )
    return [*lines, ""]


def _baseline() -> dict[str, Any]:
    return json.loads(check.BASELINE.read_text()) if check.BASELINE.exists() else {}


# The run -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated module names (pages,complaints,...)")
    parser.add_argument("--quick", action="store_true", help="short runs, to try the harness")
    parser.add_argument(
        "--report", action="store_true", help="only rewrite latest.md from latest.json and the baseline"
    )
    args = parser.parse_args(argv)
    if args.report:
        latest = json.loads((results.RESULTS_DIR / "latest.json").read_text())
        (results.RESULTS_DIR / "latest.md").write_text(markdown(latest, _baseline()))
        return 0
    modules = discover()
    known = {module.name for module in modules}
    selected = {name.strip() for name in args.only.split(",") if name.strip()} or known
    unknown = selected - known
    if unknown:
        parser.error(f"no such module: {', '.join(sorted(unknown))} (known: {', '.join(sorted(known))})")

    results.RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    run_began = time.time()
    began = time.monotonic()
    load_start = os.getloadavg()
    postgres = postgres_version()
    print(
        f"bench: {len(selected)} of {len(modules)} modules, {os.cpu_count()} CPUs, load {load_start[0]:.2f}; "
        f"PostgreSQL {postgres or 'not answering'}",
        flush=True,
    )
    states: dict[str, dict[str, Any]] = {}
    for module in modules:
        if module.name not in selected:
            results.clear(module.name)
            states[module.name] = {
                "status": check.SKIPPED,
                "reason": "not selected (--only)",
                "database": None,
            }
            continue
        left = SUITE_BUDGET - (time.monotonic() - began)
        states[module.name] = run_module(module, quick=args.quick, postgres=postgres, left=left)
    # This run's files only (a module may record under another name than its file's).
    entries = [
        entry
        for entry in results.load_module_results(since=run_began)
        if states.get(entry["module"], {}).get("status") != check.SKIPPED
    ]
    latest = {
        "date": started.isoformat(timespec="seconds"),
        "duration_s": round(time.monotonic() - began, 1),
        "commit": _git("rev-parse", "--short=12", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "quick": args.quick,
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(terse=True),
            "python": platform.python_version(),
            "load_start": [round(x, 2) for x in load_start],
            "load_end": [round(x, 2) for x in os.getloadavg()],
        },
        "databases": {"postgresql": postgres, "sqlite": sqlite3.sqlite_version},
        "modules": states,
        "results": entries,
    }
    baseline = _baseline()
    (results.RESULTS_DIR / "latest.json").write_text(json.dumps(latest, indent=2, ensure_ascii=False) + "\n")
    (results.RESULTS_DIR / "latest.md").write_text(markdown(latest, baseline))
    failed = [name for name, state in states.items() if state["status"] in (check.FAILED, check.TIMEOUT)]
    print(f"\nbench: {latest['duration_s']:.0f} s; wrote {results.RESULTS_DIR / 'latest.md'} and latest.json")
    for name, state in states.items():
        print(f"  {name:14} {state['status']:8} {state.get('seconds', 0):6.0f} s  {state.get('reason', '')}")
    if failed:
        print(f"bench: FAILED modules: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
