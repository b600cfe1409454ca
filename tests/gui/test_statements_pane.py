"""The citing-statements pane: its model, grouping, filters with counts, search, order, actions and speed."""

from __future__ import annotations

import inspect
import random
import time
from collections import Counter
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QPoint, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QListView, QStyleOptionViewItem

from citedesk.gui.models import statements as statements_model
from citedesk.gui.models.statements import Role, RowKind, StatementsModel, find_hits, format_citation
from citedesk.gui.widgets import statement_delegate
from citedesk.gui.widgets.statement_delegate import Fonts, StatementDelegate, statement_layout
from citedesk.gui.widgets.statements_pane import FacetButton, StatementsPane
from citedesk.library.db import open_library
from citedesk.library.statement_view import Direction, Filters, Item, Order, Work, build_view, load_items
from citedesk.model import Section, Stance

pytestmark = pytest.mark.gui


HTML_STATEMENT = "Several qualitative studies <b>describe</b> peer support (Tse et al., 2017; Nolan, 2015)."


def paper_id(db, citekey: str) -> int:
    return db.execute("SELECT id FROM papers WHERE citekey = ?", [citekey]).fetchone()[0]


@pytest.fixture
def library(small_library: Path):
    db = open_library(small_library)
    yield db
    db.close()


@pytest.fixture
def cited_by(library) -> list[Item]:
    return load_items(library, paper_id(library, "tse2017"), Direction.CITED_BY)


@pytest.fixture
def references(library) -> list[Item]:
    return load_items(library, paper_id(library, "garcia2021"), Direction.REFERENCES)


@pytest.fixture
def pane(qtbot, cited_by, references) -> StatementsPane:
    pane = StatementsPane()
    qtbot.addWidget(pane)
    pane.resize(620, 700)
    pane.show()
    qtbot.waitExposed(pane)
    pane.set_items(cited_by, references)
    return pane


def list_of(pane: StatementsPane) -> QListView:
    return pane.findChild(QListView, "statement-list")


def model_of(pane: StatementsPane) -> StatementsModel:
    return list_of(pane).model()


def rows(model: StatementsModel) -> list[tuple[RowKind, str]]:
    return [(RowKind(model.index(r).data(Role.KIND)), model.index(r).data()) for r in range(model.rowCount())]


def row_of_text(model: StatementsModel, text: str) -> int:
    return next(r for r, (_, shown) in enumerate(rows(model)) if text in shown)


def summary(pane: StatementsPane) -> str:
    return pane.findChild(QLabel, "statement-summary").text()


def chip_text(pane: StatementsPane, stance: Stance) -> str:
    return " ".join(pane.findChild(QObject, f"stance-{stance.value}").text().split())


def menu_entries(button: FacetButton) -> dict[str, str]:
    """The facet menu's values as label -> count, as the person sees them."""
    button.menu().aboutToShow.emit()
    entries = [action.text() for action in button.menu().actions() if action.isCheckable()]
    return dict(entry.replace("&&", "&").split("\t") for entry in entries)


def select(pane: StatementsPane, row: int) -> None:
    view = list_of(pane)
    view.setFocus()
    view.setCurrentIndex(model_of(pane).index(row))


def click_row(qtbot, pane: StatementsPane, row: int, double: bool = False) -> None:
    view = list_of(pane)
    rect = view.visualRect(model_of(pane).index(row))
    click = qtbot.mouseDClick if double else qtbot.mouseClick
    click(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.left() + 60, rect.center().y()))


# -- the model ------------------------------------------------------------------------------------


def test_model_passes_the_model_tester_collapsed_and_expanded(qtmodeltester, cited_by):
    model = StatementsModel()
    model.set_view(build_view(cited_by, Filters()), Filters(text="peer").terms)
    qtmodeltester.check(model)
    more = next(r for r, (kind, _) in enumerate(rows(model)) if kind is RowKind.MORE)
    model.toggle_group(model.index(more))
    qtmodeltester.check(model)
    model.toggle_group(model.index(more + 1))
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)


