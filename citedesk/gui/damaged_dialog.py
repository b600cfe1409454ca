"""The dialog the window opens on when its library file is damaged: it says so, and repairs it in the background or quits."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from citedesk.gui.tasks import TaskRunner
from citedesk.jobs import Repaired, repair_library
from citedesk.reads import LibraryDamaged

TITLE = "The library is damaged"
REPAIR_TEXT = (
    "Repair copies what can still be read into a new library, which takes the damaged one's place; "
    "the damaged file is kept beside it, renamed library.damaged-<date>.sqlite."
)
REPAIRING_TEXT = "Repairing {name}: reading what can still be read of it…"


class DamagedLibraryDialog(QDialog):
    """Says that the library is damaged; Repair runs the repair on a worker thread (the window stays live),
    then Open the library accepts the dialog; Quit, or a failed repair's Quit, rejects it."""

    repairFinished = Signal()  # the repair ended, repaired or not; `repaired` says which

    def __init__(self, damage: LibraryDamaged, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.damage = damage
        self.repaired: Repaired | None = None
        self.repairing = False  # between Repair and its end: the dialog cannot be closed then
        self.runner = TaskRunner(self)
        self.setWindowTitle(f"{TITLE} — CiteDesk")
        self.setModal(True)
        self.message = QLabel(str(damage), self)
        self.detail = QLabel(REPAIR_TEXT, self)
        for label in (self.message, self.detail):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 0)
        self.bar.hide()
        self.buttons = QDialogButtonBox(self)
        self.repair_button = self.buttons.addButton("Repair", QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = self.buttons.addButton("Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.open_button: QPushButton = self.buttons.addButton(
            "Open the library", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_button.hide()
        self.repair_button.setDefault(True)
        self.repair_button.clicked.connect(self.start_repair)
        self.quit_button.clicked.connect(self.reject)
        self.open_button.clicked.connect(self.accept)
        layout = QVBoxLayout(self)
        for widget in (self.message, self.detail, self.bar, self.buttons):
            layout.addWidget(widget)
        self.resize(560, self.sizeHint().height())

    @property
    def library(self) -> Path:
        return self.damage.path

    def start_repair(self) -> None:
        """Repair on a worker thread; the buttons wait until it ends (the new file goes in place only at its end)."""
        self.repairing = True
        self.repair_button.setEnabled(False)
        self.quit_button.setEnabled(False)
        self.detail.setText(REPAIRING_TEXT.format(name=self.library.name))
        self.bar.show()
        task = self.runner.write(
            lambda progress, cancelled: repair_library(self.library, progress=progress),
            "Repairing the library",
            self._repaired,
            self._failed,
        )
        task.signals.progress.connect(self._progress)

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(done)

    def _repaired(self, repaired: Repaired) -> None:
        self.repaired, self.repairing = repaired, False
        self.bar.hide()
        self.detail.setText(repaired.summary())
        self.repair_button.hide()
        self.quit_button.setEnabled(True)
        self.open_button.show()
        self.open_button.setDefault(True)
        self.repairFinished.emit()

    def _failed(self, message: str) -> None:
        self.repairing = False
        self.bar.hide()
        self.detail.setText(f"The repair failed: {message}")
        self.repair_button.hide()
        self.quit_button.setEnabled(True)
        self.repairFinished.emit()

    def reject(self) -> None:
        if not self.repairing:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.repairing:
            event.ignore()
        else:
            super().closeEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.repairing:
            return
        super().keyPressEvent(event)
