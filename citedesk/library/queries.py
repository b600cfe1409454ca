"""Read papers back: full-text search that never fails on user input, one paper, library totals."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import sqlite_utils

from citedesk.library.search import fts_query, parse_search
from citedesk.model import CitedeskError

__all__ = ["fts_query", "search_papers", "paper_by_key", "paper_by_id", "library_stats", "paper_id_of_key",
           "citekeys_of", "source_file_name"]

_LIST_COLUMNS = ", ".join(f"papers.{name}" for name in ("id", "citekey", "year", "authors_short", "title", "venue", "entry_type"))


def search_papers(db: sqlite_utils.Database, text: str = "", limit: int | None = None) -> Iterator[dict]:
    """Papers matching a search (see `search.parse_search`): best match first, or in import order."""
    search = parse_search(text)
    where, params = search.where(with_fts=False)
    if search.fts_query is None:
        sql = f"SELECT {_LIST_COLUMNS} FROM papers WHERE {where} ORDER BY papers.id LIMIT ?"
    else:
        sql = (
            f"SELECT {_LIST_COLUMNS} FROM papers_fts JOIN papers ON papers.id = papers_fts.rowid "
            f"WHERE papers_fts MATCH ? AND {where} ORDER BY papers_fts.rank LIMIT ?"
        )
        params.insert(0, search.fts_query)
    cursor = db.execute(sql, [*params, -1 if limit is None else limit])
    names = [column[0] for column in cursor.description]
    return (dict(zip(names, row)) for row in cursor)


def paper_by_key(db: sqlite_utils.Database, key: str) -> dict:
    """Every column of the paper with this citation key, plus its fields as a list."""
    paper = _paper(db, "citekey = ? COLLATE NOCASE", key)
    if paper is None:
        raise CitedeskError(f"No paper with the key {key!r} in the library{_suggestion(db, key)}")
    return paper


def paper_by_id(db: sqlite_utils.Database, paper_id: int) -> dict:
    """Every column of the paper with this id, plus its fields as a list."""
    paper = _paper(db, "id = ?", paper_id)
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


def _paper(db: sqlite_utils.Database, where: str, value: object) -> dict | None:
    cursor = db.execute(f"SELECT * FROM papers WHERE {where}", [value])
    row = cursor.fetchone()
    if row is None:
        return None
    paper = dict(zip([column[0] for column in cursor.description], row))
    paper["field_list"] = json.loads(paper["fields"])
    return paper


def _suggestion(db: sqlite_utils.Database, key: str) -> str:
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", key[:6]) + "%"
    rows = db.execute(
        "SELECT citekey FROM papers WHERE citekey LIKE ? ESCAPE '\\' ORDER BY length(citekey) LIMIT 3", [pattern]
    ).fetchall()
    return f" (did you mean {', '.join(row[0] for row in rows)}?)" if rows else ""


def library_stats(db: sqlite_utils.Database) -> dict:
    """Totals for `citedesk stats`: papers, files, works, statements by stance, papers per file."""
    stances = dict(db.execute("SELECT stance, count(*) FROM statements GROUP BY stance ORDER BY 2 DESC").fetchall())
    per_file = db.execute(
        "SELECT source_files.path, count(papers.id) FROM source_files "
        "LEFT JOIN papers ON papers.source_file_id = source_files.id GROUP BY source_files.id ORDER BY source_files.id"
    ).fetchall()
    return {
        "path": db.execute("PRAGMA database_list").fetchone()[2],
        "papers": _count(db, "SELECT count(*) FROM papers"),
        "files": _count(db, "SELECT count(*) FROM source_files"),
        "works": _count(db, "SELECT count(*) FROM works WHERE paper_id IS NULL"),
        "statements": _count(db, "SELECT count(*) FROM statements"),
        "stances": stances,
        "per_file": per_file,
    }


def _count(db: sqlite_utils.Database, sql: str) -> int:
    return db.execute(sql).fetchone()[0]
