"""Citing works known only by an id in the window: "ACL Anthology W06-3112" linked to the anthology, and
"Unknown year" chosen in the Year menu or on the chart like any year."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, QSettings, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QIcon
from PySide6.QtWidgets import QLabel, QListView, QToolButton

from citedesk import jobs
from citedesk.gui.mainwindow import MainWindow
from citedesk.gui.models.statements import Role, RowKind, StatementsModel
from citedesk.gui.widgets.report import ReportPane
from citedesk.gui.widgets.statement_delegate import ONLY_AN_ID, header_text
from citedesk.gui.widgets.statements_pane import StatementsPane
from citedesk.library.db import open_library
from citedesk.library.statement_view import UNKNOWN_YEAR, Direction, load_items
from citedesk.library.statements import paper_counts, statements_per_year
from citedesk.model import Stance
from citedesk.reads import Reads

pytestmark = pytest.mark.gui

ACL_ID = "W06-3112"
ACL_URL = "https://aclanthology.org/W06-3112/"
UNDATED_TEXT = "BLEU-like overlap with Tse et al. (2017) is reported for the peer-support transcripts."


@pytest.fixture
def library(small_library: Path) -> Path:
    """The small library, with one more statement citing tse2017 from a work known only by its ACL id."""
    extra = small_library.parent / "acl.jsonl"
    extra.write_text(
        json.dumps({"cited_key": "tse2017", "citing_key": ACL_ID, "text": UNDATED_TEXT, "label": "mentioning"}) + "\n",
        encoding="utf-8",
    )
    jobs.import_statements(small_library, extra)
    return small_library


@pytest.fixture
def items(library):
    db = open_library(library)
    paper = db.execute("SELECT id FROM papers WHERE citekey = 'tse2017'").fetchone()[0]
    yield load_items(db, paper, Direction.CITED_BY), paper_counts(db, paper), statements_per_year(db, paper)
    db.close()


@pytest.fixture
def pane(qtbot, items) -> StatementsPane:
    pane = StatementsPane()
    qtbot.addWidget(pane)
    pane.resize(620, 700)
    pane.show()
    qtbot.waitExposed(pane)
    pane.set_items(items[0], [])
    return pane


class UrlCatcher(QObject):
    """Stands in for the web browser."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def list_of(pane: StatementsPane) -> QListView:
    return pane.findChild(QListView, "statement-list")


def header_row(model: StatementsModel, title: str) -> int:
    return next(
        row
        for row in range(model.rowCount())
        if model.index(row).data(Role.KIND) == RowKind.HEADER and model.index(row).data() == title
    )


def shown_texts(pane: StatementsPane) -> list[str]:
    model = list_of(pane).model()
    return [
        model.index(row).data()
        for row in range(model.rowCount())
        if model.index(row).data(Role.KIND) == RowKind.STATEMENT
    ]


def summary(pane: StatementsPane) -> str:
    return pane.findChild(QLabel, "statement-summary").text()


def year_menu(pane: StatementsPane) -> dict[str, QAction]:
    button = pane.findChild(QToolButton, "facet-year")
    button.menu().aboutToShow.emit()
    return {action.text().split("\t")[0]: action for action in button.menu().actions() if action.isCheckable()}


def test_a_work_known_only_by_its_acl_id_is_named_and_linked_by_it(qtbot, pane):
    model = list_of(pane).model()
    row = header_row(model, f"ACL Anthology {ACL_ID}")
    index = model.index(row)
    assert index.data(Role.WORK).link == ACL_URL
    assert ACL_URL in index.data(Qt.ItemDataRole.ToolTipRole)
    assert header_text(index.data(Role.WORK)) == ONLY_AN_ID
    menu = pane._context_menu(index)
    assert "Open citing paper at aclanthology.org" in [action.text() for action in menu.actions()]


def test_clicking_the_title_line_opens_the_anthology_page(qtbot, pane):
    view = list_of(pane)
    model = view.model()
    row = header_row(model, f"ACL Anthology {ACL_ID}")
    view.scrollTo(model.index(row))
    rect = view.visualRect(model.index(row))
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("https", catcher, "open")
    try:
        on_title = QPoint(rect.left() + 30, rect.top() + 14)
        assert view.link_at(on_title) == ACL_URL
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=on_title)
        beside = QPoint(rect.right() - 10, rect.top() + 14)  # right of the title's text: not the link
        assert view.link_at(beside) is None
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=beside)
        titled = view.visualRect(model.index(0))  # a work with a real title links nowhere
        assert view.link_at(QPoint(titled.left() + 30, titled.top() + 10)) is None
    finally:
        QDesktopServices.unsetUrlHandler("https")
    assert [url.toString() for url in catcher.urls] == [ACL_URL]


