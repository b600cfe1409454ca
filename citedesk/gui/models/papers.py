"""The library table's model: rows paged by keyset as the view scrolls, sorted and filtered by the library's reads."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from citedesk.reads import COLUMNS, ListQuery, ListRow, Reads, Scope, SortKey, pictured, short_label

PAGE_SIZE = 200
PaperIdRole = Qt.ItemDataRole.UserRole + 1
_NUMERIC = {"year", "cited_by", "supporting", "mentioning", "contrasting"}
AnyIndex = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()  # the invisible root: what Qt passes for a flat table


class PaperTableModel(QAbstractTableModel):
    """Holds only the rows fetched so far (a page at a time) and the key to continue after."""

    queryChanged = Signal()

    def __init__(self, reads: Reads, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reads = reads
        self.query = ListQuery()
        self.rows: list[ListRow] = []
        self.after: SortKey | None = None
        self.at_end = True
        self.total = 0

    # -- what is listed

    def set_query(self, query: ListQuery, keep_rows: int = 0) -> None:
        """List what the query selects, from the top (or at least `keep_rows` rows, after a refresh)."""
        self.beginResetModel()
        self.query = query
        self.rows, self.after, self.at_end = [], None, False
        self._fetch(max(PAGE_SIZE, keep_rows))
        self.total = self.reads.count(query)
        self.endResetModel()
        self.queryChanged.emit()

    def set_search(self, text: str) -> None:
        if text != self.query.search:
            self.set_query(dataclasses.replace(self.query, search=text))

    def set_scope(self, scope: Scope) -> None:
        if scope != self.query.scope:
            self.set_query(dataclasses.replace(self.query, scope=scope))

    def refresh_rows(self, paper_ids: list[int]) -> bool:
        """Show these papers' new values in their rows, in place (no reset: the view keeps its scroll and
        selection). False when a change moves a row (the list's sort or search may now place it elsewhere)
        and the list must be read again."""
        fresh = self.reads.rows_of(paper_ids)
        if len(fresh) != len(set(paper_ids)):
            return False
        sort = self.query.sort
        for index, row in enumerate(self.rows):
            new = fresh.get(row.id)
            if new is None:
                continue
            if new.value(sort) != row.value(sort) or self.query.search:
                return False
            self.rows[index] = new
            self.dataChanged.emit(self.index(index, 0), self.index(index, len(COLUMNS) - 1))
        return True

    def refresh(self) -> None:
        """Read the rows again (after an import or an edit), keeping as many loaded as before."""
        self.set_query(self.query, keep_rows=len(self.rows))

    # -- Qt's table model

    def rowCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = _ROOT) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, column = self.rows[index.row()], COLUMNS[index.column()]
        value = row.value(column.name)
        if role == Qt.ItemDataRole.DisplayRole:
            return _title(row) if column.name == "title" else _display(column.name, value)
        if role == Qt.ItemDataRole.FontRole and column.name == "title" and row.new_statements:
            return self._bold()
        if role == Qt.ItemDataRole.ToolTipRole and column.name == "title" and row.new_statements:
            return f"{value or ''}\n{row.new_statements:,} new citing statement{'s' if row.new_statements != 1 else ''}"
        if role == Qt.ItemDataRole.ToolTipRole and column.name in ("title", "venue") and value:
            return value
        if role == Qt.ItemDataRole.TextAlignmentRole and column.name in _NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == PaperIdRole:
            return row.id
        return None

    def _bold(self) -> QFont:
        font = QFont()
        font.setBold(True)
        return font

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section].header
            if role == Qt.ItemDataRole.ToolTipRole:
                return COLUMNS[section].label
            if role == Qt.ItemDataRole.TextAlignmentRole and COLUMNS[section].name in _NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if role == Qt.ItemDataRole.InitialSortOrderRole:  # what the header's first click asks for
                descending = COLUMNS[section].largest_first
                return Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        return super().headerData(section, orientation, role)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def canFetchMore(self, parent: AnyIndex = _ROOT) -> bool:
        return not parent.isValid() and not self.at_end

    def fetchMore(self, parent: AnyIndex = _ROOT) -> None:
        if not parent.isValid():
            self._append(PAGE_SIZE)

    def _append(self, count: int) -> None:
        """Fetch up to `count` more rows after the last one."""
        if self.at_end:
            return
        page = self.reads.rows(self.query, self.after, count)
        if page.rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page.rows) - 1)
            self.rows += page.rows
            self.endInsertRows()
        self.after, self.at_end = page.after, page.after is None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if 0 <= column < len(COLUMNS):
            descending = order == Qt.SortOrder.DescendingOrder
            self.set_query(dataclasses.replace(self.query, sort=COLUMNS[column].name, descending=descending))

    # -- rows and papers

    def paper_id(self, row: int) -> int | None:
        return self.rows[row].id if 0 <= row < len(self.rows) else None

    def row_of(self, paper_id: int) -> int | None:
        """The row of a paper, fetching pages up to it if it is listed further down; None if not listed."""
        position = self.reads.position_of(self.query, paper_id)
        if position is None:
            return None
        if len(self.rows) <= position:
            self._append(position + PAGE_SIZE - len(self.rows))
        return position if position < len(self.rows) and self.rows[position].id == paper_id else None

    def sort_column(self) -> int:
        return next(i for i, column in enumerate(COLUMNS) if column.name == self.query.sort)

    def _fetch(self, count: int) -> None:
        """Fetch `count` rows at once (used inside a reset, so no row signals)."""
        page = self.reads.rows(self.query, None, count)
        self.rows, self.after, self.at_end = page.rows, page.after, page.after is None


def _title(row: ListRow) -> str | None:
    """The title, starred when the paper is watched, with its count of new statements ("★ BLEU … · 3 new")."""
    title = _display("title", row.title)
    if not row.watched and not row.new_statements:
        return title
    star = "\u2605 " if row.watched else ""
    new = f"  · {row.new_statements:,} new" if row.new_statements else ""
    return f"{star}{title or ''}{new}"


def _display(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if name == "added":
        return str(value)[:10]
    if name == "type":
        return short_label(value)
    if name in _NUMERIC:
        return f"{value:,}" if name != "year" else str(value)
    return pictured(str(value))
