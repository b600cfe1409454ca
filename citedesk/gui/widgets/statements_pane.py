"""The citing-statements pane: tabs, search, stance chips, a filter menu with counts for each registered
facet, and the painted list."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import replace
from typing import TypedDict, Unpack

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QPoint, Qt, QTimer, QUrl, Signal, SignalInstance
from PySide6.QtGui import (
    QAction,
    QColor,
    QDesktopServices,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QSpinBox,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from citedesk.gui.models.statements import Role, RowKind, StatementsModel, format_citation, statement_with_citation
from citedesk.gui.style import STANCE_COLORS, STANCE_LABELS
from citedesk.gui.widgets.statement_delegate import StatementDelegate
from citedesk.library.facets import Facet
from citedesk.model import Stance
from citedesk.plugins import build_registry
from citedesk.reads import UNKNOWN_YEAR, Direction, Filters, Item, Order, View, Work, build_view, fold

SEARCH_DELAY_MS = 150
ORDER_LABELS = {
    Order.RELEVANCE: "Relevance",
    Order.NEWEST: "Newest",
    Order.OLDEST: "Oldest",
    Order.CONFIDENCE: "Confidence",
}
EMPTY_MESSAGES = {
    Direction.CITED_BY: "No citing statements are stored for this paper yet.",
    Direction.REFERENCES: "No reference statements are stored for this paper yet.",
}
NO_MATCH_MESSAGE = "No statements match these filters."
OPEN_KEYS = "Ctrl+Shift+O"  # key sequences are built when used: they need a running application
ADD_KEYS = "Ctrl+Shift+A"
UNKNOWN_YEAR_LABEL = "Unknown year"  # the Year menu's entry for works without a year


def plural(count: int, noun: str) -> str:
    """ "1 statement", "2 statements"."""
    return f"{count} {noun}{'' if count == 1 else 's'}"


def summary_text(view: View) -> str:
    """ "Showing 12 of 51 statements from 9 publications"."""
    if not view.total:
        return ""
    return (
        f"Showing {len(view.items)} of {plural(view.total, 'statement')} from {plural(len(view.groups), 'publication')}"
    )


def doi_url(doi: str) -> QUrl:
    """https://doi.org/ and the DOI, with its characters escaped as a URL path needs."""
    url = QUrl("https://doi.org")
    url.setPath("/" + doi.strip())
    return url


def _menu_text(label: str, count: int) -> str:
    """A menu entry: the label (ampersands kept literal) and the count in the right-hand column."""
    return f"{label.replace('&', '&&')}\t{count}"


def _elide(label: str, limit: int = 60) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "\u2026"


# -- the list --------------------------------------------------------------------------------------


class StatementList(QListView):
    """The painted list; keeps its own keys (copy, open, add, expand) while it has the focus, and opens
    the link of a title line (a work known only by an id) when it is clicked."""

    copyRequested = Signal()
    openRequested = Signal()
    addRequested = Signal()
    toggleRequested = Signal(QModelIndex)
    linkClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = ""
        self.setUniformItemSizes(False)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(1000)  # rows are paged in (see StatementsModel), so most layouts take one batch
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setWordWrap(True)  # with Adjust, a width change then lays the rows out again (heights follow)
        self.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setSelectionMode(QListView.SelectionMode.SingleSelection)
        self.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setMouseTracking(True)
        self.verticalScrollBar().setSingleStep(16)
        self.entered.connect(self._show_cursor)
        self.viewportEntered.connect(lambda: self.viewport().unsetCursor())

    def set_placeholder(self, text: str) -> None:
        """The message shown in the list area while it has no rows."""
        self._placeholder = text
        self.viewport().update()

    def placeholder(self) -> str:
        return self._placeholder

    def command_for(self, event: QKeyEvent) -> SignalInstance | None:
        """The signal a key press asks for, if it is one of the list's own keys."""
        keys = QKeySequence(event.keyCombination())
        if event.matches(QKeySequence.StandardKey.Copy):
            return self.copyRequested
        if keys == QKeySequence(OPEN_KEYS):
            return self.openRequested
        if keys == QKeySequence(ADD_KEYS):
            return self.addRequested
        return None

    def event(self, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and self.command_for(event) is not None
        ):
            event.accept()  # ours while the list has the focus, before any window shortcut
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        command = self.command_for(event)
        if command is not None:
            command.emit()
            return
        index = self.currentIndex()
        toggles = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
        if toggles and index.isValid() and index.data(Role.KIND) == RowKind.MORE:
            self.toggleRequested.emit(index)
            return
        super().keyPressEvent(event)

    def link_at(self, pos: QPoint) -> str | None:
        """The link under a point of the viewport: a header's linked title line, if there is one."""
        index = self.indexAt(pos)
        delegate = self.itemDelegate()
        if not index.isValid() or not isinstance(delegate, StatementDelegate):
            return None
        return delegate.link_at(self.visualRect(index), index, self.font(), pos)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        link = self.link_at(event.position().toPoint()) if event.button() == Qt.MouseButton.LeftButton else None
        super().mouseReleaseEvent(event)
        if link:
            self.linkClicked.emit(link)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        self._show_cursor(self.indexAt(event.position().toPoint()), event.position().toPoint())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and index.data(Role.KIND) == RowKind.MORE and not index.data(Role.EXPANDED):
            self.toggleRequested.emit(index)
        super().mouseDoubleClickEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.model() is not None and self.model().rowCount() == 0 and self._placeholder:
            self._paint_placeholder()

    def _paint_placeholder(self) -> None:
        painter = QPainter(self.viewport())
        color = QColor(self.palette().color(QPalette.ColorRole.Text))
        color.setAlpha(150)
        painter.setPen(color)
        area = self.viewport().rect().adjusted(24, 32, -24, -24)
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(area, flags, self._placeholder)
        painter.end()

    def _show_cursor(self, index: QModelIndex, pos: QPoint | None = None) -> None:
        if index.data(Role.KIND) == RowKind.MORE or (pos is not None and self.link_at(pos)):
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.viewport().unsetCursor()


