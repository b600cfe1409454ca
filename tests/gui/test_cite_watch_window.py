"""Cite, the watch star, new statements and the report's explanation in the real window, offscreen."""

from __future__ import annotations

import json

import pytest
from PySide6.QtGui import QGuiApplication
from test_main_window import make_window, select

from citedesk import jobs
from citedesk.gui.citing import STYLE_KEY
from citedesk.gui.widgets.explanation_view import CLOSE, OPEN
from citedesk.library.listing import COLUMN_NAMES

pytestmark = pytest.mark.gui

TSE_APA = "Tse, S., Tsoi, E. W. S., Hamilton, B., O’Hagan, M., Shepherd, G., Slade, M., Whitley, R., & Petrakis, M."


def reference_shown(window) -> str:
    return window.citer.view.reference_text()


def test_the_details_pane_shows_the_reference_and_cite_copies_text_and_html(qtbot, small_library):
    window = make_window(qtbot, small_library.parent)
    select(qtbot, window, "tse2017")
    qtbot.waitUntil(lambda: reference_shown(window).startswith("Tse, S."), timeout=10_000)
    assert "(2017)" in reference_shown(window) and "Psychiatry Research" in reference_shown(window)
    window.citer.copy_action.trigger()
    qtbot.waitUntil(lambda: bool(window.citer.copied), timeout=10_000)
    data = QGuiApplication.clipboard().mimeData()
    assert data.text() == reference_shown(window)
    assert "<i>Psychiatry Research</i>" in data.html() and 'class="csl-entry"' in data.html()

    window.citer.view.choose("ieee")  # the picker: the reference is formatted again, and the choice kept
    qtbot.waitUntil(lambda: reference_shown(window).startswith("[1] "), timeout=10_000)
    assert window.settings.value(STYLE_KEY) == "ieee"
    window.close()
    again = make_window(qtbot, small_library.parent)
    assert again.citer.style == "ieee"
    again.close()


def test_cite_copies_every_selected_paper_in_order(qtbot, small_library):
    window = make_window(qtbot, small_library.parent)
    select(qtbot, window, "tse2017")
    window.select_all()
    window.citer.copy_action.trigger()
    qtbot.waitUntil(lambda: len(window.citer.copied) == 4, timeout=10_000)
    text = QGuiApplication.clipboard().text()
    assert len(text.splitlines()) == 4 and "Nolan, P. (2015). Recovery Stories. Routledge." in text
    assert window.statusBar().currentMessage().startswith("Copied 4 references in APA")
    window.close()


def new_statement(library, cited: str, text: str) -> None:
    """One more citing statement, stored by another program while the window is open."""
    rows = library.parent / "more.jsonl"
    rows.write_text(json.dumps({"cited_key": cited, "citing_title": "A new citing work", "text": text}) + "\n")
    jobs.import_statements(library, rows)


def test_the_star_watches_and_new_statements_are_counted_until_the_paper_is_opened(qtbot, small_library):
    window = make_window(qtbot, small_library.parent)
    select(qtbot, window, "tse2017")
    star = window.details.star_button
    assert star.isVisible() and star.text() == "\u2606"
    star.click()
    qtbot.waitUntil(lambda: window.reads.sidebar().watched == 1, timeout=10_000)
    assert star.text() == "\u2605"
    select(qtbot, window, "smith2019")  # away from it, then a statement arrives
    new_statement(small_library, "tse2017", "Peer support workers were studied in Hong Kong (Tse et al., 2017).")
    qtbot.waitUntil(lambda: window.reads.sidebar().watched_new == 1, timeout=10_000)
    qtbot.waitUntil(lambda: "Watched · 1 new" in sidebar_texts(window), timeout=10_000)
    row = window.model.row_of(window.reads.paper_id_of_key("tse2017"))
    title = window.model.index(row, COLUMN_NAMES.index("title")).data()
    assert title.startswith("\u2605 ") and title.endswith("· 1 new")

    select(qtbot, window, "tse2017")  # opened: the new one is marked in the pane, then no longer counted
    assert window.statements._delegate.seen_statement_id is not None
    report = window.reports.report
    new = [item for item in report.cited_by if item.id > window.statements._delegate.seen_statement_id]
    assert [item.text for item in new] == ["Peer support workers were studied in Hong Kong (Tse et al., 2017)."]
    qtbot.waitUntil(lambda: window.reads.sidebar().watched_new == 0, timeout=10_000)
    qtbot.waitUntil(lambda: "Watched  (1)" in sidebar_texts(window), timeout=10_000)
    window.close()


def sidebar_texts(window) -> list[str]:
    model = window.sidebar.tree_model
    return [model.item(0).child(row).text() for row in range(model.item(0).rowCount())]


def test_the_explanation_opens_under_the_report_and_follows_the_selection(qtbot, small_library):
    window = make_window(qtbot, small_library.parent)
    select(qtbot, window, "tse2017")
    view = window.explanation
    assert view.toggle_button.text() == OPEN and not view.text_label.isVisible()
    view.toggle_button.click()
    assert view.toggle_button.text() == CLOSE
    qtbot.waitUntil(lambda: "5 citation statements" in view.text(), timeout=10_000)
    select(qtbot, window, "nolan2015")
    qtbot.waitUntil(lambda: "nothing to explain" in view.text(), timeout=10_000)  # still open, for the new paper
    assert "5 citation statements" not in view.text()
    view.toggle_button.click()
    assert not view.text_label.isVisible() and view.toggle_button.text() == OPEN
    window.close()
