"""The statements pane's rows: a header per citing work, its first statement, and "See N more"."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Hashable, Sequence
from typing import NamedTuple

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from citedesk.reads import Group, Item, View, Work, fold

_Index = QModelIndex | QPersistentModelIndex
SizeKey = tuple[Hashable, ...]  # what a row's height depends on (Role.SIZE_KEY)


class RowKind(enum.IntEnum):
    """What a row of the list shows."""

    HEADER = 0  # the citing (or cited) work
    STATEMENT = 1  # one sentence
    MORE = 2  # "See N more" (or "Show fewer") under a group's statements


class Role(enum.IntEnum):
    """The data the painting delegate asks for, beyond the display text."""

    KIND = Qt.ItemDataRole.UserRole + 1  # a RowKind
    ITEM = KIND + 1  # the statement's Item (STATEMENT rows)
    WORK = KIND + 2  # the group's Work (every row)
    HITS = KIND + 3  # [(start, end)] of the search terms in the statement text
    HIDDEN = KIND + 4  # how many statements "See N more" would show
    EXPANDED = KIND + 5  # whether the row's group shows all its statements
    GROUP_SIZE = KIND + 6  # how many statements the row's group has
    SIZE_KEY = KIND + 7  # a key that stays the same while the row's height does (for size caches)
    FIRST_GROUP = KIND + 8  # whether the row belongs to the first group (headers draw no rule above it)
    SELF_CITATION = KIND + 9  # whether the group's work cites the paper with a shared author


class Row(NamedTuple):
    """One row: its kind, the index of its group in the view, and its statement if it is one
    (a tuple: a paper with 10,000 statements makes thousands of rows at once)."""

    kind: RowKind
    group: int
    item: Item | None = None


GROUPS_PER_PAGE = 40  # groups given rows at a time: the list asks for more as it is scrolled to the end


class StatementsModel(QAbstractListModel):
    """A flat list over a View's groups, where each group can be collapsed to its first statement.
    Rows are made a page of groups at a time (canFetchMore / fetchMore), so a paper cited in thousands of
    works is listed as quickly as one cited in forty: the list measures only the rows it has."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._groups: list[Group] = []
        self._paged = 0  # how many of the groups have rows
        self._rows: list[Row] = []
        self._expanded: set[int] = set()
        self._patterns: list[re.Pattern[str]] = []
        self._hits: dict[int, list[tuple[int, int]]] = {}

    # -- filling -------------------------------------------------------------------------------

    def set_view(self, view: View, patterns: Sequence[re.Pattern[str]] = (), keep_expanded: bool = True) -> None:
        """Show this view; `patterns` are the search terms to highlight (Filters.terms)."""
        self.beginResetModel()
        self._groups = view.groups
        self._patterns = list(patterns)
        self._hits = {}
        if not keep_expanded:
            self._expanded = set()
        self._paged = 0
        self._rows = self._next_page()
        self.endResetModel()

    def clear(self) -> None:
        """Show no rows and forget which groups were expanded."""
        self.beginResetModel()
        self._groups, self._rows, self._expanded, self._hits, self._paged = [], [], set(), {}, 0
        self.endResetModel()

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._paged < len(self._groups)

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        """Give the next page of groups their rows."""
        if not self.canFetchMore(parent):
            return
        first = len(self._rows)
        extra = self._next_page()  # counts the groups as paged in: a view asking again meanwhile gets the next
        self.beginInsertRows(QModelIndex(), first, first + len(extra) - 1)
        self._rows[first:first] = extra
        self.endInsertRows()

    def _next_page(self) -> list[Row]:
        """The rows of the next page of groups, which from now on count as having rows."""
        start, end = self._paged, min(self._paged + GROUPS_PER_PAGE, len(self._groups))
        self._paged = end
        rows: list[Row] = []
        for number in range(start, end):
            rows += self._group_rows(number, self._groups[number])
        return rows

    def _group_rows(self, number: int, group: Group) -> list[Row]:
        shown = group.items if group.work.id in self._expanded else group.items[:1]
        rows = [Row(RowKind.HEADER, number)]
        rows += [Row(RowKind.STATEMENT, number, item) for item in shown]
        if len(group.items) > 1:
            rows.append(Row(RowKind.MORE, number))
        return rows

    # -- expanding -----------------------------------------------------------------------------

    def is_expandable(self, index: _Index) -> bool:
        """Whether the row belongs to a group with more than one statement."""
        return index.isValid() and len(self._groups[self._rows[index.row()].group].items) > 1

    def toggle_group(self, index: _Index) -> QModelIndex:
        """Expand or collapse the group of this row in place; returns the group's "See N more" row."""
        if not self.is_expandable(index):
            return QModelIndex()
        number = self._rows[index.row()].group
        group = self._groups[number]
        more = self._more_row(index.row())
        more = self._collapse(group, more) if group.work.id in self._expanded else self._expand(group, number, more)
        changed = self.index(more)
        self.dataChanged.emit(changed, changed)
        return changed

    def _more_row(self, row: int) -> int:
        while self._rows[row].kind is not RowKind.MORE:
            row += 1
        return row

    def _expand(self, group: Group, number: int, more: int) -> int:
        extra = [Row(RowKind.STATEMENT, number, item) for item in group.items[1:]]
        self.beginInsertRows(QModelIndex(), more, more + len(extra) - 1)
        self._rows[more:more] = extra
        self.endInsertRows()
        self._expanded.add(group.work.id)  # after the insertion: its label changes by dataChanged
        return more + len(extra)

    def _collapse(self, group: Group, more: int) -> int:
        first = more - (len(group.items) - 1)
        self.beginRemoveRows(QModelIndex(), first, more - 1)
        del self._rows[first:more]
        self.endRemoveRows()
        self._expanded.discard(group.work.id)
        return first

    # -- looking up ----------------------------------------------------------------------------

    def row_of_item(self, item_id: int) -> int:
        """The row showing this statement (its group given rows first if need be), or -1 when it is
        filtered out or folded away."""
        group = next((n for n, g in enumerate(self._groups) if any(item.id == item_id for item in g.items)), -1)
        while group >= 0 and self._paged <= group:
            self.fetchMore()
        return next((n for n, row in enumerate(self._rows) if row.item is not None and row.item.id == item_id), -1)

    def item_at(self, index: _Index) -> Item | None:
        """The statement of a row, None for headers and "See N more"."""
        return self._rows[index.row()].item if index.isValid() else None

    def work_at(self, index: _Index) -> Work | None:
        """The work of the row's group."""
        return self._groups[self._rows[index.row()].group].work if index.isValid() else None

    @property
    def group_count(self) -> int:
        return len(self._groups)

    # -- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        getter = _ROLE_GETTERS.get(role)
        return getter(self, row) if getter else None

    def _display(self, row: Row) -> str:
        if row.item is not None:
            return row.item.text
        group = self._groups[row.group]
        if row.kind is RowKind.HEADER:
            return group.work.display_title
        return more_label(len(group.items) - 1, group.work.id in self._expanded)

    def _tooltip(self, row: Row) -> str | None:
        if row.kind is not RowKind.HEADER:
            return None
        work = self._groups[row.group].work
        parts = (work.display_title, "; ".join(work.author_names), work.venue, work.link)
        return "\n".join(part for part in parts if part) or None

    def _hits_of(self, row: Row) -> list[tuple[int, int]]:
        if row.item is None or not self._patterns:
            return []
        hits = self._hits.get(row.item.id)
        if hits is None:
            hits = self._hits[row.item.id] = find_hits(row.item.text, self._patterns)
        return hits

    def _size_key(self, row: Row) -> SizeKey:
        if row.item is not None:
            return ("statement", row.item.id)
        group = self._groups[row.group]
        if row.kind is RowKind.MORE:
            return ("more",)
        badges = (group.work.paper_key is not None, bool(group.items[0].self_citation))
        return ("header", group.work.id, row.group == 0, badges)


