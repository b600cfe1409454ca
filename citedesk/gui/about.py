"""The About dialog (with the plug-ins that could not be loaded), and the application's icon."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, qVersion
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

import citedesk

DESCRIPTION = (
    "CiteDesk keeps your BibTeX library in one file and shows, for every paper, "
    "the statements in other papers that cite it."
)
LICENCE = "MIT"


def icon_path() -> Path:
    """The application's icon, as an SVG file."""
    return Path(str(resources.files("citedesk").joinpath("resources", "citedesk.svg")))


def application_icon() -> QIcon:
    """The application's icon, for windows and dialogs."""
    return QIcon(str(icon_path()))


def versions_text() -> str:
    """Qt, PySide6 and Python versions, on one line."""
    return f"Qt {qVersion()}, PySide6 {PySide6.__version__}, Python {platform.python_version()}"


class AboutDialog(QDialog):
    """Name, version, what CiteDesk does, where the library is, licence and versions, and one line for each
    plug-in that could not be loaded (`citedesk plugins` lists the same)."""

    def __init__(
        self, library_path: Path | str | None = None, parent: QWidget | None = None, broken: Sequence[str] = ()
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("About CiteDesk")
        self.library_label = _plain_label(str(library_path) if library_path else "(none open)", selectable=True)
        self.versions_label = _plain_label(versions_text(), selectable=True)
        self.broken_label = _plain_label("\n".join(broken), selectable=True) if broken else None
        if self.broken_label is not None:
            self.broken_label.setObjectName("broken-plugins")
        layout = QVBoxLayout(self)
        layout.addLayout(self._heading())
        layout.addWidget(_plain_label(DESCRIPTION))
        layout.addLayout(self._details())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def _heading(self) -> QHBoxLayout:
        icon = QLabel()
        icon.setPixmap(application_icon().pixmap(64, 64))
        name = QLabel(f"CiteDesk {citedesk.__version__}")
        font = name.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        name.setFont(font)
        row = QHBoxLayout()
        row.addWidget(icon)
        row.addWidget(name, 1)
        return row

    def _details(self) -> QFormLayout:
        form = QFormLayout()
        form.addRow("Library:", self.library_label)
        form.addRow("Licence:", _plain_label(LICENCE))
        form.addRow("Running on:", self.versions_label)
        if self.broken_label is not None:
            form.addRow("Plug-ins not loaded:", self.broken_label)
        return form


def _plain_label(text: str, selectable: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
