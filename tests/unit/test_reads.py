"""The read façade and its records: frozen, built from the named columns of their queries (so a query that
lists its columns in another order, or one more, still gives the same records), and one count by year."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path

import pytest

from citedesk import jobs, reads
from citedesk.library import queries, statement_view
from citedesk.library.records import column_picker, records
from citedesk.model import CitedeskError, Stance
from citedesk.reads import UNKNOWN_YEAR, Counts, Direction, ListQuery, Reads

ACL_ID = "W06-3112"


@pytest.fixture
def library(small_library: Path) -> Path:
    """The small library, with one more statement citing tse2017 from a work known only by its ACL id."""
    extra = small_library.parent / "acl.jsonl"
    extra.write_text(
        json.dumps({"cited_key": "tse2017", "citing_key": ACL_ID, "text": "An undated mention.", "label": "mentioning"})
        + "\n",
        encoding="utf-8",
    )
    jobs.import_statements(small_library, extra)
    return small_library


@pytest.fixture
def opened(library: Path):
    with Reads.open(library) as library_reads:
        yield library_reads


def reversed_select(sql: str, extra: str) -> str:
    """The query with the columns of its (first) SELECT list in reverse order and one more column first."""
    head, rest = sql.split("SELECT", 1)
    columns, tail = rest.split("\nFROM", 1)
    listed = [column.strip() for column in _split_columns(columns)]
    return f"{head}SELECT {extra}, {', '.join(reversed(listed))}\nFROM{tail}"


def _split_columns(text: str) -> list[str]:
    """The comma-separated items of a SELECT list, commas inside parentheses kept."""
    items, depth, current = [], 0, ""
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            items.append(current)
            current = ""
        else:
            current += char
    return [*items, current]


# The records


def test_the_records_are_frozen(opened):
    paper = opened.paper_by_key("tse2017")
    row = opened.rows(ListQuery()).rows[0]
    summary = opened.summary(paper.id)
    item = opened.statements(paper.id)[0]
    for record, name in (
        (paper, "title"),
        (row, "title"),
        (summary.counts, "cited_by"),
        (summary, "paper"),
        (item, "text"),
        (item.work, "title"),
        (opened.stats(), "papers"),
        (opened.sidebar(), "total"),
    ):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, name, None)


def test_a_paper_has_its_values_fields_and_file(opened):
    paper = opened.paper_by_key("TSE2017")  # any case
    assert (paper.citekey, paper.entry_type, paper.year, paper.venue) == (
        "tse2017",
        "article",
        2017,
        "Psychiatry Research",
    )
    assert paper.doi == "10.1016/j.psychres.2017.05.007" and paper.abstract_source is None
    title = "{A one-year longitudinal qualitative study of peer support services in a non-{W}estern context}"
    assert paper.fields[0] == ("title", title)
    assert paper.raw.startswith("@article{tse2017,") and paper.source_file == "small.bib"
    assert opened.paper(paper.id) == paper


def test_a_paper_without_an_abstract_shows_the_one_a_source_fetched(opened):
    paper = opened.paper_by_key("smith2019")
    opened.db.execute(
        "UPDATE works SET abstract = 'Fetched.', source = 'semanticscholar' WHERE paper_id = ?", [paper.id]
    )
    fetched = opened.paper(paper.id)
    assert (fetched.abstract, fetched.abstract_source) == ("Fetched.", "semanticscholar")
    own = opened.paper_by_key("tse2017")
    opened.db.execute("UPDATE works SET abstract = 'Other.', source = 'openalex' WHERE paper_id = ?", [own.id])
    assert opened.paper(own.id).abstract == own.abstract and opened.paper(own.id).abstract_source is None


def test_an_unknown_paper_is_one_sentence(opened):
    with pytest.raises(CitedeskError, match=r"No paper with the key 'tse' in the library \(did you mean tse2017"):
        opened.paper_by_key("tse")
    with pytest.raises(CitedeskError, match="no longer in the library"):
        opened.paper(10_000)


def test_a_paper_is_read_by_column_name_whatever_the_order_of_the_columns(opened, monkeypatch):
    before = opened.paper_by_key("garcia2021")
    monkeypatch.setattr(queries, "_PAPER_SQL", reversed_select(queries._PAPER_SQL, "'x' AS unused"))
    assert opened.paper_by_key("garcia2021") == before


def test_statements_are_read_by_column_name_whatever_the_order_of_the_columns(opened, monkeypatch):
    paper = opened.paper_id_of_key("tse2017")
    before = opened.statements(paper)
    monkeypatch.setattr(statement_view, "_LOAD_SQL", reversed_select(statement_view._LOAD_SQL, "1 AS unused"))
    after = opened.statements(paper)
    assert after == before and [item.work for item in after] == [item.work for item in before]
    assert {item.work.display_title for item in after} >= {"Peer support in Asia: a review", f"ACL Anthology {ACL_ID}"}


def test_rows_of_the_list_have_a_value_under_each_column_name(opened):
    page = opened.rows(ListQuery(sort="year", descending=False), limit=2)
    assert [(row.citekey, row.year, row.type) for row in page.rows] == [
        ("nolan2015", 2015, "book"),
        ("tse2017", 2017, "article"),
    ]
    assert page.rows[1].value("authors") == page.rows[1].authors == "Tse et al."
    names = [field.name for field in dataclasses.fields(reads.ListRow)]
    assert names == ["id", *reads.COLUMN_NAMES, "watched", "new_statements"]  # the marks beside the title last
    assert (page.rows[1].watched, page.rows[1].new_statements) == (0, None)
    rest = opened.rows(ListQuery(sort="year", descending=False), page.after)
    assert [row.citekey for row in rest.rows] == ["smith2019", "garcia2021"] and rest.after is None


def test_records_take_columns_by_name_and_leave_the_others(opened):
    cursor = opened.db.execute("SELECT 7 AS papers, 'x' AS unused, 'Tagged' AS name, 3 AS id")
    assert list(records(cursor, reads.SidebarEntry)) == [reads.SidebarEntry(id=3, name="Tagged", papers=7)]
    cursor = opened.db.execute("SELECT 1 AS id")
    with pytest.raises(KeyError, match="no column name"):
        column_picker(cursor, ("id", "name"))


def test_counts_by_stance(opened):
    counts = opened.counts(opened.paper_id_of_key("tse2017"))
    assert counts == Counts(
        cited_by=5, citation_statements=6, supporting=1, mentioning=3, contrasting=1, unclassified=1
    )
    assert counts.stances() == {
        Stance.SUPPORTING: 1,
        Stance.MENTIONING: 3,
        Stance.CONTRASTING: 1,
        Stance.UNCLASSIFIED: 1,
    }
    assert opened.counts(opened.paper_id_of_key("nolan2015")) == Counts()


# One count by year


def test_the_summary_the_report_and_the_chart_count_by_year_the_same(opened):
    paper = opened.paper_id_of_key("tse2017")
    items = opened.statements(paper)
    by_hand: dict[int, Counter[Stance]] = {}
    for item in items:
        by_hand.setdefault(item.work.year or UNKNOWN_YEAR, Counter())[item.stance] += 1
    assert opened.years(paper) == opened.summary(paper).years == opened.report(paper).years == by_hand
    assert list(opened.years(paper)) == [UNKNOWN_YEAR, 2019, 2020, 2021, 2022]


# Reading on another thread's connection


def test_reading_opens_reads_and_closes(library):
    summary = reads.reading(
        library, lambda library_reads: library_reads.summary(library_reads.paper_id_of_key("tse2017"))
    )
    assert summary.paper.citekey == "tse2017" and summary.has_citation_data and summary.tags == ()


def test_the_citing_works_newest_first_as_citedesk_show_lists_them(opened):
    groups = reads.works_newest_first(opened.statements(opened.paper_id_of_key("tse2017"), Direction.CITED_BY))
    assert [(group.work.year, group.work.display_title) for group in groups] == [
        (2022, "An untitled preprint"),
        (2021, "Evaluating peer support: a randomised trial"),
        (2020, "Peer support in Asia: a review"),
        (2019, "Peer workers in community mental health: a replication"),
        (None, f"ACL Anthology {ACL_ID}"),
    ]
    assert [len(group.items) for group in groups] == [1, 1, 1, 2, 1]
