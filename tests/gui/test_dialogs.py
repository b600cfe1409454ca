"""The window's dialogs: import report, export choice, entry editor, about; the icon and the .desktop file."""

from __future__ import annotations

import configparser
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QInputDialog, QLineEdit, QMessageBox

import citedesk
from citedesk import jobs
from citedesk.gui.about import AboutDialog, application_icon, icon_path
from citedesk.gui.dialogs import Dialogs
from citedesk.gui.entry_editor import EntryChanges, EntryEditor
from citedesk.gui.export_dialog import ExportChoice, ExportDialog
from citedesk.gui.import_report import ImportReportDialog
from citedesk.library.bibtex.writer import serialize_entry, with_key, written_type
from citedesk.library.db import open_library
from citedesk.library.editing import changed_fields, edit_paper
from citedesk.library.queries import paper_by_key
from citedesk.model import ImportReport, Problem

pytestmark = pytest.mark.gui

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
RESOURCES = Path(citedesk.__file__).parent / "resources"

PROBLEM_BIB = """@article{first2001,
  title = {One},
  year = 2001,
}

@article{First2001,
  title = {One again},
  year = 2002,
}

@misc{twice,
  title = {<b>Bold</b> &amp; <i>not HTML</i>},
  title = {Again},
}

@inproceedings{broken,
  author 💯 {Nobody},
}

@book{last2003, title = {Last}, year = 2003}
"""
TWO_ENTRIES_BIB = """@book{nolan2015, title = {Recovery Stories}, author = {Nolan, Peter}, year = 2015}

@misc{, title = {No key}, author = {Chen, Wei}, year = 2020}
"""
TWICE_RAW = "@misc{twice,\n  title = {<b>Bold</b> &amp; <i>not HTML</i>},\n  title = {Again},\n}"


# The import report.


@pytest.fixture
def problem_report(tmp_path: Path) -> ImportReport:
    """A real report: one duplicate key (line 6) and two blocks that fail to parse (lines 11 and 16)."""
    bib = tmp_path / "problems.bib"
    bib.write_text(PROBLEM_BIB, encoding="utf-8")
    return jobs.import_bibtex(tmp_path / "library.sqlite", [bib], workers=1)


def cells(dialog: ImportReportDialog, name: str) -> list[list[str]]:
    """The visible text of a tab's table, row by row (hidden columns left out)."""
    table = dialog.table(name)
    model = table.model()
    columns = [column for column in range(model.columnCount()) if not table.isColumnHidden(column)]
    return [[model.index(row, column).data() for column in columns] for row in range(model.rowCount())]


def test_report_lists_duplicates_and_failed_blocks_with_their_lines(qtbot, problem_report):
    dialog = ImportReportDialog(problem_report)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.summary_label.text() == problem_report.summary()
    assert dialog.tab_titles() == ["Duplicates (1)", "Failed (2)"]
    assert cells(dialog, "Duplicates") == [
        ["problems.bib", "6", "First2001", "the citation key 'First2001' is used earlier in this file (line 1)"]
    ]
    failed = cells(dialog, "Failed")
    assert [row[:2] for row in failed] == [["problems.bib", "11"], ["problems.bib", "16"]]
    assert failed[0][2] == "a field appears twice in this entry: title"


def test_the_failed_block_opens_first_and_its_text_is_shown_literally(qtbot, problem_report):
    dialog = ImportReportDialog(problem_report)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tabs.currentWidget() is dialog.table("Failed")
    assert dialog.raw_view.toPlainText() == TWICE_RAW
    assert dialog.raw_view.isReadOnly()
    assert "problems.bib, line 11" in dialog.block_label.text()


def test_selecting_a_row_shows_its_block(qtbot, problem_report):
    dialog = ImportReportDialog(problem_report)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.select_row("Failed", 1)
    assert dialog.raw_view.toPlainText().startswith("@inproceedings{broken,\n  author 💯")
    dialog.select_row("Duplicates", 0)
    assert dialog.raw_view.toPlainText() == "@article{First2001,\n  title = {One again},\n  year = 2002,\n}"


def test_copy_report_puts_a_plain_text_report_on_the_clipboard(qtbot, monkeypatch, problem_report):
    monkeypatch.setattr(ImportReportDialog, "COPIED_MS", 50)
    dialog = ImportReportDialog(problem_report)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    text = QGuiApplication.clipboard().text()
    assert text.startswith(problem_report.summary() + "\n")
    assert "problems.bib:6: First2001: the citation key 'First2001' is used earlier in this file (line 1)" in text
    assert "problems.bib:11: a field appears twice in this entry" in text
    assert "      title = {<b>Bold</b> &amp; <i>not HTML</i>}," in text
    assert dialog.copy_button.text() == "Copied"
    qtbot.waitUntil(lambda: dialog.copy_button.text() == "Copy report", timeout=3000)