def test_unknown_year_is_chosen_in_the_year_menu_like_any_year(pane):
    assert summary(pane) == "Showing 6 of 6 statements from 5 publications"
    entries = year_menu(pane)
    unknown = entries["Unknown year"]
    assert unknown.isEnabled() and unknown.text() == "Unknown year\t1"
    unknown.trigger()
    assert summary(pane) == "Showing 1 of 6 statements from 1 publication"
    assert shown_texts(pane) == [UNDATED_TEXT]
    assert pane.findChild(QToolButton, "facet-year").text() == "Unknown year \u25be"
    entries = year_menu(pane)
    assert entries["Unknown year"].isChecked() and not entries["2019"].isChecked()
    entries["2019"].trigger()  # another year replaces it, as one year replaces another
    assert summary(pane) == "Showing 2 of 6 statements from 1 publication"
    year_menu(pane)["Unknown year"].trigger()
    year_menu(pane)["Unknown year"].trigger()  # chosen again: every year
    assert summary(pane) == "Showing 6 of 6 statements from 5 publications"


def test_the_chart_counts_works_without_a_year_in_an_unknown_bar(qtbot, items):
    _cited_by, counts, years = items
    report = ReportPane()
    qtbot.addWidget(report)
    report.resize(480, 400)
    report.show()
    qtbot.waitExposed(report)
    report.show_report(counts, years)
    chart = report.chart
    assert chart.years() == [2019, 2020, 2021, 2022] and chart.has_unknown()
    assert chart.counts(UNKNOWN_YEAR) == {Stance.MENTIONING: 1}
    assert not report.undated_label.isVisible()  # none left out
    ((_, bar),) = chart.bar_rects(UNKNOWN_YEAR)
    assert bar.left() > chart.slot_rect(2022).right()
    assert chart.rect().contains(bar.toAlignedRect())
    assert chart.tooltip_text(UNKNOWN_YEAR) == "Unknown year: 1 citing statement\nMentioning: 1"
    with qtbot.waitSignal(report.yearClicked) as clicked:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=bar.center().toPoint())
    assert clicked.args == [UNKNOWN_YEAR]
    with qtbot.waitSignal(report.yearClicked) as clicked:
        qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.bar_rects(2019)[0][1].center().toPoint())
    assert clicked.args == [2019]


def test_clicking_a_bar_of_the_chart_shows_that_years_statements(qtbot, library, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(library, Reads.open(library), None, settings, QIcon())
    qtbot.addWidget(window)
    window.resize(1500, 950)
    window.show()
    with qtbot.waitSignal(window.reportShown, timeout=10_000):
        assert window.select_key("tse2017")
    chart, pane = window.report_pane.chart, window.statements
    qtbot.waitUntil(lambda: chart.isVisible() and chart.has_unknown())
    ((_, bar),) = chart.bar_rects(UNKNOWN_YEAR)
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=bar.center().toPoint())
    assert summary(pane) == "Showing 1 of 6 statements from 1 publication"
    assert shown_texts(pane) == [UNDATED_TEXT]
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.bar_rects(2021)[0][1].center().toPoint())
    assert summary(pane) == "Showing 1 of 6 statements from 1 publication"
    assert pane.findChild(QToolButton, "facet-year").text() == "2021 \u25be"
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=chart.bar_rects(2021)[0][1].center().toPoint())
    assert summary(pane) == "Showing 6 of 6 statements from 5 publications"  # the same bar again: every year
    window.close()


def test_the_summary_and_the_report_count_works_without_a_year_under_unknown(items, library):
    with Reads.open(library) as reads:
        paper = reads.paper_id_of_key("tse2017")
        summary, report = reads.summary(paper), reads.report(paper)
    assert summary.years == report.years == items[2]
    assert summary.years[UNKNOWN_YEAR] == {Stance.MENTIONING: 1}
    assert sum(sum(counts.values()) for counts in summary.years.values()) == len(items[0])
