"""The filters of the statements pane that come with CiteDesk, registered through the same hook as
third-party ones, and the words their menus use. (Stance is no facet: the pane's chips are always there.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from citedesk.library.facets import Facet
from citedesk.model import Section
from citedesk.plugins import hookimpl

if TYPE_CHECKING:
    from citedesk.library.statement_view import Item  # which takes its default facets from here

UNKNOWN_YEAR = 0  # the year facet's value, and the count by year's key, for statements whose work has no year

SECTION_LABELS = {
    Section.INTRODUCTION: "Introduction",
    Section.METHODS: "Methods",
    Section.RESULTS: "Results",
    Section.DISCUSSION: "Discussion",
    Section.OTHER: "Other",
    Section.UNKNOWN: "Unknown section",
}
RELATIONSHIP_LABELS = {"self-citation": "Self-citation", "independent": "Independent", "unknown": "Unknown authors"}
TYPE_LABELS = {
    "journal-article": "Journal article",
    "conference-paper": "Conference paper",
    "proceedings": "Proceedings",
    "book": "Book",
    "book-chapter": "Book chapter",
    "thesis": "Thesis",
    "report": "Report",
    "preprint": "Preprint",
    "review": "Review",
    "": "Unknown type",
}
_SECTION_LABELS = {section.value: label for section, label in SECTION_LABELS.items()}


def type_label(value: str | None) -> str:
    """A publication type for people: the known ones by name, others as given."""
    value = value or ""
    return TYPE_LABELS.get(value, value.replace("-", " ").capitalize())


def section_label(value: str) -> str:
    return _SECTION_LABELS.get(value, value)


def relationship_label(value: str) -> str:
    return RELATIONSHIP_LABELS.get(value, value)


def venue_label(value: str) -> str:
    return value or "Unknown journal"


def year_label(value: int) -> str:
    return "Unknown year" if value == UNKNOWN_YEAR else str(value)


def _section(item: Item) -> tuple[str]:
    return (item.section.value,)


def _year(item: Item) -> tuple[int]:
    return (item.work.year or UNKNOWN_YEAR,)


def _type(item: Item) -> tuple[str]:
    return (item.work.publication_type or "",)


def _relationship(item: Item) -> tuple[str]:
    return (item.relationship.value,)


def _authors(item: Item) -> tuple[str, ...]:
    return tuple(item.work.author_names)


def _venue(item: Item) -> tuple[str]:
    return (item.work.venue or "",)


# The year is chosen as a range (and "Unknown year"), not value by value: the pane gives the facet named
# "year" its own button, and Filters its own fields (year_from, year_to, undated).
BUILT_IN = (
    Facet("section", "Section", _section, section_label, order=10, listed=tuple(s.value for s in Section)),
    Facet("year", "Year", _year, year_label, order=20, of_work=True),
    Facet("type", "Type", _type, type_label, order=30, of_work=True),
    Facet(
        "relationship", "Relationship", _relationship, relationship_label, order=40, listed=tuple(RELATIONSHIP_LABELS)
    ),
    Facet("author", "Authors", _authors, order=50, of_work=True, find_hint="Find a citing author\u2026"),
    Facet("venue", "Journals", _venue, venue_label, order=60, of_work=True, find_hint="Find a journal or venue\u2026"),
)


@hookimpl
def citedesk_statement_facets() -> list[Facet]:
    return list(BUILT_IN)
