"""The library list: keyset pages give every row once in the right order, for every column, scope and search."""

from __future__ import annotations

import random

import pytest

from citedesk import jobs
from citedesk.library import listing
from citedesk.library.db import SORT_INDEXES, open_library
from citedesk.library.listing import COLUMNS, ListQuery, Scope
from citedesk.library.tags import tag_papers

ENTRY_TYPES = ["article", "inproceedings", "book", "misc"]
WORDS = ["neural", "parsing", "translation", "Zebra", "apple", "Éclair", "ontology", "graph"]


def entry(number: int, rng: random.Random) -> str:
    """A BibTeX entry with a deliberately sparse and tie-heavy set of values."""
    fields = [f"  title = {{{rng.choice(WORDS)} {rng.choice(WORDS)}}}" if number % 11 else ""]
    if number % 7:
        fields.append(f"  year = {rng.choice([1999, 2005, 2005, 2019])}")
    if number % 5:
        fields.append(f"  author = {{{rng.choice(['Tse, S.', 'Ng, A. and Li, B.', 'Öz, C. and Li, B. and Wu, D.'])}}}")
    if number % 3:
        fields.append(f"  journal = {{{rng.choice(['ACL', 'EMNLP', 'Nature'])}}}")
    body = ",\n".join(field for field in fields if field)
    return f"@{rng.choice(ENTRY_TYPES)}{{key{number:04d},\n{body}\n}}\n"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("listing")
    rng = random.Random(7)
    first, second = folder / "first.bib", folder / "second.bib"
    first.write_text("\n".join(entry(n, rng) for n in range(450)), encoding="utf-8")
    second.write_text("\n".join(entry(n, rng) for n in range(450, 530)), encoding="utf-8")
    jobs.import_bibtex(folder / "library.sqlite", [first], workers=1)
    jobs.import_bibtex(folder / "library.sqlite", [second], workers=1)
    database = open_library(folder / "library.sqlite")
    database.execute("UPDATE papers SET cited_by = id % 4, supporting = id % 3 WHERE id % 2 = 0")
    tag_papers(database, range(1, 60), "to read")
    database.conn.commit()
    yield database
    database.close()


def all_pages(db, query: ListQuery, size: int) -> list[int]:
    ids, after = [], None
    while True:
        page = listing.page(db, query, after, size)
        ids += [row.id for row in page.rows]
        if page.after is None:
            return ids
        after = page.after


def python_order(db, query: ListQuery) -> list[int]:
    """The expected order, computed in Python from the rows the query selects."""
    column = next(c for c in COLUMNS if c.name == query.sort)
    rows = db.execute(f"SELECT id, {column.sql} FROM papers WHERE {query.where()[0]}", query.where()[1]).fetchall()

    def key(row):
        value = row[1]
        if isinstance(value, str) or (value is None and column.name not in listing_numeric()):
            return ((value or "").lower(), row[0])
        return (value or 0, row[0])

    return [row[0] for row in sorted(rows, key=key, reverse=query.descending)]


def listing_numeric() -> set[str]:
    return {"year", "cited_by", "supporting", "mentioning", "contrasting"}


@pytest.mark.parametrize("column", [column.name for column in COLUMNS])
@pytest.mark.parametrize("descending", [False, True])
def test_pages_join_into_the_sorted_list(db, column, descending):
    query = ListQuery(sort=column, descending=descending)
    expected = python_order(db, query)
    assert len(expected) == 530
    assert all_pages(db, query, 37) == expected
    assert listing.matching_ids(db, query) == expected


@pytest.mark.parametrize("search", ["", "neural", "year:2005", "type:book", "author:li title:graph", 'tag:"to read"'])
@pytest.mark.parametrize("scope", [Scope(), Scope("file", 2), Scope("tag", 1), Scope("recent")])
def test_search_and_scope_select_the_same_rows_in_pages_and_count(db, search, scope):
    query = ListQuery(scope=scope, search=search, sort="title", descending=False)
    ids = all_pages(db, query, 50)
    assert len(ids) == len(set(ids)) == listing.count(db, query)
    assert ids == python_order(db, query)


def test_every_sort_expression_has_its_index(db):
    plans = {}
    for column in COLUMNS:
        query = ListQuery(sort=column.name, descending=False)
        plan = db.execute(f"EXPLAIN QUERY PLAN SELECT id FROM papers ORDER BY {query.order_sql()} LIMIT 5").fetchall()
        plans[column.name] = " ".join(row[-1] for row in plan)
    assert all("USING INDEX idx_sort_" in plan and "TEMP B-TREE" not in plan for plan in plans.values()), plans
    assert {f"idx_sort_{column.name}" for column in COLUMNS} == set(SORT_INDEXES)


def test_a_later_page_seeks_instead_of_scanning(db):
    query = ListQuery(sort="title", descending=True)
    sql = f"SELECT id FROM papers WHERE {query.after_sql()} ORDER BY {query.order_sql()} LIMIT 5"
    plan = " ".join(row[-1] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}", ["m", "m", 3]).fetchall())
    assert "SEARCH papers USING INDEX idx_sort_title" in plan


def test_position_of_is_the_row_number(db):
    for query in (ListQuery(sort="year"), ListQuery(sort="authors", descending=False, search="li")):
        ids = listing.matching_ids(db, query)
        for row in (0, 1, len(ids) // 2, len(ids) - 1):
            assert listing.position_of(db, query, ids[row]) == row
    assert listing.position_of(db, ListQuery(search="year:1999"), 1) in (None, *range(530))
    outside = db.execute("SELECT id FROM papers WHERE coalesce(year, 0) != 1999").fetchone()[0]
    assert listing.position_of(db, ListQuery(search="year:1999"), outside) is None


def test_sidebar_counts(db):
    bar = listing.sidebar(db)
    assert (bar.total, bar.recent) == (530, 530)
    assert [(name, count) for _, name, count in bar.files] == [("first.bib", 450), ("second.bib", 80)]
    assert [(name, count) for _, name, count in bar.tags] == [("to read", 59)]


def test_recent_means_added_in_the_last_thirty_days(db):
    db.execute("UPDATE papers SET added_at = '2001-01-01T00:00:00+00:00' WHERE id <= 10")
    try:
        assert listing.count(db, ListQuery(scope=Scope("recent"))) == 520
        assert listing.sidebar(db).recent == 520
    finally:
        db.conn.rollback()


def test_unknown_sort_column_is_refused():
    with pytest.raises(ValueError):
        ListQuery(sort="nonsense")
