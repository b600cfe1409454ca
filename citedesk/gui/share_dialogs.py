"""The shared library's dialogs: where the server is (Connect to Shared Library…), and a paper changed on both
sides shown field by field, each row's version chosen by the person (the merge dialog)."""

from __future__ import annotations

import html
import textwrap
from urllib.parse import quote

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from citedesk.jobs import Conflict

SSL_MODES = ("prefer", "require", "verify-full", "disable")
DELETE_HERE = "delete"  # what the merge dialog answers when the person lets a deleted paper go


def shared_url(host: str, port: int, database: str, user: str, password: str, sslmode: str) -> str:
    """A postgresql:// URL of these parts, each escaped (the password goes to the keyring, not the library)."""
    auth = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    query = f"?sslmode={sslmode}" if sslmode != "prefer" else ""
    return f"postgresql://{auth}@{host.strip()}:{port}/{quote(database.strip(), safe='')}{query}"


class ConnectDialog(QDialog):
    """Host, port, database, user, password and SSL mode of a shared PostgreSQL library."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connect to Shared Library")
        self.host, self.database, self.user = QLineEdit("localhost"), QLineEdit("citedesk"), QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.sslmode = QComboBox()
        self.sslmode.addItems(SSL_MODES)
        form = QFormLayout()
        for label, widget in (
            ("Host", self.host),
            ("Port", self.port),
            ("Database", self.database),
            ("User", self.user),
            ("Password", self.password),
            ("SSL", self.sslmode),
        ):
            form.addRow(label, widget)
        note = QLabel(
            "This library stays your working copy: connecting an empty library takes the shared one, a full one "
            "sends what the server lacks. The password is kept in the system keyring."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def url(self) -> str:
        return shared_url(
            self.host.text(),
            self.port.value(),
            self.database.text(),
            self.user.text(),
            self.password.text(),
            self.sslmode.currentText(),
        )


class MergeDialog(QDialog):
    """Both versions of a paper, a row per field that differs, each with "Mine" and "Theirs" to choose; the
    fields the same on both sides are kept as they are."""

    def __init__(self, conflict: Conflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.conflict = conflict
        self.setWindowTitle(f"Changed here and in the shared library: {conflict.citekey}")
        self.resize(760, 420)
        self.groups: dict[str, QButtonGroup] = {}
        who = html.escape(conflict.theirs_by or "someone else")
        when = f" on {html.escape(conflict.theirs_at)}" if conflict.theirs_at else ""
        heading = QLabel(
            f"<b>{html.escape(conflict.citekey)}</b> was deleted in the shared library by {who}{when} and changed "
            "here: keep your version, or delete it here too."
            if conflict.theirs_deleted
            else f"<b>{html.escape(conflict.citekey)}</b> was changed here and by {who}{when}. Choose each field's "
            "version; the result is sent to everyone."
        )
        heading.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        if not conflict.theirs_deleted:
            layout.addWidget(self._rows(), 1)
        buttons = QDialogButtonBox()
        if conflict.theirs_deleted:
            buttons.addButton("Keep Mine", QDialogButtonBox.ButtonRole.AcceptRole)
            delete = buttons.addButton("Delete Here Too", QDialogButtonBox.ButtonRole.DestructiveRole)
            delete.clicked.connect(lambda: self.done(2))
        else:
            buttons.addButton("Save Choices", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("Later", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _rows(self) -> QScrollArea:
        grid = QGridLayout()
        for column, text in enumerate(("Field", "Mine", "Theirs")):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, column)
        row = 1
        for choice in self.conflict.fields:
            if not choice.differs:
                continue
            group = QButtonGroup(self)
            mine, theirs = _value_button(choice.mine), _value_button(choice.theirs)
            mine.setChecked(True)
            group.addButton(mine, 0)
            group.addButton(theirs, 1)
            self.groups[choice.name] = group
            grid.addWidget(QLabel(choice.name), row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(mine, row, 1)
            grid.addWidget(theirs, row, 2)
            row += 1
        grid.setRowStretch(row, 1)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        content = QWidget()
        content.setLayout(grid)
        area = QScrollArea()
        area.setWidget(content)
        area.setWidgetResizable(True)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        return area

    def choose(self, name: str, theirs: bool) -> None:
        """Pick a field's version (what a click on its button does)."""
        self.groups[name].button(1 if theirs else 0).setChecked(True)

    def chosen(self) -> dict[str, str | None]:
        """Every field's value as chosen: the differing ones from the buttons, the others as they are."""
        values: dict[str, str | None] = {}
        for choice in self.conflict.fields:
            group = self.groups.get(choice.name)
            values[choice.name] = choice.theirs if group is not None and group.checkedId() == 1 else choice.mine
        return values


VALUE_CHARS = 46  # a value is wrapped on its button at this width, so both versions show whole


def _value_button(value: str | None) -> QRadioButton:
    shown = "(no such field)" if value is None else textwrap.fill(" ".join(value.split()), VALUE_CHARS)
    button = QRadioButton(shown)
    button.setToolTip(value or "")
    return button
