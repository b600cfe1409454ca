"""The one read path of the fronts: the records the command line and the window show, and `Reads`, the queries
of one open library that make them. A front reads the library through this module only (see docs/architecture.md)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Self, TypeVar

import sqlite_utils

from citedesk.library import attachments, explanation, listing, paper_report, queries, statement_view, statements
from citedesk.library.attachments import Link, LinkKind
from citedesk.library.damage import (
    LibraryDamaged,
    damage_error,
    is_damage,
    reporting_damage,
)
from citedesk.library.db import (
    LIBRARY_ENV,
    commits_here,
    data_version,
    default_library_path,
    on_wait,
    open_library,
)
from citedesk.library.editing import previewed_entry, shown_type
from citedesk.library.entry_types import entry_type_label, short_label
from citedesk.library.explanation import Explanation
from citedesk.library.facets import Facet
from citedesk.library.facets_builtin import BUILT_IN, SECTION_LABELS, UNKNOWN_YEAR, type_label
from citedesk.library.listing import (
    ALL,
    COLUMN_NAMES,
    COLUMNS,
    Column,
    ListQuery,
    ListRow,
    Page,
    Scope,
    Sidebar,
    SidebarEntry,
    SortKey,
)
from citedesk.library.paper_report import PaperReport, PaperSummary, SourceCounts
from citedesk.library.queries import LibraryStats, Paper
from citedesk.library.statement_view import (
    Direction,
    Filters,
    Group,
    Item,
    Order,
    View,
    Work,
    build_view,
    fold,
    group_items,
    works_newest_first,
)
from citedesk.library.statements import Counts
from citedesk.library.visible import pictured, visible
from citedesk.model import Stance

__all__ = [  # the records, the queries, what works on records in memory, how values are shown, the file
    "ALL",
    "COLUMNS",
    "COLUMN_NAMES",
    "LIBRARY_ENV",
    "SECTION_LABELS",
    "UNKNOWN_YEAR",
    "Column",
    "Counts",
    "Direction",
    "Explanation",
    "Facet",
    "Filters",
    "Group",
    "Item",
    "LibraryDamaged",
    "LibraryStats",
    "Link",
    "LinkKind",
    "ListQuery",
    "ListRow",
    "Order",
    "Page",
    "Paper",
    "PaperReport",
    "PaperSummary",
    "Reads",
    "Scope",
    "Sidebar",
    "SidebarEntry",
    "SortKey",
    "SourceCounts",
    "View",
    "Work",
    "build_view",
    "commits_here",
    "damage_error",
    "default_library_path",
    "entry_type_label",
    "fold",
    "group_items",
    "is_damage",
    "on_wait",
    "open_library",
    "pictured",
    "previewed_entry",
    "reading",
    "reporting_damage",
    "short_label",
    "shown_type",
    "type_label",
    "visible",
    "works_newest_first",
]

T = TypeVar("T")
PathLike = str | os.PathLike[str]


class Reads:
    """The reads of one open library connection, each returning records. Use it on the thread that opened it:
    the window keeps one for its quick reads (pages of the list, the sidebar), a background task opens its own
    (see `reading`)."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db

    @classmethod
    def open(cls, library: PathLike | None) -> Reads:
        """Open the library at this path (the default one for None), bringing its schema up to date."""
        return cls(open_library(library))

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    # papers

    def paper(self, paper_id: int) -> Paper:
        """The paper with this id; a CitedeskError when it is no longer in the library."""
        return queries.paper_by_id(self.db, paper_id)

    def paper_by_key(self, key: str) -> Paper:
        """The paper with this citation key, in any case; a CitedeskError that suggests keys when there is none."""
        return queries.paper_by_key(self.db, key)

    def paper_id_of_key(self, key: str) -> int | None:
        return queries.paper_id_of_key(self.db, key)

    def citekeys_of(self, paper_ids: Sequence[int]) -> list[str]:
        return queries.citekeys_of(self.db, list(paper_ids))

    def source_file_name(self, source_file_id: int) -> str | None:
        """The name an imported file had, None when it is no longer known."""
        return queries.source_file_name(self.db, source_file_id)

    def search(self, text: str = "", limit: int | None = None) -> list[ListRow]:
        """The papers a search finds, best match first (in import order without search words)."""
        return list(queries.search_papers(self.db, text, limit))

    def stats(self) -> LibraryStats:
        return queries.library_stats(self.db)

    # the list and the sidebar

    def rows(self, query: ListQuery, after: SortKey | None = None, limit: int = 200) -> Page:
        """Up to `limit` rows of the list after the key (from the top for None)."""
        return listing.page(self.db, query, after, limit)

    def rows_of(self, paper_ids: Sequence[int]) -> dict[int, ListRow]:
        """The list rows of these papers, by id: to show in place what changed elsewhere."""
        return listing.rows_of(self.db, paper_ids)

    def count(self, query: ListQuery) -> int:
        return listing.count(self.db, query)

    def position_of(self, query: ListQuery, paper_id: int) -> int | None:
        """The row number of a paper in the list, None when the query does not list it."""
        return listing.position_of(self.db, query, paper_id)

    def sidebar(self) -> Sidebar:
        return listing.sidebar(self.db)

    # one paper's citations

    def counts(self, paper_id: int) -> Counts:
        return statements.paper_counts(self.db, paper_id)

    def years(self, paper_id: int) -> dict[int, Counter[Stance]]:
        """Citing statements per year of the citing work, by stance (UNKNOWN_YEAR for works without a year)."""
        return statements.statements_per_year(self.db, paper_id)

    def statements(self, paper_id: int, direction: Direction = Direction.CITED_BY) -> list[Item]:
        """The statements citing the paper, or (References) in which it cites others; in no set order."""
        return statement_view.load_items(self.db, paper_id, direction)

    def summary(self, paper_id: int) -> PaperSummary:
        """The paper, its tags, counts, statements per year and other sources' counts: quick to read."""
        return paper_report.load_summary(self.db, paper_id)

    def report(
        self, paper_id: int, order: Order = Order.RELEVANCE, facets: tuple[Facet, ...] | None = None
    ) -> PaperReport:
        """The summary with the statements both ways, the citing ones ordered and counted by the facets (the
        built-in ones when None) for the statements pane."""
        return paper_report.load_report(self.db, paper_id, order, facets if facets is not None else BUILT_IN)

    def explanation(self, paper_id: int, source_labels: Mapping[str, str] | None = None) -> Explanation:
        """The report's figures read in plain words ("Help me understand this report"), from the stored data
        alone; sources called by `source_labels` where it names them."""
        return explanation.explain_paper(self.db, paper_id, source_labels)

    # files and links

    def links(self, paper_id: int) -> tuple[Link, ...]:
        """The paper's attached files, its open-access copy and its DOI, arXiv and web links, in display order."""
        return attachments.links_of(self.db, paper_id)

    def full_text(self, paper_id: int) -> Link | None:
        """The best way to the paper's text: an attached PDF that is there, else the open-access copy, the DOI,
        the arXiv page or the web page; None when it has none."""
        return attachments.full_text(self.db, paper_id)

    # changes

    def data_version(self) -> int:
        """A number that changes when another connection commits to the library (see `db.data_version`)."""
        return data_version(self.db)


def reading(library: PathLike | None, read: Callable[[Reads], T]) -> T:
    """Open the library on this thread, read, and close it: how a background task reads. A damaged file met
    meanwhile is said in one sentence."""
    path = Path(library) if library is not None else default_library_path()
    with reporting_damage(path), Reads.open(library) as reads:
        return read(reads)
