"""Two windows on two libraries connected to one real PostgreSQL server: each shows the other's imports and edits
live, a paper edited in both opens the merge dialog, and the choice reaches both."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from team import GRAL, client, no_keyring, paper_id, records  # noqa: F401
from test_main_window import StubDialogs

from citedesk import jobs
from citedesk.gui.mainwindow import MainWindow
from citedesk.reads import Reads

pytestmark = pytest.mark.gui


def window(qtbot, library, dialogs=None) -> MainWindow:
    settings = QSettings(str(library.parent / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(library, Reads.open(library), dialogs or StubDialogs(), settings, QIcon())
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    return win


def listed(win: MainWindow) -> set[str]:
    return {row.citekey for row in win.reads.search("", None)}


def title_shown(win: MainWindow, key: str) -> str | None:
    row = win.model.row_of(win.reads.paper_id_of_key(key))
    return None if row is None else win.model.rows[row].title


def test_two_windows_show_each_others_imports_and_edits_live_and_a_conflict_opens_the_merge_dialog(
    qtbot, tmp_path, shared_url
):
    a, b = client(tmp_path, "a"), client(tmp_path, "b")
    jobs.import_bibtex(a, [GRAL], workers=1)
    first, second = window(qtbot, a), window(qtbot, b)
    first.dialogs.answer("ask_shared_url", shared_url)
    first.sharing.connect_action.trigger()
    qtbot.waitUntil(lambda: "in step" in first.sharing.label.text(), timeout=20_000)
    second.sharing.connect_to(shared_url)
    qtbot.waitUntil(lambda: listed(second) == listed(first), timeout=20_000)
    qtbot.waitUntil(lambda: "in step" in second.sharing.label.text(), timeout=20_000)
    assert second.model.total == len(records(a))

    (tmp_path / "new.bib").write_text("@misc{live2026, title = {Imported in the first window}, year = 2026}\n")
    first.commands.import_files([tmp_path / "new.bib"])
    started = time.monotonic()
    qtbot.waitUntil(lambda: title_shown(second, "live2026") == "Imported in the first window", timeout=10_000)
    seen_after = time.monotonic() - started
    assert seen_after < 5, seen_after  # import, send, NOTIFY, take and show

    key = "rashid2016"
    resets: list[None] = []
    second.model.modelReset.connect(lambda: resets.append(None))
    jobs.edit_paper(a, paper_id(a, key), fields={"title": "{Edited in the first window}"})
    first.reload_library()  # as the window's own edit does after saving
    qtbot.waitUntil(lambda: title_shown(second, key) == "Edited in the first window", timeout=10_000)
    assert resets == []  # the row changed in place: the list was not read again (its scroll and selection kept)

    # the same paper edited in both while the second is not listening: its next sync meets a conflict
    second.sharing.stop()
    second.sharing.url = None
    jobs.edit_paper(b, paper_id(b, key), fields={"note": "{second's note}"})
    jobs.edit_paper(a, paper_id(a, key), fields={"note": "{first's note}"})
    first.reload_library()
    qtbot.waitUntil(lambda: jobs.share_status(a).waiting == 0, timeout=10_000)
    second.dialogs.answer("merge_conflict", lambda conflict: {c.name: c.mine for c in conflict.fields})
    second.sharing.url = jobs.share_status(b).url
    second.sharing.sync_now()
    qtbot.waitUntil(lambda: bool(getattr(second.dialogs, "conflicts_shown", [])), timeout=10_000)
    [conflict] = second.dialogs.conflicts_shown
    assert conflict.citekey == key and {"note"} <= {c.name for c in conflict.fields if c.differs}
    qtbot.waitUntil(lambda: "second's note" in records(a)[key][0], timeout=15_000)
    assert records(a)[key] == records(b)[key]
    first.close()
    second.close()


def test_offline_the_window_says_how_many_changes_wait_and_sends_them_when_the_server_is_back(
    qtbot, tmp_path, postgres, shared_url
):
    a = client(tmp_path, "a")
    jobs.import_bibtex(a, [GRAL], workers=1)
    jobs.connect_shared(a, shared_url)
    win = window(qtbot, a)
    qtbot.waitUntil(lambda: "in step" in win.sharing.label.text(), timeout=20_000)
    postgres.stop()
    try:
        for key in sorted(records(a))[:3]:
            jobs.edit_paper(a, paper_id(a, key), fields={"note": "{written offline}"})
        win.reload_library()  # as after the window's own edits: a sync is tried, and fails
        qtbot.waitUntil(lambda: "offline — 3 changes waiting" in win.sharing.label.text(), timeout=20_000)
        assert win.dialogs.errors == []  # said in the status line, not in a dialog
    finally:
        postgres.restart()
    win.sharing.sync_now()  # what the retry timer does
    qtbot.waitUntil(lambda: "in step" in win.sharing.label.text(), timeout=20_000)
    assert jobs.share_status(a).waiting == 0
    win.close()
