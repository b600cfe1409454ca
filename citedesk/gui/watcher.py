"""Notice what other processes do to the library: rows they wrote, and a writer this window waits for."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from citedesk.reads import Reads, commits_here, on_wait

POLL_MS = 1000


class LibraryWatcher(QObject):
    """Polls the library's data version (a cheap read, see `Reads.data_version`) and says when another process
    has committed; relays, from any worker thread, that a writer waits for another process's transaction.

    This window's own writes (a background classification commits every batch) change data_version too; a
    change seen while this process was committing is held back until a poll passes without its commits,
    then announced once, so another process's rows still appear without a reload every second."""

    changed = Signal()
    waiting = Signal(str)  # the library's path

    def __init__(self, reads: Reads, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.reads = reads
        self.version, self.commits, self.pending = reads.data_version(), commits_here(), False
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.check)
        self.timer.start()
        self._remove_listener = on_wait(lambda path: self.waiting.emit(str(path)))  # queued to the GUI thread
        self.destroyed.connect(lambda *_: self._remove_listener())

    def check(self) -> None:
        """Emit `changed` when the library was written since the last look (or `seen`)."""
        version, commits = self.reads.data_version(), commits_here()
        ours = commits != self.commits
        self.pending = self.pending or version != self.version
        self.version, self.commits = version, commits
        if self.pending and not ours:
            self.pending = False
            self.changed.emit()

    def seen(self) -> None:
        """The window has just read everything again: only later writes count as changes."""
        self.version, self.commits, self.pending = self.reads.data_version(), commits_here(), False

    def stop(self) -> None:
        self.timer.stop()
        self._remove_listener()


def waiting_message(path: str) -> str:
    return f"Waiting for another CiteDesk to finish writing to {Path(path).name}…"