def test_each_citing_paper_is_a_header_with_its_first_statement_and_see_more(cited_by):
    model = StatementsModel()
    model.set_view(build_view(cited_by, Filters()))
    kinds = [kind for kind, _ in rows(model)]
    assert kinds.count(RowKind.HEADER) == model.group_count == 4
    assert kinds.count(RowKind.STATEMENT) == 4  # smith2019's second statement is folded away
    assert rows(model)[:3] == [
        (RowKind.HEADER, "Peer workers in community mental health: a replication"),
        (
            RowKind.STATEMENT,
            "Our results are consistent with Tse et al. (2017), who found that peer workers felt valued.",
        ),
        (RowKind.MORE, "See 1 more statement from this paper"),
    ]


def test_see_more_expands_in_place_and_collapses_again(qtbot, pane):
    model = model_of(pane)
    more = row_of_text(model, "See 1 more")
    count = model.rowCount()
    click_row(qtbot, pane, more)
    assert model.rowCount() == count + 1
    assert rows(model)[more] == (
        RowKind.STATEMENT,
        "Peer support was studied longitudinally in Hong Kong (Tse et al., 2017).",
    )
    assert rows(model)[more + 1] == (RowKind.MORE, "Show fewer")
    select(pane, more + 1)
    qtbot.keyClick(list_of(pane), Qt.Key.Key_Return)
    assert model.rowCount() == count
    assert rows(model)[more] == (RowKind.MORE, "See 1 more statement from this paper")
    click_row(qtbot, pane, more, double=True)
    assert model.rowCount() == count + 1


def test_expanded_groups_stay_expanded_while_filtering_but_not_for_a_new_paper(qtbot, pane, cited_by, references):
    model = model_of(pane)
    model.toggle_group(model.index(row_of_text(model, "See 1 more")))
    pane.findChild(QObject, "stance-contrasting").click()
    pane.findChild(QObject, "stance-contrasting").click()
    assert any(text == "Show fewer" for _, text in rows(model))
    pane.set_items(cited_by, references)
    assert not any(text == "Show fewer" for _, text in rows(model))


# -- filters and counts ----------------------------------------------------------------------------


def test_chips_and_menus_show_counts_that_follow_the_other_filters(pane):
    assert [chip_text(pane, stance) for stance in Stance] == [
        "Supporting 1",
        "Mentioning 2",
        "Contrasting 1",
        "Unclassified 1",
    ]
    section = pane.findChild(FacetButton, "facet-section")
    # "4 Discussion" and "1 Introduction" are normalised to Discussion and Introduction when stored.
    assert menu_entries(section) == {"Discussion": "1", "Introduction": "2", "Results": "1", "Unknown section": "1"}
    assert summary(pane) == "Showing 5 of 5 statements from 4 publications"

    pane.findChild(QObject, "stance-mentioning").click()
    assert summary(pane) == "Showing 2 of 5 statements from 2 publications"
    # The stance counts ignore the stance filter itself; the other facets count mentioning statements only.
    assert chip_text(pane, Stance.SUPPORTING) == "Supporting 1"
    assert menu_entries(section) == {"Discussion": "0", "Introduction": "2", "Results": "0", "Unknown section": "0"}

    section.selectionChanged.emit("section", frozenset({"introduction"}))
    pane.findChild(QObject, "stance-mentioning").click()  # off again: introduction only
    assert [chip_text(pane, stance) for stance in Stance] == [
        "Supporting 0",
        "Mentioning 2",
        "Contrasting 0",
        "Unclassified 0",
    ]
    assert not pane.findChild(QObject, "stance-supporting").isEnabled()
    assert section.text() == "Section (1) \u25be"


def test_ticking_a_value_in_a_facet_menu_filters(pane):
    relationship = pane.findChild(FacetButton, "facet-relationship")
    menu_entries(relationship)
    self_citation = next(a for a in relationship.menu().actions() if a.text().startswith("Self-citation"))
    self_citation.trigger()
    assert summary(pane) == "Showing 1 of 5 statements from 1 publication"
    assert rows(model_of(pane))[0] == (RowKind.HEADER, "Evaluating peer support: a randomised trial")
    assert self_citation.isChecked() and self_citation.text() == "Self-citation\t1"


