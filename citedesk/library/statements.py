"""Queries over citing statements: a paper's counts and its statements grouped by citing or cited work."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import sqlite_utils

from citedesk.library.statement_view import UNKNOWN_YEAR
from citedesk.library.tallies import TALLY_COLUMNS
from citedesk.model import Section, Stance

_GROUPS_SQL = """
SELECT c.id, w.id, w.title, w.authors, w.year, w.venue, w.publication_type, w.doi, p.citekey
FROM citations c
JOIN works w ON w.id = c.{other}
LEFT JOIN papers p ON p.id = w.paper_id
WHERE c.{mine} = ? AND EXISTS (SELECT 1 FROM statements s WHERE s.citation_id = c.id)
ORDER BY w.year IS NULL, w.year DESC, w.title IS NULL, w.title COLLATE NOCASE, w.id
LIMIT ?
"""

_STATEMENTS_SQL = """
SELECT s.citation_id, s.id, s.text, s.marker_start, s.marker_end, s.section, s.raw_section,
       s.stance, s.confidence, s.source
FROM statements s JOIN citations c ON c.id = s.citation_id
WHERE c.{mine} = ?
ORDER BY s.id
"""

_REFERENCES_SQL = """
SELECT count(DISTINCT c.cited_work_id), count(s.id)
FROM citations c LEFT JOIN statements s ON s.citation_id = c.id
WHERE c.citing_work_id = ?
"""
# the names of paper_counts() for the papers' tally columns, in TALLY_COLUMNS order
_TALLY_NAMES = ("cited_by", "citation_statements", "supporting", "mentioning", "contrasting", "unclassified")

_SECTIONS = {section.value for section in Section}
_STANCES = {stance.value for stance in Stance}
COUNT_NAMES = ("cited_by", "citation_statements", "references", "reference_statements")


@dataclass(frozen=True)
class StatementRow:
    """One citing statement as shown in the statements pane."""

    id: int
    text: str
    marker_start: int | None
    marker_end: int | None
    section: Section
    raw_section: str | None
    stance: Stance
    confidence: float | None
    source: str | None


@dataclass
class CitingGroup:
    """The statements of one citing (or cited) work, with what is known of that work."""

    work_id: int
    title: str | None
    authors: str | None
    year: int | None
    venue: str | None
    publication_type: str | None
    doi: str | None
    in_library_key: str | None
    statements: list[StatementRow] = field(default_factory=list)


def work_id_of_paper(db: sqlite_utils.Database, paper_id: int) -> int | None:
    """The id of the work that stands for a library paper, None if it has none yet."""
    found = db.execute("SELECT id FROM works WHERE paper_id = ?", [paper_id]).fetchone()
    return int(found[0]) if found else None


def paper_counts(db: sqlite_utils.Database, paper_id: int) -> dict[str, int]:
    """Citing works, statements, references and per-stance tallies of the statements citing the paper.
    The citing side comes from the tallies kept on the paper (see `tallies.py`), the rest is counted."""
    counts = dict.fromkeys([*COUNT_NAMES, *(stance.value for stance in Stance)], 0)
    work_id = work_id_of_paper(db, paper_id)
    if work_id is None:
        return counts
    kept = db.execute(f"SELECT {', '.join(TALLY_COLUMNS)} FROM papers WHERE id = ?", [paper_id]).fetchone()
    counts.update({name: value or 0 for name, value in zip(_TALLY_NAMES, kept)})
    counts.update(zip(("references", "reference_statements"), db.execute(_REFERENCES_SQL, [work_id]).fetchone()))
    return counts


_YEARS_SQL = """
SELECT w.year, s.stance, count(*)
FROM works me
JOIN citations c ON c.cited_work_id = me.id
JOIN statements s ON s.citation_id = c.id
JOIN works w ON w.id = c.citing_work_id
WHERE me.paper_id = ?
GROUP BY w.year, s.stance
"""


def statements_per_year(db: sqlite_utils.Database, paper_id: int) -> dict[int, Counter]:
    """Citing statements per year of the citing work, split by stance, counted in SQL; those of works
    without a year under UNKNOWN_YEAR (as `statement_view.per_year` counts them)."""
    years: dict[int, Counter] = {}
    for year, stance, count in db.execute(_YEARS_SQL, [paper_id]):
        stance = Stance(stance) if stance in _STANCES else Stance.UNCLASSIFIED
        years.setdefault(year or UNKNOWN_YEAR, Counter())[stance] += count
    return dict(sorted(years.items()))


def citing_groups(db: sqlite_utils.Database, paper_id: int, limit: int | None = None) -> list[CitingGroup]:
    """The statements citing the paper, one group per citing work, newest year first, then title."""
    return _groups(db, paper_id, mine="cited_work_id", other="citing_work_id", limit=limit)


def reference_groups(db: sqlite_utils.Database, paper_id: int, limit: int | None = None) -> list[CitingGroup]:
    """The statements in which the paper cites others, one group per cited work, same order."""
    return _groups(db, paper_id, mine="citing_work_id", other="cited_work_id", limit=limit)


def _groups(db: sqlite_utils.Database, paper_id: int, mine: str, other: str, limit: int | None) -> list[CitingGroup]:
    """Groups of statements of the paper's citations, seen from column `mine`, grouped by `other`."""
    work_id = work_id_of_paper(db, paper_id)
    if work_id is None:
        return []
    sql = _GROUPS_SQL.format(mine=mine, other=other)
    by_citation = {row[0]: CitingGroup(*row[1:]) for row in db.execute(sql, [work_id, _sql_limit(limit)])}
    for row in db.execute(_STATEMENTS_SQL.format(mine=mine), [work_id]):
        group = by_citation.get(row[0])
        if group is not None:
            group.statements.append(_statement(row[1:]))
    return list(by_citation.values())


def _sql_limit(limit: int | None) -> int:
    """SQLite's LIMIT value: -1 means no limit."""
    return -1 if limit is None else max(limit, 0)


def _statement(row: tuple) -> StatementRow:
    """A StatementRow from the columns of _STATEMENTS_SQL after citation_id."""
    id_, text, start, end, section, raw_section, stance, confidence, source = row
    section = Section(section) if section in _SECTIONS else Section.UNKNOWN
    stance = Stance(stance) if stance in _STANCES else Stance.UNCLASSIFIED
    return StatementRow(id_, text, start, end, section, raw_section, stance, confidence, source)
