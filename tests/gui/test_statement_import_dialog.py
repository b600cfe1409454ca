"""The statement import dialog: the format found, a column chosen per field, the first rows read again at each
choice; the report after the import lists the rows not stored; the whole path from the window's menu."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication, QIcon
from test_main_window import StubDialogs

from citedesk.gui.import_report import StatementReportDialog
from citedesk.gui.mainwindow import MainWindow
from citedesk.gui.statement_import_dialog import NOT_READ, StatementImportDialog
from citedesk.library.db import open_library
from citedesk.library.statement_columns import StatementLayout
from citedesk.library.statement_store import preview_statement_import, store_statements
from citedesk.model import Problem, StatementImportReport
from citedesk.reads import Reads

pytestmark = pytest.mark.gui

# citing, cited, Athar's sentiment, sentence: as in Athar's complete_corpus.txt, without a header line
TSV = (
    'smith2019\ttse2017\tp\t"Our results agree with Tse et al. (2017)."\r\n'
    'garcia2021\ttse2017\to\t"Peer support was studied by Tse et al. (2017)."\r\n'
    'garcia2021\tnobody2000\tn\t"Nobody (2000) is wrong."\r\n'
    'garcia2021\ttse2017\tmaybe\t"A label that is none."\r\n'
)
ATHAR_MAPPING = {"citing_key": 0, "cited_key": 1, "label": 2, "text": 3}


@pytest.fixture
def statements_file(tmp_path: Path) -> Path:
    path = tmp_path / "corpus.txt"
    path.write_bytes(TSV.encode("utf-8"))
    return path


@pytest.fixture
def db(small_library):
    library = open_library(small_library)
    yield library
    library.close()


@pytest.fixture
def dialog(qtbot, db, statements_file) -> StatementImportDialog:
    previews: list[StatementLayout] = []

    def preview(layout: StatementLayout):
        previews.append(layout)
        return preview_statement_import(db, statements_file, layout)

    dialog = StatementImportDialog(statements_file, preview)
    dialog.previews = previews
    qtbot.addWidget(dialog)
    return dialog


def test_the_dialog_shows_the_format_found_and_asks_for_the_columns(dialog):
    assert dialog.format_box.currentText() == "TSV"
    assert not dialog.header_box.isChecked() and dialog.header_box.isEnabled()
    assert dialog.problem_label.text().startswith(
        "corpus.txt has no header line naming its columns (its first row has 4)"
    )
    assert not dialog.import_button.isEnabled()
    box = dialog.field_boxes["text"]
    assert [box.itemText(i) for i in range(box.count())] == [
        NOT_READ,
        "0: smith2019",
        "1: tse2017",
        "2: p",
        "3: Our results agree with Tse et al. (2017…",
    ]
    assert dialog.shown_rows() == [["Line", "Problem"]]


def test_the_preview_follows_each_choice_of_column(dialog):
    dialog.choose("text", 3)
    assert (
        dialog.problem_label.text() == "the column mapping gives no column for the cited paper (cited_key or cited_doi)"
    )
    assert not dialog.import_button.isEnabled()
    dialog.choose("cited_key", 1)
    assert dialog.problem_label.isHidden() and dialog.import_button.isEnabled()
    header, *rows = dialog.shown_rows()
    assert header == ["Line", "text", "cited_key", "Problem"]
    assert [row[-1] for row in rows] == ["no citing paper (citing_key, citing_doi or citing_title)"] * 4
    dialog.choose("citing_key", 0)
    dialog.choose("label", 2)
    header, *rows = dialog.shown_rows()
    assert header == ["Line", "text", "cited_key", "citing_key", "label", "Problem"]
    assert rows == [
        ["1", "Our results agree with Tse et al. (2017).", "tse2017", "smith2019", "positive (sentiment)", ""],
        ["2", "Peer support was studied by Tse et al. (2017).", "tse2017", "garcia2021", "objective (sentiment)", ""],
        [
            "3",
            "Nobody (2000) is wrong.",
            "nobody2000",
            "garcia2021",
            "negative (sentiment)",
            "cites nobody2000, which is not in the library",
        ],
        [
            "4",
            "A label that is none.",
            "tse2017",
            "garcia2021",
            "maybe",
            "unknown label 'maybe' (expected one of supporting, mentioning, contrasting, unclassified)",
        ],
    ]
    chosen = dialog.layout_chosen()
    assert (chosen.format, chosen.header) == ("tsv", False)
    assert {field: column for field, column in chosen.columns if column is not None} == ATHAR_MAPPING
    dialog.choose("label", None)  # back to "(not read)": the column disappears from the preview
    assert dialog.shown_rows()[0] == ["Line", "text", "cited_key", "citing_key", "Problem"]


def test_stating_a_header_keeps_the_columns_chosen_and_names_them(dialog):
    for field, column in ATHAR_MAPPING.items():
        dialog.choose(field, column)
    dialog.header_box.setChecked(True)
    assert dialog.column_of("text") == 3 and dialog.field_boxes["text"].currentText().startswith("3: Our results agree")
    assert [row[0] for row in dialog.shown_rows()[1:]] == ["2", "3", "4"]  # the first row is the header now
    dialog.header_box.setChecked(False)
    assert [row[0] for row in dialog.shown_rows()[1:]] == ["1", "2", "3", "4"]


def test_another_format_reads_the_file_afresh(dialog):
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("csv"))
    assert dialog.field_boxes["text"].count() == 2  # no commas: one column
    assert dialog.layout_chosen().format == "csv"


def test_a_jsonl_file_offers_its_keys_and_reads_fields_named_like_them(qtbot, db, tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(
        json.dumps({"cited": "tse2017", "sentence": "As Tse found.", "citing_title": "A Review"}) + "\n",
        encoding="utf-8",
    )
    dialog = StatementImportDialog(path, lambda layout: preview_statement_import(db, path, layout))
    qtbot.addWidget(dialog)
    assert dialog.format_box.currentText() == "JSON Lines" and not dialog.header_box.isEnabled()
    assert dialog.column_of("citing_title") == "citing_title" and dialog.column_of("text") is None
    dialog.choose("text", "sentence")
    dialog.choose("cited_key", "cited")
    assert dialog.shown_rows()[1:] == [["1", "As Tse found.", "tse2017", "A Review", ""]]
    assert dialog.layout_chosen().header is None


def test_the_report_lists_the_rows_not_stored_with_line_and_reason(qtbot, db, statements_file):
    layout = StatementLayout(tuple(ATHAR_MAPPING.items()))
    report = store_statements(db, statements_file, layout=layout)
    dialog = StatementReportDialog(report, statements_file)
    qtbot.addWidget(dialog)
    assert dialog.tab_titles() == ["Invalid (1)", "Unmatched (1)"]
    invalid, unmatched = (dialog.table(name).model() for name in ("Invalid", "Unmatched"))
    assert [invalid.index(0, column).data() for column in range(4)] == [
        "corpus.txt",
        "4",
        "",
        "unknown label 'maybe' (expected one of supporting, mentioning, contrasting, unclassified)",
    ]
    assert [unmatched.index(0, column).data() for column in range(4)] == [
        "corpus.txt",
        "3",
        "nobody2000",
        "cites nobody2000, which is not in the library",
    ]
    assert dialog.raw_view.toPlainText() == "A label that is none."
    dialog.select_row("Unmatched", 0)
    assert dialog.raw_view.toPlainText() == "Nobody (2000) is wrong."
    assert dialog.block_label.text() == "corpus.txt, line 3: cites nobody2000, which is not in the library"
    dialog.copy_report()
    copied = QGuiApplication.clipboard().text()
    assert "Unmatched (1):\n  corpus.txt:3: nobody2000: cites nobody2000, which is not in the library" in copied


def test_a_report_with_nothing_left_out_says_so(qtbot):
    dialog = StatementReportDialog(StatementImportReport(statements=2), "s.jsonl")
    qtbot.addWidget(dialog)
    assert dialog.tab_titles() == [] and dialog.report_text().startswith("Stored 2 new statements")
    report = StatementImportReport(unmatched=[Problem("s.jsonl", 7, "cites x, which is not in the library", "T.", "x")])
    assert StatementReportDialog(report, "s.jsonl").tab_titles() == ["Unmatched (1)"]


class ImportingDialogs(StubDialogs):
    """Answers the import dialog by choosing Athar's columns in the real dialog; records the report."""

    def ask_statement_layout(self, parent, path, preview):
        dialog = StatementImportDialog(path, preview, parent)
        for field, column in ATHAR_MAPPING.items():
            dialog.choose(field, column)
        self.previewed = dialog.shown_rows()
        return dialog.layout_chosen()

    def show_statement_report(self, parent, report, path):
        self.reports.append((report, path))


