"""The library list: its columns, the scope and search that filter it, keyset pages of rows, counts and the sidebar."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import sqlite_utils

from citedesk.library.db import SORT_INDEXES
from citedesk.library.records import column_picker, record_maker, records
from citedesk.library.search import Search, parse_search

RECENT_DAYS = 30


@dataclass(frozen=True)
class Column:
    """One column of the list: its name, header, the papers column shown and the indexed sort expression."""

    name: str
    label: str
    sql: str
    short: str = ""  # a narrower header, when the label is long
    largest_first: bool = False  # a first click on the header sorts descending (counts, dates)

    @property
    def header(self) -> str:
        return self.short or self.label

    @property
    def key(self) -> str:
        """The expression rows are sorted by: exactly that of the column's index, so sorting seeks."""
        return SORT_INDEXES[f"idx_sort_{self.name}"]


COLUMNS = (
    Column("title", "Title", "title"),
    Column("authors", "Authors", "authors_short"),
    Column("year", "Year", "year"),
    Column("venue", "Venue", "venue"),
    Column("type", "Type", "entry_type"),
    Column("citekey", "Key", "citekey"),
    Column("cited_by", "Cited by", "cited_by", largest_first=True),
    Column("supporting", "Supporting", "supporting", "Supp.", largest_first=True),
    Column("mentioning", "Mentioning", "mentioning", "Ment.", largest_first=True),
    Column("contrasting", "Contrasting", "contrasting", "Contr.", largest_first=True),
    Column("added", "Added", "added_at", largest_first=True),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)
_BY_NAME = {column.name: column for column in COLUMNS}
ROW_VALUES = (  # a ListRow's values: the columns', then the marks shown beside the title
    ", ".join(f"papers.{column.sql} AS {column.name}" for column in COLUMNS)
    + ", papers.watched AS watched, papers.new_statements AS new_statements"
)


@dataclass(frozen=True, slots=True)
class ListRow:
    """One row of the list: the paper's id and the value of each column, under the column's name."""

    id: int
    title: str | None
    authors: str | None  # the short form, "Tse et al."
    year: int | None
    venue: str | None
    type: str | None  # the entry type
    citekey: str
    cited_by: int | None
    supporting: int | None
    mentioning: int | None
    contrasting: int | None
    added: str | None
    watched: int = 0  # 1 when the person watches the paper
    new_statements: int | None = None  # citing statements stored since the paper was last opened

    def value(self, column: str) -> object:
        """The value shown in the column of this name."""
        return getattr(self, column)


@dataclass(frozen=True)
class Scope:
    """Which part of the library the sidebar selects: everything, recent additions, one file or one tag."""

    kind: str = "all"  # all | recent | watched | file | tag
    id: int | None = None

    def where(self) -> tuple[str, list[object]]:
        """The SQL condition over `papers` for this scope."""
        if self.kind == "recent":
            return "papers.added_at >= ?", [recent_cutoff()]
        if self.kind == "watched":
            return "papers.watched = 1", []
        if self.kind == "file":
            return "papers.source_file_id = ?", [self.id]
        if self.kind == "tag":
            return "papers.id IN (SELECT paper_id FROM paper_tags WHERE tag_id = ?)", [self.id]
        return "1", []


ALL = Scope()


def recent_cutoff() -> str:
    """The added_at value from which a paper counts as recently added."""
    moment = datetime.now(UTC) - timedelta(days=RECENT_DAYS)
    return moment.isoformat(timespec="seconds")


class SortKey(NamedTuple):
    """Where a row stands in the sort order: the keyset to continue after."""

    value: object
    id: int


class Page(NamedTuple):
    """Rows and the key to continue after, None at the end."""

    rows: list[ListRow]
    after: SortKey | None


@dataclass(frozen=True)
class ListQuery:
    """A scope, a search text and a sort: everything that decides which rows are listed, in what order."""

    scope: Scope = ALL
    search: str = ""
    sort: str = "added"
    descending: bool = True
    parsed: Search = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.sort not in _BY_NAME:
            raise ValueError(f"unknown sort column {self.sort!r}")
        object.__setattr__(self, "parsed", parse_search(self.search))

    def where(self, with_fts: bool = True) -> tuple[str, list[object]]:
        """The SQL condition over `papers` and its parameters (see `Search.where`)."""
        scope_sql, scope_params = self.scope.where()
        search_sql, search_params = self.parsed.where(with_fts)
        return f"{scope_sql} AND {search_sql}", [*scope_params, *search_params]

    @property
    def key(self) -> str:
        """The sort expression; the id breaks ties. Missing values count as '' or 0."""
        return _BY_NAME[self.sort].key

    def order_sql(self) -> str:
        direction = " DESC" if self.descending else ""
        return f"{self.key}{direction}, papers.id{direction}"

    def after_sql(self) -> str:
        """The condition for rows after a key; parameters: value, value, id. The first,
        redundant comparison lets SQLite seek in the sort index instead of scanning."""
        later = "<" if self.descending else ">"
        return f"{self.key} {later}= ? AND ({self.key}, papers.id) {later} (?, ?)"


