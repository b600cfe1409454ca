"""The Cite row of the details pane: View Full Text, a Cite button, a style picker, and the formatted reference."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from citedesk.jobs import Reference, Style

WAITING = "Formatting…"


class CitationView(QWidget):
    """Shows one reference in the chosen style; asks for another style, or for the reference to be copied."""

    styleChosen = Signal(str)  # a style's short name
    citeRequested = Signal()  # copy the reference (of the selected papers) to the clipboard

    def __init__(self, styles: Sequence[Style], chosen: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cite_button = QPushButton("Cite")
        self.cite_button.setToolTip("Copy the formatted reference of the selected papers (Ctrl+Shift+C)")
        self.cite_button.clicked.connect(self.citeRequested)
        self.style_box = QComboBox()
        self.style_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.style_box.setMinimumContentsLength(14)
        for style in styles:
            self.style_box.addItem(style.title, style.name)
            self.style_box.setItemData(self.style_box.count() - 1, style.title, Qt.ItemDataRole.ToolTipRole)
        self.choose(chosen)
        self.style_box.currentIndexChanged.connect(lambda _: self.styleChosen.emit(self.chosen_style()))
        self.reference_label = QLabel()
        self.reference_label.setTextFormat(Qt.TextFormat.RichText)
        self.reference_label.setWordWrap(True)
        self.reference_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.reference_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.row = row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.cite_button)
        row.addWidget(self.style_box, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 2)
        layout.setSpacing(4)
        layout.addLayout(row)
        layout.addWidget(self.reference_label)

    def add_button(self, action: QAction) -> QToolButton:
        """A button for an action at the start of the row (View Full Text)."""
        button = QToolButton()
        button.setDefaultAction(action)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.row.insertWidget(0, button)
        return button

    def chosen_style(self) -> str:
        """The chosen style's short name."""
        return str(self.style_box.currentData())

    def choose(self, name: str) -> None:
        """Pick a style by its short name (the first one when it is not installed)."""
        index = self.style_box.findData(name)
        self.style_box.setCurrentIndex(max(index, 0))

    def waiting(self) -> None:
        self.reference_label.setText(f"<i>{WAITING}</i>")

    def show_reference(self, reference: Reference | None, problem: str = "") -> None:
        """The reference in the chosen style (or why there is none)."""
        self.reference_label.setText(reference.html if reference is not None else problem)
        self.reference_label.setToolTip(reference.text if reference is not None else "")

    def reference_text(self) -> str:
        """The reference shown, as plain text."""
        return self.reference_label.toolTip()
