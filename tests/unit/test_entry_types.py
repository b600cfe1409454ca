"""One table of entry types: the details' label, the list's short word and the works' publication type agree."""

from __future__ import annotations

from citedesk.library.entry_types import ENTRY_TYPES, entry_type_label, publication_type, short_label


def test_known_types_read_the_same_everywhere():
    assert (entry_type_label("inproceedings"), short_label("inproceedings"), publication_type("inproceedings")) == (
        "Conference paper",
        "conference",
        "conference-paper",
    )
    assert (entry_type_label("ARTICLE"), short_label("Article"), publication_type("article")) == (
        "Journal article",
        "article",
        "journal-article",
    )
    assert publication_type("booklet") == "booklet"  # known, but no source has a type for it


def test_unknown_types_are_shown_as_given():
    assert (entry_type_label("dataset2"), short_label("dataset2"), publication_type("dataset2")) == (
        "Dataset2",
        "dataset2",
        "dataset2",
    )
    assert (entry_type_label(None), short_label(None), publication_type(None)) == ("", "", None)


def test_every_type_is_lower_case_and_labelled():
    assert all(name == name.lower() and kind.label and kind.short for name, kind in ENTRY_TYPES.items())