def test_renamed_entries_have_their_own_tab(qtbot, tmp_path):
    bib = tmp_path / "two.bib"
    bib.write_text(TWO_ENTRIES_BIB, encoding="utf-8")
    jobs.import_bibtex(tmp_path / "library.sqlite", [bib], workers=1)
    report = jobs.import_bibtex(tmp_path / "library.sqlite", [bib], workers=1, allow_duplicates=True)
    dialog = ImportReportDialog(report)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tab_titles() == ["Renamed (2)"]
    assert cells(dialog, "Renamed")[0] == ["nolan2015", "nolan2015-2"]
    assert cells(dialog, "Renamed")[1] == ["(no key)", "Chen2020-2"]
    assert dialog.raw_view.isHidden()
    assert "new key" in dialog.block_label.text()
    assert "  nolan2015 -> nolan2015-2" in dialog.report_text()


def test_the_report_tables_are_sound_qt_models(qtbot, qtmodeltester, problem_report):
    dialog = ImportReportDialog(problem_report)
    qtbot.addWidget(dialog)
    for name in ("Duplicates", "Failed"):
        qtmodeltester.check(dialog.table(name).model())


def test_a_clean_import_shows_only_its_summary(qtbot):
    dialog = ImportReportDialog(ImportReport(files=["a.bib"], imported=3))
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tab_titles() == []
    assert dialog.summary_label.text().startswith("Imported 3 entries from 1 file;")


def test_a_report_of_thirty_thousand_duplicates_opens_at_once(qtbot):
    duplicates = [
        Problem("/data/acl.bib", 3 + 9 * row, f"the key 'K{row}' is already in the library", "@misc{...}", f"K{row}")
        for row in range(30_000)
    ]
    started = time.perf_counter()
    dialog = ImportReportDialog(ImportReport(files=["/data/acl.bib"], imported=30_557, duplicates=duplicates))
    qtbot.addWidget(dialog)
    dialog.show()
    QGuiApplication.processEvents()
    assert time.perf_counter() - started < 2.0
    assert dialog.tab_titles() == ["Duplicates (30,000)"]
    assert dialog.table("Duplicates").model().rowCount() == 30_000


CORPUS = SHARED / "corpus/bibtex"
BBT_IMPORTS = CORPUS / "zotero-better-bibtex/test/fixtures/import"
CORPUS_FILES = [
    BBT_IMPORTS / "BBT + Zotfile creating duplicate files in the wrong location #2300.bib",
    CORPUS / "typst-biblatex/tests/fixtures/invalid/incorrect_syntax.bib",
]


@pytest.mark.skipif(not all(path.exists() for path in CORPUS_FILES), reason="needs ../shared/corpus/bibtex")
def test_report_of_real_files_with_failed_blocks(qtbot, tmp_path):
    report = jobs.import_bibtex(tmp_path / "library.sqlite", CORPUS_FILES, workers=1)
    dialog = ImportReportDialog(report)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.tab_titles() == ["Failed (4)"]
    rows = cells(dialog, "Failed")
    assert [row[1] for row in rows] == ["15", "31", "45", "11"]
    assert rows[3][0] == "incorrect_syntax.bib"
    assert dialog.raw_view.toPlainText() == report.failed[0].raw
    assert "file = {attachments/GarberAyers - The Cambridge History" in dialog.raw_view.toPlainText()


# The export dialog.


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({"selection": 3, "search": 12, "library": 40}, "selection"),
        ({"selection": 0, "search": 12, "library": 40}, "search"),
        ({"selection": 0, "search": 40, "library": 40}, "library"),
    ],
)
def test_export_dialog_default_scope(qtbot, counts, expected):
    dialog = ExportDialog(counts)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.choice() == ExportChoice(expected, False)


def test_export_dialog_disables_empty_scopes_and_shows_counts(qtbot):
    dialog = ExportDialog({"selection": 0, "search": 12, "library": 30557})
    qtbot.addWidget(dialog)
    dialog.show()
    buttons = dialog.scope_buttons
    assert [button.text() for button in buttons.values()] == [
        "Selected papers (0)",
        "Current search result (12)",
        "Whole library (30,557)",
    ]
    assert [button.isEnabled() for button in buttons.values()] == [False, True, True]
    buttons["library"].click()
    dialog.seven_bit_box.click()
    assert dialog.choice() == ExportChoice("library", True)
    assert dialog.export_button.isEnabled()


