"""The export dialog: which papers to write, in which installed format, and (BibTeX) whether to write letters
as LaTeX."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from citedesk.formats.base import Format

SCOPES = ("selection", "search", "library")
_SCOPE_LABELS = {
    "selection": "Selected papers ({})",
    "search": "Current search result ({})",
    "library": "Whole library ({})",
}


@dataclass(frozen=True)
class ExportChoice:
    """What the person chose to export: a scope ("selection", "search", "library"), the encoding, and the
    format's name and first extension."""

    scope: str
    seven_bit: bool
    format: str = "bibtex"
    extension: str = ".bib"


def default_scope(counts: Mapping[str, int]) -> str | None:
    """The selection if any, else the search if it narrows the library, else the library (None if empty)."""
    selection, search, library = (counts.get(scope, 0) for scope in SCOPES)
    if selection:
        return "selection"
    if search and search != library:
        return "search"
    if library:
        return "library"
    return next((scope for scope in SCOPES if counts.get(scope, 0)), None)


def suggested_name(scope: str, library_name: str, keys: Sequence[str] = (), extension: str = ".bib") -> str:
    """The file name offered for an export: one paper's key, "NAME-selection", "NAME-search" or the library's,
    with the format's extension."""
    if scope == "selection" and len(keys) == 1:
        stem = re.sub(r"[^\w.+-]+", "_", keys[0]).strip("._") or library_name
    else:
        stem = library_name + {"selection": "-selection", "search": "-search"}.get(scope, "")
    return f"{stem}{extension}"


class ExportDialog(QDialog):
    """Choose the papers to export and the format; counts = {"selection": n, "search": m, "library": k};
    formats: the installed ones, BibTeX first (BibTeX alone when none are given)."""

    def __init__(
        self, counts: Mapping[str, int], parent: QWidget | None = None, formats: Sequence[Format] = ()
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self._group = QButtonGroup(self)
        self.scope_buttons = {scope: self._add_scope_button(scope, counts.get(scope, 0)) for scope in SCOPES}
        self.formats = list(formats)
        self.format_box = QComboBox()
        for candidate in self.formats:
            self.format_box.addItem(f"{candidate.label} ({' '.join(candidate.extensions)})", candidate.name)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.seven_bit_box = QCheckBox("Write non-ASCII letters as LaTeX (for old BibTeX)")
        self.seven_bit_box.setToolTip('For example ö is written as {\\"o}, for BibTeX versions before Unicode.')
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.export_button = QPushButton("Export…")
        self.buttons.addButton(self.export_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)  # Enter never cancels
        self.export_button.setDefault(True)  # once it is in the dialog: before, Qt ignores it
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._lay_out()
        self._select_default(counts)

    def choice(self) -> ExportChoice | None:
        """The chosen scope and encoding, or None when every scope is empty."""
        scope = next((name for name, button in self.scope_buttons.items() if button.isChecked()), None)
        if scope is None:
            return None
        chosen = self.formats[self.format_box.currentIndex()] if self.formats else None
        if chosen is None:
            return ExportChoice(scope, self.seven_bit_box.isChecked())
        seven_bit = self.seven_bit_box.isChecked() and self.seven_bit_box.isEnabled()
        return ExportChoice(scope, seven_bit, chosen.name, chosen.extensions[0])

    def _format_changed(self) -> None:
        """Letters as LaTeX is a BibTeX choice."""
        self.seven_bit_box.setEnabled(self.format_box.currentData() in (None, "bibtex"))

    def _add_scope_button(self, scope: str, count: int) -> QRadioButton:
        button = QRadioButton(_SCOPE_LABELS[scope].format(f"{count:,}"))
        button.setEnabled(count > 0)
        self._group.addButton(button)
        return button

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Export which papers?"))
        for button in self.scope_buttons.values():
            layout.addWidget(button)
        layout.addSpacing(8)
        if self.formats:
            layout.addWidget(QLabel("Format:"))
            layout.addWidget(self.format_box)
        layout.addWidget(self.seven_bit_box)
        layout.addSpacing(8)
        layout.addWidget(self.buttons)

    def _select_default(self, counts: Mapping[str, int]) -> None:
        scope = default_scope(counts)
        if scope is not None:
            self.scope_buttons[scope].setChecked(True)
        self.export_button.setEnabled(scope is not None)
