"""Works known only by an id (a statement file's key that stood in for a missing title, a bare DOI) next to
library papers: finding them, and filling them in with what a source says of them."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import sqlite_utils

from citedesk.library.graph import Graph, record_values
from citedesk.library.tallies import mark_self_citations, update_tallies
from citedesk.library.work_ids import stand_in_id
from citedesk.model import IdKind, WorkId, WorkRecord

_CHUNK = 400  # library papers per query: two lists of them stay well under SQLite's 32,766 parameters
_NEIGHBOURS_SQL = """
SELECT w.id, w.title, w.authors, w.year, w.doi, w.s2_id, w.openalex_id
FROM works w
WHERE w.paper_id IS NULL AND w.id IN (
    SELECT c.citing_work_id FROM citations c JOIN works me ON me.id = c.cited_work_id WHERE me.paper_id IN ({marks})
    UNION
    SELECT c.cited_work_id FROM citations c JOIN works me ON me.id = c.citing_work_id WHERE me.paper_id IN ({marks}))
ORDER BY w.id
"""


@dataclass(frozen=True)
class BareWork:
    """A work outside the library known only by an id, with the title it has meanwhile (that id, or none)."""

    work_id: int
    known_by: WorkId
    title: str | None


def bare_works(db: sqlite_utils.Database, paper_ids: Iterable[int], kinds: Collection[IdKind]) -> list[BareWork]:
    """The works citing, or cited by, these library papers that are known only by an id of one of these kinds."""
    ids = sorted(set(paper_ids))
    found: dict[int, BareWork] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        sql = _NEIGHBOURS_SQL.format(marks=", ".join("?" * len(chunk)))
        for work_id, title, authors, year, doi, s2_id, openalex_id in db.execute(sql, [*chunk, *chunk]):
            known_by = stand_in_id(title, authors, year, doi, s2_id, openalex_id)
            if known_by is not None and known_by.kind in kinds:
                found[work_id] = BareWork(work_id, known_by, title)
    return list(found.values())


def fill_bare_works(
    db: sqlite_utils.Database, described: Sequence[tuple[BareWork, WorkRecord]], source: str, fetched_at: str
) -> int:
    """Give each work what the source says of it, in one transaction; returns how many were filled in.
    See `fill_bare_work`; the tallies and self-citations of the papers around them are worked out again."""
    filled = 0
    touched: set[int] = set()
    with db.atomic():
        graph = Graph(db)
        for bare, record in described:
            touched |= _papers_around(db, bare.work_id)
            filled += fill_bare_work(graph, bare, record, source, fetched_at)
        mark_self_citations(db)
        update_tallies(db, touched)
    return filled


def fill_bare_work(graph: Graph, bare: BareWork, record: WorkRecord, source: str, fetched_at: str) -> bool:
    """The work takes the record's title (in place of its id), and its authors, year, venue, type, abstract and
    ids where it has none, with the source and date; it keeps its id in `known_as`. When the record's DOI,
    Semantic Scholar or OpenAlex id is another work's, the two are one work: the bare one's citations and
    statements move to that other work, which is filled in the same way. False when the record has no title."""
    if not record.title or graph.db.execute("SELECT 1 FROM works WHERE id = ?", [bare.work_id]).fetchone() is None:
        return False
    values = record_values(record)
    same = _work_with_ids(graph.db, record, bare.work_id)
    if same is not None and not _cites_or_is_cited_by(graph.db, bare.work_id, same):
        _move_citations(graph.db, bare.work_id, same)
        target = same
    else:
        graph.db.execute(
            "UPDATE works SET title = ?, source = ?, fetched_at = ? WHERE id = ?",
            [record.title, source, fetched_at, bare.work_id],
        )
        target = bare.work_id
    if bare.title:
        graph.db.execute("UPDATE works SET known_as = COALESCE(known_as, ?) WHERE id = ?", [bare.title, target])
    graph.fill_work(target, values)
    return True


def _work_with_ids(db: sqlite_utils.Database, record: WorkRecord, work_id: int) -> int | None:
    """Another work with one of the record's ids, if there is one."""
    for column, value in (("doi", record.doi), ("s2_id", record.s2_id), ("openalex_id", record.openalex_id)):
        if value:
            found = db.execute(f"SELECT id FROM works WHERE {column} = ? AND id != ?", [value, work_id]).fetchone()
            if found is not None:
                return int(found[0])
    return None


def _cites_or_is_cited_by(db: sqlite_utils.Database, one: int, other: int) -> bool:
    """Whether the two works cite each other (then they are not one work, whatever the ids say)."""
    sql = (
        "SELECT 1 FROM citations WHERE (citing_work_id = ? AND cited_work_id = ?) "
        "OR (citing_work_id = ? AND cited_work_id = ?)"
    )
    return db.execute(sql, [one, other, other, one]).fetchone() is not None


def _move_citations(db: sqlite_utils.Database, from_id: int, into_id: int) -> None:
    """Every citation of `from_id` (either way) becomes `into_id`'s, joined with the one it already has to the
    same work (statements kept once, sources merged); then `from_id` is deleted."""
    for mine, other in (("citing_work_id", "cited_work_id"), ("cited_work_id", "citing_work_id")):
        rows = db.execute(f"SELECT id, {other}, sources FROM citations WHERE {mine} = ?", [from_id]).fetchall()
        for citation_id, other_work, sources in rows:
            kept = db.execute(
                f"SELECT id, sources FROM citations WHERE {mine} = ? AND {other} = ?", [into_id, other_work]
            ).fetchone()
            if kept is None:
                db.execute(f"UPDATE citations SET {mine} = ? WHERE id = ?", [into_id, citation_id])
                continue
            db.execute("UPDATE OR IGNORE statements SET citation_id = ? WHERE citation_id = ?", [kept[0], citation_id])
            db.execute("DELETE FROM statements WHERE citation_id = ?", [citation_id])  # the same text was there
            db.execute("UPDATE citations SET sources = ? WHERE id = ?", [_merged_sources(kept[1], sources), kept[0]])
            db.execute("DELETE FROM citations WHERE id = ?", [citation_id])
    db.execute("UPDATE OR IGNORE metrics SET work_id = ? WHERE work_id = ?", [into_id, from_id])
    db.execute("DELETE FROM metrics WHERE work_id = ?", [from_id])
    db.execute("DELETE FROM works WHERE id = ?", [from_id])


def _merged_sources(kept: str | None, moved: str | None) -> str:
    names = json.loads(kept) if kept else []
    return json.dumps(names + [name for name in (json.loads(moved) if moved else []) if name not in names])


def _papers_around(db: sqlite_utils.Database, work_id: int) -> set[int]:
    """The library papers citing, or cited by, the work: their tallies change when it is merged."""
    sql = (
        "SELECT w.paper_id FROM citations c JOIN works w ON w.id IN (c.citing_work_id, c.cited_work_id) "
        "WHERE ? IN (c.citing_work_id, c.cited_work_id) AND w.paper_id IS NOT NULL"
    )
    return {paper_id for (paper_id,) in db.execute(sql, [work_id])}