# -- filter controls -------------------------------------------------------------------------------


class StayOpenMenu(QMenu):
    """A menu that stays open when a checkable entry is clicked, so several values can be ticked."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.activeAction()
        if action is not None and action.isEnabled() and action.isCheckable():
            action.trigger()
            return
        super().mouseReleaseEvent(event)


class FacetButton(QToolButton):
    """A drop-down of one facet's values, each checkable with its count; long facets get a find line."""

    selectionChanged = Signal(str, frozenset)

    def __init__(
        self,
        facet: str,
        title: str,
        label_of: Callable[[Hashable], str],
        find_hint: str = "",
        limit: int = 12,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.facet, self._title, self._label_of, self._limit = facet, title, label_of, limit
        self._counts: Counter[Hashable] = Counter()
        self._universe: list[Hashable] = []
        self._selected: frozenset[Hashable] = frozenset()
        self._actions: dict[Hashable, QAction] = {}
        self.setObjectName(f"facet-{facet}")
        self.setStyleSheet(_DROP_DOWN_STYLE)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(StayOpenMenu(self))
        self.menu().aboutToShow.connect(self._fill)
        self._find = self._add_find_line(find_hint) if find_hint else None
        self._update_label()

    def _add_find_line(self, hint: str) -> QLineEdit:
        find = QLineEdit()
        find.setPlaceholderText(hint)
        find.setClearButtonEnabled(True)
        find.setMinimumWidth(260)
        find.textChanged.connect(self._refill)
        holder = QWidget()
        layout = QHBoxLayout(holder)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(find)
        action = QWidgetAction(self)
        action.setDefaultWidget(holder)
        self.menu().addAction(action)
        self.menu().addSeparator()
        return find

    def show_counts(
        self, counts: Counter[Hashable], universe: Sequence[Hashable], selected: frozenset[Hashable]
    ) -> None:
        """The counts of each value with the other filters applied, the values to list, and the ticked ones."""
        self._counts, self._universe, self._selected = counts, list(universe), selected
        self._update_label()
        for value, action in self._actions.items():
            action.blockSignals(True)
            action.setText(_menu_text(_elide(self._label_of(value)), counts.get(value, 0)))
            action.setChecked(value in selected)
            action.setEnabled(bool(counts.get(value)) or value in selected)
            action.blockSignals(False)

    def values(self) -> list[Hashable]:
        """The values the menu lists now: ticked ones first, then by count (for long facets: the top ones)."""
        if self._find is None:
            return self._universe + sorted(self._selected - set(self._universe), key=str)
        needle = fold(self._find.text().strip())
        ranked = [value for value, _ in self._counts.most_common() if value and needle in self._folded(value)]
        ticked = [value for value in sorted(self._selected, key=str) if needle in self._folded(value)]
        return ticked + [value for value in ranked if value not in self._selected][: self._limit]

    def _fill(self) -> None:
        if self._find is not None and not self._find.text():
            QTimer.singleShot(0, self._find.setFocus)
        self._refill()

    def _refill(self) -> None:
        menu = self.menu()
        for action in list(self._actions.values()) + menu.findChildren(QAction, "facet-more"):
            menu.removeAction(action)
            action.deleteLater()
        self._actions = {}
        for value in self.values():
            self._actions[value] = self._add_value(value)
        self._add_more_note()

    def _add_value(self, value: Hashable) -> QAction:
        action = QAction(_menu_text(_elide(self._label_of(value)), self._counts.get(value, 0)), self.menu())
        action.setCheckable(True)
        action.setChecked(value in self._selected)
        action.setEnabled(bool(self._counts.get(value)) or value in self._selected)
        action.setToolTip(self._label_of(value))
        action.toggled.connect(lambda checked, value=value: self._toggle(value, checked))
        self.menu().addAction(action)
        return action

    def _add_more_note(self) -> None:
        if self._find is None:
            if not self._actions:
                self._add_note("No values")
            return
        needle = fold(self._find.text().strip())
        matching = len([value for value in self._counts if value and needle in self._folded(value)])
        hidden = matching - len([value for value in self._actions if self._counts.get(value)])
        if hidden > 0:
            self._add_note(f"{hidden} more \u2014 type above to find them")
        elif not self._actions:
            self._add_note("None found")

    def _add_note(self, text: str) -> None:
        note = QAction(text, self.menu())
        note.setObjectName("facet-more")
        note.setEnabled(False)
        self.menu().addAction(note)

    def _folded(self, value: Hashable) -> str:
        """A value as the find line matches it: its label, folded."""
        return fold(self._label_of(value))

    def _toggle(self, value: Hashable, checked: bool) -> None:
        selected = self._selected | {value} if checked else self._selected - {value}
        self.selectionChanged.emit(self.facet, frozenset(selected))

    def _update_label(self) -> None:
        chosen = [self._label_of(value) for value in sorted(self._selected, key=str)]
        self.setText(_button_label(self._title, chosen))
        self.setToolTip(", ".join(chosen) if chosen else f"Filter by {self._title.lower()}")
        _mark_active(self, bool(self._selected))


def _button_label(title: str, chosen: list[str]) -> str:
    if not chosen:
        return f"{title} \u25be"
    return f"{title} ({len(chosen)}) \u25be"


_LINK_STYLE = (
    "QToolButton { color: palette(link); border: none; padding: 2px 4px; }"
    " QToolButton:hover { text-decoration: underline; }"
)
_DROP_DOWN_STYLE = "QToolButton { padding: 2px 6px; } QToolButton::menu-indicator { image: none; width: 0px; }"


def _mark_active(button: QToolButton, active: bool) -> None:
    font = QFont(button.font())
    font.setWeight(QFont.Weight.DemiBold if active else QFont.Weight.Normal)
    button.setFont(font)


class YearButton(QToolButton):
    """A drop-down with a from/to year range and each year's count (a click on a year picks that year,
    "Unknown year" the statements of works without one)."""

    rangeChanged = Signal(object, object, bool)  # year_from, year_to (None: open), undated

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("facet-year")
        self.setStyleSheet(_DROP_DOWN_STYLE)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        self._from, self._to = self._spin("From"), self._spin("To")
        self._add_range_line()
        self.menu().aboutToShow.connect(self._refill)
        self._counts: Counter[Hashable] = Counter()
        self._years: list[int] = []
        self._undated = False
        self._actions: list[QAction] = []
        self.show_counts(Counter(), [], None, None)

    def _spin(self, name: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(f"year-{name.lower()}")
        spin.setSpecialValueText("Any")
        spin.setKeyboardTracking(False)
        spin.setAccelerated(True)
        spin.valueChanged.connect(self._emit_range)
        return spin

    def _add_range_line(self) -> None:
        holder = QWidget()
        layout = QHBoxLayout(holder)
        layout.setContentsMargins(8, 4, 8, 4)
        for text, spin in (("From", self._from), ("to", self._to)):
            layout.addWidget(QLabel(text))
            layout.addWidget(spin)
        action = QWidgetAction(self)
        action.setDefaultWidget(holder)
        self.menu().addAction(action)
        self.menu().addSeparator()

    def show_counts(
        self,
        counts: Counter[Hashable],
        years: Sequence[int],
        year_from: int | None,
        year_to: int | None,
        undated: bool = False,
    ) -> None:
        """Counts per year with the other filters applied (UNKNOWN_YEAR: works without a year), the years to
        offer, the chosen range and whether works without a year are chosen."""
        self._counts, self._years, self._undated = counts, [year for year in years if year], undated
        low, high = (min(self._years), max(self._years)) if self._years else (1900, 2100)
        low, high = min(low, year_from or low), max(high, year_to or high)
        for spin, value in ((self._from, year_from), (self._to, year_to)):
            spin.blockSignals(True)
            spin.setRange(low - 1, high)
            spin.setValue(value if value is not None else low - 1)
            spin.blockSignals(False)
        self.setText(_year_label(year_from, year_to, undated))
        _mark_active(self, year_from is not None or year_to is not None or undated)
        if self.menu().isVisible():
            self._refill()

    def year_range(self) -> tuple[int | None, int | None]:
        return self._value(self._from), self._value(self._to)

    @staticmethod
    def _value(spin: QSpinBox) -> int | None:
        return None if spin.value() == spin.minimum() else spin.value()

    def _refill(self) -> None:
        for action in self._actions:
            self.menu().removeAction(action)
            action.deleteLater()
        self._actions = [self._year_action(year) for year in sorted(self._years, reverse=True)]
        if self._counts.get(UNKNOWN_YEAR) or self._undated:
            self._actions.append(self._undated_action())
        self.menu().addActions(self._actions)

    def _year_action(self, year: int) -> QAction:
        action = QAction(_menu_text(str(year), self._counts.get(year, 0)), self.menu())
        start, end = self.year_range()
        action.setCheckable(True)
        action.setChecked((start is not None or end is not None) and (start or 0) <= year <= (end or 9999))
        action.triggered.connect(lambda _=False, year=year: self._pick_year(year))
        return action

    def _undated_action(self) -> QAction:
        action = QAction(_menu_text(UNKNOWN_YEAR_LABEL, self._counts.get(UNKNOWN_YEAR, 0)), self.menu())
        action.setObjectName("year-unknown")
        action.setCheckable(True)
        action.setChecked(self._undated)
        action.setEnabled(bool(self._counts.get(UNKNOWN_YEAR)) or self._undated)
        action.triggered.connect(lambda _=False: self._pick_year(UNKNOWN_YEAR))
        return action

    def _pick_year(self, year: int) -> None:
        """Only that year (UNKNOWN_YEAR: only works without one); picking the only year chosen again shows
        every year."""
        start, end = self.year_range()
        if year == UNKNOWN_YEAR:
            chosen_again = self._undated and start is None and end is None
            self.rangeChanged.emit(None, None, not chosen_again)
        elif (start, end) == (year, year) and not self._undated:
            self.rangeChanged.emit(None, None, False)
        else:
            self.rangeChanged.emit(year, year, False)

    def pick_year(self, year: int) -> None:
        """As if that year's entry of the menu were clicked (a click on the chart's bar of that year)."""
        self._pick_year(year)

    def _emit_range(self) -> None:
        self.rangeChanged.emit(*self.year_range(), False)


def _year_label(year_from: int | None, year_to: int | None, undated: bool = False) -> str:
    """The Year button's text: "Year", "2005", "Since 2005", "2003–2005", "Unknown year", "2005 or unknown"."""
    if year_from is None and year_to is None:
        years = UNKNOWN_YEAR_LABEL if undated else "Year"
    else:
        years = _range_label(year_from, year_to) + (" or unknown" if undated else "")
    return f"{years} \u25be"


def _range_label(year_from: int | None, year_to: int | None) -> str:
    if year_from == year_to:
        return str(year_from)
    if year_to is None:
        return f"Since {year_from}"
    if year_from is None:
        return f"Until {year_to}"
    return f"{year_from}\u2013{year_to}"


class StanceChip(QToolButton):
    """A coloured toggle for one classification, labelled with its count ("Supporting 3")."""

    def __init__(self, stance: Stance, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stance = stance
        self.setObjectName(f"stance-{stance.value}")
        self.setCheckable(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setStyleSheet(_chip_style(STANCE_COLORS[stance]))
        self.show_count(0, False)

    def show_count(self, count: int, checked: bool) -> None:
        self.blockSignals(True)
        self.setText(f"{STANCE_LABELS[self.stance]}  {count}")
        self.setChecked(checked)
        self.setEnabled(bool(count) or checked)
        self.blockSignals(False)


def _chip_style(color: QColor) -> str:
    r, g, b = color.red(), color.green(), color.blue()
    dark = color.darker(150).name()
    return (
        f"QToolButton {{ border: 1px solid rgba({r},{g},{b},150); border-radius: 11px; padding: 2px 10px;"
        f" color: {dark}; background: rgba({r},{g},{b},30); }}"
        f" QToolButton:hover {{ background: rgba({r},{g},{b},60); }}"
        f" QToolButton:checked {{ background: {color.name()}; border-color: {color.name()}; color: white; }}"
        " QToolButton:disabled { border-color: rgba(128,128,128,70); color: rgba(110,110,110,150);"
        " background: transparent; }"
    )


# -- the pane --------------------------------------------------------------------------------------


class _FilterChanges(TypedDict, total=False):
    """What the pane's own controls change in its Filters besides the facets' values."""

    year_from: int | None
    year_to: int | None
    undated: bool
    text: str


class StatementsPane(QWidget):
    """Statements citing the selected paper (and those in which it cites others), filtered and grouped. Its
    filter buttons are the facets it is given (the registry's), in their order; the one named "year" chooses
    a range of years."""

    addToLibraryRequested = Signal(int)
    statusMessage = Signal(str)

    def __init__(self, parent: QWidget | None = None, facets: Iterable[Facet] | None = None) -> None:
        super().__init__(parent)
        given = facets if facets is not None else build_registry().facets.values()
        self._facet_list = tuple(sorted(given, key=lambda facet: facet.order))
        self._items: dict[Direction, list[Item]] = {direction: [] for direction in Direction}
        self._filters: dict[Direction, Filters] = {direction: Filters() for direction in Direction}
        self._universe: dict[Direction, dict[str, Counter[Hashable]]] = {}
        self._direction = Direction.CITED_BY
        self._order = Order.RELEVANCE
        self._view: View | None = None
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self._model = StatementsModel(self)
        self._build()
        self.clear(EMPTY_MESSAGES[Direction.CITED_BY])

    # -- public --------------------------------------------------------------------------------

    @property
    def order(self) -> Order:
        """The order statements are shown in (kept from paper to paper)."""
        return self._order

    def set_items(
        self,
        cited_by: list[Item],
        references: list[Item],
        view: View | None = None,
        seen_statement_id: int | None = None,
    ) -> None:
        """Show a new paper's statements: every filter cleared, the order kept. `view`, when given,
        is `build_view(cited_by, Filters(order=self.order))` already built on a worker thread (with the
        built-in facets: used when they are this pane's). Statements after `seen_statement_id` are marked new."""
        self._search_timer.stop()
        self._delegate.seen_statement_id = seen_statement_id
        self._items = {Direction.CITED_BY: list(cited_by), Direction.REFERENCES: list(references)}
        self._filters = {direction: Filters(order=self._order) for direction in Direction}
        self._universe = {}
        self._delegate.clear_cache()  # heights are kept per statement id while one paper is shown
        self._set_search_text("")
        self._update_tabs()
        usable = (
            view is not None
            and self._direction is Direction.CITED_BY
            and view.total == len(cited_by)
            and set(view.facets) == {"stance", *(facet.name for facet in self._facet_list)}
        )
        self._show(keep_expanded=False, view=view if usable else None)

    @property
    def view(self) -> View | None:
        """What the pane shows: the statements filtered, counted by facet and grouped (None before any)."""
        return self._view

    def show_year(self, year: int) -> None:
        """Show only the citing statements of that year (UNKNOWN_YEAR: of works without a year), as picking it
        in the Year menu does; the year shown alone already shows every year again."""
        if self._view is None:
            return
        if self._year is None:
            return
        if self._direction is not Direction.CITED_BY:
            self._tabs.setCurrentIndex(
                next(n for n in range(self._tabs.count()) if self._direction_of_tab(n) is Direction.CITED_BY)
            )
        self._year.pick_year(year)

    def clear(self, message: str) -> None:
        """Show no paper: no rows, the message in the list area, and the controls disabled."""
        self._search_timer.stop()
        self._items = {direction: [] for direction in Direction}
        self._filters = {direction: Filters(order=self._order) for direction in Direction}
        self._view = None
        self._model.clear()
        self._list.set_placeholder(message)
        self._set_search_text("")
        self._update_tabs()
        self._update_controls(self._build_view([], self._filters[self._direction]), self._filters[self._direction])
        self._universe = {}

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.setSpacing(6)
        layout.addWidget(self._build_tabs())
        self._filter_bar = QWidget()
        bar = QVBoxLayout(self._filter_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(6)
        bar.addLayout(self._build_search_line())
        bar.addLayout(self._build_chip_line())
        bar.addLayout(self._build_facet_line())
        layout.addWidget(self._filter_bar)
        layout.addLayout(self._build_summary_line())
        layout.addWidget(self._build_list(), 1)

    def _build_tabs(self) -> QTabBar:
        self._tabs = QTabBar()
        self._tabs.setObjectName("statement-tabs")
        self._tabs.setDocumentMode(True)
        self._tabs.setExpanding(False)
        self._tabs.setDrawBase(True)
        for direction in Direction:
            self._tabs.addTab("")
            self._tabs.setTabData(self._tabs.count() - 1, direction)
        self._tabs.currentChanged.connect(self._switch_direction)
        return self._tabs

    def _build_search_line(self) -> QHBoxLayout:
        self._search = QLineEdit()
        self._search.setObjectName("statement-search")
        self._search.setPlaceholderText("Search citation statements")
        self._search.setClearButtonEnabled(True)
        self._search.textChanged.connect(self._search_timer.start)
        self._search.returnPressed.connect(self._apply_search)
        self._order_box = QComboBox()
        self._order_box.setObjectName("statement-order")
        self._order_box.setToolTip("Order statements by")
        for order, label in ORDER_LABELS.items():
            self._order_box.addItem(label, order)
        self._order_box.currentIndexChanged.connect(self._change_order)
        line = QHBoxLayout()
        line.setSpacing(6)
        line.addWidget(self._search, 1)
        line.addWidget(QLabel("Order by"))
        line.addWidget(self._order_box)
        return line

    def _build_chip_line(self) -> QHBoxLayout:
        self._chips = {stance: StanceChip(stance) for stance in Stance}
        line = QHBoxLayout()
        line.setSpacing(6)
        for chip in self._chips.values():
            chip.toggled.connect(self._change_stances)
            line.addWidget(chip)
        line.addStretch(1)
        return line

    def _build_facet_line(self) -> QHBoxLayout:
        """A button for each facet: a menu of its values, or for the year a range (Filters' own fields)."""
        self._facets: dict[str, FacetButton] = {}
        self._year: YearButton | None = None
        line = QHBoxLayout()
        line.setSpacing(4)
        for facet in self._facet_list:
            if facet.name == "year":
                self._year = YearButton()
                self._year.rangeChanged.connect(self._change_years)
                line.addWidget(self._year)
                continue
            button = self._facets[facet.name] = FacetButton(facet.name, facet.label, facet.label_of, facet.find_hint)
            button.selectionChanged.connect(self._change_facet)
            line.addWidget(button)
        line.addStretch(1)
        return line

    def _build_summary_line(self) -> QHBoxLayout:
        self._summary = QLabel()
        self._summary.setObjectName("statement-summary")
        self._clear_button = QToolButton()
        self._clear_button.setObjectName("clear-filters")
        self._clear_button.setText("Clear filters")
        self._clear_button.setAutoRaise(True)
        self._clear_button.setToolTip("Show every statement again")
        self._clear_button.setStyleSheet(_LINK_STYLE)
        self._clear_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self._clear_button.clicked.connect(self._clear_filters)
        line = QHBoxLayout()
        line.addWidget(self._summary, 1)
        line.addWidget(self._clear_button)
        return line

    def _build_list(self) -> StatementList:
        self._list = StatementList()
        self._list.setObjectName("statement-list")
        self._list.setModel(self._model)
        self._delegate = StatementDelegate(self._list)
        self._list.setItemDelegate(self._delegate)
        self._list.clicked.connect(self._click)
        self._list.toggleRequested.connect(self._toggle_group)
        self._list.copyRequested.connect(lambda: self._copy(self._list.currentIndex()))
        self._list.openRequested.connect(lambda: self._open_doi(self._list.currentIndex()))
        self._list.linkClicked.connect(self._open_link)
        self._list.addRequested.connect(lambda: self._add_to_library(self._list.currentIndex()))
        self._list.customContextMenuRequested.connect(self._show_context_menu)
        return self._list

    # -- showing -------------------------------------------------------------------------------

    def _build_view(self, items: Sequence[Item], filters: Filters) -> View:
        return build_view(items, filters, self._facet_list)

    def _show(self, keep_expanded: bool = True, view: View | None = None) -> None:
        """Rebuild the view from the current filters (all in memory) and bring every control up to date."""
        items, filters = self._items[self._direction], self._filters[self._direction]
        current = self._model.item_at(self._list.currentIndex())
        self._view = view = view or self._build_view(items, filters)
        self._model.set_view(view, filters.terms, keep_expanded=keep_expanded)
        self._list.set_placeholder(NO_MATCH_MESSAGE if items else EMPTY_MESSAGES[self._direction])
        self._list.scrollToTop()
        self._restore_current(current)
        self._update_controls(view, filters)

    def _restore_current(self, item: Item | None) -> None:
        row = self._model.row_of_item(item.id) if item is not None else -1
        if row >= 0:
            self._list.setAutoScroll(False)
            self._list.selectionModel().setCurrentIndex(
                self._model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self._list.setAutoScroll(True)

    def _update_controls(self, view: View, filters: Filters) -> None:
        universe = self._universe_of(view, filters)
        self._filter_bar.setEnabled(bool(self._items[self._direction]))
        stances = filters.values_of("stance")
        for stance, chip in self._chips.items():
            chip.show_count(view.facets["stance"].get(stance.value, 0), stance.value in stances)
        for facet in self._facet_list:
            if facet.name in self._facets:
                self._facets[facet.name].show_counts(
                    view.facets[facet.name], _ordered_values(facet, universe[facet.name]), filters.values_of(facet.name)
                )
        if self._year is not None:
            self._year.show_counts(
                view.facets["year"],
                sorted(year for year in universe["year"] if isinstance(year, int)),  # the year facet's values: years
                filters.year_from,
                filters.year_to,
                filters.undated,
            )
        self._summary.setText(summary_text(view))
        self._clear_button.setVisible(_has_filters(filters))

    def _universe_of(self, view: View, filters: Filters) -> dict[str, Counter[Hashable]]:
        """Every value of each facet among all the statements (the menus list them even at count 0)."""
        if self._direction not in self._universe:
            unfiltered = (
                view if not _has_filters(filters) else self._build_view(self._items[self._direction], Filters())
            )
            self._universe[self._direction] = unfiltered.facets
        return self._universe[self._direction]

    def _update_tabs(self) -> None:
        for number in range(self._tabs.count()):
            direction = self._direction_of_tab(number)
            assert direction is not None  # every tab is given its direction when it is added
            items = self._items[direction]
            works = len({item.work.id for item in items})
            label = "Cited by" if direction is Direction.CITED_BY else "References"
            self._tabs.setTabText(number, f"{label} ({len(items)})")
            self._tabs.setTabToolTip(number, f"{plural(len(items), 'statement')} from {plural(works, 'publication')}")

    def _set_search_text(self, text: str) -> None:
        self._search.setText(text)
        self._search_timer.stop()  # the filters already hold this text

    # -- changing filters ----------------------------------------------------------------------

    def _change_filters(self, **changes: Unpack[_FilterChanges]) -> None:
        self._filters[self._direction] = replace(self._filters[self._direction], **changes)
        self._show()

    def _apply_search(self) -> None:
        self._search_timer.stop()
        if self._search.text() != self._filters[self._direction].text:
            self._change_filters(text=self._search.text())

    def _change_stances(self) -> None:
        chosen = frozenset(stance.value for stance, chip in self._chips.items() if chip.isChecked())
        self._change_facet("stance", chosen)

    def _change_facet(self, facet: str, values: frozenset[Hashable]) -> None:
        self._filters[self._direction] = self._filters[self._direction].choosing(facet, values)
        self._show()

    def _change_years(self, year_from: int | None, year_to: int | None, undated: bool = False) -> None:
        if year_from is not None and year_to is not None and year_from > year_to:
            year_from, year_to = year_to, year_from
        self._change_filters(year_from=year_from, year_to=year_to, undated=undated)

    def _change_order(self) -> None:
        self._order = Order(self._order_box.currentData())
        self._filters = {direction: replace(filters, order=self._order) for direction, filters in self._filters.items()}
        if self._view is not None:
            self._show()

    def _clear_filters(self) -> None:
        self._search_timer.stop()
        self._set_search_text("")
        self._filters[self._direction] = Filters(order=self._order)
        self._show()

    def _direction_of_tab(self, number: int) -> Direction | None:
        data = self._tabs.tabData(number)
        return Direction(data) if data else None

    def _switch_direction(self, number: int) -> None:
        direction = self._direction_of_tab(number)
        if direction is None or direction is self._direction:
            return
        self._apply_search()
        self._direction = direction
        self._set_search_text(self._filters[direction].text)
        if self._view is not None:
            self._show(keep_expanded=False)

    # -- acting on a statement -----------------------------------------------------------------

    def _click(self, index: QModelIndex) -> None:
        if index.data(Role.KIND) == RowKind.MORE:
            self._toggle_group(index)

    def _toggle_group(self, index: QModelIndex) -> None:
        was_expanded, hidden = bool(index.data(Role.EXPANDED)), index.data(Role.GROUP_SIZE) - 1
        more = self._model.toggle_group(index)
        target = more if was_expanded else self._model.index(more.row() - hidden)
        self._list.selectionModel().setCurrentIndex(target, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _copy(self, index: QModelIndex) -> None:
        """A statement with its citation, or on a paper's header, the paper's citation alone."""
        item, work = self._model.item_at(index), self._model.work_at(index)
        if item is not None:
            QGuiApplication.clipboard().setText(statement_with_citation(item, self._direction is Direction.CITED_BY))
            self.statusMessage.emit("Copied statement with citation")
        elif work is not None and index.data(Role.KIND) == RowKind.HEADER:
            QGuiApplication.clipboard().setText(format_citation(work))
            self.statusMessage.emit("Copied citation")
        else:
            self.statusMessage.emit("Select a statement to copy it")

    def _open_doi(self, index: QModelIndex) -> None:
        """Open the work's DOI at doi.org; without one, the page of the id it is known by."""
        work = self._model.work_at(index)
        if work is not None and not work.doi and work.link:
            self._open_link(work.link)
            return
        if work is None or not work.doi:
            self.statusMessage.emit("This paper has no DOI")
            return
        url = doi_url(work.doi)
        QDesktopServices.openUrl(url)
        self.statusMessage.emit(f"Opening {url.toString()}")

    def _open_link(self, link: str) -> None:
        """Open a title line's link (a work known only by an id) in the person's browser."""
        url = QUrl(link)
        QDesktopServices.openUrl(url)
        self.statusMessage.emit(f"Opening {url.toString()}")

    def _add_to_library(self, index: QModelIndex) -> None:
        work = self._model.work_at(index)
        if work is None:
            return
        if work.paper_key:
            self.statusMessage.emit(f"Already in your library as {work.paper_key}")
            return
        self.addToLibraryRequested.emit(work.id)

    def _show_context_menu(self, position: QPoint) -> None:
        index = self._list.indexAt(position)
        if not index.isValid():
            return
        self._list.setCurrentIndex(index)
        menu = self._context_menu(index)
        menu.exec(self._list.viewport().mapToGlobal(position))
        menu.deleteLater()

    def _context_menu(self, index: QModelIndex) -> QMenu:
        """The actions on a row (built each time, so their state matches the row)."""
        work, item = self._model.work_at(index), self._model.item_at(index)
        side = "citing" if self._direction is Direction.CITED_BY else "cited"
        menu = QMenu(self)
        menu.setObjectName("statement-menu")
        header = index.data(Role.KIND) == RowKind.HEADER
        entries: Iterable[tuple[str, QKeySequence, bool, Callable[[], None]]] = (
            (
                "Copy citation" if header else "Copy statement with citation",
                QKeySequence(QKeySequence.StandardKey.Copy),
                header or item is not None,
                lambda: self._copy(index),
            ),
            (
                _open_text(work, side),
                QKeySequence(OPEN_KEYS),
                bool(work and (work.doi or work.link)),
                lambda: self._open_doi(index),
            ),
            (
                f"Add {side} paper to library",
                QKeySequence(ADD_KEYS),
                bool(work and not work.paper_key),
                lambda: self._add_to_library(index),
            ),
        )
        for text, keys, enabled, slot in entries:
            action = menu.addAction(text)
            action.setShortcut(keys)
            action.setEnabled(enabled)
            action.triggered.connect(slot)
        if self._model.is_expandable(index):
            menu.addSeparator()
            hidden = index.data(Role.GROUP_SIZE) - 1
            text = "Show fewer" if index.data(Role.EXPANDED) else f"See {hidden} more from this paper"
            menu.addAction(text).triggered.connect(lambda: self._toggle_group(index))
        return menu


# -- labels and order of facet values ----------------------------------------------------------------


def _open_text(work: Work | None, side: str) -> str:
    """The menu entry that opens a work: its DOI, else the page of the id it is known by."""
    if work is not None and not work.doi and work.link:
        return f"Open {side} paper at {QUrl(work.link).host()}"
    return f"Open {side} paper's DOI"


def _ordered_values(facet: Facet, universe: Counter[Hashable]) -> list[Hashable]:
    """The order in which a facet's menu lists its values: the facet's own, else the most frequent first
    (an unknown value, "", last)."""
    by_count = sorted(universe, key=lambda value: (value == "", -universe[value], str(value)))
    if not facet.listed:
        return by_count
    return [value for value in facet.listed if value in universe] + [v for v in by_count if v not in facet.listed]


def _has_filters(filters: Filters) -> bool:
    return filters != Filters(order=filters.order)
