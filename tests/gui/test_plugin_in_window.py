"""A third party's plug-in package in the window: its facet is a filter button of the statements pane, and
its classifier a choice of the Citations menu that labels the statements again in the background."""

from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel
from test_main_window import select
from test_statements_pane import menu_entries
from third_party import CLASSIFIER, CLASSIFIER_VERSION, FACET, FORMAT, install_plugin_package

from citedesk import jobs
from citedesk.gui.about import AboutDialog
from citedesk.gui.app import build_window
from citedesk.gui.widgets.statements_pane import FacetButton
from citedesk.library.db import open_library
from citedesk.plugins import build_registry

pytestmark = pytest.mark.gui

UNLABELLED = [
    {
        "cited_key": "tse2017",
        "citing_title": "A replication",
        "text": "We could not find the effect of Tse et al. (2017).",
    },
    {"cited_key": "tse2017", "citing_title": "A survey", "text": "Tse et al. (2017) interviewed peer workers."},
]


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch, small_library):
    monkeypatch.syspath_prepend(str(install_plugin_package(tmp_path / "site")))
    monkeypatch.setenv("CITEDESK_CONFIG", str(tmp_path / "config"))
    statements = tmp_path / "unlabelled.jsonl"
    statements.write_text("".join(json.dumps(row) + "\n" for row in UNLABELLED), encoding="utf-8")
    jobs.import_statements(small_library, statements)  # labelled by the fast layer as they are stored
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    registry = build_registry()
    assert FORMAT in registry.formats and registry.broken == []
    win = build_window(small_library, settings, registry)  # as the program builds it, with the registry it built
    assert win.registry is registry
    qtbot.addWidget(win)
    win.resize(1500, 950)
    win.show()
    yield win
    win.close()


def versions(library) -> dict[str, int]:
    db = open_library(library)
    try:
        return dict(db.execute("SELECT classifier_version, count(*) FROM statements GROUP BY 1").fetchall())
    finally:
        db.close()


def test_the_plug_ins_facet_filters_the_statements_pane(qtbot, window):
    select(qtbot, window, "tse2017")
    first_view = window.reports.report.view
    assert FACET in first_view.facets  # counted on the worker thread with the report, not again in the window
    assert window.statements.view is first_view
    length = window.statements.findChild(FacetButton, f"facet-{FACET}")
    assert length is not None and length.text() == "Length \u25be"
    assert menu_entries(length) == {"Long": "4", "Short": "3"}
    next(action for action in length.menu().actions() if action.text().startswith("Short")).trigger()
    assert window.statements.findChild(QLabel, "statement-summary").text().startswith("Showing 3 of 7 statements")


def test_choosing_the_plug_ins_classifier_labels_the_statements_in_the_background(qtbot, window):
    menu = window.classifier_menu
    entries = {action.objectName(): action for action in menu.actions()}
    assert entries["classifier-minilm"].isChecked() and not entries[f"classifier-{CLASSIFIER}"].isChecked()
    entries[f"classifier-{CLASSIFIER}"].trigger()
    qtbot.waitUntil(lambda: versions(window.library).get(CLASSIFIER_VERSION) == 2, timeout=30_000)
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=30_000)
    assert entries[f"classifier-{CLASSIFIER}"].isChecked() and jobs.classifier_in_use() == CLASSIFIER
    db = open_library(window.library)
    try:
        stances = db.execute(
            f"SELECT stance FROM statements WHERE classifier_version = '{CLASSIFIER_VERSION}' ORDER BY id"
        ).fetchall()
    finally:
        db.close()
    assert [stance for (stance,) in stances] == ["contrasting", "mentioning"]


def test_help_about_names_the_plug_ins_that_could_not_be_loaded(qtbot, window, monkeypatch):
    window.registry.broken.append("crashes: could not be loaded (ImportError: No module named 'numpy2')")
    shown = []
    monkeypatch.setattr(
        window.dialogs, "about", lambda parent, library_path=None, broken=(): shown.append(broken), raising=False
    )
    window.commands.about.trigger()
    assert shown == [window.registry.broken]
    dialog = AboutDialog(window.library, window, shown[0])
    qtbot.addWidget(dialog)
    assert dialog.findChild(QLabel, "broken-plugins").text() == (
        "crashes: could not be loaded (ImportError: No module named 'numpy2')"
    )
    assert AboutDialog(window.library, window).findChild(QLabel, "broken-plugins") is None
