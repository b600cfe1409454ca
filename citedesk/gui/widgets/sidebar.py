"""The sidebar: All papers, Recently added, Watched (with their new statements), each file and each tag, counted."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QMenu, QTreeView, QWidget

from citedesk.reads import ALL, Scope, Sidebar

ScopeRole = Qt.ItemDataRole.UserRole + 1


class SidebarView(QTreeView):
    """A small tree of scopes; selecting one lists its papers."""

    scopeChanged = Signal(object)  # a Scope
    exportFileRequested = Signal(int)  # a source file id
    deleteTagRequested = Signal(int, str)  # a tag id and its name

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.tree_model = QStandardItemModel(self)
        self.setModel(self.tree_model)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setIndentation(12)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._show_menu)
        self.selectionModel().currentChanged.connect(self._on_current)
        self.scope: Scope = ALL

    def reload(self, bar: Sidebar) -> None:
        """Show fresh entries and counts, keeping the selected scope when it still exists."""
        model = self.tree_model
        model.clear()
        library = _heading("Library")
        library.appendRows(
            [
                _entry("All papers", bar.total, ALL),
                _entry("Recently added", bar.recent, Scope("recent")),
                _watched_entry(bar.watched, bar.watched_new),
            ]
        )
        model.appendRow(library)
        if bar.files:
            files = _heading("Files")
            files.appendRows([_entry(name, count, Scope("file", id_)) for id_, name, count in bar.files])
            model.appendRow(files)
        if bar.tags:
            tags = _heading("Tags")
            tags.appendRows([_entry(name, count, Scope("tag", id_)) for id_, name, count in bar.tags])
            model.appendRow(tags)
        self.expandAll()
        self.select_scope(self.scope if self._index_of(self.scope).isValid() else ALL)

    def select_scope(self, scope: Scope) -> None:
        index = self._index_of(scope)
        if index.isValid():
            self.setCurrentIndex(index)

    def _index_of(self, scope: Scope) -> QModelIndex:
        model = self.tree_model
        for group in range(model.rowCount()):
            heading = model.item(group)
            for row in range(heading.rowCount()):
                if heading.child(row).data(ScopeRole) == scope:
                    return heading.child(row).index()
        return QModelIndex()

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        scope = current.data(ScopeRole)
        if scope is not None and scope != self.scope:
            self.scope = scope
            self.scopeChanged.emit(scope)

    def _show_menu(self, point: QPoint) -> None:
        scope = self.indexAt(point).data(ScopeRole)
        if scope is None or scope.kind not in ("file", "tag"):
            return
        menu = QMenu(self)
        if scope.kind == "file":
            action = QAction("Export This File As Imported…", menu)
            action.triggered.connect(lambda: self.exportFileRequested.emit(scope.id))
        else:
            name = self.indexAt(point).data(Qt.ItemDataRole.UserRole + 2)
            action = QAction(f"Delete Tag “{name}”", menu)
            action.triggered.connect(lambda: self.deleteTagRequested.emit(scope.id, name))
        menu.addAction(action)
        menu.exec(self.viewport().mapToGlobal(point))


def _heading(text: str) -> QStandardItem:
    item = QStandardItem(text.upper())
    font = QFont()
    font.setPointSizeF(font.pointSizeF() * 0.85)
    font.setBold(True)
    item.setFont(font)
    item.setFlags(Qt.ItemFlag.ItemIsEnabled)
    item.setForeground(Qt.GlobalColor.gray)
    return item


def _watched_entry(papers: int, new: int) -> QStandardItem:
    """ "Watched · 3 new" (bold) when the watched papers have new statements, else "Watched  (2)"."""
    if not new:
        item = _entry("Watched", papers, Scope("watched"))
        item.setToolTip(f"{papers:,} watched paper{'s' if papers != 1 else ''}: star a paper to watch it")
        return item
    item = _entry("Watched", papers, Scope("watched"))
    item.setText(f"Watched · {new:,} new")
    font = item.font()
    font.setBold(True)
    item.setFont(font)
    item.setToolTip(
        f"{new:,} citing statement{'s' if new != 1 else ''} stored since you last opened "
        f"the {papers:,} watched paper{'s' if papers != 1 else ''}"
    )
    return item


def _entry(name: str, count: int, scope: Scope) -> QStandardItem:
    item = QStandardItem(f"{name}  ({count:,})")
    item.setData(scope, ScopeRole)
    item.setData(name, Qt.ItemDataRole.UserRole + 2)
    item.setToolTip(f"{name}: {count:,} paper{'s' if count != 1 else ''}")
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    return item
