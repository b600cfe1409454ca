"""What an empty library shows instead of an empty table: what to do first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QLabel, QToolButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    """A short invitation to import BibTeX, by menu, button or drop."""

    def __init__(self, import_action: QAction, icon: QIcon, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        picture = QLabel(self)
        picture.setPixmap(icon.pixmap(96, 96))
        title = QLabel("<h2>Your library is empty</h2>", self)
        text = QLabel(
            "Import a BibTeX, RIS or CSL JSON file to begin: File ▸ Import… (Ctrl+O),\n"
            "or drop such files anywhere on this window.\n\n"
            "Every entry comes back out exactly as it went in.",
            self,
        )
        button = QToolButton(self)
        button.setDefaultAction(import_action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setMinimumWidth(180)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for widget in (picture, title, text, button):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
            if isinstance(widget, QLabel):
                widget.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)