def test_year_range_and_clear_filters(pane):
    pane.findChild(QObject, "year-from").setValue(2020)
    assert summary(pane) == "Showing 3 of 5 statements from 3 publications"
    pane.findChild(QObject, "year-to").setValue(2021)
    assert summary(pane) == "Showing 2 of 5 statements from 2 publications"
    assert pane.findChild(QObject, "facet-year").text() == "2020\u20132021 \u25be"
    clear = pane.findChild(QObject, "clear-filters")
    assert clear.isVisible()
    clear.click()
    assert summary(pane) == "Showing 5 of 5 statements from 4 publications"
    assert not clear.isVisible()


def test_long_facets_list_the_most_frequent_values_and_find_the_others(qtbot):
    button = FacetButton("author", "Authors", str, find_hint="Find a citing author")
    qtbot.addWidget(button)
    counts = {f"Author {n:02d}": n for n in range(1, 31)}
    button.show_counts(Counter(counts), list(counts), frozenset({"Author 02"}))
    assert button.values()[:3] == ["Author 02", "Author 30", "Author 29"]
    assert len(button.values()) == 13  # the ticked one, then the top twelve
    button.findChild(QLineEdit).setText("author 0")
    assert button.values() == [
        "Author 02",
        "Author 09",
        "Author 08",
        "Author 07",
        "Author 06",
        "Author 05",
        "Author 04",
        "Author 03",
        "Author 01",
    ]


def test_the_search_box_filters_as_you_type(qtbot, pane):
    search = pane.findChild(QLineEdit, "statement-search")
    qtbot.keyClicks(search, "hong kong")
    qtbot.waitUntil(lambda: summary(pane) == "Showing 1 of 5 statements from 1 publication")
    model = model_of(pane)
    statement = model.index(1)
    assert statement.data() == "Peer support was studied longitudinally in Hong Kong (Tse et al., 2017)."
    hong = statement.data().index("Hong")
    assert statement.data(Role.HITS) == [(hong, hong + 4), (hong + 5, hong + 9)]
    search.clear()
    qtbot.waitUntil(lambda: summary(pane) == "Showing 5 of 5 statements from 4 publications")


def test_search_hits_are_found_without_case_or_accents():
    assert find_hits("Réplication of the ÉTUDE", Filters(text="replic etude").terms) == [(0, 11), (19, 24)]
    assert find_hits("peer-reviewed peers", Filters(text='"peer reviewed"').terms) == [(0, 13)]
    assert find_hits("Nothing here", Filters(text="peer").terms) == []


@pytest.mark.parametrize(
    "order, years",
    [(Order.NEWEST, [2022, 2021, 2020, 2019]), (Order.OLDEST, [2019, 2020, 2021, 2022])],
)
def test_the_order_combo_orders_the_citing_papers(pane, order, years):
    combo = pane.findChild(QObject, "statement-order")
    combo.setCurrentIndex(combo.findData(order))
    model = model_of(pane)
    headers = [
        model.index(r).data(Role.WORK).year
        for r in range(model.rowCount())
        if model.index(r).data(Role.KIND) == RowKind.HEADER
    ]
    assert headers == years


def test_a_new_paper_resets_the_filters_but_keeps_the_order(pane, cited_by, references):
    combo = pane.findChild(QObject, "statement-order")
    combo.setCurrentIndex(combo.findData(Order.CONFIDENCE))
    pane.findChild(QObject, "stance-supporting").click()
    pane.findChild(QLineEdit, "statement-search").setText("peer")
    pane.set_items(cited_by, references)
    assert summary(pane) == "Showing 5 of 5 statements from 4 publications"
    assert pane.findChild(QLineEdit, "statement-search").text() == ""
    assert combo.currentData() == Order.CONFIDENCE
    first = model_of(pane).index(1).data(Role.ITEM)
    assert first.confidence == 0.99


def test_tabs_count_statements_and_switch_to_the_references(pane):
    tabs = pane.findChild(QObject, "statement-tabs")
    assert [tabs.tabText(n) for n in range(tabs.count())] == ["Cited by (5)", "References (2)"]
    tabs.setCurrentIndex(1)
    assert summary(pane) == "Showing 2 of 2 statements from 2 publications"
    assert {text for kind, text in rows(model_of(pane)) if kind is RowKind.HEADER} == {
        "Peer workers in community mental health: a replication",
        "A one-year longitudinal qualitative study of peer support services in a non-Western context",
    }
    tabs.setCurrentIndex(0)
    assert summary(pane) == "Showing 5 of 5 statements from 4 publications"


