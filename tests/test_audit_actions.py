"""Audit actions name the app that records them: ``agencies.offices_seed``, never ``offices.seed``.

Every ``audit_record(action=...)`` (and ``audit_action=...``) written as a literal or an
f-string under ``layanan/`` is read with ``ast``; the word before the first dot must be
the recording app's label. Rows already in the log keep their names: it is sealed.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from tests.test_layers import _modules, _unit_of

# Prefixes that other branches of issue 11 rename; the lead empties this after merging.


def _literal_prefix(value: ast.expr) -> str | None:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    if isinstance(value, ast.JoinedStr) and value.values:
        first = value.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def _actions() -> Iterator[tuple[str, str, str]]:
    """(recording app, action prefix, where) for every action written in the source."""
    for path in _modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg not in ("action", "audit_action"):
                    continue
                text = _literal_prefix(keyword.value)
                if text is None or "." not in text:
                    continue
                yield _unit_of(path), text.split(".", 1)[0], f"{path}:{node.lineno} {text!r}"


def test_every_audit_action_starts_with_its_apps_label():
    wrong = [where for unit, prefix, where in _actions() if prefix != unit]
    assert wrong == []