def test_export_dialog_with_an_empty_library_cannot_export(qtbot):
    dialog = ExportDialog({"selection": 0, "search": 0, "library": 0})
    qtbot.addWidget(dialog)
    dialog.show()
    assert not any(button.isEnabled() for button in dialog.scope_buttons.values())
    assert not dialog.export_button.isEnabled()
    assert dialog.choice() is None


# The entry editor.


@pytest.fixture
def library_db(small_library):
    db = open_library(small_library)
    yield db
    db.close()


def _in_library(key: str) -> bool:
    return key.lower() in {"tse2017", "smith2019", "garcia2021", "nolan2015"}


@pytest.fixture
def editor(qtbot, library_db):
    dialog = EntryEditor(paper_by_key(library_db, "tse2017"), key_taken=_in_library)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def save_button(editor: EntryEditor):
    return editor.buttons.button(QDialogButtonBox.StandardButton.Save)


def test_an_untouched_entry_changes_nothing_and_shows_its_imported_text(editor):
    paper = editor.paper
    assert editor.entry_type() == "article"
    assert editor.citekey() == "tse2017"
    assert editor.rows() == [tuple(field) for field in paper.fields]
    assert editor.changes() is None
    assert editor.preview_text() == with_key(paper.raw, "tse2017").strip()
    assert editor.original_view.toPlainText() == paper.raw
    assert editor.preview_note.text().startswith("Unchanged")
    assert save_button(editor).isEnabled()


def test_changing_a_value_in_the_value_editor(qtbot, editor):
    editor.select_field("year")
    assert editor.value_edit.toPlainText() == "2017"
    editor.value_edit.selectAll()
    qtbot.keyClicks(editor.value_edit, "2018")
    assert editor.changes() == EntryChanges(None, None, {"year": "2018"})
    assert editor.fields_table.item(3, 1).text() == "2018"
    assert "  year = 2018," in editor.preview_text()


def test_a_multi_line_value_is_kept_whole(editor):
    editor.select_field("abstract")
    editor.value_edit.setPlainText("{First line,\n  second line.}")
    assert editor.changes().fields == {"abstract": "{First line,\n  second line.}"}
    assert editor.fields_table.item(5, 1).text() == "{First line, second line.}"


def test_adding_a_field_by_typing_its_name(qtbot, editor):
    qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    assert not save_button(editor).isEnabled()
    assert "needs a name" in editor.message_label.text()
    name_editor = editor.fields_table.findChild(QLineEdit)
    qtbot.keyClicks(name_editor, "note")
    qtbot.keyClick(name_editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: editor.rows()[-1][0] == "note")
    editor.value_edit.setPlainText("{Read twice}")
    assert editor.changes() == EntryChanges(None, None, {"note": "{Read twice}"})
    assert save_button(editor).isEnabled()


def test_adding_removing_and_changing_the_key_and_type(qtbot, editor):
    editor.add_field("note", "{Read twice}")
    editor.select_field("keywords")
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    editor.key_edit.clear()
    qtbot.keyClicks(editor.key_edit, "tse2017a")
    editor.type_combo.setCurrentText("inproceedings")
    assert editor.changes() == EntryChanges("tse2017a", "inproceedings", {"note": "{Read twice}", "keywords": None})
    assert editor.preview_note.text().startswith("Edited")


@pytest.mark.parametrize("key", ["", "tse 2017", "tse,2017", "tse{2017}", 'tse"2017', "smith2019", "SMITH2019"])
def test_an_invalid_or_taken_key_disables_save(qtbot, editor, key):
    editor.key_edit.setText(key)
    assert not save_button(editor).isEnabled()
    assert editor.message_label.text()
    assert editor.changes() is None
    editor.key_edit.setText("tse2017b")
    assert save_button(editor).isEnabled()
    assert editor.message_label.text() == ""


def test_changing_only_the_case_of_the_key_is_allowed(editor):
    editor.key_edit.setText("Tse2017")
    assert save_button(editor).isEnabled()
    assert editor.changes() == EntryChanges("Tse2017", None, {})


def test_an_empty_or_repeated_field_name_disables_save(editor):
    editor.fields_table.item(1, 0).setText("title")
    assert not save_button(editor).isEnabled()
    assert "two fields called title" in editor.message_label.text()
    editor.fields_table.item(1, 0).setText("")
    assert "row 2 needs a name" in editor.message_label.text()
    editor.fields_table.item(1, 0).setText("author")
    assert save_button(editor).isEnabled()


