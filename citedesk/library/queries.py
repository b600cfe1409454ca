"""Read papers back: one paper as a `Paper`, full-text search that never fails on user input, library totals."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import sqlite_utils

from citedesk.library.listing import ROW_VALUES, ListRow
from citedesk.library.records import field_names, records
from citedesk.library.search import fts_query, parse_search
from citedesk.model import CitedeskError

__all__ = [
    "LibraryStats",
    "Paper",
    "citekeys_of",
    "fts_query",
    "library_stats",
    "paper_by_id",
    "paper_by_key",
    "paper_id_of_key",
    "search_papers",
    "source_file_name",
]


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper of the library as the fronts show it: its entry's values, its text and fields as imported (or
    edited), and the file it came from. Values the entry lacks are None."""

    id: int
    citekey: str
    entry_type: str
    title: str | None = None
    authors: str | None = None  # "Given Family; Given Family", decoded
    authors_short: str | None = None  # "Family et al."
    year: int | None = None
    venue: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    url: str | None = None
    abstract: str | None = None  # the entry's own, else the one a source fetched
    abstract_source: str | None = None  # the source that fetched the abstract; None when it is the entry's
    keywords: str | None = None
    raw: str = ""  # the entry's BibTeX text
    fields: tuple[tuple[str, str], ...] = ()  # (name, raw value), in the entry's order
    modified: int = 0  # see editing.UNEDITED, REWRITTEN, SPLICED
    source_file_id: int | None = None
    source_file: str | None = None  # the name of the file it was imported from
    line: int | None = None  # where its entry starts in that file
    added_at: str | None = None
    updated_at: str | None = None
    watched: bool = False
    seen_statement_id: int | None = None  # the latest statement when the paper was last opened; None: never opened
    new_statements: int = 0  # citing statements stored since then


_FETCHED = ("abstract", "abstract_source", "source_file")  # the columns not read from `papers` as they are
_PAPER_SQL = f"""
SELECT {", ".join(f"papers.{name}" for name in field_names(Paper) if name not in _FETCHED)},
       source_files.name AS source_file,
       CASE WHEN coalesce(papers.abstract, '') = '' AND works.abstract != '' THEN works.abstract
            ELSE papers.abstract END AS abstract,
       CASE WHEN coalesce(papers.abstract, '') = '' AND works.abstract != '' THEN works.source END AS abstract_source
FROM papers
LEFT JOIN source_files ON source_files.id = papers.source_file_id
LEFT JOIN works ON works.paper_id = papers.id AND works.abstract IS NOT NULL
WHERE {{where}}
"""


def search_papers(db: sqlite_utils.Database, text: str = "", limit: int | None = None) -> Iterator[ListRow]:
    """Papers matching a search (see `search.parse_search`), as rows of the list: best match first, or in
    import order."""
    search = parse_search(text)
    where, params = search.where(with_fts=False)
    if search.fts_query is None:
        sql = f"SELECT papers.id AS id, {ROW_VALUES} FROM papers WHERE {where} ORDER BY papers.id LIMIT ?"
    else:
        sql = (
            f"SELECT papers.id AS id, {ROW_VALUES} FROM papers_fts JOIN papers ON papers.id = papers_fts.rowid "
            f"WHERE papers_fts MATCH ? AND {where} ORDER BY papers_fts.rank LIMIT ?"
        )
        params.insert(0, search.fts_query)
    return records(db.execute(sql, [*params, -1 if limit is None else limit]), ListRow)


def paper_by_key(db: sqlite_utils.Database, key: str) -> Paper:
    """The paper with this citation key, in any case; a CitedeskError that suggests keys if there is none."""
    paper = _paper(db, "papers.citekey = ? COLLATE NOCASE", key)
    if paper is None:
        raise CitedeskError(f"No paper with the key {key!r} in the library{_suggestion(db, key)}")
    return paper


def paper_by_id(db: sqlite_utils.Database, paper_id: int) -> Paper:
    """The paper with this id; a CitedeskError if it is no longer in the library."""
    paper = _paper(db, "papers.id = ?", paper_id)
    if paper is None:
        raise CitedeskError("That paper is no longer in the library")
    return paper


def paper_id_of_key(db: sqlite_utils.Database, key: str) -> int | None:
    """The id of the paper with this citation key (any case), None if there is none."""
    found = db.execute("SELECT id FROM papers WHERE citekey = ? COLLATE NOCASE", [key]).fetchone()
    return found[0] if found else None


def citekeys_of(db: sqlite_utils.Database, paper_ids: list[int]) -> list[str]:
    """The citation keys of these papers (those still in the library)."""
    if not paper_ids:
        return []
    marks = ",".join("?" * len(paper_ids))
    return [row[0] for row in db.execute(f"SELECT citekey FROM papers WHERE id IN ({marks})", paper_ids)]


def source_file_name(db: sqlite_utils.Database, source_file_id: int) -> str | None:
    """The name an imported file had, None if it is no longer known."""
    found = db.execute("SELECT name FROM source_files WHERE id = ?", [source_file_id]).fetchone()
    return found[0] if found else None


def _paper(db: sqlite_utils.Database, where: str, value: object) -> Paper | None:
    return next(
        records(
            db.execute(_PAPER_SQL.format(where=where), [value]),
            Paper,
            fields=_field_pairs,
            watched=bool,
            new_statements=_zero_if_none,
        ),
        None,
    )


def _zero_if_none(value: int | None) -> int:
    return value or 0


def _field_pairs(stored: str) -> tuple[tuple[str, str], ...]:
    """The `fields` column (JSON, [[name, raw value], ...]) as pairs."""
    return tuple((name, value) for name, value in json.loads(stored))


def _suggestion(db: sqlite_utils.Database, key: str) -> str:
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", key[:6]) + "%"
    rows = db.execute(
        "SELECT citekey FROM papers WHERE citekey LIKE ? ESCAPE '\\' ORDER BY length(citekey) LIMIT 3", [pattern]
    ).fetchall()
    return f" (did you mean {', '.join(row[0] for row in rows)}?)" if rows else ""


@dataclass(frozen=True)
class LibraryStats:
    """The totals `citedesk stats` prints."""

    path: str  # the library's file
    papers: int
    files: int  # imported files
    works: int  # citing or cited works that are not papers of the library
    statements: int
    stances: tuple[tuple[str, int], ...]  # statements by stance, most first
    per_file: tuple[tuple[str, int], ...]  # (path, papers) of each imported file, in import order


def library_stats(db: sqlite_utils.Database) -> LibraryStats:
    """Totals for `citedesk stats`: papers, files, works, statements by stance, papers per file."""
    stances = db.execute("SELECT stance, count(*) FROM statements GROUP BY stance ORDER BY 2 DESC").fetchall()
    per_file = db.execute(
        "SELECT source_files.path, count(papers.id) FROM source_files "
        "LEFT JOIN papers ON papers.source_file_id = source_files.id GROUP BY source_files.id ORDER BY source_files.id"
    ).fetchall()
    return LibraryStats(
        path=db.execute("PRAGMA database_list").fetchone()[2],
        papers=_count(db, "SELECT count(*) FROM papers"),
        files=_count(db, "SELECT count(*) FROM source_files"),
        works=_count(db, "SELECT count(*) FROM works WHERE paper_id IS NULL"),
        statements=_count(db, "SELECT count(*) FROM statements"),
        stances=tuple(map(tuple, stances)),
        per_file=tuple(map(tuple, per_file)),
    )


def _count(db: sqlite_utils.Database, sql: str) -> int:
    return int(db.execute(sql).fetchone()[0])
