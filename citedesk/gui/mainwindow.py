"""The main window: sidebar, library table and the selected paper's details, report and statements."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QItemSelectionModel, QPoint, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragMoveEvent, QDropEvent, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from citedesk import jobs, reads
from citedesk.gui.citing import Citer
from citedesk.gui.classifier_menu import ClassifierMenu
from citedesk.gui.commands import Commands
from citedesk.gui.dialogs import Dialogs
from citedesk.gui.extensions import load_extensions
from citedesk.gui.full_text import FullText, pdf_paths
from citedesk.gui.models.papers import PaperTableModel
from citedesk.gui.report_loader import READING, ReportLoader
from citedesk.gui.sharing import Sharing
from citedesk.gui.tasks import Task, TaskRunner
from citedesk.gui.watched import Watched
from citedesk.gui.watcher import LibraryWatcher, waiting_message
from citedesk.gui.widgets.details import DetailsPane
from citedesk.gui.widgets.explanation_view import ExplanationView
from citedesk.gui.widgets.progress import TaskProgress
from citedesk.gui.widgets.report import ReportPane
from citedesk.gui.widgets.search_box import SearchBox
from citedesk.gui.widgets.sidebar import SidebarView
from citedesk.gui.widgets.statements_pane import StatementsPane
from citedesk.gui.widgets.welcome import WelcomePage
from citedesk.gui.window_parts import WindowParts
from citedesk.plugins import Registry, build_registry
from citedesk.reads import COLUMNS

HIDDEN_BY_DEFAULT = {"citekey", "added"}
COLUMN_WIDTHS = {
    "title": 300,
    "authors": 115,
    "year": 46,
    "venue": 150,
    "type": 82,
    "citekey": 110,
    "cited_by": 62,
    "supporting": 50,
    "mentioning": 50,
    "contrasting": 50,
    "added": 86,
}


class MainWindow(QMainWindow):
    """Builds the panes, wires them to the library, and keeps their layout between runs."""

    reportShown = Signal(int)  # a paper id, once its details, report and statements are on screen

    def __init__(
        self,
        library: Path,
        library_reads: reads.Reads,
        dialogs: Dialogs,
        settings: QSettings,
        icon: QIcon,
        *,
        registry: Registry | None = None,
    ) -> None:
        super().__init__()
        self.library, self.reads, self.dialogs, self.settings = library, library_reads, dialogs, settings
        self.registry = registry if registry is not None else build_registry()  # the plug-ins: built once, at start
        self.runner = TaskRunner(self)
        self.watcher = LibraryWatcher(library_reads, self)
        self.model = PaperTableModel(library_reads, self)
        self.reports = ReportLoader(
            self.runner, library, lambda: self.statements.order, tuple(self.registry.facets.values()), self
        )
        self.source_labels: dict[str, str] | None = None  # read from the installed sources when first needed
        self._action_message = ""  # the last outcome of a person's action shown (see show_background_status)
        self.setWindowIcon(icon)
        self.setWindowTitle(f"{library.stem} — CiteDesk")
        self.setAcceptDrops(True)
        self.commands = Commands(self, self)
        parts = WindowParts(library, self.runner, settings, self.selected_ids, self.show_status)
        self.citer, self.watched = Citer(parts, self), Watched(parts, self)
        self.full_text = FullText(self.commands, lambda: self.current_paper, self)
        self.sharing = Sharing(library, self.runner, dialogs, self._changed_elsewhere, self, self._show_changed_rows)
        self._build_panes(icon)
        self._build_menus()
        self._connect()
        self._restore_settings()
        self.reload_library()
        QTimer.singleShot(0, self.commands.classify_outdated)  # after a new model, or an older library
        QTimer.singleShot(0, self.watched.refresh_if_due)  # when the person asked for it (off by default)
        QTimer.singleShot(0, self.sharing.start)  # a library connected to a shared one: listen and sync

    # -- building

    def _build_panes(self, icon: QIcon) -> None:
        self.search = SearchBox(self)
        self.sidebar = SidebarView(self)
        self.table = self._build_table()
        self.welcome = WelcomePage(self.commands.import_bib, icon, self)
        self.centre = QStackedWidget(self)
        self.centre.addWidget(self.welcome)
        self.centre.addWidget(self.table)
        self.details, self.report_pane, self.statements = (
            DetailsPane(self),
            ReportPane(self),
            StatementsPane(self, self.registry.facets.values()),
        )
        self.citer.view.add_button(self.full_text.view_action)
        self.details.add_below_links(self.citer.view)
        self.details.set_watch_action(self.watched.watch_action)
        self.explanation = ExplanationView(self)
        self.middle = QSplitter(Qt.Orientation.Vertical, self)
        self.middle.addWidget(self.centre)
        self.middle.addWidget(self.statements)
        self.middle.setSizes([420, 480])
        self.extensions = load_extensions(self.registry, self, self)  # the plug-ins' actions and report sections
        self.registry.broken.extend(self.extensions.broken)  # Help ▸ About names them with the others
        self.right = self._column(self.details, self.report_pane, self.explanation, *self.extensions.sections)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        for widget, stretch in ((self.sidebar, 0), (self.middle, 3), (self.right, 1)):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(self.splitter.count() - 1, stretch)
        self.splitter.setSizes([180, 970, 450])
        self.setCentralWidget(self.splitter)
        self.count_label = QLabel(self)
        self.progress = TaskProgress(self)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.sharing.label)
        self.statusBar().addPermanentWidget(self.count_label)
        self._show_no_paper()

    def _build_table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("papers")
        table.setModel(self.model)
        table.setSortingEnabled(True)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.setShowGrid(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(lambda point: self.columns_menu.exec(header.mapToGlobal(point)))
        for index, column in enumerate(COLUMNS):
            table.setColumnWidth(index, COLUMN_WIDTHS[column.name])
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(
            lambda point: self.table_menu.exec(table.viewport().mapToGlobal(point))
        )
        return table

    def _column(self, *parts: QWidget) -> QScrollArea:
        """The right-hand column: the paper's details above its citation report and the plug-ins' sections, as
        tall as they are, in one scroll area."""
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        for part in parts:
            layout.addWidget(part, 0)
        layout.addStretch(1)
        column = QScrollArea(self)
        column.setWidget(content)
        column.setWidgetResizable(True)
        column.setFrameShape(QFrame.Shape.NoFrame)
        column.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return column

    def _build_menus(self) -> None:
        c = self.commands
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addActions([c.import_bib, c.import_statements, c.export])
        file_menu.addSeparator()
        file_menu.addAction(self.full_text.folder_action)
        file_menu.addActions([self.sharing.connect_action, self.sharing.sync_action])
        file_menu.addSeparator()
        file_menu.addAction(c.quit)
        edit_menu = self.menuBar().addMenu("&Edit")
        edit_menu.addActions([c.undo, c.redo])
        edit_menu.addSeparator()
        edit_menu.addActions([c.copy_bibtex, self.citer.copy_action, c.edit_entry, c.add_tag, c.delete])
        edit_menu.addSeparator()
        edit_menu.addActions([self.watched.watch_action, self.full_text.attach_action])
        edit_menu.addSeparator()
        edit_menu.addActions([c.select_all, c.find])
        view_menu = self.menuBar().addMenu("&View")
        self.columns_menu = view_menu.addMenu("&Columns")
        for index, column in enumerate(COLUMNS):
            action = self.columns_menu.addAction(column.label)
            action.setCheckable(True)
            action.toggled.connect(lambda shown, index=index: self.table.setColumnHidden(index, not shown))
        view_menu.aboutToShow.connect(self._sync_column_actions)
        self.columns_menu.aboutToShow.connect(self._sync_column_actions)
        view_menu.addAction(c.toggle_sidebar)
        view_menu.addSeparator()
        view_menu.addAction(self.full_text.view_action)
        citations_menu = self.menuBar().addMenu("&Citations")
        citations_menu.addActions([c.refresh, c.refresh_all, self.watched.refresh_action])
        citations_menu.addAction(self.watched.on_start_action)
        citations_menu.addSeparator()
        citations_menu.addActions([c.import_statements, c.sources])
        citations_menu.addSeparator()
        self.classifier_menu = ClassifierMenu(
            self.registry.classifiers, jobs.classifier_in_use(registry=self.registry), self
        )
        self.classifier_menu.chosen.connect(c.change_classifier)
        citations_menu.addMenu(self.classifier_menu)
        if self.extensions.actions:
            tools_menu = self.menuBar().addMenu("&Tools")
            tools_menu.addActions(self.extensions.actions)
        self.menuBar().addMenu("&Help").addAction(c.about)
        self.table_menu = QMenu(self)
        self.table_menu.addActions(
            [c.refresh, c.copy_bibtex, self.citer.copy_action, self.watched.watch_action, c.edit_entry, c.add_tag]
        )
        self.table_menu.addActions([self.full_text.view_action, self.full_text.attach_action])
        self.table_menu.addActions([c.export, c.delete])
        for action in (c.copy_bibtex, self.citer.copy_action, c.edit_entry, c.delete):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.table.addAction(action)
        toolbar = QToolBar("Search", self)
        toolbar.setObjectName("searchbar")
        toolbar.setMovable(False)
        toolbar.addActions([c.import_bib, c.export, c.refresh])
        toolbar.addSeparator()
        self.search_action = toolbar.addWidget(self.search)
        self.addToolBar(toolbar)

    def _connect(self) -> None:
        self.search.searchChanged.connect(self.model.set_search)
        self.sidebar.scopeChanged.connect(self.model.set_scope)
        self.sidebar.exportFileRequested.connect(self.commands.export_file)
        self.sidebar.deleteTagRequested.connect(self.commands.delete_tag)
        self.model.queryChanged.connect(self._list_changed)
        self.model.modelReset.connect(self._reselect)
        self.table.selectionModel().currentRowChanged.connect(lambda current, _: self._paper_selected(current.row()))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self.commands.update_enabled())
        self.table.activated.connect(lambda _: self.commands.edit_entry.trigger())
        self.statements.addToLibraryRequested.connect(self.commands.add_work)
        self.statements.statusMessage.connect(lambda text: self.show_status(text, 5000))
        self.report_pane.yearClicked.connect(self.statements.show_year)
        self.runner.started.connect(self._task_started)
        self.reports.summaryRead.connect(self._show_summary)
        self.reports.reportRead.connect(self._show_report)
        self.reports.failed.connect(lambda message: self.show_status(message, 8000))
        self.watcher.changed.connect(self._written_elsewhere)
        self.watched.changed.connect(self.reload_library)
        self.watched.refreshed.connect(
            lambda report: self.commands.classify_outdated() if report.new_statements else None
        )
        self.explanation.wanted.connect(self._read_explanation)
        self.watcher.waiting.connect(lambda path: self.statusBar().showMessage(waiting_message(path)))

    # -- the list

    def reload_library(self) -> None:
        """Read the sidebar and the list again (after an import, a deletion, a new tag)."""
        self.watcher.seen()
        bar = self.reads.sidebar()
        self.sidebar.reload(bar)
        self.model.refresh()
        self.centre.setCurrentWidget(self.table if bar.total else self.welcome)
        for widget in (self.statements, self.right, self.search_action):  # an empty library shows only the welcome
            widget.setVisible(bar.total > 0)
        self.commands.update_enabled()
        self.sharing.sync_soon()  # a change here goes to the shared library, if there is one

    def _written_elsewhere(self) -> None:
        """Another process committed: show its rows and counts without a reload by hand."""
        self.reload_library()
        self.reload_report()

    def _show_changed_rows(self, paper_ids: list[int]) -> bool:
        """Another member edited these papers: their rows change in place (False: the list must be read again)."""
        if not self.model.refresh_rows(paper_ids):
            return False
        self.watcher.seen()
        self.sidebar.reload(self.reads.sidebar())  # a tag may have come or gone
        if self.current_paper in paper_ids:
            self.reload_report()
        return True

    def _changed_elsewhere(self) -> None:
        """A sync took another member's changes: show them."""
        self.reload_library()
        self.reload_report()

    def _list_changed(self) -> None:
        self.table.horizontalHeader().setSortIndicator(
            self.model.sort_column(),
            Qt.SortOrder.DescendingOrder if self.model.query.descending else Qt.SortOrder.AscendingOrder,
        )
        total = self.model.total
        whole = self.model.query.search == "" and self.model.query.scope == reads.ALL
        self.count_label.setText(f"{total:,} paper{'s' if total != 1 else ''}" + ("" if whole else " match"))

    def _reselect(self) -> None:
        """After the list is read again, keep the paper that was selected selected, if still listed."""
        if self.current_paper is not None:
            self.select_paper(self.current_paper, scroll=False)

    def select_paper(self, paper_id: int, scroll: bool = True) -> bool:
        """Select a paper's row (fetching pages up to it); False if the list does not show it."""
        row = self.model.row_of(paper_id)
        if row is None:
            self._paper_selected(-1)
            return False
        index = self.model.index(row, 0)
        flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        self.table.selectionModel().setCurrentIndex(index, flags)
        if scroll:
            self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def select_key(self, key: str) -> bool:
        found = self.reads.paper_id_of_key(key)
        return found is not None and self.select_paper(found)

    def selected_ids(self) -> list[int]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.rows[row].id for row in rows if row < len(self.model.rows)]

    @property
    def current_paper(self) -> int | None:
        """The paper whose details, report and statements are shown (or being read)."""
        return self.reports.paper_id

    def has_selection(self) -> bool:
        return bool(self.table.selectionModel().selectedRows())

    def lists_papers(self) -> bool:
        """Whether the table is shown (not the welcome page of an empty library)."""
        return self.centre.currentWidget() is self.table

    def select_all(self) -> None:
        self.table.selectAll()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def show_sidebar(self, shown: bool) -> None:
        self.sidebar.setVisible(shown)

    def show_status(self, message: str, msecs: int = 8000) -> None:
        self.statusBar().showMessage(message, msecs)
        self._action_message = message

    def show_background_status(self, message: str, msecs: int = 8000) -> None:
        """What background work (the classifier's re-labelling) did, added to the outcome of the person's own
        action while that is still on show, never replacing it ("Refreshed …: 4 new statements · Classified …")."""
        shown = self.statusBar().currentMessage()
        if shown and shown == self._action_message:
            message = f"{shown} · {message}"
        self.statusBar().showMessage(message, msecs)

    # -- the selected paper

    def _paper_selected(self, row: int) -> None:
        if self.reports.select(self.model.paper_id(row)):
            self.commands.update_enabled()
            self.full_text.update_enabled()
            if self.current_paper is None:
                self._show_no_paper()

    def reload_report(self) -> None:
        """Read the selected paper's report again (see ReportLoader.reload)."""
        self.reports.reload()

    def _show_summary(self, summary: reads.PaperSummary) -> None:
        """Details, counts and chart, while the statements are still being read."""
        self._show_details(summary)
        if summary.has_citation_data:
            self.statements.clear(f"Reading {summary.counts.citation_statements:,} citing statements…")

    def _show_report(self, report: reads.PaperReport, summary_shown: bool) -> None:
        if not summary_shown:  # the summary, read alongside, has not shown the same details
            self._show_details(report)
        if report.has_citation_data:
            self.statements.set_items(report.cited_by, report.references, report.view, report.paper.seen_statement_id)
        else:
            self.statements.clear("No citing statements are stored for this paper yet.")
        self.extensions.show_report(report)
        self.watched.show_paper(report.paper)  # after its new statements are on screen, marked new
        self.reportShown.emit(report.paper.id)

    def _show_details(self, summary: reads.PaperSummary) -> None:
        shown = self.details.paper()
        changed = shown is None or shown.id != summary.paper.id
        self.details.show_paper(summary.paper, summary.tags, summary.links)
        self.watched.watch_action.setChecked(summary.paper.watched)
        self.citer.show_paper(summary.paper.id, summary.paper.raw)
        self.explanation.setVisible(summary.has_citation_data or bool(summary.external))  # else nothing to explain
        if changed:
            self.explanation.paper_changed()
        if summary.has_citation_data:
            self.report_pane.show_report(summary.counts, summary.years)
        else:
            self.report_pane.show_no_data([self.commands.refresh, self.commands.import_statements])
        for other in summary.external:  # each source's own counts, on its own line, never merged into ours
            self.report_pane.show_external(f"{self._source_label(other.source)} ({other.fetched_on})", other.counts)

    def _read_explanation(self) -> None:
        """Read the plain-language reading of the paper shown, for the explanation below the report."""
        paper_id, library = self.current_paper, self.library
        if paper_id is None:
            return
        self._source_label("")  # the sources' own names, read once
        labels = dict(self.source_labels or {})
        self.runner.read(
            lambda progress, cancelled: reads.reading(library, lambda r: r.explanation(paper_id, labels)),
            READING,
            on_success=lambda found: self._explained(paper_id, found.paragraphs),
            on_failure=lambda message: self._explained(paper_id, [message]),
        )

    def _explained(self, paper_id: int, paragraphs: list[str]) -> None:
        if paper_id == self.current_paper:
            self.explanation.show_paragraphs(paragraphs)

    def _source_label(self, name: str) -> str:
        """How a source calls itself ("Semantic Scholar"); its name when it is no longer installed."""
        if self.source_labels is None:
            self.source_labels = {name: source.label for name, source in self.registry.sources.items()}
        return self.source_labels.get(name, name)

    def _show_no_paper(self) -> None:
        self.details.clear()
        self.citer.show_paper(None)
        self.watched.show_paper(None)
        self.explanation.set_open(False)
        self.report_pane.clear()
        self.extensions.clear()
        self.statements.clear("Select a paper to see the statements that cite it.")

    # -- tasks, drops, settings

    def _task_started(self, task: Task) -> None:
        if task.label != READING:
            self.progress.follow(task)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if _importable_paths(event, self.commands.registry) or pdf_paths(_local_paths(event)):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        """PDFs go onto a paper: the row under the pointer, or the paper shown when over its details."""
        only_pdfs = pdf_paths(_local_paths(event)) and not _importable_paths(event, self.commands.registry)
        if only_pdfs and self._drop_target(event.position().toPoint()) is None:
            event.ignore()
            return
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = _importable_paths(event, self.commands.registry)
        if paths:
            event.acceptProposedAction()
            self.commands.import_files(paths)
            return
        pdfs, target = pdf_paths(_local_paths(event)), self._drop_target(event.position().toPoint())
        if pdfs and target is not None:
            event.acceptProposedAction()
            self.full_text.attach(target, pdfs)

    def _drop_target(self, point: QPoint) -> int | None:
        """The paper a file dropped at this point of the window goes to: the table's row there, else the
        paper shown when the point is over the right-hand column."""
        viewport = self.table.viewport()
        inside = viewport.mapFrom(self, point)
        if viewport.rect().contains(inside):
            return self.model.paper_id(self.table.rowAt(inside.y()))
        if self.right.rect().contains(self.right.mapFrom(self, point)):
            return self.current_paper
        return None

    def _sync_column_actions(self) -> None:
        for index, action in enumerate(self.columns_menu.actions()):
            action.setChecked(not self.table.isColumnHidden(index))

    def _restore_settings(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1440, 900)
        for key, widget in (
            ("window/splitter", self.splitter),
            ("window/middle", self.middle),
            ("table/header", self.table.horizontalHeader()),
        ):
            state = self.settings.value(key)
            if isinstance(state, QByteArray):
                widget.restoreState(state)
            elif key == "table/header":
                for index, column in enumerate(COLUMNS):
                    self.table.setColumnHidden(index, column.name in HIDDEN_BY_DEFAULT)
        sort = self.settings.value("table/sort", "added")
        descending = self.settings.value("table/descending", "true") in (True, "true")
        if sort in reads.COLUMN_NAMES:
            self.model.query = reads.ListQuery(sort=str(sort), descending=descending)

    def save_settings(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.setValue("window/middle", self.middle.saveState())
        self.settings.setValue("table/header", self.table.horizontalHeader().saveState())
        self.settings.setValue("table/sort", self.model.query.sort)
        self.settings.setValue("table/descending", "true" if self.model.query.descending else "false")
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.watcher.stop()
        self.sharing.stop()
        self.runner.shutdown(15_000)
        event.accept()


def _local_paths(event: QDragEnterEvent | QDragMoveEvent | QDropEvent) -> list[Path]:
    urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
    return [Path(url.toLocalFile()) for url in urls if url.isLocalFile()]


def _importable_paths(event: QDragEnterEvent | QDragMoveEvent | QDropEvent, registry: Registry) -> list[Path]:
    """The dropped local files an installed format reads, known by their extension or their first bytes."""
    return [path for path in _local_paths(event) if jobs.format_of_file(path, registry=registry) is not None]
