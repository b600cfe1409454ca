"""The library table's model: Qt's model checks, paging as the view scrolls, sorting and searching in SQL."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QModelIndex, Qt

from citedesk import jobs
from citedesk.gui.models.papers import PAGE_SIZE, PaperIdRole, PaperTableModel
from citedesk.library import listing
from citedesk.library.listing import COLUMN_NAMES, ListQuery, Scope
from citedesk.reads import Reads

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """A library of 1,050 real-looking entries: more than five pages."""
    folder = tmp_path_factory.mktemp("model")
    entries = [
        f"@article{{paper{n:04d},\n  title = {{{'Parsing' if n % 3 else 'Tagging'} study number {n}}},\n"
        f"  author = {{Author{n % 17}, A.}},\n  year = {1990 + n % 30},\n  journal = {{Journal {n % 5}}},\n}}\n"
        for n in range(1050)
    ]
    (folder / "many.bib").write_text("\n".join(entries), encoding="utf-8")
    jobs.import_bibtex(folder / "l.sqlite", [folder / "many.bib"], workers=1)
    return folder / "l.sqlite"


@pytest.fixture
def model(library):
    reads = Reads.open(library)
    yield PaperTableModel(reads)
    reads.close()


def test_qt_model_checks(qtmodeltester, model):
    model.set_query(ListQuery(sort="title", descending=False))
    qtmodeltester.check(model)


def test_rows_are_fetched_a_page_at_a_time(model):
    model.set_query(ListQuery())
    assert model.rowCount() == PAGE_SIZE and model.total == 1050
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 1050
    assert len({model.index(row, 0).data(PaperIdRole) for row in range(1050)}) == 1050


def test_sort_by_header_is_done_in_sql(model):
    year = COLUMN_NAMES.index("year")
    model.sort(year, Qt.SortOrder.AscendingOrder)
    assert model.query.sort == "year" and not model.query.descending
    first = [model.index(row, year).data() for row in range(5)]
    assert first == ["1990"] * 5
    model.sort(year, Qt.SortOrder.DescendingOrder)
    assert model.index(0, year).data() == "2019"


def test_search_and_scope(model):
    model.set_query(ListQuery())
    model.set_search("tagging year:1990..1994")
    expected = sum(1 for n in range(1050) if n % 3 == 0 and n % 30 < 5)
    assert model.total == len(listing.matching_ids(model.reads.db, model.query)) == expected == 70
    model.set_scope(Scope("file", 99))
    assert model.total == 0 and model.rowCount() == 0


def test_row_of_fetches_up_to_a_far_row(model):
    model.set_query(ListQuery(sort="citekey", descending=False))
    last = model.reads.db.execute("SELECT id FROM papers WHERE citekey = 'paper1049'").fetchone()[0]
    assert model.row_of(last) == 1049
    assert model.index(1049, COLUMN_NAMES.index("citekey")).data() == "paper1049"


def test_refresh_keeps_the_loaded_rows(model):
    model.set_query(ListQuery())
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    model.refresh()
    assert model.rowCount() == 3 * PAGE_SIZE


def test_display_values(model):
    model.set_query(ListQuery(sort="citekey", descending=False))
    row = {name: model.index(0, i).data() for i, name in enumerate(COLUMN_NAMES)}
    assert row["title"] == "Tagging study number 0"
    assert row["authors"] == "Author0"
    assert row["type"] == "article" and row["cited_by"] is None
    assert len(row["added"]) == 10  # a date
    assert model.index(0, COLUMN_NAMES.index("year")).data(Qt.ItemDataRole.TextAlignmentRole) & int(
        Qt.AlignmentFlag.AlignRight
    )


def test_changed_rows_are_shown_in_place_unless_the_change_moves_them(tmp_path, qtbot):
    (tmp_path / "l.bib").write_text(
        "".join(f"@misc{{k{n}, title = {{Title {n}}}, year = {2000 + n}}}\n" for n in range(5)), encoding="utf-8"
    )
    library = tmp_path / "l.sqlite"
    jobs.import_bibtex(library, [tmp_path / "l.bib"], workers=1)
    reads = Reads.open(library)
    model = PaperTableModel(reads)
    model.set_query(ListQuery(sort="year", descending=False))
    ids = {row.citekey: row.id for row in model.rows}
    changed, resets = [], []
    model.dataChanged.connect(lambda first, last: changed.append((first.row(), last.column())))
    model.modelReset.connect(lambda: resets.append(None))
    jobs.edit_paper(library, ids["k2"], fields={"title": "{Retitled elsewhere}"})
    assert model.refresh_rows([ids["k2"]]) is True
    assert changed == [(2, len(listing.COLUMNS) - 1)] and resets == []
    assert model.index(2, COLUMN_NAMES.index("title")).data() == "Retitled elsewhere"
    jobs.edit_paper(library, ids["k0"], fields={"year": "{2010}"})  # now sorts last: the list is read again
    assert model.refresh_rows([ids["k0"]]) is False
    reads.close()
