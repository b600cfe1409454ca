"""Refresh from the window: the report fills from the (local) services, the window stays responsive, Cancel works,
and closing it while a server never finishes answering does not wait for the server."""

from __future__ import annotations

import itertools
import time

import pytest
from cassettes import load_cassette, load_json
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from test_main_window import StubDialogs

from citedesk import jobs
from citedesk.gui.mainwindow import MainWindow
from citedesk.reads import Reads

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
        f"doi={{{TURING}}}}}\n",
        encoding="utf-8",
    )
    library = tmp_path / "l.sqlite"
    jobs.import_bibtex(library, [tmp_path / "l.bib"], workers=1)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(library, Reads.open(library), StubDialogs(), settings, QIcon())
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    with qtbot.waitSignal(win.reportShown):
        win.select_key("turing1950")
    yield win
    win.close()


def serve_turing(server, delay: float = 0.0) -> None:
    turing = load_cassette("semanticscholar/test_get_paper.yaml")[0].json()
    server.route(f"/semanticscholar/paper/DOI:{TURING}", server.delay(delay, turing) if delay else turing)
    server.route(
        f"/semanticscholar/paper/{turing['paperId']}/citations",
        {"offset": 0, "data": [load_json("semanticscholar/Citation.json")]},
    )
    server.route(f"/semanticscholar/paper/{turing['paperId']}/references", {"offset": 0, "data": []})
    # scite has no recorded response (fixtures/api/SOURCES.md): a tally in the shape APIS.md documents
    tally = {"doi": TURING, "total": 51, "supporting": 3, "contradicting": 0, "mentioning": 47, "unclassified": 1}
    server.route("/scite/tallies", {"tallies": {TURING: tally}}, method="POST")


def test_refresh_fills_the_report_and_the_statements(qtbot, window, api_server):
    serve_turing(api_server, delay=0.8)
    assert window.report_pane.showing() == "no data"
    assert [button.defaultAction() for button in window.report_pane.action_buttons] == [
        window.commands.refresh,
        window.commands.import_statements,
    ]
    ticks: list[float] = []
    timer = QTimer(window, interval=20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    window.commands.refresh.trigger()
    qtbot.waitUntil(lambda: window.report_pane.showing() == "report", timeout=20_000)
    timer.stop()
    assert max(later - earlier for earlier, later in itertools.pairwise(ticks)) < 0.5  # never froze
    assert window.report_pane.cited_by_label.text().startswith("Cited by <b>1</b> publication (<b>4</b>")
    assert len(window.reports.report.cited_by) == 4
    scite = [label for name, label in window.report_pane.external_labels.items() if name.startswith("scite")]
    assert scite and "supporting 3" in scite[0].text()
    assert "4 new statements" in window.statusBar().currentMessage()
    assert window.dialogs.messages == [] and window.dialogs.errors == []  # other sources: not found, no problem


def test_cancel_keeps_the_library_as_far_as_it_got(qtbot, window, api_server):
    serve_turing(api_server, delay=1.0)
    window.commands.refresh.trigger()
    qtbot.waitUntil(lambda: window.progress.isVisible())
    window.progress.cancel.click()
    qtbot.waitUntil(lambda: not window.runner.busy, timeout=20_000)
    assert "cancelled" in window.statusBar().currentMessage().lower()
    assert window.dialogs.errors == []


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


def test_watched_papers_refresh_on_start_when_asked_and_say_what_is_new(qtbot, tmp_path, api_server, monkeypatch):
    """Off by default; on, and older than the days set: the watched papers are refreshed in the background, and
    what they gained is counted under Watched and said in the status bar."""
    from citedesk.gui.watched import DAYS_KEY, ON_START_KEY

    monkeypatch.setenv("CITEDESK_CONFIG", str(tmp_path / "config"))
    for name in ("semanticscholar", "openalex", "crossref", "opencitations", "scite"):
        monkeypatch.setenv(f"CITEDESK_{name.upper()}_URL", f"{api_server.url}/{name}")
        monkeypatch.setenv(f"CITEDESK_{name.upper()}_RATE", "0")
        monkeypatch.delenv(f"CITEDESK_{name.upper()}_KEY", raising=False)
    serve_turing(api_server)
    (tmp_path / "l.bib").write_text(
        f"@article{{turing1950, title={{Computing Machinery}}, author={{Turing, Alan}}, year=1950, doi={{{TURING}}}}}\n",
        encoding="utf-8",
    )
    library = tmp_path / "l.sqlite"
    jobs.import_bibtex(library, [tmp_path / "l.bib"], workers=1)
    jobs.watch_keys(library, ["turing1950"])

    def started(on: bool) -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        settings.setValue(ON_START_KEY, "true" if on else "false")
        settings.setValue(DAYS_KEY, 7)
        win = MainWindow(library, Reads.open(library), StubDialogs(), settings, QIcon())
        qtbot.addWidget(win)
        win.show()
        return win

    off = started(False)
    qtbot.wait(500)
    assert api_server.requests == [] and off.reads.sidebar().watched_new == 0
    off.close()

    win = started(True)
    qtbot.waitUntil(lambda: win.reads.sidebar().watched_new > 0, timeout=20_000)
    qtbot.waitUntil(lambda: "new citing statement" in win.statusBar().currentMessage(), timeout=20_000)
    new = win.reads.sidebar().watched_new
    assert new == len(load_json("semanticscholar/Citation.json")["contexts"])
    qtbot.waitUntil(lambda: any(f"Watched · {new} new" in text for text in sidebar_texts(win)), timeout=10_000)
    asked = len(api_server.requests)
    win.close()

    again = started(True)  # refreshed less than 7 days ago: not again
    qtbot.wait(800)
    assert len(api_server.requests) == asked
    again.close()


def sidebar_texts(window) -> list[str]:
    model = window.sidebar.tree_model
    return [model.item(0).child(row).text() for row in range(model.item(0).rowCount())]
