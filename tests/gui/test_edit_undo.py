"""Edit Entry in the window, then Ctrl+Z: the entry exports byte for byte as before; Ctrl+Shift+Z or Ctrl+Y edits it again."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from test_main_window import make_window, select

from citedesk import jobs
from citedesk.gui.entry_editor import EntryChanges

pytestmark = pytest.mark.gui

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def exported(library, tmp_path, **scope) -> bytes:
    out = tmp_path / "export.bib"
    jobs.export_bibtex(library, out, **scope)
    return out.read_bytes()


def both_exports(library, tmp_path, key: str) -> tuple[bytes, bytes]:
    """The imported file as it is now, and the entry on its own."""
    return exported(library, tmp_path, file_of="small.bib"), exported(library, tmp_path, keys=[key])


def row_of(window, paper_id: int) -> tuple:
    return window.reads.db.execute(
        "SELECT citekey, entry_type, raw, fields, modified, title FROM papers WHERE id = ?", [paper_id]
    ).fetchone()


def test_an_edit_is_undone_and_redone_from_the_keyboard(qtbot, small_library, tmp_path):
    window = make_window(qtbot, small_library.parent)
    select(qtbot, window, "nolan2015")
    paper_id = window.current_paper
    before, before_row = both_exports(small_library, tmp_path, "nolan2015"), row_of(window, paper_id)
    changes = EntryChanges(
        "nolan2015b", "misc", {"title": "{Recovery Stories, Revised}", "publisher": None, "note": "{Read twice}"}
    )
    window.dialogs.answer("edit_entry", changes)
    window.commands.edit_entry.trigger()
    qtbot.waitUntil(lambda: window.details.title_label.text() == "Recovery Stories, Revised", timeout=10_000)
    edited_row = row_of(window, paper_id)
    edited = both_exports(small_library, tmp_path, "nolan2015b")
    assert edited[0] != before[0] and b"@misc{nolan2015b," in edited[0]
    assert window.commands.undo.text().replace("&", "") == "Undo Edit nolan2015"
    assert "Saved nolan2015b" in window.statusBar().currentMessage()

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: window.details.title_label.text() == "Recovery Stories", timeout=10_000)
    assert row_of(window, paper_id) == before_row
    assert both_exports(small_library, tmp_path, "nolan2015") == before
    assert window.commands.redo.text().replace("&", "") == "Redo Edit nolan2015"
    assert "Undid the edit of nolan2015" in window.statusBar().currentMessage()

    qtbot.keyClick(window.table, Qt.Key.Key_Z, CTRL | SHIFT)
    qtbot.waitUntil(lambda: row_of(window, paper_id) == edited_row, timeout=10_000)
    assert both_exports(small_library, tmp_path, "nolan2015b") == edited

    qtbot.keyClick(window.table, Qt.Key.Key_Z, CTRL)
    qtbot.waitUntil(lambda: row_of(window, paper_id) == before_row, timeout=10_000)
    qtbot.keyClick(window.table, Qt.Key.Key_Y, CTRL)
    qtbot.waitUntil(lambda: row_of(window, paper_id) == edited_row, timeout=10_000)
    qtbot.waitUntil(lambda: window.details.title_label.text() == "Recovery Stories, Revised", timeout=10_000)
    window.close()


def test_a_failed_edit_leaves_nothing_to_undo(qtbot, small_library):
    window = make_window(qtbot, small_library.parent)
    select(qtbot, window, "nolan2015")
    window.dialogs.answer("edit_entry", EntryChanges(None, None, {"title": "{Unbalanced"}))
    window.commands.edit_entry.trigger()
    qtbot.waitUntil(lambda: bool(window.dialogs.errors), timeout=10_000)
    assert "braces" in window.dialogs.errors[0]
    assert not window.commands.undo.isEnabled()
    window.close()
