"""The window imports and exports every installed format: the import dialog's filter, drops, the export dialog."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog
from test_main_window import make_window

from citedesk import jobs
from citedesk.gui.dialogs import Dialogs
from citedesk.gui.export_dialog import ExportChoice, ExportDialog

pytestmark = pytest.mark.gui

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
RIS = CORPUS / "ris" / "rispy" / "tests" / "data" / "example_basic.ris"  # one record: Shannon 1948
CSL = (
    CORPUS
    / "csl-json"
    / "zotero-better-bibtex"
    / "test"
    / "fixtures"
    / "export"
    / "Date export to Better CSL-JSON #360 #811.csl.json"
)


@pytest.fixture
def window(qtbot, tmp_path):
    win = make_window(qtbot, tmp_path)
    yield win
    win.close()


def drop(window, *paths: Path) -> QDropEvent:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    event = QDropEvent(
        QPointF(300, 300),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    return event


def test_the_import_dialog_lists_every_installed_format_and_all_files(monkeypatch, qtbot, window, tmp_path):
    window.commands.import_bib.trigger()
    assert [f.name for f in window.dialogs.import_formats] == [
        "bibtex",
        "ris",
        "csljson",
    ]
    filters = []
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileNames",
        lambda parent, caption, folder, wanted: (filters.append(wanted), ([], ""))[1],
    )
    Dialogs(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)).open_bib_files(
        None, window.dialogs.import_formats
    )
    assert filters == [
        (
            "Bibliography files (*.bib *.bibtex *.biblatex *.ris *.json);;BibTeX files (*.bib *.bibtex "
            "*.biblatex);;RIS files (*.ris);;CSL JSON files (*.json);;All files (*)"
        )
    ]


def test_dropped_ris_and_csl_json_files_are_imported_a_txt_one_by_its_content(qtbot, window, tmp_path):
    disguised = tmp_path / "exported.txt"
    disguised.write_bytes(RIS.read_bytes().replace(b"Shannon", b"Weaver"))
    notes = tmp_path / "notes.txt"
    notes.write_text("nothing to import\n", encoding="utf-8")
    assert drop(window, notes).isAccepted() is False
    drop(window, RIS, CSL, disguised, notes)
    qtbot.waitUntil(lambda: bool(window.dialogs.reports), timeout=30_000)
    assert window.dialogs.reports[0].files == [str(RIS), str(CSL), str(disguised)]
    qtbot.waitUntil(lambda: window.model.total == 17, timeout=10_000)


def test_the_export_dialog_offers_every_format_and_latex_only_for_bibtex(qtbot):
    dialog = ExportDialog({"selection": 0, "search": 3, "library": 3}, None, jobs.installed_formats())
    qtbot.addWidget(dialog)
    assert [dialog.format_box.itemData(index) for index in range(dialog.format_box.count())] == [
        "bibtex",
        "ris",
        "csljson",
    ]
    dialog.seven_bit_box.setChecked(True)
    dialog.format_box.setCurrentIndex(1)
    assert not dialog.seven_bit_box.isEnabled()
    assert dialog.choice() == ExportChoice("library", False, "ris", ".ris")


def test_an_export_in_another_format_writes_it(qtbot, window, tmp_path):
    jobs.import_bibtex(window.library, [CSL])
    window.reload_library()
    qtbot.waitUntil(lambda: window.model.total == 15)
    target = tmp_path / "out.json"
    window.dialogs.answer("ask_export", ExportChoice("library", False, "csljson", ".json"))
    window.dialogs.answer("save_bib_file", target)
    window.commands.export.trigger()
    qtbot.waitUntil(target.exists, timeout=10_000)
    assert [f.name for f in window.dialogs.export_formats] == [
        "bibtex",
        "ris",
        "csljson",
    ]
    assert window.dialogs.suggested_names == ["library.json"] and window.dialogs.saved_as.name == "csljson"
    assert target.read_text(encoding="utf-8").count('"citation-key"') == 15
