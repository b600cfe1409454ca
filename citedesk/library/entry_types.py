"""The BibTeX entry types CiteDesk knows: how each reads for people, in the list, and as a publication type."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EntryType:
    """One entry type: its label ("Conference paper"), the list's short word ("conference") and the publication
    type of works that sources report ("conference-paper"; None where no source has one)."""

    label: str
    short: str
    publication_type: str | None = None


ENTRY_TYPES = {
    "article": EntryType("Journal article", "article", "journal-article"),
    "inproceedings": EntryType("Conference paper", "conference", "conference-paper"),
    "conference": EntryType("Conference paper", "conference", "conference-paper"),
    "proceedings": EntryType("Proceedings", "proceedings", "proceedings"),
    "book": EntryType("Book", "book", "book"),
    "inbook": EntryType("Book chapter", "chapter", "book-chapter"),
    "incollection": EntryType("Book chapter", "chapter", "book-chapter"),
    "booklet": EntryType("Booklet", "booklet"),
    "phdthesis": EntryType("PhD thesis", "PhD thesis", "thesis"),
    "mastersthesis": EntryType("Master's thesis", "master's thesis", "thesis"),
    "thesis": EntryType("Thesis", "thesis", "thesis"),
    "techreport": EntryType("Report", "report", "report"),
    "report": EntryType("Report", "report", "report"),
    "manual": EntryType("Manual", "manual"),
    "misc": EntryType("Other", "misc"),
    "unpublished": EntryType("Unpublished", "unpublished"),
    "online": EntryType("Web page", "online"),
    "software": EntryType("Software", "software"),
    "dataset": EntryType("Dataset", "dataset"),
    "patent": EntryType("Patent", "patent"),
}


def entry_type_label(value: str | None) -> str:
    """An entry type for people ("inproceedings" -> "Conference paper"); others capitalised as given."""
    value = (value or "").strip()
    known = ENTRY_TYPES.get(value.lower())
    return known.label if known else value.capitalize()


def short_label(value: str | None) -> str:
    """The entry type as the library list shows it ("inproceedings" -> "conference"); others as given."""
    known = ENTRY_TYPES.get((value or "").lower())
    return known.short if known else (value or "")


def publication_type(value: str | None) -> str | None:
    """The publication type sources use for an entry type ("article" -> "journal-article"); others as given."""
    known = ENTRY_TYPES.get((value or "").lower())
    return known.publication_type or value if known else (value or None)