def page(db: sqlite_utils.Database, query: ListQuery, after: SortKey | None = None, limit: int = 200) -> Page:
    """Up to `limit` rows after the key (from the start when None), by keyset: no OFFSET scans."""
    where, params = query.where()
    if after is not None:
        where += f" AND {query.after_sql()}"
        params += [after.value, after.value, after.id]
    sql = (
        f"SELECT {query.key} AS sort_key, papers.id AS id, {ROW_VALUES} FROM papers WHERE {where} "
        f"ORDER BY {query.order_sql()} LIMIT ?"
    )
    cursor = db.execute(sql, [*params, limit + 1])
    key_of, row_of = column_picker(cursor, ("sort_key", "id")), record_maker(cursor, ListRow)
    found = cursor.fetchall()
    rows = [row_of(row) for row in found[:limit]]
    return Page(rows, SortKey(*key_of(found[limit - 1])) if len(found) > limit else None)


def rows_of(db: sqlite_utils.Database, paper_ids: Sequence[int]) -> dict[int, ListRow]:
    """The list rows of these papers, by id (those still in the library)."""
    found: dict[int, ListRow] = {}
    for start in range(0, len(paper_ids), 500):
        chunk = list(paper_ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        cursor = db.execute(f"SELECT papers.id AS id, {ROW_VALUES} FROM papers WHERE papers.id IN ({marks})", chunk)
        found.update((row.id, row) for row in records(cursor, ListRow))
    return found


def count(db: sqlite_utils.Database, query: ListQuery) -> int:
    """How many papers the query lists; a search counts from the full-text matches outwards."""
    if query.parsed.fts_query is None:
        where, params = query.where()
        return int(db.execute(f"SELECT count(*) FROM papers WHERE {where}", params).fetchone()[0])
    where, params = query.where(with_fts=False)
    if not params and where == "1 AND 1":
        return int(
            db.execute("SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?", [query.parsed.fts_query]).fetchone()[
                0
            ]
        )
    sql = f"SELECT count(*) FROM papers_fts JOIN papers ON papers.id = papers_fts.rowid WHERE papers_fts MATCH ? AND {where}"
    return int(db.execute(sql, [query.parsed.fts_query, *params]).fetchone()[0])


def matching_ids(db: sqlite_utils.Database, query: ListQuery) -> list[int]:
    """The ids of every listed paper, in list order (for exporting a search result)."""
    where, params = query.where()
    sql = f"SELECT papers.id FROM papers WHERE {where} ORDER BY {query.order_sql()}"
    return [row[0] for row in db.execute(sql, params)]


def position_of(db: sqlite_utils.Database, query: ListQuery, paper_id: int) -> int | None:
    """The row number of a paper in the list, None if the query does not list it."""
    where, params = query.where()
    key = db.execute(f"SELECT {query.key} FROM papers WHERE {where} AND papers.id = ?", [*params, paper_id]).fetchone()
    if key is None:
        return None
    earlier = ">" if query.descending else "<"
    # two counts that walk the sort index alone, cheaper than one row-value comparison per row
    sql = f"SELECT count(*) FROM papers WHERE {where} AND {query.key} {earlier} ?"
    ahead = int(db.execute(sql, [*params, key[0]]).fetchone()[0])
    sql = f"SELECT count(*) FROM papers WHERE {where} AND {query.key} = ? AND papers.id {earlier} ?"
    return ahead + int(db.execute(sql, [*params, key[0], paper_id]).fetchone()[0])


class SidebarEntry(NamedTuple):
    """An imported file or a tag, with how many papers it has."""

    id: int
    name: str
    papers: int


@dataclass(frozen=True)
class Sidebar:
    """What the sidebar lists, with counts: the whole library, recent additions, files and tags."""

    total: int
    recent: int
    files: list[SidebarEntry]
    tags: list[SidebarEntry]
    watched: int = 0
    watched_new: int = 0  # new statements on the watched papers


def sidebar(db: sqlite_utils.Database) -> Sidebar:
    """The sidebar's entries and counts, in one pass over small tables and two indexed counts."""
    files = list(
        records(
            db.execute(
                "SELECT f.id AS id, f.name AS name, count(p.id) AS papers FROM source_files f "
                "LEFT JOIN papers p ON p.source_file_id = f.id GROUP BY f.id HAVING count(p.id) > 0 "
                "ORDER BY f.name COLLATE NOCASE, f.id"
            ),
            SidebarEntry,
        )
    )
    tags = list(
        records(
            db.execute(
                "SELECT tags.id AS id, tags.name AS name, count(pt.paper_id) AS papers FROM tags "
                "LEFT JOIN paper_tags pt ON pt.tag_id = tags.id GROUP BY tags.id ORDER BY tags.name COLLATE NOCASE"
            ),
            SidebarEntry,
        )
    )
    total = db.execute("SELECT count(*) FROM papers").fetchone()[0]
    recent = db.execute("SELECT count(*) FROM papers WHERE added_at >= ?", [recent_cutoff()]).fetchone()[0]
    watched, watched_new = db.execute(
        "SELECT count(*), coalesce(sum(new_statements), 0) FROM papers WHERE watched = 1"
    ).fetchone()
    return Sidebar(total, recent, files, tags, watched, watched_new)
