"""Store checked statement rows in the library: works, citations and statements, each once."""

from __future__ import annotations

import json
import os
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from citedesk.library.tallies import mark_self_citations, update_tallies
from citedesk.library.statement_files import MalformedRow, RowError, StatementInput, parse_row, read_statement_rows
from citedesk.model import Cancelled, Problem, StatementImportReport

PROGRESS_EVERY = 200
_PUBLICATION_TYPES = {
    "article": "journal-article",
    "inproceedings": "conference-paper",
    "conference": "conference-paper",
    "proceedings": "proceedings",
    "book": "book",
    "inbook": "book-chapter",
    "incollection": "book-chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "techreport": "report",
}
_PAPER_COLUMNS = ("id", "citekey", "entry_type", "title", "authors", "year", "venue", "doi")

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


def store_statements(
    db: sqlite_utils.Database,
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> StatementImportReport:
    """Store the statements of one file in one transaction; Cancelled rolls everything back."""
    path = Path(path)
    rows = list(read_statement_rows(path))
    writer = _StatementWriter(db, str(path), path.name)
    # db.atomic() issues BEGIN: with `with db.conn:` alone, sqlite-utils' execute() commits each write.
    with db.atomic():
        for done, (line, raw) in enumerate(rows, start=1):
            if cancelled is not None and cancelled():
                raise Cancelled()
            writer.add(line, raw)
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(rows)):
                progress(done, len(rows))
        mark_self_citations(db)
        update_tallies(db, writer.cited_papers)
    return writer.report


