"""The export offers a file name that fits what is exported: one paper's key, the selection, the search, the library."""

from __future__ import annotations

import pytest
from test_main_window import make_window, select

from citedesk import jobs
from citedesk.gui.export_dialog import ExportChoice, suggested_name

pytestmark = pytest.mark.gui

ENTRIES = "".join(
    f"@article{{{key},\n  title = {{Paper {key}}},\n  year = {{2001}},\n}}\n" for key in ("Papineni:2002", "other2001")
)


@pytest.fixture
def window(qtbot, tmp_path):
    (tmp_path / "two.bib").write_text(ENTRIES, encoding="utf-8")
    jobs.import_bibtex(tmp_path / "library.sqlite", [tmp_path / "two.bib"])
    window = make_window(qtbot, tmp_path)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2)
    yield window
    window.close()


def test_one_selected_paper_is_offered_under_its_key(qtbot, window):
    select(qtbot, window, "Papineni:2002")
    window.dialogs.answer("ask_export", ExportChoice("selection", False))
    window.commands.export.trigger()  # the save dialog is cancelled: nothing is written
    assert window.dialogs.suggested_names == ["Papineni_2002.bib"]


def test_the_whole_library_is_offered_under_the_librarys_name(qtbot, window):
    select(qtbot, window, "other2001")
    window.dialogs.answer("ask_export", ExportChoice("library", False))
    window.commands.export.trigger()
    assert window.dialogs.suggested_names == ["library.bib"]


@pytest.mark.parametrize(
    ("scope", "keys", "name"),
    [
        ("selection", ["smith2019"], "smith2019.bib"),
        ("selection", ["a", "b"], "lab-selection.bib"),
        ("selection", ["../../etc/passwd"], "etc_passwd.bib"),
        ("selection", ["..."], "lab.bib"),
        ("search", [], "lab-search.bib"),
        ("library", ["smith2019"], "lab.bib"),
    ],
)
def test_suggested_names(scope, keys, name):
    assert suggested_name(scope, "lab", keys) == name
