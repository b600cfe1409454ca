"""The statement import dialog: the file's format, which column holds which field, and its first rows as they
would be stored, read again whenever a choice changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from citedesk.jobs import FIELDS, FORMAT_NAMES, FORMATS, Column, StatementLayout, StatementPreview

Preview = Callable[[StatementLayout], StatementPreview]

NOT_READ = "(not read)"
FIELDS_PER_COLUMN = 6
_PROBLEM_COLOR = QColor("#b3261e")
_HELP = (
    "Choose the column that holds each field. A row needs its text and its cited paper (key or DOI), and a "
    "citing paper (key, DOI or title). Athar's labels p / n / o are kept as sentiment; see docs/statement-files.md."
)


class StatementImportDialog(QDialog):
    """Map a statement file's columns to fields while watching its first rows; `layout()` is the result."""

    def __init__(self, path: Path, preview: Preview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Import citing statements from {path.name}")
        self._preview_of = preview
        self.preview: StatementPreview = preview(StatementLayout())
        self.format_box = QComboBox()
        for name in FORMATS:
            self.format_box.addItem(FORMAT_NAMES[name], name)
        self.header_box = QCheckBox("The first row names the columns")
        self.field_boxes = {field: QComboBox() for field in FIELDS}
        self.problem_label = QLabel()
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problem_label.setStyleSheet(f"color: {_PROBLEM_COLOR.name()}")
        self.table = self._table()
        self.import_button = QPushButton("Import")
        self._lay_out(path)
        self._show_file_settings(self.preview)
        self._fill_field_boxes(self.preview, dict(self.preview.mapping))
        self._show_preview(self.preview)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.header_box.toggled.connect(self._header_changed)
        for box in self.field_boxes.values():
            box.currentIndexChanged.connect(self._mapping_changed)

    def layout_chosen(self) -> StatementLayout:
        """How the file is to be read: the format, the header line and every field's column, as shown."""
        file_format = self.format_box.currentData()
        columns = tuple((field, box.currentData()) for field, box in self.field_boxes.items())
        header = self.header_box.isChecked() if file_format != "jsonl" else None
        return StatementLayout(columns, file_format, header)

    def choose(self, field: str, column: Column) -> None:
        """Read a field from a column (a number, or a key in JSON Lines), or from none."""
        box = self.field_boxes[field]
        box.setCurrentIndex(max(box.findData(column), 0))

    def column_of(self, field: str) -> Column:
        """The column a field is read from now."""
        column: Column = self.field_boxes[field].currentData()
        return column

    def shown_rows(self) -> list[list[str]]:
        """The preview table's cells, row by row, with its header first."""
        table = self.table
        header = [_text_of(table.horizontalHeaderItem(column)) for column in range(table.columnCount())]
        cells = [
            [_text_of(table.item(row, column)) for column in range(table.columnCount())]
            for row in range(table.rowCount())
        ]
        return [header, *cells]

    # -- reacting to choices

    def _format_changed(self) -> None:
        """Another format: read the file afresh, with the fields its header or keys name."""
        preview = self._preview_of(StatementLayout(format=self.format_box.currentData()))
        self._show_file_settings(preview)
        self._fill_field_boxes(preview, dict(preview.mapping))
        self._show_preview(preview)

    def _header_changed(self) -> None:
        """The first row is a header, or a row: the same columns, named differently."""
        chosen = {field: box.currentData() for field, box in self.field_boxes.items()}
        preview = self._preview_of(self.layout_chosen())
        self._fill_field_boxes(preview, chosen)
        self._show_preview(preview)

    def _mapping_changed(self) -> None:
        self._show_preview(self._preview_of(self.layout_chosen()))

    # -- showing

    def _show_file_settings(self, preview: StatementPreview) -> None:
        """The format and header the file is read with, without announcing them as changes."""
        for widget in (self.format_box, self.header_box):
            widget.blockSignals(True)
        self.format_box.setCurrentIndex(self.format_box.findData(preview.format))
        self.header_box.setChecked(preview.header)
        self.header_box.setEnabled(preview.format in ("csv", "tsv"))
        for widget in (self.format_box, self.header_box):
            widget.blockSignals(False)

    def _fill_field_boxes(self, preview: StatementPreview, chosen: dict[str, Column]) -> None:
        """Offer the file's columns in every field's box and select what each field is read from."""
        for field, box in self.field_boxes.items():
            box.blockSignals(True)
            box.clear()
            box.addItem(NOT_READ, None)
            for choice in preview.choices:
                box.addItem(choice.label, choice.key)
            box.setCurrentIndex(max(box.findData(chosen.get(field)), 0) if chosen.get(field) is not None else 0)
            box.blockSignals(False)

    def _show_preview(self, preview: StatementPreview) -> None:
        """The first rows as they would be stored, the reason the file cannot be read so, and Import."""
        self.preview = preview
        self.problem_label.setText(preview.error or "")
        self.problem_label.setVisible(bool(preview.error))
        self.import_button.setEnabled(preview.error is None)
        fields = [field for field, _ in preview.mapping]
        table = self.table
        table.clear()
        table.setColumnCount(len(fields) + 2)
        table.setHorizontalHeaderLabels(["Line", *fields, "Problem"])
        table.setRowCount(len(preview.rows))
        for number, row in enumerate(preview.rows):
            cells = [str(row.line), *(row.value(field) for field in fields), row.problem or ""]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if row.problem:
                    item.setForeground(QBrush(_PROBLEM_COLOR))
                table.setItem(number, column, item)
        table.resizeColumnsToContents()
        for column in range(table.columnCount()):
            table.setColumnWidth(column, min(table.columnWidth(column), 320))

    # -- building

    def _table(self) -> QTableWidget:
        table = QTableWidget()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        table.horizontalHeader().setStretchLastSection(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        return table

    def _lay_out(self, path: Path) -> None:
        layout = QVBoxLayout(self)
        settings = QFormLayout()
        file_label = QLabel(str(path))
        file_label.setTextFormat(Qt.TextFormat.PlainText)
        settings.addRow("File:", file_label)
        format_row = QHBoxLayout()
        format_row.addWidget(self.format_box)
        format_row.addWidget(self.header_box)
        format_row.addStretch(1)
        settings.addRow("Format:", format_row)
        layout.addLayout(settings)
        layout.addWidget(self._mapping_group())
        layout.addWidget(self.problem_label)
        layout.addWidget(QLabel("First rows, as they would be stored:"))
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)  # Enter never cancels
        self.import_button.setDefault(True)  # once it is in the dialog: before, Qt ignores it
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(1000, 680)

    def _mapping_group(self) -> QGroupBox:
        group = QGroupBox("Columns")
        grid = QGridLayout(group)
        for number, (field, box) in enumerate(self.field_boxes.items()):
            row, pair = number % FIELDS_PER_COLUMN, number // FIELDS_PER_COLUMN
            label = QLabel(field)
            label.setBuddy(box)
            grid.addWidget(label, row, pair * 2)
            grid.addWidget(box, row, pair * 2 + 1)
            box.setMinimumContentsLength(14)
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        help_label = QLabel(_HELP)
        help_label.setWordWrap(True)
        grid.addWidget(help_label, FIELDS_PER_COLUMN, 0, 1, 6)
        return group


def _text_of(item: QTableWidgetItem | None) -> str:
    """A preview cell's text: the preview sets every cell and header (see _show_preview)."""
    assert item is not None
    return item.text()
