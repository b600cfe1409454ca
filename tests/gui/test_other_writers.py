"""The window beside another CiteDesk process: it shows rows that process writes, and waits for its writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_main_window import make_window
from writers import hold_write_lock

from citedesk.gui.watcher import waiting_message

STRINGS_FILE = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "corpus"
    / "bibtex"
    / "biber"
    / "t"
    / "tdata"
    / "encoding3.bib"
)

pytestmark = pytest.mark.gui


def cli(library: Path, *args: object) -> subprocess.CompletedProcess:
    env = {**os.environ, "CITEDESK_LIBRARY": str(library)}
    return subprocess.run(
        [sys.executable, "-m", "citedesk", *map(str, args)], env=env, capture_output=True, text=True, timeout=60
    )


def tag_rows(window) -> list[str]:
    model = window.sidebar.model()
    tags = next((model.item(row) for row in range(model.rowCount()) if model.item(row).text() == "TAGS"), None)
    return [tags.child(row).text() for row in range(tags.rowCount())] if tags else []


def test_papers_another_process_imports_appear_without_a_reload(qtbot, small_library):
    window = make_window(qtbot, small_library.parent)
    before = window.model.total

    assert cli(small_library, "import", STRINGS_FILE).returncode == 0

    qtbot.waitUntil(lambda: window.model.total == before + 1, timeout=5000)
    assert "test1" in [row.citekey for row in window.model.rows]
    window.close()


def test_add_tag_during_another_process_write_waits_and_then_succeeds(qtbot, small_library):
    window = make_window(qtbot, small_library.parent)
    holder = hold_write_lock(small_library, 3.0)
    try:
        window.table.selectAll()
        window.dialogs.answer("ask_text", "to read")
        window.commands.add_tag.trigger()
        qtbot.waitUntil(
            lambda: window.statusBar().currentMessage() == waiting_message(str(small_library)), timeout=5000
        )
        assert window.isVisible() and not window.dialogs.errors  # responsive, nothing refused
        qtbot.waitUntil(lambda: "to read  (4)" in tag_rows(window), timeout=15_000)
    finally:
        holder.communicate(timeout=10)
    assert not window.dialogs.errors
    window.close()
