"""The export dialog: which papers to write as BibTeX, and whether to write letters as LaTeX."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

SCOPES = ("selection", "search", "library")
_SCOPE_LABELS = {
    "selection": "Selected papers ({})",
    "search": "Current search result ({})",
    "library": "Whole library ({})",
}


@dataclass(frozen=True)
class ExportChoice:
    """What the person chose to export: a scope ("selection", "search", "library") and the encoding."""

    scope: str
    seven_bit: bool


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


def suggested_name(scope: str, library_name: str, keys: Sequence[str] = ()) -> str:
    """The file name offered for an export: one paper's key, "NAME-selection", "NAME-search" or the library's."""
    if scope == "selection" and len(keys) == 1:
        stem = re.sub(r"[^\w.+-]+", "_", keys[0]).strip("._") or library_name
    else:
        stem = library_name + {"selection": "-selection", "search": "-search"}.get(scope, "")
    return f"{stem}.bib"


class ExportDialog(QDialog):
    """Choose the papers to export; counts = {"selection": n, "search": m, "library": k}."""

    def __init__(self, counts: Mapping[str, int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export BibTeX")
        self._group = QButtonGroup(self)
        self.scope_buttons = {scope: self._add_scope_button(scope, counts.get(scope, 0)) for scope in SCOPES}
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
        return ExportChoice(scope, self.seven_bit_box.isChecked()) if scope else None

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
        layout.addWidget(self.seven_bit_box)
        layout.addSpacing(8)
        layout.addWidget(self.buttons)

    def _select_default(self, counts: Mapping[str, int]) -> None:
        scope = default_scope(counts)
        if scope is not None:
            self.scope_buttons[scope].setChecked(True)
        self.export_button.setEnabled(scope is not None)
