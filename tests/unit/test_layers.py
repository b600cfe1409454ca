"""The layering rules of docs/architecture.md, checked on the source: the core never imports Qt, and the fronts
(gui/ and cli.py) reach the core only through the jobs, the read façade, the model and the plug-in API."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "citedesk"
CORE_PACKAGES = ("library", "sources", "classify", "jobs", "formats", "team")
CORE = [
    path
    for path in PACKAGE.rglob("*.py")
    if path.relative_to(PACKAGE).parts[0] in CORE_PACKAGES or (path.parent == PACKAGE and path.name != "cli.py")
]
QT = {"PySide6", "PyQt6", "PyQt5", "PySide2", "shiboken6"}
FRONTS = [*sorted((PACKAGE / "gui").rglob("*.py")), PACKAGE / "cli.py"]
# What a front may import of the core: the jobs (what a person does), the read façade (what is shown), the
# model, the plug-in registry and the plug-in API's base modules; and system_libs, the check of the desktop's
# libraries the command line makes before it loads Qt, which knows nothing of a library.
FRONT_MAY_IMPORT = {
    "citedesk",
    "citedesk.jobs",
    "citedesk.reads",
    "citedesk.model",
    "citedesk.plugins",
    "citedesk.hookspecs",
    "citedesk.commands",
    "citedesk.formats.base",
    "citedesk.classify.plugin",
    "citedesk.library.facets",
    "citedesk.system_libs",
}
# SQL in a string (the project writes its keywords in capitals), or a statement run
SQL = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|PRAGMA)\b|\.execute\(", re.DOTALL)


def imported_modules(path: Path, top_level_only: bool = False) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else ast.walk(tree)
    names: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names if _is_module(node.module, alias.name))
    return names


def _is_module(package: str, name: str) -> bool:
    """Whether `from package import name` imports a module of citedesk (`from citedesk import jobs`)."""
    if not package.startswith("citedesk"):
        return False
    folder = PACKAGE.joinpath(*package.split(".")[1:])
    return (folder / name).is_dir() or (folder / f"{name}.py").exists()


def core_imports_of_a_front(path: Path) -> set[str]:
    """The citedesk modules a front module imports that are not the front's own (gui/ for gui/)."""
    names = {name for name in imported_modules(path) if name == "citedesk" or name.startswith("citedesk.")}
    return {name for name in names if not name.startswith("citedesk.gui")}


def string_constants(path: Path) -> list[str]:
    return [
        node.value
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_there_is_a_core_to_check():
    assert len(CORE) > 10
    assert PACKAGE / "jobs" / "refreshing.py" in CORE and PACKAGE / "model.py" in CORE


@pytest.mark.parametrize("path", CORE, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_core_modules_do_not_import_qt_or_the_gui(path):
    forbidden = {name for name in imported_modules(path) if name.split(".")[0] in QT}
    forbidden |= {name for name in imported_modules(path) if name.startswith("citedesk.gui")}
    assert not forbidden, f"{path.name} imports {forbidden}"


def test_the_command_line_loads_qt_only_to_open_the_window():
    top = imported_modules(PACKAGE / "cli.py", top_level_only=True)
    assert not {name for name in top if name.split(".")[0] in QT or name.startswith("citedesk.gui")}


def test_there_are_fronts_to_check():
    assert PACKAGE / "gui" / "mainwindow.py" in FRONTS and PACKAGE / "gui" / "widgets" / "details.py" in FRONTS


@pytest.mark.parametrize("path", FRONTS, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_fronts_reach_the_core_only_through_jobs_reads_model_and_plugins(path):
    other = {
        name
        for name in core_imports_of_a_front(path)
        if name not in FRONT_MAY_IMPORT and not name.startswith("citedesk.jobs.")
    }
    assert not other, f"{path.relative_to(PACKAGE)} imports {sorted(other)}: go through citedesk.jobs or citedesk.reads"


@pytest.mark.parametrize(
    "path", sorted((PACKAGE / "gui").rglob("*.py")), ids=lambda path: str(path.relative_to(PACKAGE))
)
def test_the_window_holds_no_database_and_no_sql(path):
    drivers = {name for name in imported_modules(path) if name.split(".")[0] in ("sqlite3", "sqlite_utils")}
    assert not drivers, f"{path.name} imports {drivers}"
    sql = [text for text in string_constants(path) if SQL.search(text)]
    assert not sql and ".execute(" not in path.read_text(encoding="utf-8"), f"{path.name} holds SQL: {sql}"


def test_the_commands_speak_to_a_window_protocol_not_to_the_main_window():
    for name in ("commands.py", "report_loader.py"):
        assert "citedesk.gui.mainwindow" not in imported_modules(PACKAGE / "gui" / name), name


def test_the_layer_check_sees_what_it_forbids(tmp_path):
    """The checks above, on a module that breaks each rule: they would fail on it."""
    bad = tmp_path / "bad.py"
    bad.write_text(
        '"""A front that reads the library itself."""\nimport sqlite_utils\nfrom citedesk.library import queries\n'
        'from citedesk import jobs, library\nROWS = "SELECT id FROM papers WHERE year = ?"\n',
        encoding="utf-8",
    )
    assert core_imports_of_a_front(bad) == {"citedesk", "citedesk.library", "citedesk.library.queries", "citedesk.jobs"}
    assert "sqlite_utils" in imported_modules(bad)
    assert [text for text in string_constants(bad) if SQL.search(text)] == ["SELECT id FROM papers WHERE year = ?"]


@pytest.mark.parametrize(
    "layer, other",
    [("library", "sources"), ("sources", "library"), ("library", "jobs"), ("library", "classify"), ("sources", "jobs")],
)
def test_lower_layers_do_not_import_each_other_or_the_jobs(layer, other):
    for path in (PACKAGE / layer).rglob("*.py"):
        assert not any(name.startswith(f"citedesk.{other}") for name in imported_modules(path)), path


def test_every_module_starts_with_a_docstring():
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{path} has no module docstring"
