"""Closing the window while a refresh waits on a server that never finishes: the window closes at once and the
refresh's worker ends (it is not left behind)."""

from __future__ import annotations

import time

import pytest

from test_refresh_window import TURING, window  # noqa: F401 (the fixture: a window on one paper, sources local)

pytestmark = pytest.mark.gui


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
