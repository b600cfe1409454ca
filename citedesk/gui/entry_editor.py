"""The entry editor: a paper's type, key and raw fields, beside the BibTeX that will be written."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from citedesk.reads import Paper, previewed_entry, shown_type

Rows = Sequence[tuple[str, str]]

COMMON_TYPES = (
    "article", "book", "booklet", "inbook", "incollection", "inproceedings", "conference", "manual",
    "mastersthesis", "phdthesis", "misc", "proceedings", "techreport", "unpublished",
    "online", "report", "thesis", "collection", "dataset", "software",
)  # fmt: skip
_KEY_FORBIDDEN = set(",{}\"'") | set(" \t\r\n")
_NAME_PATTERN = re.compile(r"[^\s,{}()\"'=#%@\\]+")
_TYPE_PATTERN = re.compile(r"[A-Za-z][\w-]*")
_VALUE_ROLE = Qt.ItemDataRole.UserRole
_UNTOUCHED_NOTE = "Unchanged: written exactly as imported."
_EDITED_NOTE = "Edited: only what you changed differs from the text as it is now."


@dataclass
class EntryChanges:
    """The arguments of `editing.edit_paper`: changed or added fields with their raw values, removed
    fields as None; the key and the type only when they changed (else None)."""

    citekey: str | None
    entry_type: str | None
    fields: dict[str, str | None]


def field_changes(original: Rows, rows: Rows) -> dict[str, str | None]:
    """Fields whose raw value is new or different, and removed fields (as None)."""
    before = {name.lower(): value for name, value in original}
    present = {name.lower() for name, _ in rows}
    changes: dict[str, str | None] = {name: value for name, value in rows if before.get(name.lower()) != value}
    changes.update({name: None for name, _ in original if name.lower() not in present})
    return changes


def entry_changes(paper: Paper, entry_type: str, key: str, rows: Rows) -> EntryChanges | None:
    """What the editor's contents change in a paper, or None when they change nothing."""
    fields = field_changes(paper.fields, rows)
    new_key = key if key != paper.citekey else None
    new_type = entry_type.lower() if entry_type.lower() != paper.entry_type.lower() else None
    if not fields and new_key is None and new_type is None:
        return None
    return EntryChanges(new_key, new_type, fields)


def entry_preview(paper: Paper, entry_type: str, key: str, rows: Rows) -> str:
    """The entry as an export will write it (see `editing.previewed_entry`)."""
    changes = entry_changes(paper, entry_type, key, rows) or EntryChanges(None, None, {})
    return previewed_entry(paper, changes.fields, changes.citekey, changes.entry_type)


def entry_problem(entry_type: str, key: str, rows: Rows, changed: Rows = (), key_taken: bool = False) -> str:
    """Why the entry cannot be saved as it stands, in one sentence; "" when it can."""
    return (
        _type_problem(entry_type)
        or _key_problem(key, key_taken)
        or _names_problem(rows)
        or next((problem for name, value in changed if (problem := _value_problem(name, value))), "")
    )


def _type_problem(entry_type: str) -> str:
    if not entry_type:
        return "Choose an entry type."
    if not _TYPE_PATTERN.fullmatch(entry_type):
        return "An entry type is one word of letters, such as article or inproceedings."
    return ""


def _key_problem(key: str, taken: bool) -> str:
    if not key:
        return "The citation key cannot be empty."
    if any(char in _KEY_FORBIDDEN for char in key):
        return "A citation key cannot contain spaces, commas, braces or quotes."
    if taken:
        return f"The citation key {key} is already used by another paper."
    return ""


def _names_problem(rows: Rows) -> str:
    seen: set[str] = set()
    for number, (name, _) in enumerate(rows, start=1):
        if not name:
            return f"The field in row {number} needs a name."
        if not _NAME_PATTERN.fullmatch(name):
            return f"The field name {name!r} cannot contain spaces, braces, quotes or = , # %."
        if name.lower() in seen:
            return f"There are two fields called {name.lower()}; keep one."
        seen.add(name.lower())
    return ""


def _value_problem(name: str, value: str) -> str:
    if not value.strip():
        return f"The field {name} has no value; write {{}} for an empty one."
    depth = 0
    for char in re.sub(r"\\[{}]", "", value):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            break
    return f"The braces in {name} do not match." if depth else ""


