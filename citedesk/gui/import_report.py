"""The reports shown after an import: what was skipped or renamed, where, why, and the text of each block; for
statements, the rows not stored, their lines, reasons and text."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import PurePath
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from citedesk.model import ImportReport, Problem, StatementImportReport

Index = QModelIndex | QPersistentModelIndex
Column = tuple[str, Callable[[Any], str]]


class Report(Protocol):
    """What a report dialog needs of any report: its one-line summary."""

    def summary(self) -> str: ...


ReportT = TypeVar("ReportT", bound=Report)

PROBLEM_COLUMNS: list[Column] = [
    ("File", lambda problem: PurePath(problem.source).name),
    ("Line", lambda problem: str(problem.line)),
    ("Key", lambda problem: problem.key),
    ("Reason", lambda problem: problem.reason),
]
RENAMED_COLUMNS: list[Column] = [
    ("Key in the file", lambda pair: pair[0] or "(no key)"),
    ("Stored as", lambda pair: pair[1]),
]
_NUMBER_COLUMNS = {"Line"}
_RENAMED_TEXT = (
    "These entries were imported under a new key: their key was taken, or they had none "
    "(a key was made from the first author and the year)."
)
_NO_BLOCK_TEXT = "Select a row above to see the text of its block, exactly as it is in the file."


class ReportTableModel(QAbstractTableModel):
    """Rows of a report (problems or renamings) shown column by column; cells are computed when painted."""

    def __init__(self, items: Sequence[Any], columns: Sequence[Column], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items = items
        self._columns = columns

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's names)
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._tooltip(index) if role == Qt.ItemDataRole.ToolTipRole else self._text(index)
        if role == Qt.ItemDataRole.TextAlignmentRole and self._columns[index.column()][0] in _NUMBER_COLUMNS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section][0]
        return None

    def item(self, row: int) -> Any:
        """The problem (or renaming) shown in a row."""
        return self._items[row]

    def _text(self, index: Index) -> str:
        return self._columns[index.column()][1](self._items[index.row()])

    def _tooltip(self, index: Index) -> str:
        item = self._items[index.row()]
        if isinstance(item, Problem) and index.column() == 0:
            return item.source
        return self._text(index)


class ReportDialog(QDialog, Generic[ReportT]):
    """A report's tabs of rows (problems or renamings), with the raw text of the selected row below."""

    COPIED_MS = 1500  # how long the button says "Copied"
    TITLE = "Report"
    NOTHING_TEXT = "Nothing to report."
    NO_ROW_TEXT = _NO_BLOCK_TEXT

    def __init__(self, report: ReportT, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.TITLE)
        self.report = report
        self.summary_label = QLabel(report.summary())
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.tabs = QTabWidget()
        self.raw_view = self._raw_view()
        self.block_label = QLabel(self.NO_ROW_TEXT)
        self.block_label.setTextFormat(Qt.TextFormat.PlainText)
        self.block_label.setWordWrap(True)
        self.copy_button = QPushButton("Copy report")
        self.copy_button.clicked.connect(self.copy_report)
        self._tables: dict[str, QTableView] = {}
        self._add_tabs(report)
        self._lay_out()
        self.tabs.currentChanged.connect(self._show_current_block)
        self._open_first_problem()
        self._show_current_block()

    def tab_titles(self) -> list[str]:
        """The titles of the tabs, such as "Duplicates (3)"."""
        return [self.tabs.tabText(index) for index in range(self.tabs.count())]

    def table(self, name: str) -> QTableView:
        """The table of a tab: "Duplicates", "Failed" or "Renamed"."""
        return self._tables[name]

    def select_row(self, name: str, row: int) -> None:
        """Show a tab and select one of its rows (its block's text appears below)."""
        table = self._tables[name]
        self.tabs.setCurrentWidget(table)
        table.selectRow(row)

    def report_text(self) -> str:
        """The whole report as plain text, for the clipboard or a bug report."""
        raise NotImplementedError

    def copy_report(self) -> None:
        """Put the plain-text report on the clipboard."""
        QGuiApplication.clipboard().setText(self.report_text())
        self.copy_button.setText("Copied")
        QTimer.singleShot(self.COPIED_MS, self.copy_button, lambda: self.copy_button.setText("Copy report"))

    def _raw_view(self) -> QPlainTextEdit:
        view = QPlainTextEdit()
        view.setReadOnly(True)
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        view.setTabStopDistance(view.fontMetrics().horizontalAdvance(" ") * 4)
        return view

    def _sections(self, report: ReportT) -> list[tuple[str, Sequence[Any], Sequence[Column]]]:
        """The tabs the report can have, each with its rows and columns."""
        raise NotImplementedError

    def _add_tabs(self, report: ReportT) -> None:
        for name, items, columns in self._sections(report):
            if items:
                table = self._table(items, columns)
                self._tables[name] = table
                self.tabs.addTab(table, f"{name} ({len(items):,})")

    def _table(self, items: Sequence[Any], columns: Sequence[Column]) -> QTableView:
        table = QTableView()
        table.setModel(ReportTableModel(items, columns, table))
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        _size_rows_once(table)
        _size_columns(table, items, columns)
        _hide_empty_columns(table, items, columns)
        table.selectionModel().currentRowChanged.connect(self._show_current_block)
        return table

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        if self._tables:
            splitter = QSplitter(Qt.Orientation.Vertical)
            splitter.addWidget(self.tabs)
            splitter.addWidget(self._labelled(self.raw_view, self.block_label))
            splitter.setStretchFactor(0, 3)
            splitter.setStretchFactor(1, 2)
            layout.addWidget(splitter, 1)
            self.resize(900, 620)
        else:
            self.tabs.hide()
            self.raw_view.hide()
            layout.addWidget(QLabel(self.NOTHING_TEXT))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _labelled(self, widget: QWidget, label: QLabel) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(label)
        layout.addWidget(widget, 1)
        layout.addStretch(0)  # keeps the label at the top while the text view is hidden
        return box

    def _open_first_problem(self) -> None:
        """Select the first row of the first tab."""
        if self._tables:
            self.select_row(next(iter(self._tables)), 0)

    def _show_current_block(self, *_: object) -> None:
        table = self.tabs.currentWidget()
        renamed = table is self._tables.get("Renamed")
        item: Any = None
        if isinstance(table, QTableView):
            index, model = table.currentIndex(), table.model()
            if index.isValid() and isinstance(model, ReportTableModel):
                item = model.item(index.row())
        self.raw_view.setPlainText(item.raw if isinstance(item, Problem) else "")
        self.raw_view.setVisible(not renamed)
        self.block_label.setText(_RENAMED_TEXT if renamed else _block_title(item) if item else self.NO_ROW_TEXT)


