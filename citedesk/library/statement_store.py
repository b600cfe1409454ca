"""Store checked statement rows in the library: works, citations and statements, each once."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from citedesk.library.graph import Graph, LibraryPaper
from citedesk.library.statement_columns import StatementLayout
from citedesk.library.statement_files import (
    PREVIEW_ROWS,
    MalformedRow,
    RawRow,
    RowError,
    StatementInput,
    StatementPreview,
    parse_row,
    preview_statements,
    read_statement_rows,
    unmatched_reason,
)
from citedesk.library.tallies import mark_self_citations, update_tallies
from citedesk.model import GIVEN_STANCE, Cancelled, Problem, StatementImportReport

PROGRESS_EVERY = 200

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


def store_statements(
    db: sqlite_utils.Database,
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    layout: StatementLayout = StatementLayout(),  # noqa: B008 (frozen)
) -> StatementImportReport:
    """Store the statements of one file, read as `layout` says, in one transaction; Cancelled rolls
    everything back."""
    path = Path(path)
    rows = list(read_statement_rows(path, layout))
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
        update_tallies(db, writer.cited_papers | writer.graph.touched_papers)
    return writer.report


def preview_statement_import(
    db: sqlite_utils.Database,
    path: str | os.PathLike[str],
    layout: StatementLayout = StatementLayout(),  # noqa: B008 (frozen)
    limit: int = PREVIEW_ROWS,
) -> StatementPreview:
    """The first rows of a file as `store_statements` would read them, each with what would keep it from
    being stored, a cited paper missing from the library included; reads the library, writes nothing."""
    graph = Graph(db)
    return preview_statements(path, layout, limit, lambda row: _cited_paper(graph, row) is not None)


def _cited_paper(graph: Graph, row: StatementInput) -> LibraryPaper | None:
    """The cited paper by key, else by DOI."""
    paper = graph.paper("citekey = ? COLLATE NOCASE", row.cited_key) if row.cited_key else None
    if paper is None and row.cited_doi:
        paper = graph.paper("doi = ?", row.cited_doi)
    return paper


def _now() -> str:
    """The current UTC time in ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class _StatementWriter:
    """Turns checked rows into works, citations and statements inside the open transaction."""

    def __init__(self, db: sqlite_utils.Database, file: str, default_source: str) -> None:
        self.graph = Graph(db)
        self.file = file
        self.default_source = default_source
        self.fetched_at = _now()
        self.report = StatementImportReport()
        self.cited_papers: set[int] = set()

    def add(self, line: int, raw: RawRow) -> None:
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
        cited = _cited_paper(self.graph, row)
        if cited is None:
            key = row.cited_key or row.cited_doi or ""
            self.report.unmatched.append(Problem(self.file, line, unmatched_reason(row), row.text, key))
            return
        cited_work = self.graph.work_for_paper(cited)
        self.cited_papers.add(cited.id)
        citing_work = self._citing_work(row)
        if citing_work == cited_work:
            self.report.invalid.append(Problem(self.file, line, "the paper cites itself", row.text))
            return
        citation_id, _ = self.graph.citation(citing_work, cited_work, row.source, row.is_influential)
        if self.graph.add_statement(citation_id, _statement_values(row, self.fetched_at)):
            self.report.statements += 1
        else:
            self.report.already_present += 1

    def _citing_work(self, row: StatementInput) -> int:
        """The citing work: the library paper by key, else by DOI, else the work with that DOI,
        else a work matched by (title, year); the key stands in for a missing title."""
        paper = self.graph.paper("citekey = ? COLLATE NOCASE", row.citing_key) if row.citing_key else None
        if paper is None and row.citing_doi:
            paper = self.graph.paper("doi = ?", row.citing_doi)
        if paper is not None:
            return self.graph.work_for_paper(paper)
        values = _row_work_values(row)
        if row.citing_doi:
            work_id = self.graph.db.execute("SELECT id FROM works WHERE doi = ?", [row.citing_doi]).fetchone()
            if work_id is None:
                return self.graph.insert_work({"doi": row.citing_doi, **values})
            self.graph.fill_work(work_id[0], values)
            return int(work_id[0])
        return self.graph.work_by_title({**values, "title": row.citing_title or str(row.citing_key)})


def _statement_values(row: StatementInput, fetched_at: str) -> dict[str, Any]:
    return {
        "text": row.text,
        "marker_start": row.marker_start,
        "marker_end": row.marker_end,
        "section": row.section.value,
        "raw_section": row.raw_section,
        "intents": row.intents,
        "stance": row.stance.value,
        "confidence": row.confidence,
        "source": row.source,
        "fetched_at": fetched_at,
        "classifier_version": GIVEN_STANCE if row.label_given else None,
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


def _raw_text(raw: RawRow) -> str:
    """What to show of a rejected row: its text if it has one, else the row as JSON."""
    text = raw.get("text")
    if isinstance(text, str) and text.strip():
        return text
    return json.dumps(raw, ensure_ascii=False, default=str)