_ROLE_GETTERS: dict[int, Callable[[StatementsModel, Row], object]] = {
    Role.KIND: lambda model, row: row.kind,
    Role.ITEM: lambda model, row: row.item,
    Role.WORK: lambda model, row: model._groups[row.group].work,
    Role.HITS: lambda model, row: model._hits_of(row),
    Role.HIDDEN: lambda model, row: len(model._groups[row.group].items) - 1,
    Role.EXPANDED: lambda model, row: model._groups[row.group].work.id in model._expanded,
    Role.GROUP_SIZE: lambda model, row: len(model._groups[row.group].items),
    Role.SIZE_KEY: lambda model, row: model._size_key(row),
    Role.FIRST_GROUP: lambda model, row: row.group == 0,
    Role.SELF_CITATION: lambda model, row: bool(model._groups[row.group].items[0].self_citation),
}


def more_label(hidden: int, expanded: bool) -> str:
    """The text of a group's "See N more" row."""
    if expanded:
        return "Show fewer"
    return f"See {hidden} more statement{'s' if hidden != 1 else ''} from this paper"


def find_hits(text: str, patterns: Sequence[re.Pattern[str]]) -> list[tuple[int, int]]:
    """Where the search patterns (which match folded text) occur in the original text, merged and in order."""
    folded, origin = _fold_with_offsets(text)
    spans = sorted(
        (origin[match.start()], origin[_word_end(folded, match.end()) - 1] + 1)
        for pattern in patterns
        for match in pattern.finditer(folded)
        if match.end() > match.start()
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _word_end(text: str, end: int) -> int:
    """Where the word a prefix match ends in ends, so that "correlat" marks all of "correlated"."""
    while end < len(text) and text[end].isalnum():
        end += 1
    return end


def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """The text folded as the core folds it, and for each folded character the offset it came from."""
    if text.isascii():
        return text.lower(), list(range(len(text)))
    pieces, origin = [], []
    for offset, char in enumerate(text):
        piece = fold(char)
        pieces.append(piece)
        origin += [offset] * len(piece)
    return "".join(pieces), origin


def format_citation(work: Work) -> str:
    """The work as one plain-text reference: authors (year). title. venue. https://doi.org/DOI (or, for a
    work known only by an id, that id's page)."""
    authors = ", ".join(work.author_names)
    year = f"({work.year})" if work.year else ""
    parts = [" ".join(part for part in (authors, year) if part), work.display_title, work.venue or ""]
    text = " ".join(_end_sentence(part) for part in parts if part)
    link = f"https://doi.org/{work.doi}" if work.doi else work.link
    return f"{text} {link}" if link else text


def _end_sentence(part: str) -> str:
    part = part.strip()
    return part if part.endswith((".", "?", "!")) else part + "."


def statement_with_citation(item: Item, citing: bool = True) -> str:
    """The statement in quotes, then the work it comes from (or, for a reference, the work it cites)."""
    reference = format_citation(item.work)
    return f'"{item.text}"\n{reference if citing else "Cites: " + reference}'