def test_the_window_imports_a_headerless_file_through_the_dialog_and_reports_what_it_left_out(
    qtbot, small_library, statements_file
):
    dialogs = ImportingDialogs()
    settings = QSettings(str(statements_file.parent / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(small_library, Reads.open(small_library), dialogs, settings, QIcon())
    qtbot.addWidget(window)
    window.show()
    dialogs.answer("open_statement_file", statements_file)
    window.commands.import_statements.trigger()
    qtbot.waitUntil(lambda: len(dialogs.reports) == 1, timeout=20_000)
    assert dialogs.previewed[0] == ["Line", "text", "cited_key", "citing_key", "label", "Problem"]
    ((report, path),) = dialogs.reports
    assert path == statements_file and report.statements == 2
    assert [(p.line, p.reason) for p in report.unmatched] == [(3, "cites nobody2000, which is not in the library")]
    assert [p.line for p in report.invalid] == [4]
    db = open_library(small_library)
    texts = {text for (text,) in db.execute("SELECT text FROM statements WHERE source = 'corpus.txt'")}
    db.close()
    assert texts == {"Our results agree with Tse et al. (2017).", "Peer support was studied by Tse et al. (2017)."}
    window.close()


def test_enter_imports_once_the_columns_are_chosen(qtbot, dialog):
    for field, column in (("citing_key", 0), ("cited_key", 1), ("text", 3)):
        dialog.choose(field, column)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.import_button.isEnabled() and dialog.import_button.isDefault()
    with qtbot.waitSignal(dialog.accepted, timeout=2000):
        qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)