def test_no_paper_shows_the_message_in_the_list(pane):
    pane.clear("No citing statements are stored for this paper yet.")
    assert model_of(pane).rowCount() == 0
    assert list_of(pane).placeholder() == "No citing statements are stored for this paper yet."
    assert summary(pane) == ""
    assert not pane.findChild(QObject, "statement-search").isEnabled()
    assert not pane.grab().isNull()


def test_filters_that_match_nothing_say_so(pane):
    pane.findChild(QLineEdit, "statement-search").setText("zzzz")
    pane.findChild(QLineEdit, "statement-search").returnPressed.emit()
    assert model_of(pane).rowCount() == 0
    assert list_of(pane).placeholder() == "No statements match these filters."


# -- showing untrusted text ------------------------------------------------------------------------


def test_html_in_a_statement_is_shown_as_the_characters_it_is(pane):
    model = model_of(pane)
    row = row_of_text(model, "<b>describe</b>")
    index = model.index(row)
    assert index.data() == HTML_STATEMENT
    item = index.data(Role.ITEM)
    layout = statement_layout(item, [], Fonts.of(pane.font()), 400)
    assert layout.text() == HTML_STATEMENT  # laid out as plain text, tags and all
    source = inspect.getsource(statement_delegate) + inspect.getsource(statements_model)
    assert "QTextDocument" not in source and "setHtml" not in source and "RichText" not in source
    assert not pane.grab().isNull()


def test_the_lines_under_a_statement(cited_by):
    by_text = {item.text[:12]: item for item in cited_by}
    discussion = by_text["Our results "]
    assert statement_delegate.section_text(discussion) == "Section: 4 Discussion"
    assert statement_delegate.confidence_text(discussion) == "confidence 91%"
    unknown = by_text["Tse et al. 2"]
    assert statement_delegate.section_text(unknown) == ""
    assert statement_delegate.confidence_text(unknown) == ""
    assert statement_delegate.header_text(unknown.work) == "2022"
    review = by_text["Several qual"]
    assert (
        statement_delegate.header_text(review.work)
        == "Wei Chen, Ling Wu \u00b7 2020 \u00b7 Asian Journal of Psychiatry \u00b7 Review"
    )


def test_rows_grow_when_the_pane_narrows(qtbot, pane):
    view, model = list_of(pane), model_of(pane)
    index = model.index(row_of_text(model, "Our results"))  # one line at 620 pixels, two at 520
    qtbot.waitUntil(lambda: view.visualRect(index).height() > 0)
    wide = view.visualRect(index).height()
    pane.resize(520, 700)
    qtbot.waitUntil(lambda: view.visualRect(index).height() > wide)


def test_a_new_paper_is_measured_afresh(qtbot, pane):
    pane.set_items(many_items(12), [])  # statement ids 0..11, as in the small library: no stale heights
    view, model = list_of(pane), model_of(pane)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    fresh = StatementDelegate()
    qtbot.waitUntil(lambda: view.visualRect(model.index(model.rowCount() - 1)).height() > 0)
    for row in range(model.rowCount()):
        assert view.visualRect(model.index(row)).height() == fresh.sizeHint(option, model.index(row)).height()


def test_rows_are_as_high_as_their_wrapped_text(pane):
    view = list_of(pane)
    delegate = view.itemDelegate()
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    model = model_of(pane)
    index = model.index(row_of_text(model, "<b>describe</b>"))
    view.resize(620, 700)
    wide = delegate.sizeHint(option, index).height()
    view.resize(300, 700)
    narrow = delegate.sizeHint(option, index).height()
    assert narrow > wide


# -- actions on a statement ------------------------------------------------------------------------


