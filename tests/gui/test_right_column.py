"""The right-hand column grows with the paper's details: nothing is cut inside a box, one scrollbar for it all."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QScrollArea, QWidget
from test_main_window import make_window, select

from citedesk import jobs

pytestmark = pytest.mark.gui

TITLE = " ".join(["A very long title about citation analysis and the reproducibility of results"] * 5)
AUTHORS = " and ".join(f"Author{n}, Given{n}" for n in range(11))
KEYWORDS = ", ".join(f"keyword number {n}" for n in range(60))
ABSTRACT = " ".join(
    f"Sentence {n} of a long abstract about peer support and recovery in communities." for n in range(60)
)
ENTRY = (
    f"@article{{long2020,\n  title = {{{TITLE}}},\n  author = {{{AUTHORS}}},\n  journal = {{Journal}},\n"
    f"  year = {{2020}},\n  keywords = {{{KEYWORDS}}},\n  abstract = {{{ABSTRACT}}},\n}}\n"
)


def bottom_in(widget: QWidget, ancestor: QWidget) -> int:
    """Where a widget's bottom edge lies in an ancestor's coordinates."""
    return widget.mapTo(ancestor, QPoint(0, widget.height())).y()


@pytest.fixture
def window(qtbot, tmp_path):
    (tmp_path / "long.bib").write_text(ENTRY, encoding="utf-8")
    jobs.import_bibtex(tmp_path / "library.sqlite", [tmp_path / "long.bib"])
    window = make_window(qtbot, tmp_path)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1)
    select(qtbot, window, "long2020")
    yield window
    window.close()


def test_the_details_grow_to_show_every_row_with_the_key_last(qtbot, window):
    details = window.details
    qtbot.waitUntil(lambda: bottom_in(details.key_label, details) <= details.height())
    assert bottom_in(details.keywords_label, details) <= details.height()
    assert details.key_label.text() == "long2020"


def test_after_show_more_the_whole_abstract_lies_inside_the_details(qtbot, window):
    details = window.details
    details.abstract.toggle_button.click()
    assert details.abstract.shown_text() == ABSTRACT
    qtbot.waitUntil(lambda: bottom_in(details.abstract.label, details) <= details.height())
    qtbot.waitUntil(lambda: bottom_in(details.key_label, details) <= details.height())


def test_one_scrollbar_serves_the_whole_right_column(qtbot, window):
    assert not window.details.findChildren(QScrollArea)
    scrolls = [area for area in window.right.findChildren(QScrollArea)] + (
        [window.right] if isinstance(window.right, QScrollArea) else []
    )
    assert len(scrolls) == 1
    [column] = scrolls
    assert column.widget().isAncestorOf(window.details) and column.widget().isAncestorOf(window.report_pane)
    qtbot.waitUntil(lambda: column.verticalScrollBar().maximum() > 0)  # this much content overflows 950 px
    column.verticalScrollBar().setValue(column.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: window.report_pane.visibleRegion().boundingRect().height() > 0)