class ImportReportDialog(ReportDialog[ImportReport]):
    """What an import skipped, failed to read or renamed, with the raw text of the selected block."""

    TITLE = "Import report"
    NOTHING_TEXT = "Nothing was skipped, renamed or left unread."

    def report_text(self) -> str:
        """The whole report as plain text, for the clipboard or a bug report."""
        lines = [self.report.summary(), "", "Files:", *(f"  {path}" for path in self.report.files)]
        lines += _problem_lines("Duplicates", self.report.duplicates, with_raw=False)
        lines += _problem_lines("Failed", self.report.failed, with_raw=True)
        if self.report.renamed:
            lines += ["", f"Renamed ({len(self.report.renamed)}):"]
            lines += [f"  {old or '(no key)'} -> {new}" for old, new in self.report.renamed]
        return "\n".join(lines) + "\n"

    def _sections(self, report: ImportReport) -> list[tuple[str, Sequence[Any], Sequence[Column]]]:
        """The tabs the report can have, each with its rows and columns."""
        return [
            ("Duplicates", report.duplicates, PROBLEM_COLUMNS),
            ("Failed", report.failed, PROBLEM_COLUMNS),
            ("Renamed", report.renamed, RENAMED_COLUMNS),
        ]

    def _open_first_problem(self) -> None:
        """Open the failed blocks first when there are any (they are what a person must look at)."""
        name = "Failed" if "Failed" in self._tables else next(iter(self._tables), None)
        if name is not None and name != "Renamed":
            self.select_row(name, 0)


class StatementReportDialog(ReportDialog[StatementImportReport]):
    """What a statement import did not store: the invalid rows and those citing a paper not in the library,
    each with its line, reason and text, as the command line lists them."""

    TITLE = "Statement import report"
    NOTHING_TEXT = "Every row was stored, or was there already."
    NO_ROW_TEXT = "Select a row above to see the statement's text as it is in the file."

    def __init__(self, report: StatementImportReport, path: PurePath | str, parent: QWidget | None = None) -> None:
        super().__init__(report, parent)
        self.path = str(path)

    def _sections(self, report: StatementImportReport) -> list[tuple[str, Sequence[Any], Sequence[Column]]]:
        return [("Invalid", report.invalid, PROBLEM_COLUMNS), ("Unmatched", report.unmatched, PROBLEM_COLUMNS)]

    def report_text(self) -> str:
        lines = [self.report.summary(), "", "File:", f"  {self.path}"]
        lines += _problem_lines("Invalid", self.report.invalid, with_raw=True)
        lines += _problem_lines("Unmatched", self.report.unmatched, with_raw=False)
        return "\n".join(lines) + "\n"


def _size_rows_once(table: QTableView) -> None:
    """Every row one line high, set once: no per-row measuring, so 30,000 rows open at once."""
    rows = table.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 8)


def _size_columns(table: QTableView, items: Sequence[Any], columns: Sequence[Column]) -> None:
    """Widths from the first few hundred rows; the last column takes the rest."""
    metrics, header = table.fontMetrics(), table.horizontalHeader()
    sample = items[:300]
    for number, (title, text_of) in enumerate(columns[:-1]):
        widest = max([metrics.horizontalAdvance(title)] + [metrics.horizontalAdvance(text_of(item)) for item in sample])
        header.resizeSection(number, min(widest + 24, 320))
    header.setStretchLastSection(True)


def _hide_empty_columns(table: QTableView, items: Sequence[Any], columns: Sequence[Column]) -> None:
    """Hide a column no row has anything in (failed blocks have no key)."""
    for number, (_, text_of) in enumerate(columns):
        table.setColumnHidden(number, not any(text_of(item) for item in items))


def _block_title(item: Any) -> str:
    """What the text view below the table shows: where the block is, why it was not imported."""
    if isinstance(item, Problem):
        return f"{PurePath(item.source).name}, line {item.line}: {item.reason}"
    return _NO_BLOCK_TEXT


def _problem_lines(name: str, problems: Sequence[Problem], with_raw: bool) -> list[str]:
    if not problems:
        return []
    lines = ["", f"{name} ({len(problems)}):"]
    for problem in problems:
        key = f" {problem.key}:" if problem.key else ""
        lines.append(f"  {PurePath(problem.source).name}:{problem.line}:{key} {problem.reason}")
        if with_raw and problem.raw:
            lines += [f"      {line}" for line in problem.raw.splitlines()]
    return lines