def test_an_unbalanced_or_empty_value_disables_save(editor):
    editor.select_field("title")
    editor.value_edit.setPlainText("{A title")
    assert "braces in title" in editor.message_label.text()
    editor.value_edit.setPlainText("   ")
    assert "has no value" in editor.message_label.text()
    assert not save_button(editor).isEnabled()


def test_the_preview_is_the_imported_text_changed_only_where_edited(qtbot, editor):
    editor.select_field("title")
    editor.value_edit.setPlainText("{A shorter title}")
    editor.add_field("note", "{Read twice}")
    editor.key_edit.setText("tse2017a")
    paper = editor.paper
    title = dict(paper.fields)["title"]
    keywords = "  keywords = {peer support, recovery, qualitative},\n"
    expected = paper.raw.replace("{tse2017,", "{tse2017a,").replace(title, "{A shorter title}")
    assert editor.preview_text() == expected.replace(keywords, keywords + "  note = {Read twice},\n").strip()


def test_a_value_with_unmatched_braces_is_previewed_as_typed(editor):
    editor.select_field("title")
    editor.value_edit.setPlainText("{A title")
    paper = editor.paper
    fields = changed_fields([list(pair) for pair in paper.fields], {"title": "{A title"})
    assert editor.preview_text() == serialize_entry(written_type(paper.raw, "article"), "tse2017", fields)


def test_saved_changes_applied_and_exported_give_the_edited_entry(qtbot, editor, library_db, small_library, tmp_path):
    editor.select_field("journal")
    editor.value_edit.setPlainText("{Psychiatry Research}")
    editor.add_field("note", "{Read twice}")
    editor.select_field("abstract")
    editor.remove_field()
    editor.key_edit.setText("tse2017a")
    preview = editor.preview_text()
    qtbot.mouseClick(save_button(editor), Qt.MouseButton.LeftButton)
    assert editor.result() == EntryEditor.DialogCode.Accepted
    changes = editor.changes()
    edit_paper(library_db, editor.paper.id, changes.fields, changes.citekey, changes.entry_type)
    out = tmp_path / "out.bib"
    jobs.export_bibtex(small_library, out, keys=["tse2017a"])
    exported = out.read_text(encoding="utf-8")
    assert preview in exported
    assert "abstract" not in exported
    assert paper_by_key(library_db, "tse2017a").venue == "Psychiatry Research"


def test_edit_entry_gives_the_changes_or_none_when_cancelled(qtbot, monkeypatch, library_db, dialogs):
    answers = iter([EntryEditor.DialogCode.Accepted, EntryEditor.DialogCode.Rejected])

    def edit_year(editor):
        editor.select_field("year")
        editor.value_edit.setPlainText("1999")
        return next(answers)

    monkeypatch.setattr(EntryEditor, "exec", edit_year)
    paper = paper_by_key(library_db, "tse2017")
    assert dialogs.edit_entry(None, paper) == EntryChanges(None, None, {"year": "1999"})
    assert dialogs.edit_entry(None, paper) is None


# The Dialogs facade, without blocking: the system dialogs are replaced, ours are driven.


@pytest.fixture
def dialogs(tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    return Dialogs(settings, library_path=tmp_path / "lib.sqlite")


def test_open_bib_files_remembers_the_folder(monkeypatch, dialogs, tmp_path):
    folder = tmp_path / "bibs"
    folder.mkdir()
    calls = []

    def fake_open(parent, caption, directory, filter):
        calls.append((directory, filter))
        return [str(folder / "a.bib"), str(folder / "b.bibtex")], filter

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", fake_open)
    assert dialogs.open_bib_files(None, jobs.installed_formats()) == [folder / "a.bib", folder / "b.bibtex"]
    dialogs.open_bib_files(None, jobs.installed_formats())
    assert calls[0] == (
        str(Path.home()),
        "Bibliography files (*.bib *.bibtex *.biblatex *.ris *.json);;"
        "BibTeX files (*.bib *.bibtex *.biblatex);;RIS files (*.ris);;CSL JSON files (*.json);;All files (*)",
    )
    assert calls[1][0] == str(folder)


def test_save_bib_file_adds_the_suffix(monkeypatch, dialogs, tmp_path):
    answers = iter([str(tmp_path / "export"), str(tmp_path / "export.txt"), ""])
    suggested = []

    def fake_save(parent, caption, directory, filter):
        suggested.append(directory)
        return next(answers), filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    assert dialogs.save_bib_file(None, "library.bib") == tmp_path / "export.bib"
    assert dialogs.save_bib_file(None, "library.bib") == tmp_path / "export.txt"
    assert dialogs.save_bib_file(None, "library.bib") is None
    assert suggested[1] == str(tmp_path / "library.bib")


def test_open_statement_file(monkeypatch, dialogs, tmp_path):
    answers = iter([(str(tmp_path / "s.jsonl"), ""), ("", "")])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: next(answers))
    assert dialogs.open_statement_file(None) == tmp_path / "s.jsonl"
    assert dialogs.open_statement_file(None) is None


