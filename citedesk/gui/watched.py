"""Watched papers in the window: the star, marking a paper seen when it is opened, and the refresh on start."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from citedesk import jobs, reads
from citedesk.gui.window_parts import WindowParts
from citedesk.model import RefreshReport, count

ON_START_KEY = "watch/refresh_on_start"
DAYS_KEY = "watch/refresh_after_days"
DEFAULT_DAYS = 7


class Watched(QObject):
    """Watches papers, clears their new marks once they are opened, and refreshes them on start when asked to."""

    changed = Signal()  # watching or seen marks changed: the list, the sidebar and the report need reading again
    refreshed = Signal(object)  # a RefreshReport of the watched papers

    def __init__(self, parts: WindowParts, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.parts = parts
        self.paper: reads.Paper | None = None  # the paper shown
        self.watch_action = QAction("&Watch Paper", parent)
        self.watch_action.setCheckable(True)
        self.watch_action.setShortcut(QKeySequence("Ctrl+D"))
        self.watch_action.setToolTip("Watch the paper: its new citing statements are counted under Watched (Ctrl+D)")
        self.watch_action.triggered.connect(self.set_watched)
        self.refresh_action = QAction("Refresh &Watched Papers", parent)
        self.refresh_action.triggered.connect(lambda _checked=False: self.refresh())
        self.on_start_action = QAction(f"Refresh Watched Papers on Start (after {self.days():g} days)", parent)
        self.on_start_action.setCheckable(True)
        self.on_start_action.setChecked(parts.settings.value(ON_START_KEY, "false") in (True, "true"))
        self.on_start_action.toggled.connect(
            lambda on: parts.settings.setValue(ON_START_KEY, "true" if on else "false")
        )
        self.tray: QSystemTrayIcon | None = None

    def days(self) -> float:
        try:
            return float(self.parts.settings.value(DAYS_KEY, DEFAULT_DAYS))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return DEFAULT_DAYS

    # -- the paper shown

    def show_paper(self, paper: reads.Paper | None) -> None:
        """A paper is on screen: show its star, and mark it seen (its new statements were just shown as new)."""
        self.paper = paper
        self.watch_action.setEnabled(paper is not None)
        self.watch_action.setChecked(bool(paper and paper.watched))
        if paper is None or (paper.seen_statement_id is not None and not paper.new_statements):
            return
        library, had_new = self.parts.library, bool(paper.new_statements)
        self.parts.runner.write(
            lambda progress, cancelled: jobs.mark_seen(library, [paper.id]),
            "Marking the paper seen",
            on_success=lambda _: self.changed.emit() if had_new else None,
        )

    def set_watched(self, watched: bool) -> None:
        """Watch (or stop watching) the selected papers, or the one shown."""
        ids = self.parts.selected() or ([self.paper.id] if self.paper is not None else [])
        if not ids:
            return
        library = self.parts.library
        self.parts.runner.write(
            lambda progress, cancelled: jobs.watch_papers(library, ids, watched=watched),
            "Watching" if watched else "Not watching",
            on_success=lambda changed: self._watched(changed, watched),
            on_failure=self.parts.status,
        )

    def _watched(self, changed: int, watched: bool) -> None:
        verb = "Watching" if watched else "Stopped watching"
        self.parts.status(f"{verb} {count(changed, 'paper')}" if changed else "Nothing to change")
        self.changed.emit()

    # -- refreshing

    def refresh_if_due(self) -> None:
        """On start, when asked to: refresh the watched papers if their last refresh is older than the days set."""
        if not self.on_start_action.isChecked():
            return
        library, days = self.parts.library, self.days()
        self.parts.runner.read(
            lambda progress, cancelled: jobs.days_since_watched_refresh(library),
            "Checking the watched papers",
            on_success=lambda since: self.refresh() if since is not None and since >= days else None,
        )

    def refresh(self) -> None:
        """Fetch the watched papers' citation data in the background; say what is new when it is done."""
        library = self.parts.library
        self.parts.runner.fetch(
            lambda progress, cancelled: jobs.refresh_watched(library, progress=progress, cancelled=cancelled),
            "Refreshing the watched papers",
            on_success=self._refreshed,
            on_failure=self.parts.status,
        )

    def _refreshed(self, report: RefreshReport) -> None:
        self.refreshed.emit(report)
        self.changed.emit()
        message = (
            f"{count(report.new_statements, 'new citing statement')} on the watched papers"
            if report.new_statements
            else "Nothing new on the watched papers"
        )
        self.parts.status(message)
        if report.new_statements:
            self.notify("CiteDesk", message)

    def notify(self, title: str, message: str) -> None:
        """A desktop notification where the platform has a system tray (the status bar says it anyway)."""
        if not QSystemTrayIcon.isSystemTrayAvailable() or not QSystemTrayIcon.supportsMessages():
            return
        if self.tray is None:
            self.tray = QSystemTrayIcon(QApplication.windowIcon(), self)
            self.tray.show()
        self.tray.showMessage(title, message, QSystemTrayIcon.MessageIcon.Information, 8000)
