"""The Sources dialog: which citation sources a refresh asks, their API keys (kept in the keyring), the e-mail and the maximum age."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from citedesk.jobs import load_settings, sources_panel
from citedesk.model import CitedeskError


class SourcesDialog(QDialog):
    """One line per installed source (enabled, name, address, key), then the common settings."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Citation Sources")
        self.rows = sources_panel.describe_sources()
        self.checks: dict[str, QCheckBox] = {}
        self.keys: dict[str, QLineEdit] = {}
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b3261e")
        settings = load_settings()
        self.mailto = QLineEdit(settings.mailto or "", self)
        self.mailto.setPlaceholderText("you@example.org — sent to Crossref and OpenAlex (their polite pools)")
        self.max_age = QDoubleSpinBox(self)
        self.max_age.setRange(0, 3650)
        self.max_age.setDecimals(0)
        self.max_age.setSuffix(" days")
        self.max_age.setValue(settings.max_age_days)
        self.max_age.setMaximumWidth(140)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        common = QFormLayout()
        common.addRow("Your e-mail:", self.mailto)
        common.addRow("Skip papers fetched within:", self.max_age)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("A refresh asks the enabled sources. Keys are optional and kept in the system keyring.", self)
        )
        layout.addLayout(self._source_grid())
        layout.addLayout(common)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(760, self.sizeHint().height())

    def _source_grid(self) -> QGridLayout:
        grid = QGridLayout()
        for column, title in enumerate(("Use", "Source", "Address", "API key")):
            grid.addWidget(QLabel(f"<b>{title}</b>", self), 0, column)
        for number, row in enumerate(self.rows, start=1):
            check = QCheckBox(self)
            check.setChecked(row.enabled)
            check.setObjectName(f"enable-{row.name}")
            self.checks[row.name] = check
            key = QLineEdit(self)
            key.setEchoMode(QLineEdit.EchoMode.Password)
            key.setPlaceholderText("set — type to replace" if row.has_key else "none")
            key.setToolTip(row.key_help or "This source takes no key.")
            key.setEnabled(bool(row.key_help) or row.has_key)
            key.setObjectName(f"key-{row.name}")
            self.keys[row.name] = key
            label = QLabel(row.label + ("" if row.origin == "built-in" else f"  ({row.origin})"), self)
            address = QLabel(row.url, self)
            address.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            for column, widget in enumerate((check, label, address, key)):
                grid.addWidget(widget, number, column)
            if row.has_key:
                clear = QPushButton("Remove key", self)
                clear.clicked.connect(lambda _=False, name=row.name: self._remove_key(name))
                grid.addWidget(clear, number, 4)
        grid.setColumnStretch(2, 1)
        return grid

    def _remove_key(self, name: str) -> None:
        try:
            sources_panel.set_key(name, None)
        except CitedeskError as exc:
            self.message.setText(str(exc))
            return
        self.keys[name].setPlaceholderText("none")

    def save(self) -> None:
        """Apply the choices; a refused key (no keyring) is said here and the dialog stays open."""
        enable = [name for name, check in self.checks.items() if check.isChecked()]
        disable = [name for name, check in self.checks.items() if not check.isChecked()]
        try:
            sources_panel.change_settings(enable, disable, self.mailto.text(), self.max_age.value())
            for name, field in self.keys.items():
                if field.text().strip():
                    sources_panel.set_key(name, field.text())
        except CitedeskError as exc:
            self.message.setText(str(exc))
            return
        self.accept()
