"""Everything the window shows for one paper, read in one go: its row, tags, counts and statements."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlite_utils

from citedesk.library.queries import paper_by_id
from citedesk.library.statement_view import Direction, Item, load_items, per_year
from citedesk.library.statements import paper_counts
from citedesk.library.tags import tags_of


@dataclass
class PaperReport:
    """One paper's details, citation counts, statements both ways and statements per year."""

    paper: dict
    tags: list[str]
    counts: dict[str, int]
    cited_by: list[Item]
    references: list[Item]
    years: dict[int, Counter]

    @property
    def has_citation_data(self) -> bool:
        return bool(self.counts["cited_by"] or self.counts["references"])


def load_report(db: sqlite_utils.Database, paper_id: int) -> PaperReport:
    """Read what the details, report and statements panes show for a paper."""
    cited_by = load_items(db, paper_id, Direction.CITED_BY)
    return PaperReport(
        paper=paper_by_id(db, paper_id),
        tags=tags_of(db, paper_id),
        counts=paper_counts(db, paper_id),
        cited_by=cited_by,
        references=load_items(db, paper_id, Direction.REFERENCES),
        years=per_year(cited_by),
    )
