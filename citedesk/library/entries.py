"""Display columns of a paper (title, authors, year, venue, ids) derived from its raw BibTeX fields."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from citedesk.library.bibtex.latex import latex_to_unicode
from citedesk.library.bibtex.names import Name, short_authors, split_names
from citedesk.library.bibtex.values import evaluate
from citedesk.library.identifiers import arxiv_from_fields, doi_from_url, normalize_doi

Fields = Sequence[Sequence[str]]  # (name, raw value) pairs: tuples, or [name, value] lists as papers.fields holds them

_VENUE_FIELDS = (
    "journal",
    "journaltitle",
    "booktitle",
    "eventtitle",
    "series",
    "school",
    "institution",
    "organization",
    "howpublished",
    "publisher",
)
_INHERITED = ("year", "date", "booktitle", "editor", "publisher", "journal", "journaltitle", "series")
_NEEDED = frozenset(
    (
        *_VENUE_FIELDS,
        *_INHERITED,
        "title",
        "author",
        "doi",
        "url",
        "eprint",
        "archiveprefix",
        "eprinttype",
        "arxiv",
        "abstract",
        "keywords",
        "crossref",
    )
)
Columns = tuple[object, ...]  # an entry's values in DISPLAY_COLUMNS order: text, a year, or None
DISPLAY_COLUMNS = ("title", "authors", "authors_short", "year", "venue", "doi", "arxiv", "url", "abstract", "keywords")
_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def evaluated_fields(fields: Fields, macros: Mapping[str, str]) -> dict[str, str]:
    """The fields a paper's columns are made of, lower-cased, with macros and `#` evaluated."""
    values: dict[str, str] = {}
    for name, raw in fields:
        key = name.lower()
        if key in _NEEDED and key not in values:
            values[key] = evaluate(raw, macros)
    return values


def inherit_crossref(values: dict[str, str], parent: Mapping[str, str] | None) -> dict[str, str]:
    """Fill the fields a crossref child lacks from its parent, for display only."""
    if not parent:
        return values
    merged = dict(values)
    for key in _INHERITED:
        if key not in merged and key in parent:
            merged[key] = parent[key]
    if "booktitle" not in merged and "title" in parent:
        merged["booktitle"] = parent["title"]
    return merged


def display_columns(values: Mapping[str, str]) -> dict[str, object]:
    """The normalised, Unicode columns stored beside the raw fields."""
    names = _names(values.get("author") or values.get("editor", ""))
    url = _plain(values.get("url"))
    return {
        "title": _text(values.get("title")),
        "authors": "; ".join(name.display for name in names) or None,
        "authors_short": short_authors(names) or None,
        "year": _year(values),
        "venue": _venue(values),
        "doi": normalize_doi(values.get("doi")) or doi_from_url(url),
        "arxiv": arxiv_from_fields(dict(values)),
        "url": url,
        "abstract": _text(values.get("abstract")),
        "keywords": _text(values.get("keywords")),
    }


def _names(value: str) -> list[Name]:
    names = split_names(value)
    if value.isascii() and "\\" not in value:
        return names
    return [_decode_name(name) for name in names]


def _decode_name(name: Name) -> Name:
    return Name(*(latex_to_unicode(part) if part else "" for part in (name.given, name.family, name.von, name.jr)))


def _text(value: str | None) -> str | None:
    return latex_to_unicode(value) or None if value else None


def _plain(value: str | None) -> str | None:
    return " ".join(value.split()).strip("{}") or None if value else None


def _year(values: Mapping[str, str]) -> int | None:
    for key in ("year", "date"):
        match = _YEAR.search(values.get(key, ""))
        if match:
            return int(match.group(1))
    return None


def _venue(values: Mapping[str, str]) -> str | None:
    for key in _VENUE_FIELDS:
        if values.get(key):
            return _venue_text(values[key])
    return None


@lru_cache(maxsize=1 << 12)
def _venue_text(value: str) -> str | None:
    """Venues repeat across a library, so their decoded text is kept for reuse."""
    return _text(value)
