"""The details pane, the citation report and its per-year chart, driven offscreen with a real small library."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QHelpEvent, QTextDocument
from PySide6.QtWidgets import QLabel, QScrollArea, QToolTip

from citedesk.gui.widgets.details import DetailsPane, clamp_text, doi_url, web_url
from citedesk.gui.widgets.report import NO_DATA_MESSAGE, ReportPane, StanceBar, segment_widths
from citedesk.gui.widgets.year_chart import YearChart
from citedesk.library.db import open_library
from citedesk.library.queries import Paper, paper_by_key
from citedesk.library.statements import Counts, paper_counts, statements_per_year
from citedesk.model import Stance

pytestmark = pytest.mark.gui

S, M, C, U = Stance.SUPPORTING, Stance.MENTIONING, Stance.CONTRASTING, Stance.UNCLASSIFIED
LONG_ABSTRACT = " ".join(f"Sentence number {n} of a long abstract about peer support and recovery." for n in range(30))


@pytest.fixture
def db(small_library: Path):
    library = open_library(small_library)
    yield library
    library.conn.close()


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs the panes ask the desktop to open (nothing is really opened)."""
    urls: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: urls.append(url.toString()) or True)
    return urls


def record(citekey: str, entry_type: str = "", **values) -> Paper:
    """A paper with only these values, as the library would give it."""
    return Paper(id=1, citekey=citekey, entry_type=entry_type, **values)


def shown(qtbot, widget, width: int = 600, height: int = 700):
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def plain(label: QLabel) -> str:
    """What a person reads in a label, rich text or not."""
    if label.textFormat() == Qt.TextFormat.PlainText:
        return label.text().replace("\xa0", " ")
    document = QTextDocument()
    document.setHtml(label.text())
    return document.toPlainText().replace("\xa0", " ")


def hrefs(label: QLabel) -> list[str]:
    """The link targets in a rich-text label, unescaped as Qt reads them."""
    document = QTextDocument()
    document.setHtml(label.text())
    found, block = [], document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            if fragment.charFormat().isAnchor():
                found.append(fragment.charFormat().anchorHref())
            iterator += 1
        block = block.next()
    return found


def visible_texts(pane: DetailsPane) -> list[str]:
    return [plain(label) for label in pane.findChildren(QLabel) if label.isVisibleTo(pane)]


# Details pane


def test_details_show_the_paper(qtbot, db):
    pane = shown(qtbot, DetailsPane())
    pane.show_paper(paper_by_key(db, "tse2017"), ["to read", "peer support"])
    assert pane.title_label.text().startswith("A one-year longitudinal qualitative study")
    assert pane.title_label.font().bold()
    assert pane.title_label.font().pointSizeF() > pane.authors_label.font().pointSizeF()
    assert plain(pane.authors_label) == "Samson Tse, Winnie W. S. Mak, Iris W. K. Lo and Lucia L. Liu"
    assert plain(pane.meta_label) == "Psychiatry Research · 2017 · Journal article"
    assert plain(pane.keywords_label) == "peer support · recovery · qualitative"
    assert plain(pane.tags_label).split() == ["to", "read", "peer", "support"]
    assert pane.key_label.text() == "tse2017"
    assert pane.abstract.text().endswith("α = 0.8.")
    assert not pane.hint_label.isVisible()
    assert not any("None" in text for text in visible_texts(pane))


