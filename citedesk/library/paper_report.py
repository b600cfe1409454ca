"""Everything the window shows for one paper: a quick summary (paper, tags, counts, years, links), then its statements."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

import sqlite_utils

from citedesk.library.attachments import Link, links_of
from citedesk.library.citation_store import external_metrics
from citedesk.library.facets import Facet
from citedesk.library.facets_builtin import BUILT_IN
from citedesk.library.queries import Paper, paper_by_id
from citedesk.library.statement_view import (
    Direction,
    Filters,
    Item,
    Order,
    View,
    build_view,
    load_items,
)
from citedesk.library.statements import Counts, paper_counts, statements_per_year
from citedesk.library.tags import tags_of
from citedesk.model import Stance

# the counts of another source shown beside ours, in this order
SOURCE_COUNTS = (
    "supporting",
    "mentioning",
    "contrasting",
    "unclassified",
    "cited_by",
    "citing_publications",
    "references_count",
)


@dataclass(frozen=True)
class SourceCounts:
    """What one source says of a paper, on its own line, never merged into our counts."""

    source: str  # the source's name ("scite")
    fetched_on: str  # the day its counts were fetched, YYYY-MM-DD
    counts: Mapping[str, int]  # the counts it gave, by name, in SOURCE_COUNTS order; those it did not give left out


@dataclass(frozen=True)
class PaperSummary:
    """One paper's details, citation counts and citing statements per year: read in milliseconds."""

    paper: Paper
    tags: tuple[str, ...]
    counts: Counts
    years: dict[int, Counter[Stance]]  # see statements.statements_per_year
    external: tuple[SourceCounts, ...]  # each source's own counts, by source name
    links: tuple[Link, ...]  # its attached files, open-access copy and DOI, arXiv and web links

    @property
    def has_citation_data(self) -> bool:
        return bool(self.counts.cited_by or self.counts.references)


@dataclass(frozen=True)
class PaperReport(PaperSummary):
    """The summary, with the statements both ways and the citing ones ordered for the pane."""

    cited_by: list[Item]
    references: list[Item]
    view: View  # the citing statements, unfiltered, in the order asked for


def load_summary(db: sqlite_utils.Database, paper_id: int) -> PaperSummary:
    """What the details and report panes show, without reading the statements themselves."""
    return PaperSummary(
        paper_by_id(db, paper_id),
        tuple(tags_of(db, paper_id)),
        paper_counts(db, paper_id),
        statements_per_year(db, paper_id),
        source_counts(db, paper_id),
        links_of(db, paper_id),
    )


def load_report(
    db: sqlite_utils.Database, paper_id: int, order: Order = Order.RELEVANCE, facets: tuple[Facet, ...] = BUILT_IN
) -> PaperReport:
    """Read what the details, report and statements panes show for a paper, and order its statements and count
    them by the facets (the registry's, in the window) for the statements pane's first view."""
    summary = load_summary(db, paper_id)
    cited_by = load_items(db, paper_id, Direction.CITED_BY)
    return PaperReport(
        paper=summary.paper,
        tags=summary.tags,
        counts=summary.counts,
        years=summary.years,
        external=summary.external,
        links=summary.links,
        cited_by=cited_by,
        references=load_items(db, paper_id, Direction.REFERENCES),
        view=build_view(cited_by, Filters(order=order), facets),
    )


def source_counts(db: sqlite_utils.Database, paper_id: int) -> tuple[SourceCounts, ...]:
    """Each source's own counts of the paper, by source name; a source that gave none of SOURCE_COUNTS is left out."""
    found = []
    for source, metrics in external_metrics(db, paper_id).items():
        counts = {name: metrics[name] for name in SOURCE_COUNTS if metrics.get(name) is not None}
        if counts:
            found.append(SourceCounts(source, (metrics["fetched_at"] or "")[:10], counts))
    return tuple(found)
