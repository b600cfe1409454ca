""" "Help me understand this report": a plain-language reading of the selected paper's report, opened on demand."""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from citedesk.gui.widgets.details import LinkButton

OPEN = "Help me understand this report"
CLOSE = "Hide the explanation"


class ExplanationView(QWidget):
    """A link that opens (and closes) the explanation below it; the window reads the text when it is opened."""

    wanted = Signal()  # the person opened the explanation: read it for the paper shown

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.toggle_button = LinkButton(OPEN)
        self.toggle_button.setToolTip("What the counts above say, and how sure they are, in plain words")
        self.toggle_button.clicked.connect(self.toggle)
        self.text_label = QLabel()
        self.text_label.setTextFormat(Qt.TextFormat.RichText)
        self.text_label.setWordWrap(True)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.text_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.text_label.setContentsMargins(8, 6, 8, 6)
        self.text_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 2, 12, 8)
        layout.setSpacing(4)
        layout.addWidget(self.toggle_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.text_label)
        self.is_open = False

    def toggle(self) -> None:
        """Open the explanation (asking for it to be read) or close it."""
        self.set_open(not self.is_open)

    def set_open(self, opened: bool) -> None:
        self.is_open = opened
        self.toggle_button.setText(CLOSE if opened else OPEN)
        self.text_label.setVisible(opened)
        if opened:
            self.text_label.setText("<i>Reading the report…</i>")
            self.wanted.emit()

    def show_paragraphs(self, paragraphs: Sequence[str]) -> None:
        """The explanation, a paragraph per point."""
        self.text_label.setText("".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in paragraphs))

    def paper_changed(self) -> None:
        """Another paper is shown: read its explanation if the view is open."""
        if self.is_open:
            self.set_open(True)

    def text(self) -> str:
        return self.text_label.text()
