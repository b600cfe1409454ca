"""The library search box: filters as you type, after a short pause, with a hint of the field prefixes."""

from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

DEBOUNCE_MS = 200
HINT = (
    'Words match titles, authors, venues, abstracts, keywords and keys; "quotes" make a phrase.\n'
    'Fields: author:tse  title:"peer support"  venue:acl  year:2015..2019  type:article  tag:reading  doi:10.…'
)


class SearchBox(QLineEdit):
    """Emits `searchChanged` with the text once typing pauses, or at once on Enter or clear."""

    searchChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("search")
        self.setPlaceholderText("Search the library   (author:  title:  year:2015..2019  type:  tag:)")
        self.setToolTip(HINT)
        self.setClearButtonEnabled(True)
        self.timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self.timer.timeout.connect(self.emit_now)
        self.textChanged.connect(self._typed)
        self.returnPressed.connect(self.emit_now)

    def emit_now(self) -> None:
        self.timer.stop()
        self.searchChanged.emit(self.text())

    def _typed(self, text: str) -> None:
        if text:
            self.timer.start()
        else:
            self.emit_now()
