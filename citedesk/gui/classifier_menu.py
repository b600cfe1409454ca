"""The Citations menu's choice of the stance classifier: one checkable entry per registered classifier."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtGui import QActionGroup
from PySide6.QtWidgets import QMenu, QWidget

from citedesk.classify.plugin import StanceClassifier


class ClassifierMenu(QMenu):
    """The installed classifiers, the one in use ticked; choosing another says so by `chosen` (its name)."""

    chosen = Signal(str)

    def __init__(self, classifiers: Mapping[str, StanceClassifier], in_use: str, parent: QWidget | None = None) -> None:
        super().__init__("Stance &Classifier", parent)
        self.setObjectName("classifier-menu")
        self.in_use = in_use
        group = QActionGroup(self)
        for name, classifier in classifiers.items():
            action = self.addAction(classifier.label or name)
            action.setObjectName(f"classifier-{name}")
            action.setCheckable(True)
            action.setChecked(name == in_use)
            action.setStatusTip(f"Label the citing statements with the {name} classifier")
            action.triggered.connect(lambda _checked=False, name=name: self._choose(name))
            group.addAction(action)

    def _choose(self, name: str) -> None:
        if name != self.in_use:
            self.in_use = name
            self.chosen.emit(name)
