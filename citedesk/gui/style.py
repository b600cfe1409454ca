"""Colours and words the window uses for stances, sections and relationships, in one place."""

from __future__ import annotations

from PySide6.QtGui import QColor

from citedesk.model import Section, Stance

# scite's convention: green supports, orange-red contrasts, grey-blue mentions, light grey unsure.
STANCE_COLORS = {
    Stance.SUPPORTING: QColor("#2e9d5b"),
    Stance.MENTIONING: QColor("#5b7db1"),
    Stance.CONTRASTING: QColor("#d9622b"),
    Stance.UNCLASSIFIED: QColor("#a6adb4"),
}
STANCE_LABELS = {
    Stance.SUPPORTING: "Supporting",
    Stance.MENTIONING: "Mentioning",
    Stance.CONTRASTING: "Contrasting",
    Stance.UNCLASSIFIED: "Unclassified",
}
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


def type_label(value: str | None) -> str:
    """A publication type for people: the known ones by name, others as given."""
    value = value or ""
    return TYPE_LABELS.get(value, value.replace("-", " ").capitalize())
