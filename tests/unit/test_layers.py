"""The layering rules of ARCHITECTURE.md, checked on the source: the core never imports Qt."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "citedesk"
CORE_PACKAGES = ("library", "sources", "classify")
CORE = [
    path
    for path in PACKAGE.rglob("*.py")
    if path.relative_to(PACKAGE).parts[0] in CORE_PACKAGES or path.parent == PACKAGE and path.name != "cli.py"
]
QT = {"PySide6", "PyQt6", "PyQt5", "PySide2", "shiboken6"}


def imported_modules(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_there_is_a_core_to_check():
    assert len(CORE) > 10
    assert PACKAGE / "jobs.py" in CORE and PACKAGE / "model.py" in CORE


@pytest.mark.parametrize("path", CORE, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_core_modules_do_not_import_qt_or_the_gui(path):
    forbidden = {name for name in imported_modules(path) if name.split(".")[0] in QT}
    forbidden |= {name for name in imported_modules(path) if name.startswith("citedesk.gui")}
    assert not forbidden, f"{path.name} imports {forbidden}"


def test_the_command_line_loads_qt_only_to_open_the_window():
    top = imported_modules(PACKAGE / "cli.py", top_level_only=True)
    assert not {name for name in top if name.split(".")[0] in QT or name.startswith("citedesk.gui")}


@pytest.mark.parametrize("layer, other", [("library", "sources"), ("sources", "library"), ("library", "jobs"),
                                          ("library", "classify"), ("sources", "jobs")])
def test_lower_layers_do_not_import_each_other_or_the_jobs(layer, other):
    for path in (PACKAGE / layer).rglob("*.py"):
        assert not any(name.startswith(f"citedesk.{other}") for name in imported_modules(path)), path


def test_every_module_starts_with_a_docstring():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path} has no module docstring"