class EntryEditor(QDialog):
    """Edit a paper; `changes()` tells what to save."""

    def __init__(
        self,
        paper: Paper,
        parent: QWidget | None = None,
        key_taken: Callable[[str], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.paper = paper
        self._key_taken = key_taken
        self.setWindowTitle(f"Edit {paper.citekey}")
        self._build_widgets()
        self._lay_out()
        self._fill(paper)
        self._connect()
        self._refresh()
        self.fields_table.setFocus()

    # What the dialog tells its caller.

    def rows(self) -> list[tuple[str, str]]:
        """The fields as shown: (name, raw value), in table order."""
        return [self._row(number) for number in range(self.fields_table.rowCount())]

    def entry_type(self) -> str:
        """The entry type as typed, without surrounding spaces."""
        return self.type_combo.currentText().strip()

    def citekey(self) -> str:
        """The citation key as typed."""
        return self.key_edit.text()

    def changes(self) -> EntryChanges | None:
        """What to pass to `editing.edit_paper`, or None when nothing changed or the entry is invalid."""
        if self.problem():
            return None
        return entry_changes(self.paper, self.entry_type(), self.citekey(), self.rows())

    def problem(self) -> str:
        """Why the entry cannot be saved ("" when it can)."""
        key = self.citekey()
        renamed = key.lower() != self.paper.citekey.lower()  # a change of case keeps the paper's own key
        taken = renamed and self._key_taken is not None and self._key_taken(key)
        return entry_problem(self.entry_type(), key, self.rows(), self._changed_rows(), taken)

    def preview_text(self) -> str:
        """The BibTeX shown beside the fields: the entry as it will be written."""
        return self.preview_view.toPlainText()

    # What a person does.

    def add_field(self, name: str = "", value: str = "{}") -> int:
        """Add a field at the end and start editing its name; returns its row."""
        row = self.fields_table.rowCount()
        self._insert_row(row, name, value)
        self.fields_table.setCurrentCell(row, 0)
        if not name:
            self.fields_table.editItem(self._cell(row, 0))
        self._refresh()
        return row

    def remove_field(self, row: int | None = None) -> None:
        """Remove a field (the selected one by default)."""
        row = self.fields_table.currentRow() if row is None else row
        if 0 <= row < self.fields_table.rowCount():
            self.fields_table.removeRow(row)
            self.fields_table.setCurrentCell(min(row, self.fields_table.rowCount() - 1), 0)
            self._refresh()

    def select_field(self, name: str) -> int:
        """Select the field with this name (any case) so its value can be edited; returns its row or -1."""
        row = next((number for number, (field, _) in enumerate(self.rows()) if field.lower() == name.lower()), -1)
        if row >= 0:
            self.fields_table.setCurrentCell(row, 1)
        return row

    def accept(self) -> None:
        """Close with Save only when the entry is valid."""
        if not self.problem():
            super().accept()

    # Building.

    def _build_widgets(self) -> None:
        fixed = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.type_combo = QComboBox()
        self.type_combo.setEditable(True)
        self.type_combo.addItems(COMMON_TYPES)
        self.type_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.key_edit = QLineEdit()
        self.key_edit.setFont(fixed)
        self.fields_table = self._fields_table()
        self.add_button = QPushButton("Add field")
        self.remove_button = QPushButton("Remove field")
        self.value_label = QLabel()
        self.value_edit = QPlainTextEdit()
        self.value_edit.setFont(fixed)
        self.value_edit.setTabChangesFocus(True)
        self.value_edit.setToolTip('A raw BibTeX value: {in braces}, "in quotes", a number or a @string name.')
        self.preview_view = _read_only_text(fixed)
        self.original_view = _read_only_text(fixed)
        self.preview_note = QLabel()
        self.preview_note.setWordWrap(True)
        self.message_label = QLabel()
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setStyleSheet("color: #b3261e;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)

    def _fields_table(self) -> QTableWidget:
        table = QTableWidget(0, 2)
        table.setHorizontalHeaderLabels(["Field", "Value"])
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.horizontalHeader().setStretchLastSection(True)
        table.setColumnWidth(0, 130)
        return table

    def _lay_out(self) -> None:
        form = QFormLayout()
        form.addRow("Entry type:", self.type_combo)
        form.addRow("Citation key:", self.key_edit)
        field_buttons = QHBoxLayout()
        field_buttons.addWidget(self.add_button)
        field_buttons.addWidget(self.remove_button)
        field_buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addWidget(self.fields_table, 3)
        left_layout.addLayout(field_buttons)
        left_layout.addWidget(self.value_label)
        left_layout.addWidget(self.value_edit, 2)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self._preview_panel())
        splitter.setSizes([520, 480])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message_label, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        self.resize(1040, 640)

    def _preview_panel(self) -> QWidget:
        self.preview_tabs = QTabWidget()
        self.preview_tabs.addTab(self.preview_view, "As it will be written")
        self.preview_tabs.addTab(self.original_view, "As it is now")  # imported, or as an earlier edit left it
        panel = QWidget()
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview_tabs, 1)
        layout.addWidget(self.preview_note)
        return panel

    def _fill(self, paper: Paper) -> None:
        self.type_combo.setCurrentText(shown_type(paper))
        self.key_edit.setText(paper.citekey)
        for row, (name, value) in enumerate(paper.fields):
            self._insert_row(row, name, value)
        self.original_view.setPlainText(paper.raw)
        if self.fields_table.rowCount():
            self.fields_table.setCurrentCell(0, 1)
        self._show_current_value()

    def _connect(self) -> None:
        self.type_combo.editTextChanged.connect(self._refresh)
        self.key_edit.textChanged.connect(self._refresh)
        self.fields_table.itemChanged.connect(self._on_item_changed)
        self.fields_table.currentCellChanged.connect(self._show_current_value)
        self.fields_table.cellDoubleClicked.connect(self._on_double_click)
        self.value_edit.textChanged.connect(self._store_current_value)
        self.add_button.clicked.connect(lambda: self.add_field())
        self.remove_button.clicked.connect(lambda: self.remove_field())
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    # Keeping the table, the value editor and the preview in step.

    def _insert_row(self, row: int, name: str, value: str) -> None:
        self.fields_table.blockSignals(True)
        self.fields_table.insertRow(row)
        self.fields_table.setItem(row, 0, QTableWidgetItem(name))
        value_item = QTableWidgetItem()
        value_item.setFlags(value_item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.fields_table.setItem(row, 1, value_item)
        _set_value(value_item, value)
        self.fields_table.blockSignals(False)

    def _cell(self, row: int, column: int) -> QTableWidgetItem:
        """A field's name (column 0) or value (column 1) item: every row has both (see _insert_row)."""
        item = self.fields_table.item(row, column)
        assert item is not None, (row, column)
        return item

    def _row(self, row: int) -> tuple[str, str]:
        name_item, value_item = self._cell(row, 0), self._cell(row, 1)
        return name_item.text().strip(), value_item.data(_VALUE_ROLE)

    def _changed_rows(self) -> list[tuple[str, str]]:
        before = {name.lower(): value for name, value in self.paper.fields}
        return [(name, value) for name, value in self.rows() if before.get(name.lower()) != value]

    def _show_current_value(self, *_: object) -> None:
        row = self.fields_table.currentRow()
        self.value_edit.blockSignals(True)
        if row < 0:
            self.value_edit.setPlainText("")
            self.value_label.setText("Value: select a field above")
        else:
            name, value = self._row(row)
            self.value_edit.setPlainText(value)
            self.value_label.setText(f"Value of {name or 'the new field'} (raw BibTeX):")
        self.value_edit.blockSignals(False)
        self.value_edit.setEnabled(row >= 0)
        self.remove_button.setEnabled(row >= 0)

    def _store_current_value(self) -> None:
        row = self.fields_table.currentRow()
        if row >= 0:
            self.fields_table.blockSignals(True)
            _set_value(self._cell(row, 1), self.value_edit.toPlainText())
            self.fields_table.blockSignals(False)
            self._refresh()

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 0 and item.row() == self.fields_table.currentRow():
            self._show_current_value()
        self._refresh()

    def _on_double_click(self, _row: int, column: int) -> None:
        if column == 1:
            self.value_edit.setFocus()

    def _refresh(self, *_: object) -> None:
        problem = self.problem()
        self.message_label.setText(problem)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not problem)
        self._show_preview()

    def _show_preview(self) -> None:
        paper, key, entry_type = self.paper, self.citekey(), self.entry_type() or self.paper.entry_type
        rows = [(name, value) for name, value in self.rows() if name]  # a field being named is not written yet
        self.preview_view.setPlainText(entry_preview(paper, entry_type, key, rows))
        untouched = entry_changes(paper, entry_type, key, rows) is None and not paper.modified
        self.preview_note.setText(_UNTOUCHED_NOTE if untouched else _EDITED_NOTE)


def _read_only_text(font: Any) -> QPlainTextEdit:
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setFont(font)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    return view


def _set_value(item: QTableWidgetItem, value: str) -> None:
    """Keep the raw value in the cell and show it on one line (the editor below shows all of it)."""
    item.setData(_VALUE_ROLE, value)
    item.setText(" ".join(value.split()))
    item.setToolTip(value)
