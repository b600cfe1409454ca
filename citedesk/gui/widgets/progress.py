"""The status bar's progress: what is running, how far it is, and a Cancel button."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from citedesk.gui.tasks import Task


class TaskProgress(QWidget):
    """Follows one long task at a time; hidden when none runs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.bar = QProgressBar(self)
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(False)
        self.cancel = QPushButton("Cancel", self)
        self.cancel.setObjectName("cancelTask")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.label, self.bar, self.cancel):
            layout.addWidget(widget)
        self.task: Task | None = None
        self.cancel.clicked.connect(self._cancel)
        self.hide()

    def follow(self, task: Task) -> None:
        """Show the task's label and progress until it finishes."""
        self.task = task
        self.label.setText(task.label + "…")
        self.bar.setRange(0, 0)  # busy until the first progress report
        self.cancel.setEnabled(True)
        task.signals.progress.connect(self._progress)
        task.signals.finished.connect(lambda: self._finished(task))
        self.show()

    def _progress(self, done: int, total: int) -> None:
        if total > 0:
            scale = max(1, total // 1_000_000)  # keep within int range of the bar
            self.bar.setRange(0, total // scale)
            self.bar.setValue(done // scale)

    def _cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.label.setText("Cancelling…")
            self.cancel.setEnabled(False)

    def _finished(self, task: Task) -> None:
        if task is self.task:
            self.task = None
            self.hide()
