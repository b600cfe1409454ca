"""Formatted references of papers in a CSL style: what Cite copies and `citedesk cite` prints."""

from __future__ import annotations

from collections.abc import Sequence

from citedesk.formats.references import (
    DEFAULT_STYLE,
    Reference,
    Style,
    citation_styles,
    format_references,
    references_html,
)
from citedesk.jobs.base import PathLike, opened
from citedesk.library import exporter

__all__ = [
    "DEFAULT_STYLE",
    "Reference",
    "Style",
    "citation_styles",
    "cite_keys",
    "cite_papers",
    "references_html",
]


def cite_papers(library: PathLike | None, paper_ids: Sequence[int], *, style: str = DEFAULT_STYLE) -> list[Reference]:
    """The papers' references in a style, in the order given (their fields through the CSL-JSON mapping, LaTeX
    decoded; a paper without authors or a year gets a reference with what it has)."""
    with opened(library) as db:
        records = exporter.paper_records(db, paper_ids)
    return format_references(records, style)


def cite_keys(library: PathLike | None, keys: Sequence[str], *, style: str = DEFAULT_STYLE) -> list[Reference]:
    """The references of the papers with these citation keys; an unknown key is one sentence."""
    with opened(library) as db:
        ids = exporter.ids_of_keys(db, keys)
        records = exporter.paper_records(db, ids)
    return format_references(records, style)
