"""Background work for the window: jobs run on worker threads and report progress, a result or a failure by signal."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from citedesk.model import Cancelled, CitedeskError

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]
Work = Callable[[Progress, IsCancelled], Any]


class TaskSignals(QObject):
    """A task's signals (a QRunnable has none); emitted on the worker thread, received on the GUI thread."""

    progress = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()


class Task(QRunnable):
    """One piece of work: `work(progress, cancelled)` runs on a worker thread."""

    def __init__(self, work: Work, label: str) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.work = work
        self.label = label
        self.signals = TaskSignals()
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the work to stop; it stops at its next check and changes nothing."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def run(self) -> None:
        try:
            result = self.work(self.signals.progress.emit, self.is_cancelled)
        except Cancelled:
            self.signals.cancelled.emit()
        except CitedeskError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a bug: the person gets one line, the log gets the traceback
            log.exception("%s failed", self.label)
            self.signals.failed.emit(f"{self.label} failed unexpectedly ({type(exc).__name__}: {exc}).")
        else:
            if self.is_cancelled():
                self.signals.cancelled.emit()
            else:
                self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


class TaskRunner(QObject):
    """Runs tasks: reads in parallel, writes one at a time in the order they were asked for.
    Keeps every running task referenced so that neither it nor its signals are collected early."""

    started = Signal(object)  # a Task, for the status bar
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.readers = QThreadPool(self)
        self.readers.setMaxThreadCount(2)
        self.writer = QThreadPool(self)
        self.writer.setMaxThreadCount(1)
        self.network = QThreadPool(self)
        self.network.setMaxThreadCount(1)
        self.classifier = QThreadPool(self)
        self.classifier.setMaxThreadCount(1)
        self.running: set[Task] = set()
        self.closed = False  # after shutdown: results still on their way are dropped, not delivered

    def read(
        self,
        work: Work,
        label: str,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
    ) -> Task:
        """Run work that only reads the library (or the disk) beside other reads."""
        return self._start(self.readers, Task(work, label), on_success, on_failure)

    def write(
        self,
        work: Work,
        label: str,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
    ) -> Task:
        """Run work that writes the library, after every write asked for before it."""
        return self._start(self.writer, Task(work, label), on_success, on_failure)

    def fetch(
        self,
        work: Work,
        label: str,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
    ) -> Task:
        """Run a refresh: it waits on the network and stores in short transactions of its own,
        so it neither holds up nor waits for the other writes."""
        return self._start(self.network, Task(work, label), on_success, on_failure)

    def classify(
        self,
        work: Work,
        label: str,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
    ) -> Task:
        """Run the accurate classifier: minutes of work on a large library, in short transactions of its
        own, so that it holds up neither reads nor the person's edits."""
        return self._start(self.classifier, Task(work, label), on_success, on_failure)

    def cancel_all(self) -> None:
        for task in list(self.running):
            task.cancel()

    def shutdown(self, msecs: int = -1) -> bool:
        """When the window closes: cancel every task, wait for them to end (True if they all did), and drop
        the results and failures still queued for the window, whose widgets may be gone by then."""
        self.closed = True
        self.cancel_all()
        return self.wait(msecs)

    def wait(self, msecs: int = -1) -> bool:
        """Wait for every task to end (when the window closes); True if they all did."""
        return all(pool.waitForDone(msecs) for pool in (self.readers, self.writer, self.network, self.classifier))

    @property
    def busy(self) -> bool:
        return bool(self.running)

    def _start(
        self,
        pool: QThreadPool,
        task: Task,
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[str], None] | None,
    ) -> Task:
        if on_success is not None:
            task.signals.succeeded.connect(lambda result: self._deliver(on_success, result))
        if on_failure is not None:
            task.signals.failed.connect(lambda message: self._deliver(on_failure, message))
        task.signals.finished.connect(lambda: self._forget(task))
        self.running.add(task)
        self.started.emit(task)
        pool.start(task)
        return task

    def _deliver(self, callback: Callable[[Any], None], value: Any) -> None:
        if not self.closed:
            callback(value)

    def _forget(self, task: Task) -> None:
        self.running.discard(task)
        if not self.running and not self.closed:
            self.idle.emit()
