"""Per-paper citation tallies (citing works, statements by stance, new statements), stored on each paper for the library list."""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from citedesk.library.authorship import is_self_citation

TALLY_COLUMNS = ("cited_by", "statements", "supporting", "mentioning", "contrasting", "unclassified")

_COUNTS = """
SELECT w.paper_id,
       count(DISTINCT c.citing_work_id),
       count(s.id),
       coalesce(sum(s.stance = 'supporting'), 0),
       coalesce(sum(s.stance = 'mentioning'), 0),
       coalesce(sum(s.stance = 'contrasting'), 0),
       coalesce(sum(s.stance NOT IN ('supporting', 'mentioning', 'contrasting')), 0)
FROM works w
JOIN citations c ON c.cited_work_id = w.id
LEFT JOIN statements s ON s.citation_id = c.id
WHERE w.paper_id IS NOT NULL {only}
GROUP BY w.paper_id
"""
# statements stored since the paper was last opened (papers never opened have none: nothing was seen to be new)
_NEW = """
UPDATE papers SET new_statements = (
    SELECT count(*) FROM works w JOIN citations c ON c.cited_work_id = w.id JOIN statements s ON s.citation_id = c.id
    WHERE w.paper_id = papers.id AND s.id > papers.seen_statement_id)
WHERE seen_statement_id IS NOT NULL {only}
"""
_SET = ", ".join(f"{name} = ?" for name in TALLY_COLUMNS)
_CLEAR = ", ".join(f"{name} = NULL" for name in TALLY_COLUMNS)


def update_tallies(db: sqlite_utils.Database, paper_ids: Iterable[int] | None = None) -> None:
    """Recount the tallies of the given library papers (all when None); papers nobody cites get none."""
    if paper_ids is None:
        db.execute(f"UPDATE papers SET {_CLEAR} WHERE cited_by IS NOT NULL")
        _store(db, db.execute(_COUNTS.format(only="")).fetchall())
        db.execute(_NEW.format(only=""))
        return
    ids = sorted(set(paper_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        db.execute(f"UPDATE papers SET {_CLEAR} WHERE id IN ({marks})", chunk)
        _store(db, db.execute(_COUNTS.format(only=f"AND w.paper_id IN ({marks})"), chunk).fetchall())
        db.execute(_NEW.format(only=f"AND id IN ({marks})"), chunk)


def _store(db: sqlite_utils.Database, rows: list[tuple[int, ...]]) -> None:
    db.conn.executemany(f"UPDATE papers SET {_SET} WHERE id = ?", [(*row[1:], row[0]) for row in rows])


def mark_self_citations(db: sqlite_utils.Database) -> int:
    """Set citations.self_citation from shared authors where no source said; returns how many were set."""
    sql = (
        "SELECT c.id, citing.authors, cited.authors FROM citations c "
        "JOIN works citing ON citing.id = c.citing_work_id JOIN works cited ON cited.id = c.cited_work_id "
        "WHERE c.self_citation IS NULL"
    )
    changes = []
    for citation_id, citing, cited in db.execute(sql).fetchall():
        flag = is_self_citation(citing, cited)
        if flag is not None:
            changes.append((int(flag), citation_id))
    db.conn.executemany("UPDATE citations SET self_citation = ? WHERE id = ?", changes)
    return len(changes)