def _now() -> str:
    """The current UTC time in ISO 8601, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _title_key(title: str, year: int | None) -> tuple[str, int | None]:
    """A title reduced to lower-case words without accents or punctuation, with the year."""
    decomposed = unicodedata.normalize("NFKD", title)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[\W_]+", " ", plain.casefold()).split()), year


class _StatementWriter:
    """Turns checked rows into works, citations and statements inside the open transaction."""

    def __init__(self, db: sqlite_utils.Database, file: str, default_source: str) -> None:
        self.db = db
        self.file = file
        self.default_source = default_source
        self.fetched_at = _now()
        self.report = StatementImportReport()
        self.cited_papers: set[int] = set()
        self._untitled: dict[tuple[str, int | None], int] | None = None

    def add(self, line: int, raw: dict) -> None:
        """Store one row, or record in the report why it was not stored."""
        if isinstance(raw, MalformedRow):
            self.report.invalid.append(Problem(self.file, line, raw.reason, raw.raw))
            return
        try:
            row = parse_row(raw, self.default_source)
        except RowError as exc:
            self.report.invalid.append(Problem(self.file, line, str(exc), _raw_text(raw)))
            return
        self._store(line, row)

    def _store(self, line: int, row: StatementInput) -> None:
        """Resolve both works, then the citation, then insert the statement once."""
        cited = self._cited_paper(row)
        if cited is None:
            reason = f"cites {row.cited_label}, which is not in the library"
            key = row.cited_key or row.cited_doi or ""
            self.report.unmatched.append(Problem(self.file, line, reason, row.text, key))
            return
        cited_work = self._work_for_paper(cited)
        self.cited_papers.add(cited["id"])
        citing_work = self._citing_work(row)
        if citing_work == cited_work:
            self.report.invalid.append(Problem(self.file, line, "the paper cites itself", row.text))
            return
        if self._insert_statement(self._citation(citing_work, cited_work, row), row):
            self.report.statements += 1
        else:
            self.report.already_present += 1

    # -- papers in the library

    def _paper(self, where: str, value: str) -> dict | None:
        """The first library paper matching `where` (a column = ? test)."""
        sql = f"SELECT {', '.join(_PAPER_COLUMNS)} FROM papers WHERE {where} ORDER BY id LIMIT 1"
        found = self.db.execute(sql, [value]).fetchone()
        return dict(zip(_PAPER_COLUMNS, found)) if found else None

    def _cited_paper(self, row: StatementInput) -> dict | None:
        """The cited paper by key, else by DOI."""
        paper = self._paper("citekey = ? COLLATE NOCASE", row.cited_key) if row.cited_key else None
        if paper is None and row.cited_doi:
            paper = self._paper("doi = ?", row.cited_doi)
        return paper

    # -- works

    def _scalar(self, sql: str, params: list[Any]) -> Any:
        """The first column of the first row of a query, or None."""
        found = self.db.execute(sql, params).fetchone()
        return found[0] if found else None

    def _insert_work(self, values: dict[str, Any]) -> int:
        """Insert a works row and return its id."""
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.db.execute(f"INSERT INTO works ({columns}) VALUES ({marks})", list(values.values()))
        return int(cursor.lastrowid)

    def _work_for_paper(self, paper: dict) -> int:
        """The work of a library paper: linked already, else adopted by DOI, else created."""
        work_id = self._scalar("SELECT id FROM works WHERE paper_id = ?", [paper["id"]])
        if work_id is not None:
            return int(work_id)
        if paper["doi"]:
            row = self.db.execute("SELECT id, paper_id FROM works WHERE doi = ?", [paper["doi"]]).fetchone()
            if row and row[1] is None:
                self.db.execute("UPDATE works SET paper_id = ? WHERE id = ?", [paper["id"], row[0]])
                return int(row[0])
            if row:  # the DOI belongs to another library paper's work: do not take it
                paper = {**paper, "doi": None}
        return self._insert_work(_paper_work_values(paper))

    def _citing_work(self, row: StatementInput) -> int:
        """The citing work: the library paper by key, else by DOI, else by (title, year)."""
        paper = self._paper("citekey = ? COLLATE NOCASE", row.citing_key) if row.citing_key else None
        if paper is None and row.citing_doi:
            paper = self._paper("doi = ?", row.citing_doi)
        if paper is not None:
            return self._work_for_paper(paper)
        if row.citing_doi:
            return self._work_by_doi(row)
        return self._work_by_title(row)

    def _work_by_doi(self, row: StatementInput) -> int:
        """The work with the row's citing DOI, filled in from the row or created."""
        work_id = self._scalar("SELECT id FROM works WHERE doi = ?", [row.citing_doi])
        if work_id is None:
            return self._insert_work({"doi": row.citing_doi, **_row_work_values(row)})
        self._fill_work(int(work_id), row)
        return int(work_id)

    def _work_by_title(self, row: StatementInput) -> int:
        """A work without DOI matched by normalised (title, year); the key stands in for a missing title."""
        title = row.citing_title or str(row.citing_key)
        key = _title_key(title, row.citing_year)
        untitled = self._untitled_works()
        if key in untitled:
            self._fill_work(untitled[key], row)
            return untitled[key]
        work_id = self._insert_work({**_row_work_values(row), "title": title})
        untitled[key] = work_id
        return work_id

    def _untitled_works(self) -> dict[tuple[str, int | None], int]:
        """Existing works without DOI by normalised (title, year), loaded once per import."""
        if self._untitled is None:
            sql = "SELECT id, title, year FROM works WHERE doi IS NULL AND title IS NOT NULL ORDER BY id DESC"
            self._untitled = {_title_key(t, y): i for i, t, y in self.db.execute(sql).fetchall()}
        return self._untitled

    def _fill_work(self, work_id: int, row: StatementInput) -> None:
        """Fill the work's empty fields from the row, leaving known values alone."""
        values = {k: v for k, v in _row_work_values(row).items() if v is not None}
        if values:
            sets = ", ".join(f"{name} = COALESCE({name}, ?)" for name in values)
            self.db.execute(f"UPDATE works SET {sets} WHERE id = ?", [*values.values(), work_id])

    # -- citations and statements

    def _citation(self, citing: int, cited: int, row: StatementInput) -> int:
        """The citation of `cited` by `citing`, created once; records the row's source."""
        sql = (
            "SELECT id, sources, is_influential FROM citations WHERE citing_work_id = ? AND cited_work_id = ?"
        )
        found = self.db.execute(sql, [citing, cited]).fetchone()
        influential = None if row.is_influential is None else int(row.is_influential)
        if found is None:
            sql = "INSERT INTO citations (citing_work_id, cited_work_id, is_influential, sources) VALUES (?,?,?,?)"
            cursor = self.db.execute(sql, [citing, cited, influential, json.dumps([row.source])])
            return int(cursor.lastrowid)
        self._update_citation(found, row.source, influential)
        return int(found[0])

    def _update_citation(self, found: tuple, source: str, influential: int | None) -> None:
        """Add the source to a known citation and raise its is_influential flag if the row says so."""
        citation_id, sources, was_influential = found
        known = json.loads(sources) if sources else []
        merged = was_influential if influential is None else max(influential, was_influential or 0)
        if source not in known or merged != was_influential:
            known += [] if source in known else [source]
            sql = "UPDATE citations SET sources = ?, is_influential = ? WHERE id = ?"
            self.db.execute(sql, [json.dumps(known), merged, citation_id])

    def _insert_statement(self, citation_id: int, row: StatementInput) -> bool:
        """Insert the statement unless (citation, text) is already there; True if it was new."""
        sql = (
            "INSERT OR IGNORE INTO statements (citation_id, text, marker_start, marker_end, section, raw_section, "
            "intents, stance, confidence, source, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        values = [citation_id, row.text, row.marker_start, row.marker_end, row.section.value, row.raw_section]
        values += [json.dumps(row.intents), row.stance.value, row.confidence, row.source, self.fetched_at]
        return self.db.execute(sql, values).rowcount == 1


def _paper_work_values(paper: dict) -> dict[str, Any]:
    """The works columns of a library paper."""
    entry_type = (paper["entry_type"] or "").lower()
    return {
        "paper_id": paper["id"],
        "doi": paper["doi"],
        "title": paper["title"],
        "authors": paper["authors"],
        "year": paper["year"],
        "venue": paper["venue"],
        "publication_type": _PUBLICATION_TYPES.get(entry_type, entry_type or None),
    }


def _row_work_values(row: StatementInput) -> dict[str, Any]:
    """The works columns the row tells about its citing work."""
    return {
        "title": row.citing_title,
        "authors": row.citing_authors,
        "year": row.citing_year,
        "venue": row.citing_venue,
        "publication_type": row.citing_type,
    }


def _raw_text(raw: dict) -> str:
    """What to show of a rejected row: its text if it has one, else the row as JSON."""
    text = raw.get("text")
    if isinstance(text, str) and text.strip():
        return text
    return json.dumps(raw, ensure_ascii=False, default=str)