def test_ask_text(monkeypatch, dialogs):
    answers = iter([("  reading group ", True), ("", True), ("ignored", False)])
    monkeypatch.setattr(QInputDialog, "getText", lambda *args, **kwargs: next(answers))
    assert dialogs.ask_text(None, "New tag", "Name:") == "reading group"
    assert dialogs.ask_text(None, "New tag", "Name:") is None
    assert dialogs.ask_text(None, "New tag", "Name:") is None


def test_messages_are_plain_text_and_confirm_needs_the_named_button(monkeypatch, dialogs):
    shown = []

    def press_first_button(box):
        shown.append(box)
        box.buttons()[0].click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", press_first_button)
    dialogs.error(None, "Import failed", "No such file: <b>x.bib</b>")
    assert shown[0].text() == "No such file: <b>x.bib</b>"
    assert shown[0].textFormat() == Qt.TextFormat.PlainText
    assert dialogs.confirm(None, "Remove papers", "Remove 3 papers?", "Remove") is True
    assert shown[1].buttons()[0].text() == "Remove"

    def press_cancel(box):
        box.button(QMessageBox.StandardButton.Cancel).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", press_cancel)
    assert dialogs.confirm(None, "Remove papers", "Remove 3 papers?", "Remove") is False


def test_ask_export_and_show_import_report_run_our_dialogs(monkeypatch, dialogs, problem_report):
    seen = []

    def choose_search(dialog):
        seen.append(dialog)
        dialog.scope_buttons["search"].click()
        return ExportDialog.DialogCode.Accepted

    def close(dialog):
        seen.append(dialog)
        return ImportReportDialog.DialogCode.Rejected

    monkeypatch.setattr(ExportDialog, "exec", choose_search)
    monkeypatch.setattr(ImportReportDialog, "exec", close)
    monkeypatch.setattr(AboutDialog, "exec", close)
    assert dialogs.ask_export(None, {"selection": 2, "search": 5, "library": 9}) == ExportChoice("search", False)
    dialogs.show_import_report(None, problem_report)
    assert seen[1].tab_titles() == ["Duplicates (1)", "Failed (2)"]
    dialogs.about(None)
    assert seen[2].library_label.text() == str(dialogs.library_path)


# About, icon, .desktop file.


def test_about_shows_version_library_and_licence(qtbot, tmp_path):
    dialog = AboutDialog(tmp_path / "my <library>.sqlite")
    qtbot.addWidget(dialog)
    dialog.show()
    texts = [label.text() for label in dialog.findChildren(type(dialog.library_label))]
    assert f"CiteDesk {citedesk.__version__}" in texts
    assert str(tmp_path / "my <library>.sqlite") in texts
    assert "MIT" in texts
    assert dialog.versions_label.text().startswith("Qt 6.")
    assert any("cite it" in text for text in texts)


@pytest.mark.parametrize("size", [16, 32, 256])
def test_the_icon_renders_at_each_size(qtbot, size):
    renderer = QSvgRenderer(str(icon_path()))
    assert renderer.isValid()
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    assert image.size().width() == size
    opaque = sum(image.pixelColor(x, y).alpha() > 200 for x in range(size) for y in range(size))
    assert opaque > size * size // 2
    stance_green = QColor("#2e9d5b")
    assert any(_close(image.pixelColor(x, y), stance_green) for x in range(size) for y in range(size))
    assert not application_icon().pixmap(size, size).isNull()


def _close(color: QColor, other: QColor) -> bool:
    return abs(color.red() - other.red()) + abs(color.green() - other.green()) + abs(color.blue() - other.blue()) < 40


def test_the_desktop_file_has_the_required_keys():
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(RESOURCES / "citedesk.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Name"] == "CiteDesk"
    assert entry["GenericName"] == "Reference Manager"
    assert entry["Comment"]
    assert entry["Exec"] == "citedesk %F"
    assert entry["Icon"] == "citedesk"
    assert entry["Terminal"] == "false"
    assert entry["Categories"] == "Office;Education;Science;"
    assert entry["MimeType"] == "text/x-bibtex;"
    assert entry["StartupWMClass"] == "citedesk"


def test_enter_in_the_export_dialog_exports(qtbot):
    dialog = ExportDialog({"selection": 1, "search": 12, "library": 30557})
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.export_button.isDefault()
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Cancel).isDefault()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Accepted
