"""A paper's citation counts: citing works, statements, references, the stance tallies and statements per year."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

import sqlite_utils

from citedesk.library.facets_builtin import UNKNOWN_YEAR
from citedesk.library.records import records
from citedesk.library.tallies import TALLY_COLUMNS
from citedesk.model import Stance

# the Counts field of each of the papers' tally columns, in TALLY_COLUMNS order
_TALLY_NAMES = ("cited_by", "citation_statements", "supporting", "mentioning", "contrasting", "unclassified")

_TALLIES = ", ".join(f"{column} AS {name}" for column, name in zip(TALLY_COLUMNS, _TALLY_NAMES))
_TALLIES_SQL = f"SELECT {_TALLIES} FROM papers WHERE id = ?"
_REFERENCES_SQL = """
SELECT count(DISTINCT c.cited_work_id) AS "references", count(s.id) AS reference_statements
FROM citations c LEFT JOIN statements s ON s.citation_id = c.id
WHERE c.citing_work_id = ?
"""

_YEARS_SQL = """
SELECT w.year, s.stance, count(*)
FROM works me
JOIN citations c ON c.cited_work_id = me.id
JOIN statements s ON s.citation_id = c.id
JOIN works w ON w.id = c.citing_work_id
WHERE me.paper_id = ?
GROUP BY w.year, s.stance
"""
_STANCES = {stance.value for stance in Stance}


@dataclass(frozen=True)
class Counts:
    """How often a paper is cited and cites: works and their statements each way, and the citing statements
    by stance."""

    cited_by: int = 0  # citing works
    citation_statements: int = 0
    references: int = 0  # cited works
    reference_statements: int = 0
    supporting: int = 0
    mentioning: int = 0
    contrasting: int = 0
    unclassified: int = 0

    def of(self, stance: Stance) -> int:
        """The citing statements of this stance."""
        return int(getattr(self, stance.value))

    def stances(self) -> dict[Stance, int]:
        """The four stance tallies, in Stance order."""
        return {stance: self.of(stance) for stance in Stance}


def work_id_of_paper(db: sqlite_utils.Database, paper_id: int) -> int | None:
    """The id of the work that stands for a library paper, None if it has none yet."""
    found = db.execute("SELECT id FROM works WHERE paper_id = ?", [paper_id]).fetchone()
    return int(found[0]) if found else None


def paper_counts(db: sqlite_utils.Database, paper_id: int) -> Counts:
    """Citing works, statements, references and per-stance tallies of the statements citing the paper.
    The citing side comes from the tallies kept on the paper (see `tallies.py`), the rest is counted."""
    work_id = work_id_of_paper(db, paper_id)
    if work_id is None:
        return Counts()
    citing = next(records(db.execute(_TALLIES_SQL, [paper_id]), Counts, **dict.fromkeys(_TALLY_NAMES, _zero_if_none)))
    references = next(records(db.execute(_REFERENCES_SQL, [work_id]), Counts))
    return replace(citing, references=references.references, reference_statements=references.reference_statements)


def _zero_if_none(value: int | None) -> int:
    return value or 0


def statements_per_year(db: sqlite_utils.Database, paper_id: int) -> dict[int, Counter[Stance]]:
    """Citing statements per year of the citing work, split by stance, counted in SQL; those of works
    without a year under UNKNOWN_YEAR, which sorts first. The one count by year: the report's chart and
    the summary read before the statements both use it."""
    years: dict[int, Counter[Stance]] = {}
    for year, stance, count in db.execute(_YEARS_SQL, [paper_id]):
        stance = Stance(stance) if stance in _STANCES else Stance.UNCLASSIFIED
        years.setdefault(year or UNKNOWN_YEAR, Counter())[stance] += count
    return dict(sorted(years.items()))