def test_copy_puts_the_statement_and_its_citing_paper_on_the_clipboard(qtbot, pane):
    select(pane, row_of_text(model_of(pane), "<b>describe</b>"))
    with qtbot.waitSignal(pane.statusMessage) as status:
        qtbot.keyClick(list_of(pane), Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert status.args == ["Copied statement with citation"]
    assert QGuiApplication.clipboard().text() == (
        f'"{HTML_STATEMENT}"\n'
        "Wei Chen, Ling Wu (2020). Peer support in Asia: a review. Asian Journal of Psychiatry. "
        "https://doi.org/10.1000/other.2020"
    )


def test_copy_from_the_context_menu(pane):
    model = model_of(pane)
    index = model.index(row_of_text(model, "Unlike Tse"))
    menu = pane._context_menu(index)
    copy = next(action for action in menu.actions() if action.text() == "Copy statement with citation")
    copy.trigger()
    assert QGuiApplication.clipboard().text() == (
        '"Unlike Tse et al. (2017), we found no effect of peer support on recovery scores."\n'
        "María García, Samson Tse (2021). Evaluating peer support: a randomised trial. Journal of Mental Health. "
        "https://doi.org/10.1000/jmh.2021.1"
    )


def test_copy_on_a_header_copies_the_paper_citation(qtbot, pane):
    select(pane, row_of_text(model_of(pane), "Evaluating peer support"))
    with qtbot.waitSignal(pane.statusMessage) as status:
        qtbot.keyClick(list_of(pane), Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert status.args == ["Copied citation"]
    assert QGuiApplication.clipboard().text() == (
        "María García, Samson Tse (2021). Evaluating peer support: a randomised trial. Journal of Mental Health. "
        "https://doi.org/10.1000/jmh.2021.1"
    )


def test_citations_leave_out_what_is_unknown():
    work = Work(1, "Is it? A question", None, None, None, None, None, None)
    assert format_citation(work) == "Is it? A question."
    work = Work(1, "Title", "Ann Smith", 2001, "Nature.", None, "10.1/x", None)
    assert format_citation(work) == "Ann Smith (2001). Title. Nature. https://doi.org/10.1/x"


def test_add_to_library_emits_the_citing_work_id(qtbot, pane):
    model = model_of(pane)
    row = row_of_text(model, "<b>describe</b>")
    work = model.index(row).data(Role.WORK)
    assert work.paper_key is None
    select(pane, row)
    with qtbot.waitSignal(pane.addToLibraryRequested) as added:
        qtbot.keyClick(
            list_of(pane), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
    assert added.args == [work.id]
    menu = pane._context_menu(model.index(row))
    add = next(action for action in menu.actions() if action.text() == "Add citing paper to library")
    with qtbot.waitSignal(pane.addToLibraryRequested) as added:
        add.trigger()
    assert added.args == [work.id]


def test_add_to_library_is_disabled_for_papers_already_in_it(qtbot, pane):
    model = model_of(pane)
    row = row_of_text(model, "Our results")
    menu = pane._context_menu(model.index(row))
    states = {action.text(): action.isEnabled() for action in menu.actions() if action.text()}
    assert states == {
        "Copy statement with citation": True,
        "Open citing paper's DOI": False,  # smith2019 has no DOI
        "Add citing paper to library": False,
        "See 1 more from this paper": True,
    }
    select(pane, row)
    with qtbot.assertNotEmitted(pane.addToLibraryRequested):
        qtbot.keyClick(
            list_of(pane), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )


class UrlCatcher(QObject):
    """Stands in for the web browser."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[QUrl] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.urls.append(url)


def test_open_doi_opens_the_citing_paper_at_doi_org(qtbot, pane):
    catcher = UrlCatcher()
    QDesktopServices.setUrlHandler("https", catcher, "open")
    try:
        select(pane, row_of_text(model_of(pane), "Unlike Tse"))
        qtbot.keyClick(
            list_of(pane), Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
    finally:
        QDesktopServices.unsetUrlHandler("https")
    assert [url.toString() for url in catcher.urls] == ["https://doi.org/10.1000/jmh.2021.1"]


# -- many statements -------------------------------------------------------------------------------


def many_items(count: int) -> list[Item]:
    rng = random.Random(7)
    words = [
        "peer",
        "support",
        "recovery",
        "service",
        "users",
        "workers",
        "qualitative",
        "study",
        "model",
        "results",
        "effect",
    ]
    works = [
        Work(
            n,
            f"Citing work {n}: " + " ".join(rng.sample(words, 5)),
            f"Ann Smith{n % 97}; Bo Lee{n % 53}",
            rng.randint(1995, 2024),
            f"Journal {n % 40}",
            rng.choice(["journal-article", "conference-paper", None]),
            f"10.1000/{n}" if n % 3 else None,
            None,
        )
        for n in range(count // 4)
    ]
    items = []
    for n in range(count):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(8, 70))) + " (Tse et al., 2017)."
        marker = (len(text) - 19, len(text) - 1)
        items.append(
            Item(
                n,
                text,
                marker,
                rng.choice(list(Section)),
                None,
                rng.choice(list(Stance)),
                rng.random(),
                [],
                "test",
                works[n % len(works)],
                rng.random() < 0.1,
                False,
            )
        )
    return items


def test_ten_thousand_statements_open_and_filter_without_a_pause(qtbot, pane):
    items = many_items(10_000)
    started = time.perf_counter()
    pane.set_items(items, [])
    image = pane.grab()
    opened = time.perf_counter() - started
    assert not image.isNull()
    assert summary(pane) == "Showing 10000 of 10000 statements from 2500 publications"
    started = time.perf_counter()
    pane.findChild(QObject, "stance-supporting").click()
    pane.grab()
    filtered = time.perf_counter() - started
    assert model_of(pane).rowCount() > 0
    list_of(pane).verticalScrollBar().setValue(list_of(pane).verticalScrollBar().maximum())
    assert not pane.grab().isNull()
    # Generous bounds (measured about 0.12 s and 0.08 s): they catch a widget per row or an O(n^2) slip.
    assert opened < 2.0 and filtered < 2.0


def distinct_colours(image) -> int:
    image = image.toImage()
    return len({image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)})


def test_a_paper_cited_thousands_of_times_has_its_statements_on_screen_at_once(qtbot, pane):
    pane.set_items(many_items(10_000), [])
    QApplication.processEvents()
    assert distinct_colours(list_of(pane).viewport().grab()) > 2  # not a blank list waiting for its layout
    assert model_of(pane).rowCount() < 10_000  # only the first groups have rows so far


def headers(model: StatementsModel) -> int:
    return sum(model.index(r).data(Role.KIND) == RowKind.HEADER for r in range(model.rowCount()))


def test_the_model_gives_a_page_of_groups_rows_at_a_time(qtmodeltester):
    model = StatementsModel()
    view = build_view(many_items(1_000), Filters())  # 250 citing works
    model.set_view(view)
    assert headers(model) == statements_model.GROUPS_PER_PAGE and model.canFetchMore()
    model.fetchMore()
    assert headers(model) == 2 * statements_model.GROUPS_PER_PAGE
    qtmodeltester.check(model)  # which fetches more itself
    while model.canFetchMore():
        model.fetchMore()
    titles = [
        model.index(r).data() for r in range(model.rowCount()) if model.index(r).data(Role.KIND) == RowKind.HEADER
    ]
    assert titles == [group.work.title for group in view.groups]  # every work once, in the view's order
    qtmodeltester.check(model)


def test_scrolling_to_the_end_of_the_list_brings_the_next_citing_works(qtbot, pane):
    pane.set_items(many_items(2_000), [])
    view, model = list_of(pane), model_of(pane)
    before = model.rowCount()
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() > 0)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: model.rowCount() > before)


def test_finding_a_statement_far_down_gives_its_work_rows_first():
    model = StatementsModel()
    view = build_view(many_items(1_000), Filters())
    model.set_view(view)
    last = view.groups[-1].items[0]
    row = model.row_of_item(last.id)
    assert row >= 0 and model.item_at(model.index(row)) is last
    assert model.row_of_item(-1) == -1


def test_screenshot_of_the_pane(pane, tmp_path):
    model = model_of(pane)
    model.toggle_group(model.index(row_of_text(model, "See 1 more")))
    pane.findChild(QLineEdit, "statement-search").setText("peer")
    pane.findChild(QLineEdit, "statement-search").returnPressed.emit()
    QApplication.processEvents()
    assert pane.grab().save(str(tmp_path / "statements_pane.png"))
