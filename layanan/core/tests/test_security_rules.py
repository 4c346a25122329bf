"""The project's semgrep rules (.semgrep/) each catch the bad examples of their own test file,
and only those: every ``# ruleid: <rule>`` line is found, no ``# ok: <rule>`` line is."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
RULES = ROOT / ".semgrep"
SEMGREP = Path(sys.executable).parent / "semgrep"
ANNOTATION = re.compile(r"#\s*(ruleid|ok):\s*([\w-]+)")


def expected() -> dict[str, set[tuple[str, int]]]:
    """Rule id -> the (file, line) each ``# ruleid:`` comment points at (the next code line)."""
    wanted: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for example in sorted(RULES.glob("*.py")):
        lines = example.read_text(encoding="utf-8").splitlines()
        for number, line in enumerate(lines, start=1):
            match = ANNOTATION.search(line)
            if match and match.group(1) == "ruleid":
                wanted[match.group(2)].add((example.name, number + 1))
    return wanted


@pytest.fixture(scope="module")
def findings() -> dict[str, set[tuple[str, int]]]:
    result = subprocess.run(
        [
            str(SEMGREP),
            "scan",
            "--config",
            str(RULES),
            "--metrics=off",
            "--disable-version-check",
            "--json",
            *(str(path) for path in sorted(RULES.glob("*.py"))),
        ],
        cwd=ROOT,
        env={**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    assert report["errors"] == []
    found: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for item in report["results"]:
        found[item["check_id"].rsplit(".", 1)[-1]].add((Path(item["path"]).name, item["start"]["line"]))
    return found


def test_every_rule_has_an_example_file_with_a_bad_case() -> None:
    rules = {path.stem for path in RULES.glob("*.yaml")}
    assert rules >= {
        "no-mark-safe-on-variable",
        "no-raw-sql-formatting",
        "no-print",
        "no-personal-data-in-logs",
        "no-csrf-exempt-outside-webhooks",
        "no-fileresponse-without-safe-helper",
    }
    for rule in rules:
        example = RULES / f"{rule}.py"
        assert example.exists(), f"{rule} has no example file"
        assert f"# ruleid: {rule}" in example.read_text(), f"{rule}'s example has no bad case"
        assert f"# ok: {rule}" in example.read_text(), f"{rule}'s example has no good case"


@pytest.mark.parametrize("rule", sorted(path.stem for path in RULES.glob("*.yaml")))
def test_each_rule_catches_exactly_its_bad_examples(
    rule: str, findings: dict[str, set[tuple[str, int]]]
) -> None:
    own = {(name, line) for name, line in findings[rule] if name == f"{rule}.py"}
    assert own == expected()[rule]
