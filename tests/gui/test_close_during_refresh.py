"""Closing the window while a refresh waits on a server that never finishes: the window closes at once and the
refresh's worker ends (it is not left behind)."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon

from citedesk import jobs
from citedesk.gui.mainwindow import MainWindow
from citedesk.library.db import open_library
from test_main_window import StubDialogs

pytestmark = pytest.mark.gui
TURING = "10.1093/mind/lix.236.433"


@pytest.fixture
def window(qtbot, tmp_path, api_server, monkeypatch):
    monkeypatch.setenv("CITEDESK_CONFIG", str(tmp_path / "config"))
    for name in ("semanticscholar", "openalex", "crossref", "opencitations", "scite"):
        monkeypatch.setenv(f"CITEDESK_{name.upper()}_URL", f"{api_server.url}/{name}")
        monkeypatch.setenv(f"CITEDESK_{name.upper()}_RATE", "0")
        monkeypatch.delenv(f"CITEDESK_{name.upper()}_KEY", raising=False)
    (tmp_path / "l.bib").write_text(
        f"@article{{turing1950, title={{Computing Machinery and Intelligence}}, author={{Turing, Alan}}, year=1950, "
        f"doi={{{TURING}}}}}\n", encoding="utf-8")
    library = tmp_path / "l.sqlite"
    jobs.import_bibtex(library, [tmp_path / "l.bib"], workers=1)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(library, open_library(library), StubDialogs(), settings, QIcon())
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.reportShown):
        win.select_key("turing1950")
    yield win
    win.close()


def test_closing_during_a_dripping_refresh_does_not_wait_for_the_server(qtbot, window, api_server):
    # Semantic Scholar sends its answer one byte every 2 s: minutes for the whole of it
    api_server.route(f"/semanticscholar/paper/DOI:{TURING}", api_server.drip({"paperId": None, "title": "x" * 60}))
    window.commands.refresh.trigger()
    qtbot.waitUntil(lambda: bool(api_server.requests_to(f"/semanticscholar/paper/DOI:{TURING}")), timeout=20_000)
    qtbot.wait(300)  # the answer is dripping now
    assert window.runner.busy
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 5  # it waited 15 s for the network before
    assert window.runner.wait(0)  # the refresh's worker has ended, not been left running
