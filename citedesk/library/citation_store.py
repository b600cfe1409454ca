"""Store what a source fetched for a library paper: its ids, citations both ways, statements and counts, each once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils

from citedesk.library.graph import Graph
from citedesk.library.tallies import mark_self_citations, update_tallies
from citedesk.model import CitationRecord, Metrics, PaperRef, SourceResult, WorkRecord

_METRIC_COLUMNS = (
    "cited_by",
    "citing_publications",
    "statements",
    "supporting",
    "mentioning",
    "contrasting",
    "unclassified",
    "references_count",
)


@dataclass
class Stored:
    """What storing one result added."""

    citations: int = 0
    statements: int = 0


def now() -> str:
    """The current UTC time in ISO 8601, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def store_result(db: sqlite_utils.Database, paper: PaperRef, result: SourceResult, fetched_at: str) -> Stored:
    """Store one source's result for one paper in one transaction, and note the fetch."""
    stored = Stored()
    with db.atomic():
        graph = Graph(db)
        row = graph.paper("id = ?", paper.paper_id)
        if row is None:
            return stored  # deleted while it was being fetched
        work_id = graph.work_for_paper(row)
        if result.work is not None:
            graph.fill_work(work_id, _ids_and_abstract(result.work))
            _store_open_access(db, work_id, result.work.oa_url, result.source, fetched_at)
        for record in result.citations:
            _store_citation(graph, record, work_id, "cited", result.source, fetched_at, stored)
        for record in result.references:
            _store_citation(graph, record, work_id, "citing", result.source, fetched_at, stored)
        if result.metrics is not None:
            _store_metrics(db, work_id, result.source, result.metrics, fetched_at)
        note_fetch(db, paper.paper_id, result.source, "ok" if result.found else "not found", None, fetched_at)
        mark_self_citations(db)
        update_tallies(db, graph.touched_papers | {paper.paper_id})
    return stored


def _ids_and_abstract(work: WorkRecord) -> dict[str, str | None]:
    values = {"doi": work.doi, "s2_id": work.s2_id, "openalex_id": work.openalex_id}
    if work.abstract:
        values["abstract"] = work.abstract
    return values


def _store_open_access(db: sqlite_utils.Database, work_id: int, url: str | None, source: str, fetched_at: str) -> None:
    """The open-access copy a source found, with the source and when; a source that found none leaves the stored one."""
    if url:
        db.execute(
            "UPDATE works SET oa_url = ?, oa_source = ?, oa_fetched_at = ? WHERE id = ?",
            [url, source, fetched_at, work_id],
        )


def _store_citation(
    graph: Graph, record: CitationRecord, work_id: int, paper_side: str, source: str, fetched_at: str, stored: Stored
) -> None:
    """One edge: the library paper on `paper_side` ("cited" or "citing"), the other work found or created."""
    other = record.citing if paper_side == "cited" else record.cited
    other_id = graph.work_for_record(other, source, fetched_at)
    if other_id is None or other_id == work_id:
        return
    citing, cited = (other_id, work_id) if paper_side == "cited" else (work_id, other_id)
    citation_id, created = graph.citation(citing, cited, source, record.is_influential, record.self_citation)
    stored.citations += created
    for context in record.contexts:
        if context.text.strip():
            values = {
                "text": context.text.strip(),
                "marker_start": context.marker_start,
                "marker_end": context.marker_end,
                "raw_section": context.raw_section,
                "intents": context.intents,
                "source": source,
                "fetched_at": fetched_at,
            }
            stored.statements += graph.add_statement(citation_id, values)


def _store_metrics(db: sqlite_utils.Database, work_id: int, source: str, metrics: Metrics, fetched_at: str) -> None:
    """The source's counts for the work, replacing that source's earlier counts, beside other sources'."""
    values = {name: getattr(metrics, name) for name in _METRIC_COLUMNS}
    values["counts_by_year"] = json.dumps(metrics.counts_by_year) if metrics.counts_by_year else None
    columns = ["work_id", "source", *values, "fetched_at"]
    sql = (
        f"INSERT INTO metrics ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT (work_id, source) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in columns[2:])}"
    )
    db.execute(sql, [work_id, source, *values.values(), fetched_at])


def note_fetch(
    db: sqlite_utils.Database, paper_id: int, source: str, status: str, message: str | None, fetched_at: str
) -> None:
    """Remember when the paper was last fetched from the source, and how it went."""
    db.execute(
        "INSERT INTO fetches (paper_id, source, fetched_at, status, message) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT (paper_id, source) DO UPDATE SET fetched_at = excluded.fetched_at, "
        "status = excluded.status, message = excluded.message",
        [paper_id, source, fetched_at, status, message],
    )


def fetched_recently(db: sqlite_utils.Database, source: str, max_age_days: float) -> set[int]:
    """Papers fetched from the source (found or not) within the last `max_age_days`."""
    cutoff = (datetime.now(UTC) - timedelta(days=max_age_days)).isoformat(timespec="seconds")
    rows = db.execute(
        "SELECT paper_id FROM fetches WHERE source = ? AND fetched_at >= ? AND status != 'failed'", [source, cutoff]
    )
    return {paper_id for (paper_id,) in rows}


def paper_refs(db: sqlite_utils.Database, keys: list[str] | None = None) -> list[PaperRef]:
    """What sources need to find the papers with these keys (every paper when None), in library order."""
    sql = "SELECT id, citekey, doi, arxiv, title, year, authors FROM papers"
    if keys is None:
        return [PaperRef(*row) for row in db.execute(sql + " ORDER BY id")]
    refs = []
    for key in keys:
        row = db.execute(sql + " WHERE citekey = ? COLLATE NOCASE", [key]).fetchone()
        if row is not None:
            refs.append(PaperRef(*row))
    return refs


def external_metrics(db: sqlite_utils.Database, paper_id: int) -> dict[str, dict[str, Any]]:
    """Each source's stored counts for a library paper, with when they were fetched."""
    cursor = db.execute(
        f"SELECT m.source, {', '.join('m.' + c for c in _METRIC_COLUMNS)}, m.counts_by_year, m.fetched_at "
        "FROM metrics m JOIN works w ON w.id = m.work_id WHERE w.paper_id = ? ORDER BY m.source",
        [paper_id],
    )
    names = [column[0] for column in cursor.description]
    metrics = {}
    for row in cursor.fetchall():
        values = dict(zip(names, row))
        values["counts_by_year"] = {int(k): v for k, v in json.loads(values["counts_by_year"] or "{}").items()}
        metrics[values.pop("source")] = values
    return metrics
