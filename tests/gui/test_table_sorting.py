"""The first click on a column header sorts as a person expects: counts and dates from the largest, text from A."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from test_main_window import make_window

from citedesk import jobs
from citedesk.library.listing import COLUMN_NAMES

pytestmark = pytest.mark.gui

ENTRIES = "".join(
    f"@article{{p{n},\n  title = {{Paper {chr(65 + n)}}},\n  year = {{{2000 + n}}},\n}}\n" for n in range(3)
)


def click_header(qtbot, window, name: str) -> None:
    header = window.table.horizontalHeader()
    section = COLUMN_NAMES.index(name)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))


@pytest.fixture
def window(qtbot, tmp_path):
    (tmp_path / "three.bib").write_text(ENTRIES, encoding="utf-8")
    jobs.import_bibtex(tmp_path / "library.sqlite", [tmp_path / "three.bib"])
    window = make_window(qtbot, tmp_path)
    qtbot.waitUntil(lambda: window.model.rowCount() == 3)
    yield window
    window.close()


@pytest.mark.parametrize("name", ["cited_by", "supporting", "mentioning", "contrasting"])
def test_counts_and_the_date_added_sort_from_the_largest_first(qtbot, window, name):
    click_header(qtbot, window, "title")  # start from another column
    click_header(qtbot, window, name)
    assert window.model.query.sort == name and window.model.query.descending
    assert window.table.horizontalHeader().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    click_header(qtbot, window, name)
    assert not window.model.query.descending


@pytest.mark.parametrize("name", ["title", "authors", "year", "venue"])
def test_text_and_years_sort_from_the_smallest_first(qtbot, window, name):
    click_header(qtbot, window, "cited_by")
    click_header(qtbot, window, name)
    assert window.model.query.sort == name and not window.model.query.descending


def test_the_hidden_date_added_column_also_asks_for_newest_first(window):
    section = COLUMN_NAMES.index("added")
    order = window.model.headerData(section, Qt.Orientation.Horizontal, Qt.ItemDataRole.InitialSortOrderRole)
    assert order == Qt.SortOrder.DescendingOrder
