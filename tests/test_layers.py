"""Imports point one way: an app imports only apps of lower layers (see docs/development.md).

Every module under ``layanan/`` except tests and migrations is parsed with
``ast``; every import counts, at the top, inside a function, or under
``TYPE_CHECKING``. A module belongs to its top-level package (``layanan.<app>``);
top-level modules (``settings``, ``urls``...) are their own units.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "layanan"

# Low to high. A unit may import any unit of a lower layer; within a layer only
# the pairs in MUTUAL may import each other. docs/development.md draws this table.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("env",),
    ("settings", "core"),
    ("audit",),
    ("calendars", "tracking"),
    ("regions",),
    ("agencies",),
    ("accounts", "identity"),
    ("offline",),  # the service worker, the manifest, the outbox page; a step's submit keys per account
    ("catalogue",),
    ("notifications",),
    ("servicepoints",),  # where to get help: service points, announcements (notify() to subscribers)
    ("documents",),
    ("webhooks",),  # subscribers' webhooks: the case engine saves an event with each step
    ("cases",),  # the case engine: writes audit rows and saves notices, so above both
    ("applications", "complaints"),
    # assisted: an operator applies for a walk-in citizen; integrations: LAPOR!, SIAK, OpenSID adapters
    ("inbound", "survey", "assisted", "integrations"),
    # feedback on the platform (reads the survey's platform question); usulan for the Musrenbang
    ("feedback", "aspirations"),
    ("monitoring",),
    ("opendata",),  # open data sets: built from the monitoring summaries and the survey, published
    ("privacy",),  # reads every app's records about a person; lower apps get its checks by registration
    ("api",),  # the open API (REST, Open311): the same selectors and services as the pages
    ("urls", "wsgi", "testing", "demo", "backup"),  # wiring, test world, demo, backup: imported by no app
)

# Same-layer pairs that may import each other, and why.
MUTUAL: frozenset[frozenset[str]] = frozenset(
    {
        # accounts (the User, permissions) and identity (NIK/KK on that User) are one domain:
        # identity's services need the User and the permission table, and the account pages
        # show and set the identity. Splitting them would move the account pages into identity.
        frozenset({"accounts", "identity"}),
    }
)

LAYER_OF: dict[str, int] = {unit: index for index, layer in enumerate(LAYERS) for unit in layer}


def _unit_of(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0].removesuffix(".py")


def _module_name(path: Path) -> list[str]:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ["layanan", *parts]


def _modules() -> Iterator[Path]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py":
            continue
        yield path


def _imported(path: Path) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of every import in the module, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            if module == "layanan":
                for alias in node.names:
                    yield node.lineno, f"layanan.{alias.name}"
            else:
                yield node.lineno, module


def _edges() -> Iterator[tuple[str, str, str]]:
    """(importing unit, imported unit, where) for every import between two units of layanan."""
    for path in _modules():
        unit = _unit_of(path)
        for line, name in _imported(path):
            parts = name.split(".")
            if parts[0] != "layanan" or len(parts) < 2:
                continue
            target = parts[1]
            if target != unit:
                yield unit, target, f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}"


def _allowed(unit: str, target: str) -> bool:
    if LAYER_OF[target] < LAYER_OF[unit]:
        return True
    return frozenset({unit, target}) in MUTUAL


def test_every_unit_of_the_package_has_a_layer():
    units = {_unit_of(path) for path in _modules()} - {"__init__"}
    assert units - LAYER_OF.keys() == set()
    assert LAYER_OF.keys() - units == set()


def test_no_import_points_up_or_sideways():
    wrong = [where for unit, target, where in _edges() if not _allowed(unit, target)]
    assert wrong == []


def test_it_refuses_upward_and_sideways_imports():
    assert _allowed("accounts", "audit")
    assert not _allowed("audit", "accounts")
    assert not _allowed("core", "accounts")
    assert not _allowed("applications", "complaints")
    assert not _allowed("complaints", "applications")
    assert _allowed("identity", "accounts")
    assert _allowed("accounts", "identity")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import layanan.accounts.models\n", "layanan.accounts.models"),
        ("from layanan import accounts\n", "layanan.accounts"),
        ("def f():\n    from layanan.applications.models import A\n", "layanan.applications.models"),
        ("if TYPE_CHECKING:\n    from layanan.complaints.models import R\n", "layanan.complaints.models"),
        ("from ..accounts.models import User\n", "layanan.accounts.models"),
    ],
)
def test_it_sees_every_kind_of_import(tmp_path, monkeypatch, source, expected):
    package = tmp_path / "layanan"
    (package / "audit").mkdir(parents=True)
    module = package / "audit" / "services.py"
    module.write_text(source, encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.PACKAGE", package)
    assert [name for _, name in _imported(module)] == [expected]
