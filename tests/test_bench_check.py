"""``make bench-check``'s rules, over dicts: no benchmark runs here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bench import check


def _entry(key: str = "pages.home", value: float = 1.0, **extra: Any) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "key": key,
        "module": key.split(".", 1)[0],
        "label": key,
        "value": value,
        "unit": "ratio",
        "higher_is_better": True,
        "target": None,
        "figures": {},
        "limits": {},
        "ok": None,
        "note": "",
    }
    entry.update(extra)
    return entry


def _run(*entries: dict[str, Any], modules: dict[str, Any] | None = None) -> dict[str, Any]:
    if modules is None:
        modules = {entry["module"]: {"status": check.PASSED} for entry in entries}
    return {"modules": modules, "results": list(entries)}


def _baseline(**values: float) -> dict[str, Any]:
    return {
        "values": {
            key.replace("__", "."): {"module": key.split("__")[0], "value": value, "higher_is_better": True}
            for key, value in values.items()
        }
    }


def _failures(latest: dict[str, Any], baseline: dict[str, Any]) -> dict[str, list[str]]:
    return {row.key: row.reasons for row in check.compare(latest, baseline) if row.reasons}


def test_a_ratio_19_percent_below_its_baseline_passes() -> None:
    assert _failures(_run(_entry(value=0.81)), _baseline(pages__home=1.0)) == {}


def test_a_ratio_21_percent_below_its_baseline_fails() -> None:
    failures = _failures(_run(_entry(value=0.79)), _baseline(pages__home=1.0))
    assert list(failures) == ["pages.home"]
    assert "below the baseline" in failures["pages.home"][0]


def test_a_time_that_rises_more_than_25_percent_fails_and_less_passes() -> None:
    def timed(value: float) -> dict[str, Any]:
        return _entry("monitoring.overview", value=value, unit="ms", higher_is_better=False)

    baseline = {"values": {"monitoring.overview": {"module": "monitoring", "value": 100.0}}}
    assert _failures(_run(timed(124.0)), baseline) == {}
    assert "above the baseline" in _failures(_run(timed(126.0)), baseline)["monitoring.overview"][0]


def test_a_time_must_rise_in_ms_and_per_yardstick_when_both_runs_measured_it() -> None:
    def timed(value: float, yardstick: float) -> dict[str, Any]:
        return _entry(
            "tasks.claim", value=value, unit="ms", higher_is_better=False, figures={"yardstick_ms": yardstick}
        )

    baseline = {"values": {"tasks.claim": {"module": "tasks", "value": 10.0, "yardstick_ms": 50.0}}}
    # Twice the time on a machine twice as slow: the same code, no regression.
    assert _failures(_run(timed(20.0, 100.0)), baseline) == {}
    # 30 % more time at the same machine speed: a regression, even though it is under 2x the baseline.
    reasons = _failures(_run(timed(13.0, 50.0)), baseline)["tasks.claim"]
    assert "30% above the baseline 10 at the same machine speed" in reasons[0]
    # A faster machine does not hide a regression that shows in ms: 0.6x the yardstick, 1.3x the time.
    assert _failures(_run(timed(13.0, 30.0)), baseline) != {}
    # The yardstick alone ran faster and the time did not move: no regression of the code.
    assert _failures(_run(timed(10.0, 34.0)), baseline) == {}
    # A baseline without a yardstick: the plain comparison.
    plain = {"values": {"tasks.claim": {"module": "tasks", "value": 10.0}}}
    assert "above the baseline" in _failures(_run(timed(20.0, 100.0)), plain)["tasks.claim"][0]


def test_the_update_keeps_the_yardstick_with_the_value() -> None:
    entry = _entry(
        "tasks.claim", value=3.0, unit="ms", higher_is_better=False, figures={"yardstick_ms": 42.0}
    )
    values = check.baseline_update(_run(entry), {})["values"]
    assert values["tasks.claim"]["yardstick_ms"] == 42.0
    assert "yardstick_ms" not in check.baseline_update(_run(_entry()), {})["values"]["pages.home"]


def test_a_ratio_below_its_target_fails_even_above_its_baseline() -> None:
    failures = _failures(_run(_entry(value=0.25, target=0.30)), _baseline(pages__home=0.2))
    assert failures == {"pages.home": ["0.25 is below the target 0.3"]}


def test_a_time_above_its_target_fails() -> None:
    entry = _entry("monitoring.year", value=250.0, unit="ms", higher_is_better=False, target=200.0)
    assert "above the target" in _failures(_run(entry), {})["monitoring.year"][0]


def test_a_figure_over_its_limit_fails_and_a_missing_one_too() -> None:
    over = _entry(figures={"p99_ms": 120.0}, limits={"p99_ms": 100})
    under = _entry("pages.lacak", figures={"p99_ms": 80.0}, limits={"p99_ms": 100})
    missing = _entry("pages.layanan", limits={"p99_ms": 100})
    failures = _failures(_run(over, under, missing), {})
    assert set(failures) == {"pages.home", "pages.layanan"}
    assert "exceeds its limit" in failures["pages.home"][0]
    assert "not measured" in failures["pages.layanan"][0]


def test_a_false_ok_fails() -> None:
    entry = _entry("complaints.submit", ok=False, note="2 reports lost")
    assert _failures(_run(entry), {}) == {"complaints.submit": ["check failed (ok is false): 2 reports lost"]}
    assert _failures(_run(_entry("complaints.submit", ok=True)), {}) == {}


def test_a_baseline_key_missing_from_the_run_fails_unless_its_module_was_skipped() -> None:
    baseline = _baseline(pages__home=1.0, monitoring__overview=1.0)
    assert list(_failures(_run(_entry()), baseline)) == ["monitoring.overview"]
    skipped = {"pages": {"status": check.PASSED}, "monitoring": {"status": check.SKIPPED, "reason": "no PG"}}
    assert _failures(_run(_entry(), modules=skipped), baseline) == {}
    no_reason = {"pages": {"status": check.PASSED}, "monitoring": {"status": check.SKIPPED, "reason": ""}}
    assert list(_failures(_run(_entry(), modules=no_reason), baseline)) == ["monitoring.overview"]


def test_a_failed_module_fails_the_check() -> None:
    latest = _run(_entry(), modules={"pages": {"status": check.PASSED}, "tasks": {"status": check.TIMEOUT}})
    assert list(_failures(latest, {})) == ["tasks (module)"]


def test_the_update_replaces_the_modules_that_ran_and_keeps_the_others() -> None:
    baseline = _baseline(pages__home=1.0, pages__gone=1.0, monitoring__overview=3.0)
    latest = _run(
        _entry(value=0.5), modules={"pages": {"status": check.PASSED}, "monitoring": {"status": "skipped"}}
    )
    values = check.baseline_update(latest, baseline)["values"]
    assert {key: value["value"] for key, value in values.items()} == {
        "pages.home": 0.5,
        "monitoring.overview": 3.0,
    }


def test_the_command_exits_1_with_a_table_of_failures(tmp_path: Path, capsys: Any) -> None:
    latest, baseline = tmp_path / "latest.json", tmp_path / "baseline.json"
    latest.write_text(json.dumps(_run(_entry(value=0.5))))
    baseline.write_text(json.dumps(_baseline(pages__home=1.0)))
    assert check.main(["--latest", str(latest), "--baseline", str(baseline)]) == 1
    assert "50% below the baseline" in capsys.readouterr().out
    assert check.main(["--latest", str(latest), "--baseline", str(baseline), "--update"]) == 0
    assert check.main(["--latest", str(latest), "--baseline", str(baseline)]) == 0


def test_the_report_shows_each_module_its_figures_and_failures() -> None:
    from bench.__main__ import markdown

    latest = _run(
        _entry(value=0.5, target=0.3, figures={"req_per_s": 1200.0, "p99_ms": 140.0}, limits={"p99_ms": 100}),
        modules={
            "pages": {"status": check.PASSED, "seconds": 170.0, "database": "sqlite"},
            "tasks": {
                "status": check.TIMEOUT,
                "seconds": 180.0,
                "reason": "stopped after its budget of 180 s",
            },
        },
    )
    latest.update(
        date="2026-12-07T03:00:00+00:00",
        duration_s=350.0,
        quick=False,
        commit="abc",
        dirty=False,
        machine={
            "cpus": 2,
            "platform": "Linux",
            "python": "3.13.0",
            "load_start": [1, 1, 1],
            "load_end": [2, 2, 2],
        },
        databases={"postgresql": "15.20", "sqlite": "3.40.1"},
    )
    report = markdown(latest, _baseline(pages__home=0.4))
    assert "## pages" in report
    assert "## tasks" in report
    assert "**timeout** in 180 s: stopped after its budget of 180 s" in report
    assert "p99_ms 140 exceeds its limit 100" in report
    assert "req_per_s 1,200" in report
