"""The shared library in the window: connect, sync in the background after every change here or there (heard
through LISTEN), the status line ("offline — 3 changes waiting"), and the merge dialog for conflicts."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QWidget

from citedesk import jobs
from citedesk.gui.report_loader import READING
from citedesk.gui.share_dialogs import DELETE_HERE
from citedesk.model import count

if TYPE_CHECKING:
    from citedesk.gui.dialogs import Dialogs
    from citedesk.gui.tasks import TaskRunner

SYNC_DELAY_MS = 150  # changes this close together are sent in one sync
RETRY_MS = 30_000  # how often an offline library tries the server again


class _Relay(QObject):
    heard = Signal()  # another member wrote (from the listening thread)


class Sharing(QObject):
    """Keeps a connected library in step with its shared library, never blocking the window."""

    synced = Signal(object)  # a SyncReport

    def __init__(
        self,
        library: Path,
        runner: TaskRunner,
        dialogs: Dialogs,
        reload: Callable[[], None],
        parent: QWidget,
        update_rows: Callable[[list[int]], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.library, self.runner, self.dialogs, self.reload, self.window = library, runner, dialogs, reload, parent
        self.update_rows = update_rows  # shows changed papers in place; False when the list must be read again
        self.url: str | None = None
        self.status = jobs.ShareStatus(None, 0, 0, (), 0)
        self.label = QLabel()
        self.label.setContentsMargins(0, 0, 14, 0)  # apart from the paper count beside it
        self.label.hide()
        self.connect_action = QAction("Connect to &Shared Library…", parent)
        self.connect_action.triggered.connect(lambda _checked=False: self.ask_connect())
        self.sync_action = QAction("Sync with Shared Library", parent)
        self.sync_action.triggered.connect(lambda _checked=False: self.sync_now())
        self.sync_action.setEnabled(False)
        self._relay = _Relay(self)
        self._relay.heard.connect(self.sync_soon)
        self._stop = threading.Event()
        self._listener: threading.Thread | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sync_now)
        self._syncing = False
        self._again = False
        self._asking = False  # a merge dialog is open
        self.offline: str | None = None  # why the last sync could not reach the server

    # -- starting

    def start(self) -> None:
        """Read whether the library is connected; if so, listen and sync."""
        library = self.library
        self.runner.read(lambda progress, cancelled: jobs.share_status(library), READING, on_success=self._status_read)

    def _status_read(self, status: jobs.ShareStatus) -> None:
        self.status = status
        self._show_status()
        if status.url is not None and status.url != self.url:  # connected now, or to another shared library
            if self.url is not None:
                self.stop()
            self.url = status.url
            self.sync_action.setEnabled(True)
            self._listen()
            self.sync_now()

    def _listen(self) -> None:
        self._stop.clear()
        library, heard, stopped = self.library, self._relay.heard.emit, self._stop.is_set
        self._listener = threading.Thread(
            target=jobs.watch_shared, args=(library, heard, stopped), name="citedesk-listen", daemon=True
        )
        self._listener.start()

    def stop(self) -> None:
        """The window closes: stop listening (the thread ends within half a second)."""
        self._stop.set()
        self._timer.stop()
        if self._listener is not None:
            self._listener.join(2)

    # -- connecting

    def ask_connect(self) -> None:
        url = self.dialogs.ask_shared_url(self.window)
        if url:
            self.connect_to(url)

    def connect_to(self, url: str) -> None:
        """Connect (and first sync) in the background; then listen."""
        library = self.library
        self._syncing = True
        self.label.setText("Connecting to the shared library…")
        self.label.show()
        self.runner.fetch(
            lambda progress, cancelled: jobs.connect_shared(library, url),
            "Connecting to the shared library",
            on_success=self._connected,
            on_failure=self._connect_failed,
        )

    def _connected(self, report: jobs.SyncReport) -> None:
        self._syncing = False
        self.start()
        self._synced(report)

    def _connect_failed(self, message: str) -> None:
        self._syncing = False
        self._show_status()
        self.dialogs.error(self.window, "Connect to Shared Library", message)

    # -- syncing

    def sync_soon(self) -> None:
        """Something changed here or there: sync shortly (changes close together go in one sync)."""
        if self.url is not None:
            self._timer.start(SYNC_DELAY_MS)

    def sync_now(self) -> None:
        if self.url is None:
            return
        if self._syncing:
            self._again = True
            return
        self._syncing, self._again = True, False
        library = self.library
        self.runner.fetch(
            lambda progress, cancelled: (jobs.sync_shared(library, attempts=1), jobs.share_status(library)),
            "Syncing",
            on_success=lambda done: self._sync_done(*done),
            on_failure=self._sync_failed,
        )

    def _sync_done(self, report: jobs.SyncReport, status: jobs.ShareStatus) -> None:
        self._syncing, self.offline, self.status = False, None, status
        self._synced(report)
        if self._again:
            self.sync_now()

    def _synced(self, report: jobs.SyncReport) -> None:
        self._show_status()
        self.synced.emit(report)
        only_edits = report.received and not report.added and not report.deleted_here
        if only_edits and self.update_rows is not None and self.update_rows(report.changed):
            return self._ask_conflicts(report)
        if report.received or report.deleted_here:
            self.reload()
        self._ask_conflicts(report)

    def _ask_conflicts(self, report: jobs.SyncReport) -> None:
        if report.conflicts and not self._asking:
            QTimer.singleShot(0, self.settle_conflicts)

    def _sync_failed(self, message: str) -> None:
        self._syncing, self.offline = False, message
        library = self.library
        self.runner.read(
            lambda progress, cancelled: jobs.share_status(library), READING, on_success=self._offline_status
        )
        QTimer.singleShot(RETRY_MS, self.sync_now)

    def _offline_status(self, status: jobs.ShareStatus) -> None:
        self.status = status
        self._show_status()

    # -- conflicts

    def settle_conflicts(self) -> None:
        """Open the merge dialog for each paper changed on both sides, one after the other."""
        library = self.library
        self.runner.read(lambda progress, cancelled: jobs.shared_conflicts(library), READING, on_success=self._ask_each)

    def _ask_each(self, conflicts: list[jobs.Conflict]) -> None:
        self._asking = True
        try:
            for conflict in conflicts:
                answer = self.dialogs.merge_conflict(self.window, conflict)
                if answer is None:
                    break
                self._settle(conflict, answer)
        finally:
            self._asking = False

    def _settle(self, conflict: jobs.Conflict, answer: dict[str, str | None] | str) -> None:
        library, paper_id = self.library, conflict.paper_id
        if answer == DELETE_HERE:
            work = lambda progress, cancelled: jobs.accept_deletion(library, paper_id)  # noqa: E731
        else:
            chosen = dict(answer) if isinstance(answer, dict) else {}
            work = lambda progress, cancelled: jobs.settle_conflict(library, paper_id, chosen)  # noqa: E731
        self.runner.write(work, f"Settling {conflict.citekey}", on_success=lambda _: self._settled())

    def _settled(self) -> None:
        self.reload()
        self.sync_soon()

    # -- the status line

    def _show_status(self) -> None:
        status = self.status
        if status.url is None:
            self.label.hide()
            return
        where = status.url.split("@")[-1]
        if self.offline:
            waiting = f" — {count(status.waiting, 'change')} waiting" if status.waiting else ""
            text = f"Shared library {where}: offline{waiting}"
        elif status.conflicts:
            text = f"Shared library {where}: {count(len(status.conflicts), 'conflict')} to settle"
        elif status.kept_here and not status.waiting:
            text = f"Shared library {where}: read only — {count(status.kept_here, 'change')} kept here"
        elif status.waiting:
            text = f"Shared library {where}: {count(status.waiting, 'change')} waiting"
        else:
            text = f"Shared library {where}: in step"
        self.label.setText(text)
        self.label.setToolTip(self.offline or status.url)
        self.label.show()
