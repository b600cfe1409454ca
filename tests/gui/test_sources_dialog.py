"""The Sources dialog: enable and disable sources, keys into the keyring, e-mail and maximum age."""

from __future__ import annotations

import keyring
import pytest
from keyring.backends.fail import Keyring as NoKeyring
from PySide6.QtWidgets import QCheckBox, QLineEdit

from citedesk.gui.sources_dialog import SourcesDialog
from citedesk.sources.settings import api_key, load_settings

pytestmark = pytest.mark.gui


@pytest.fixture(autouse=True)
def config(monkeypatch, tmp_path):
    monkeypatch.setenv("CITEDESK_CONFIG", str(tmp_path / "config"))
    monkeypatch.delenv("CITEDESK_OPENALEX_KEY", raising=False)


@pytest.fixture
def dialog(qtbot):
    window = SourcesDialog()
    qtbot.addWidget(window)
    return window


def test_saving_applies_the_choices(qtbot, dialog, monkeypatch):
    stored = {}
    monkeypatch.setattr(keyring, "set_password", lambda service, name, key: stored.update({name: key}))
    monkeypatch.setattr(keyring, "get_password", lambda service, name: stored.get(name))
    dialog.findChild(QCheckBox, "enable-crossref").setChecked(False)
    dialog.findChild(QLineEdit, "key-openalex").setText("sk-123")
    dialog.mailto.setText("me@example.org")
    dialog.max_age.setValue(10)
    dialog.save()
    assert dialog.result() == SourcesDialog.DialogCode.Accepted
    settings = load_settings()
    assert not settings.is_enabled("crossref") and settings.is_enabled("semanticscholar")
    assert (settings.mailto, settings.max_age_days) == ("me@example.org", 10)
    assert api_key("openalex") == "sk-123"


def test_without_a_keyring_the_dialog_says_what_to_do_and_stays_open(qtbot, dialog):
    previous = keyring.get_keyring()
    keyring.set_keyring(NoKeyring())
    try:
        dialog.findChild(QLineEdit, "key-openalex").setText("sk-123")
        dialog.show()
        dialog.save()
        assert "CITEDESK_OPENALEX_KEY" in dialog.message.text() and dialog.isVisible()
    finally:
        keyring.set_keyring(previous)


def test_keys_are_typed_hidden(dialog):
    assert dialog.findChild(QLineEdit, "key-semanticscholar").echoMode() == QLineEdit.EchoMode.Password