def test_doi_link_is_clicked_open(qtbot, db, opened):
    pane = shown(qtbot, DetailsPane())
    pane.show_paper(paper_by_key(db, "tse2017"), [])
    assert hrefs(pane.links_label) == ["https://doi.org/10.1016/j.psychres.2017.05.007"]
    label = pane.links_label
    caption = label.fontMetrics().horizontalAdvance("DOI ")
    spot = QPoint(label.contentsRect().left() + caption + 20, label.fontMetrics().height() // 2 + 1)
    qtbot.mouseClick(label, Qt.MouseButton.LeftButton, pos=spot)
    qtbot.waitUntil(lambda: opened == ["https://doi.org/10.1016/j.psychres.2017.05.007"])


def test_arxiv_and_url_links(qtbot, opened):
    pane = shown(qtbot, DetailsPane())
    paper = record("v2017", title="Attention", arxiv="1706.03762", url="www.example.org/paper?id=1&x=2")
    pane.show_paper(paper, [])
    assert hrefs(pane.links_label) == ["https://arxiv.org/abs/1706.03762", "https://www.example.org/paper?id=1&x=2"]
    assert plain(pane.links_label).split() == ["arXiv", "1706.03762", "URL", "example.org/paper?id=1&x=2"]
    for href in hrefs(pane.links_label):
        pane.links_label.linkActivated.emit(href)
    assert opened == ["https://arxiv.org/abs/1706.03762", "https://www.example.org/paper?id=1&x=2"]


def test_only_web_urls_become_links():
    assert web_url("javascript:alert(1)") is None
    assert web_url("file:///etc/passwd") is None
    assert web_url("not a url") is None
    assert web_url("https://aclweb.org/anthology/P02-1040") == "https://aclweb.org/anthology/P02-1040"
    assert doi_url("10.1000/a#b?c") == "https://doi.org/10.1000/a%23b%3Fc"


def test_a_url_that_repeats_the_doi_is_shown_once(qtbot):
    pane = shown(qtbot, DetailsPane())
    pane.show_paper(record("k", doi="10.1000/xyz", url="https://doi.org/10.1000/xyz/"), [])
    assert hrefs(pane.links_label) == ["https://doi.org/10.1000/xyz"]


def test_untrusted_text_shows_literally(qtbot, opened):
    pane = shown(qtbot, DetailsPane())
    paper = record(
        "evil<b>",
        title="<script>alert(1)</script> and <b>bold</b>",
        authors="<i>Eve</i> Hacker; Bob &amp Co",
        venue="<u>Venue</u>",
        keywords="<b>kw</b>, x&y",
        url='https://example.org/?q="><img/src=x>',
        abstract="An abstract with <a href='x'>a link</a> & an ampersand.",
    )
    pane.show_paper(paper, ["<i>tag</i>"])
    texts = visible_texts(pane)
    assert "<script>alert(1)</script> and <b>bold</b>" in texts
    assert "<i>Eve</i> Hacker and Bob &amp Co" in texts
    assert plain(pane.keywords_label) == "<b>kw</b> · x&y"
    assert plain(pane.tags_label).strip() == "<i>tag</i>"
    assert pane.key_label.text() == "evil<b>"
    assert pane.abstract.shown_text() == paper.abstract
    assert hrefs(pane.links_label) == ['https://example.org/?q="><img/src=x>']
    assert 'example.org/?q="><img/src=x>' in plain(pane.links_label)
    pane.show_paper(record("k", url="javascript:alert('<b>')"), [])
    assert hrefs(pane.links_label) == [] and plain(pane.links_label) == "URL javascript:alert('<b>')"


def test_missing_values_are_not_shown(qtbot):
    pane = shown(qtbot, DetailsPane())
    pane.show_paper(
        record("bare", "misc", title="Bare", authors=None, year=None, doi=None, abstract=None, keywords=None, url=None),
        [],
    )
    assert [text for text in visible_texts(pane) if text] == ["Bare", "Other", "Key", "bare"]
    assert not pane.abstract.isVisible()
    assert not pane.links_label.isVisible()


def test_show_more_expands_the_abstract(qtbot):
    pane = DetailsPane()
    column = QScrollArea()  # as in the window: the pane is as tall as its content, the column scrolls
    column.setWidget(pane)
    column.setWidgetResizable(True)
    shown(qtbot, column, width=450)
    pane.show_paper(record("long", title="Long", abstract=LONG_ABSTRACT), [])
    abstract = pane.abstract
    qtbot.waitUntil(lambda: abstract.is_folded() and abstract.shown_text().endswith("…"))
    assert abstract.toggle_button.isVisible() and abstract.toggle_button.text() == "Show more"
    folded_height = abstract.label.height()
    qtbot.mouseClick(abstract.toggle_button, Qt.MouseButton.LeftButton)
    assert abstract.shown_text() == LONG_ABSTRACT
    assert abstract.toggle_button.text() == "Show less"
    qtbot.waitUntil(lambda: abstract.label.height() > 3 * folded_height)
    qtbot.mouseClick(abstract.toggle_button, Qt.MouseButton.LeftButton)
    assert abstract.is_folded() and abstract.toggle_button.text() == "Show more"


def test_a_short_abstract_has_no_show_more(qtbot, db):
    pane = shown(qtbot, DetailsPane(), width=600)
    pane.show_paper(paper_by_key(db, "tse2017"), [])
    qtbot.waitUntil(lambda: pane.abstract.label.width() > 500)
    assert pane.abstract.shown_text() == pane.abstract.text()
    assert not pane.abstract.toggle_button.isVisible()


def test_clamp_text_keeps_the_first_lines(qtbot):
    font = DetailsPane().font()
    assert clamp_text("short", font, 400, 3) == "short"
    folded = clamp_text(LONG_ABSTRACT, font, 300, 3)
    assert folded.endswith("…") and LONG_ABSTRACT.startswith(folded[:-1].rstrip())
    assert len(folded) < len(LONG_ABSTRACT) // 3


def test_copy_key_puts_the_key_on_the_clipboard(qtbot, db):
    pane = shown(qtbot, DetailsPane())
    pane.show_paper(paper_by_key(db, "tse2017"), [])
    with qtbot.waitSignal(pane.key_copied) as signal:
        qtbot.mouseClick(pane.copy_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["tse2017"]
    assert QGuiApplication.clipboard().text() == "tse2017"
    assert pane.copy_button.text() == "Copied"
    qtbot.waitUntil(lambda: pane.copy_button.text() == "Copy key", timeout=3000)


def test_clear_leaves_a_quiet_hint(qtbot, db):
    pane = shown(qtbot, DetailsPane())
    pane.show_paper(paper_by_key(db, "tse2017"), ["x"])
    pane.clear()
    assert [text for text in visible_texts(pane) if text] == ["Select a paper to see its details."]
    assert pane.paper() is None and pane.links() == []


# Report pane


def test_report_lines_and_tallies_match_the_counts(qtbot, db):
    paper = paper_by_key(db, "tse2017")
    counts = paper_counts(db, paper.id)
    pane = shown(qtbot, ReportPane())
    pane.show_report(counts, statements_per_year(db, paper.id))
    assert pane.showing() == "report"
    assert plain(pane.cited_by_label) == "Cited by 4 publications (5 citation statements)"
    assert plain(pane.references_label) == "References 0 publications (0 reference statements)"
    shown_tallies = {stance: plain(tally.number).split()[-1] for stance, tally in pane.tallies.items()}
    assert shown_tallies == {S: "1", M: "2", C: "1", U: "1"}
    names = [tally.name.text() for tally in pane.tallies.values()]
    assert names == ["Supporting", "Mentioning", "Contrasting", "Unclassified"]
    assert pane.chart.years() == [2019, 2020, 2021, 2022]
    assert not pane.undated_label.isVisible()


def test_one_publication_is_singular(qtbot, db):
    paper = paper_by_key(db, "smith2019")
    pane = shown(qtbot, ReportPane())
    pane.show_report(paper_counts(db, paper.id), statements_per_year(db, paper.id))
    assert plain(pane.cited_by_label) == "Cited by 1 publication (1 citation statement)"


def test_big_numbers_have_thousands_separators(qtbot):
    pane = shown(qtbot, ReportPane())
    counts = Counts(
        cited_by=12345,
        citation_statements=23456,
        references=1,
        reference_statements=1,
        supporting=1000,
        mentioning=22000,
        contrasting=6,
        unclassified=450,
    )
    pane.show_report(counts, {2020: Counter({M: 3})})
    assert plain(pane.cited_by_label) == "Cited by 12,345 publications (23,456 citation statements)"
    assert plain(pane.references_label) == "References 1 publication (1 reference statement)"
    assert plain(pane.tallies[M].number).split()[-1] == "22,000"
    assert plain(pane.undated_label) == "Not in the chart: 23,453 statements from works without a year."


def test_bar_segments_are_proportional(qtbot):
    assert segment_widths({S: 1, M: 2, C: 1, U: 0}, 400) == [(S, 100), (M, 200), (C, 100), (U, 0)]
    widths = dict(segment_widths({S: 3, M: 47, C: 0, U: 1}, 333))
    assert sum(widths.values()) == 333 and widths[C] == 0
    for stance, count in ((S, 3), (M, 47), (U, 1)):
        assert abs(widths[stance] - count * 333 / 51) <= 2
    tiny = dict(segment_widths({S: 1, M: 10_000, C: 0, U: 0}, 300))
    assert tiny[S] == 2 and tiny[M] == 298
    assert segment_widths({}, 300) == [(S, 0), (M, 0), (C, 0), (U, 0)]
    bar = shown(qtbot, StanceBar(), width=500, height=10)
    bar.set_counts({S: 1, M: 3, C: 0, U: 1})
    qtbot.waitUntil(lambda: bar.width() == 500)
    rects = bar.segments()
    assert [stance for stance, _ in rects] == [S, M, U]
    assert [rect.width() for _, rect in rects] == [100, 300, 100]
    assert rects[1][1].left() == rects[0][1].right() + 0


def test_no_data_says_so_and_offers_the_actions(qtbot):
    pane = shown(qtbot, ReportPane())
    pane.show_report(Counts(cited_by=2, citation_statements=2, mentioning=2), {})
    pane.show_external("scite", {"supporting": 1})
    importing, refreshing = QAction("Import citing statements…", pane), QAction("Refresh", pane)
    pane.show_no_data([importing, refreshing])
    assert pane.showing() == "no data"
    assert pane.no_data_label.isVisible() and pane.no_data_label.text() == NO_DATA_MESSAGE
    assert not pane.cited_by_label.isVisible() and not pane.chart.isVisible()
    assert pane.external_labels == {}
    assert [button.defaultAction() for button in pane.action_buttons] == [importing, refreshing]
    with qtbot.waitSignal(refreshing.triggered):
        qtbot.mouseClick(pane.action_buttons[1], Qt.MouseButton.LeftButton)
    pane.show_no_data([importing])
    assert [button.defaultAction() for button in pane.action_buttons] == [importing]
    with qtbot.waitSignal(importing.triggered):
        qtbot.mouseClick(pane.action_buttons[0], Qt.MouseButton.LeftButton)


def test_external_counts_are_a_small_line(qtbot):
    pane = shown(qtbot, ReportPane())
    pane.show_report(Counts(cited_by=1, citation_statements=1, mentioning=1), {2020: Counter({M: 1})})
    pane.show_external("scite", {"supporting": 3, "mentioning": 47, "contrasting": 0})
    pane.show_external("OpenAlex", {"cited_by": 1234})
    assert pane.external_labels["scite"].text() == "scite: supporting 3 · mentioning 47 · contrasting 0"
    assert pane.external_labels["OpenAlex"].text() == "OpenAlex: cited by 1,234"
    pane.show_external("scite", {"supporting": 4, "contrasting": None})
    assert pane.external_labels["scite"].text() == "scite: supporting 4"
    pane.show_report(Counts(cited_by=1, citation_statements=1, mentioning=1), {})
    assert pane.external_labels == {}


def test_no_chart_when_no_citing_work_has_a_year(qtbot):
    pane = shown(qtbot, ReportPane())
    pane.show_report(Counts(cited_by=2, citation_statements=3, mentioning=3), {})
    assert not pane.chart.isVisible() and not pane.chart_caption.isVisible()
    assert plain(pane.undated_label) == "No chart by year: none of the citing works has a year."
    pane.show_report(Counts(cited_by=2, citation_statements=3, mentioning=3), {2001: Counter({M: 3})})
    assert pane.chart.isVisible() and not pane.undated_label.isVisible()


def test_clear_shows_nothing(qtbot):
    pane = shown(qtbot, ReportPane())
    pane.show_report(Counts(cited_by=1, citation_statements=1, mentioning=1), {})
    pane.clear()
    assert pane.showing() == "blank"
    assert not any(label.isVisible() for label in pane.findChildren(QLabel))


# Year chart


def test_chart_without_years(qtbot):
    chart = shown(qtbot, YearChart(), width=450, height=120)
    chart.set_counts({})
    assert chart.years() == [] and chart.max_count() == 0 and chart.labelled_years() == []
    assert not chart.grab().isNull()
    assert chart.year_at(QPointF(200, 60)) is None


def test_chart_with_one_year(qtbot):
    chart = shown(qtbot, YearChart(), width=450, height=120)
    chart.set_counts({2019: Counter({S: 1, M: 3})})
    assert chart.years() == [2019] and chart.labelled_years() == [2019] and chart.max_count() == 4
    segments = chart.bar_rects(2019)
    assert [stance for stance, _ in segments] == [S, M]
    plot = chart.plot_rect()
    assert segments[0][1].bottom() == pytest.approx(plot.bottom())
    assert segments[1][1].top() == pytest.approx(plot.top())
    assert segments[1][1].height() == pytest.approx(3 * segments[0][1].height())
    assert segments[0][1].width() < 40, "one year is one slim bar, not the whole width"
    assert chart.tooltip_text(2019) == "2019: 4 citing statements\nSupporting: 1\nMentioning: 3"


@pytest.mark.parametrize("width", [450, 600])
def test_chart_over_forty_years_with_gaps(qtbot, width):
    years = {year: Counter({M: year % 7, S: 1}) for year in range(1985, 2025) if year % 4 != 3}
    chart = shown(qtbot, YearChart(), width=width, height=120)
    chart.set_counts(years)
    assert chart.years() == list(range(1985, 2025))
    assert chart.bar_rects(1987) == [] and chart.tooltip_text(1987) == "1987: no citing statements"
    step = chart.label_step()
    labelled = chart.labelled_years()
    assert step in (2, 5, 10) and all(year % step == 0 for year in labelled) and len(labelled) >= 4
    inside = chart.rect()
    for year in years:
        for _, rect in chart.bar_rects(year):
            assert inside.contains(rect.toAlignedRect())
    busiest = max(years, key=lambda year: sum(years[year].values()))
    assert sum(rect.height() for _, rect in chart.bar_rects(busiest)) == pytest.approx(chart.plot_rect().height())
    assert not chart.grab().isNull()


def test_few_years_are_all_labelled(qtbot):
    chart = shown(qtbot, YearChart(), width=450, height=120)
    chart.set_counts({2004: Counter({U: 21}), 2009: Counter({U: 58})})
    assert chart.years() == [2004, 2005, 2006, 2007, 2008, 2009]
    assert chart.labelled_years() == chart.years()


def test_chart_tooltip_names_the_year_under_the_mouse(qtbot):
    chart = shown(qtbot, YearChart(), width=450, height=120)
    chart.set_counts({2020: Counter({S: 2}), 2022: Counter({C: 1, U: 4})})
    centre = chart.bar_rects(2022)[0][1].center().toPoint()
    assert chart.year_at(QPointF(centre)) == 2022
    event = QHelpEvent(QEvent.Type.ToolTip, centre, chart.mapToGlobal(centre))
    chart.event(event)
    qtbot.waitUntil(lambda: QToolTip.text() == "2022: 5 citing statements\nContrasting: 1\nUnclassified: 4")
    QToolTip.hideText()


def test_chart_size_hint_is_about_120_px_high():
    assert 100 <= YearChart().sizeHint().height() <= 140
