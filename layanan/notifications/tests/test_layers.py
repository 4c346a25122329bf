"""The notification path is a straight line: services → tasks → delivery, and no module imports back.

Read from the source with ``ast``, so an import inside a function (or under
``TYPE_CHECKING``) counts as much as one at the top of the module.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "layanan.notifications"
ROOT = Path(__file__).resolve().parent.parent


def modules() -> dict[str, Path]:
    """The package's own modules (not its tests or migrations), by short name."""
    return {path.stem: path for path in sorted(ROOT.glob("*.py")) if path.stem != "__init__"}


def imported_by(path: Path, known: set[str]) -> set[str]:
    """The modules of the package that ``path`` imports anywhere in its source."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from . import x, from .x import y
                base = f"{PACKAGE}.{node.module}" if node.module else PACKAGE
            else:
                base = node.module or ""
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            if name.startswith(f"{PACKAGE}."):
                short = name.removeprefix(f"{PACKAGE}.").split(".")[0]
                if short in known:
                    found.add(short)
    found.discard(path.stem)
    return found


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imported_by(path, set(known)) for name, path in known.items()}


def test_the_import_reader_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "sample.py"
    module.write_text(
        "def later():\n"
        "    from layanan.notifications.tasks import message_send\n"
        "    from layanan.notifications import delivery\n"
        "    from . import rendering\n"
    )

    assert imported_by(module, {"tasks", "delivery", "rendering", "services"}) == {
        "tasks",
        "delivery",
        "rendering",
    }


def test_services_and_tasks_do_not_import_each_other():
    imports = graph()

    assert "tasks" in imports["services"]  # notify() enqueues the send
    assert "services" not in imports["tasks"]


def test_the_path_is_services_then_tasks_then_delivery():
    imports = graph()

    assert "delivery" in imports["tasks"]
    assert not imports["delivery"] & {"services", "tasks"}


def test_no_module_of_the_package_imports_one_that_imports_it_back():
    imports = graph()
    cycles: list[list[str]] = []

    def visit(name: str, trail: list[str]) -> None:
        for target in sorted(imports[name]):
            if target in trail:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in done:
                visit(target, [*trail, target])
        done.add(name)

    done: set[str] = set()
    for start in sorted(imports):
        if start not in done:
            visit(start, [start])

    assert cycles == []
