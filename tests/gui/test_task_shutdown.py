"""A task that ends as the window closes delivers nothing to the closed window (whose widgets may be gone)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from citedesk.gui.tasks import TaskRunner

pytestmark = pytest.mark.gui


def test_results_queued_when_the_window_closes_are_dropped(qtbot):
    runner = TaskRunner()
    delivered: list[object] = []
    runner.idle.connect(lambda: delivered.append("idle"))
    runner.read(lambda progress, cancelled: "report", "Reading", delivered.append, delivered.append)
    assert runner.shutdown(5_000)  # the work is done; its result waits in the event queue
    QCoreApplication.processEvents()
    assert delivered == [] and runner.closed


def test_before_closing_results_are_delivered(qtbot):
    runner = TaskRunner()
    delivered: list[object] = []
    runner.read(lambda progress, cancelled: "report", "Reading", delivered.append)
    qtbot.waitUntil(lambda: delivered == ["report"])
    assert not runner.busy
