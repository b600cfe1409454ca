"""Everything the window shows for one paper: a quick summary (row, tags, counts, years), then its statements."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlite_utils

from citedesk.library.citation_store import external_metrics
from citedesk.library.queries import paper_by_id
from citedesk.library.statement_view import Direction, Filters, Item, Order, View, build_view, load_items, per_year
from citedesk.library.statements import paper_counts, statements_per_year
from citedesk.library.tags import tags_of


@dataclass
class PaperSummary:
    """One paper's details, citation counts and citing statements per year: read in milliseconds."""

    paper: dict
    tags: list[str]
    counts: dict[str, int]
    years: dict[int, Counter]
    external: dict[str, dict]  # each source's own counts, by source name (see citation_store.external_metrics)

    @property
    def has_citation_data(self) -> bool:
        return bool(self.counts["cited_by"] or self.counts["references"])


@dataclass
class PaperReport(PaperSummary):
    """The summary, with the statements both ways and the citing ones ordered for the pane."""

    cited_by: list[Item]
    references: list[Item]
    view: View  # the citing statements, unfiltered, in the order asked for


def load_summary(db: sqlite_utils.Database, paper_id: int) -> PaperSummary:
    """What the details and report panes show, without reading the statements themselves."""
    return PaperSummary(_paper(db, paper_id), tags_of(db, paper_id), paper_counts(db, paper_id),
                        statements_per_year(db, paper_id), external_metrics(db, paper_id))


def _paper(db: sqlite_utils.Database, paper_id: int) -> dict:
    """The paper's row; without an abstract of its own, the one a source fetched, saying whose it is."""
    paper = paper_by_id(db, paper_id)
    if not paper["abstract"]:
        found = db.execute("SELECT abstract, source FROM works WHERE paper_id = ? AND abstract IS NOT NULL", [paper_id]).fetchone()
        if found:
            paper = {**paper, "abstract": found[0], "abstract_source": found[1]}
    return paper


def load_report(db: sqlite_utils.Database, paper_id: int, order: Order = Order.RELEVANCE) -> PaperReport:
    """Read what the details, report and statements panes show for a paper, and order its statements."""
    cited_by = load_items(db, paper_id, Direction.CITED_BY)
    return PaperReport(
        paper=_paper(db, paper_id),
        tags=tags_of(db, paper_id),
        counts=paper_counts(db, paper_id),
        years=per_year(cited_by),
        external=external_metrics(db, paper_id),
        cited_by=cited_by,
        references=load_items(db, paper_id, Direction.REFERENCES),
        view=build_view(cited_by, Filters(order=order)),
    )
