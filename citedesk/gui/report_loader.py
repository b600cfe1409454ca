"""Loading the selected paper's report in the background: a quick summary first, then its statements."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from citedesk import reads
from citedesk.gui.tasks import TaskRunner

READING = "Reading the paper"  # the label of these reads, which need no progress bar


class ReportLoader(QObject):
    """Which paper is selected and what of it has been read. Two reads side by side for each paper: the summary,
    which shows in milliseconds, and the whole report. While a read runs (arrow keys held down), a new selection
    waits for it and is then read once: never a queue of reads nobody will see."""

    summaryRead = Signal(object)  # the selected paper's PaperSummary, when it comes before its report
    reportRead = Signal(object, bool)  # the selected paper's PaperReport, and whether its summary is on screen
    failed = Signal(str)  # why the selected paper's report could not be read

    def __init__(
        self,
        runner: TaskRunner,
        library: Path,
        order: Callable[[], reads.Order],
        facets: tuple[reads.Facet, ...],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner, self.library, self.order = runner, library, order
        self.facets = facets  # the registry's: the statements pane's first view is counted by them
        self.paper_id: int | None = None  # the selected paper
        self.report: reads.PaperReport | None = None  # its report, once read
        self.loading: int | None = None  # the paper whose report a worker is reading
        self.summary_shown: int | None = None  # the paper whose summary the current read has put on screen
        self.stale = False  # the library changed while that report was being read

    def select(self, paper_id: int | None) -> bool:
        """Make this the selected paper (None: none) and read it; False when it is the paper already read."""
        if paper_id == self.paper_id and self.report is not None:
            return False
        self.paper_id = paper_id
        if paper_id is None:
            self.report = None
        else:
            self.reload()
        return True

    def reload(self) -> None:
        """Read the selected paper's report again (the library changed): now, or when the running read ends."""
        if self.loading is not None:
            self.stale = True
        elif self.paper_id is not None:
            self._load(self.paper_id)

    def _load(self, paper_id: int) -> None:
        library, order, facets = self.library, self.order(), self.facets
        self.loading, self.summary_shown = paper_id, None
        self.runner.read(
            lambda progress, cancelled: reads.reading(library, lambda r: r.summary(paper_id)),
            READING,
            on_success=lambda summary: self._summary_read(paper_id, summary),
        )
        task = self.runner.read(
            lambda progress, cancelled: reads.reading(library, lambda r: r.report(paper_id, order, facets)),
            READING,
            on_success=lambda report: self._report_read(paper_id, report),
            on_failure=lambda message: self._failed(paper_id, message),
        )
        task.signals.finished.connect(self._loaded)

    def _summary_read(self, paper_id: int, summary: reads.PaperSummary) -> None:
        if paper_id != self.paper_id or (self.report is not None and self.report.paper.id == paper_id):
            return  # another paper is selected, or the whole report came first
        self.summary_shown = paper_id
        self.summaryRead.emit(summary)

    def _report_read(self, paper_id: int, report: reads.PaperReport) -> None:
        if paper_id != self.paper_id:
            return  # the person has moved on to another paper
        self.report = report
        self.reportRead.emit(report, self.summary_shown == paper_id)

    def _failed(self, paper_id: int, message: str) -> None:
        if paper_id == self.paper_id:  # not for a paper deleted or left meanwhile
            self.failed.emit(message)

    def _loaded(self) -> None:
        loaded, self.loading = self.loading, None
        if self.stale or self.paper_id != loaded:
            self.stale = False
            self.reload()
