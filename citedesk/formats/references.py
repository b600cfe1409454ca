"""Formatted references: records, through the CSL-JSON mapping, in a CSL style (citeproc-py), as text and HTML."""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import citeproc
from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
from citeproc.source.json import CiteProcJSON

from citedesk.formats import citeproc_fixes
from citedesk.formats.base import Record
from citedesk.formats.csljson import item_of_record
from citedesk.model import CitedeskError

DEFAULT_STYLE = "apa"
# The styles shipped in citedesk/resources/csl (see its README.md), in the order a person picks from
STYLE_NAMES = (
    "apa",
    "chicago-author-date",
    "ieee",
    "nlm-citation-sequence",
    "harvard-cite-them-right",
    "modern-language-association",
    "nature",
    "association-for-computing-machinery",
    "association-for-computational-linguistics",
)
_SUPPORTED = frozenset(name.replace("_", "-") for name in citeproc.VARIABLES) | {"id", "type"}
_NUMBER_GLUED = re.compile(r"^(\[\d+\]|\d+\.)(?=\S)")  # "[1]K. Papineni": a left-margin number without its gap
citeproc_fixes.install()
_QUOTE_THEN_PUNCTUATION = re.compile("\u201d([,.])")
_RENDERING = threading.Lock()  # citeproc keeps a rendering's state in the parsed style


@dataclass(frozen=True)
class Style:
    """A citation style: its short name ("apa"), its title ("APA Style 7th edition") and its CSL file."""

    name: str
    title: str
    path: Path


@dataclass(frozen=True)
class Reference:
    """One formatted reference, as plain text and as HTML (for a word processor's paste)."""

    key: str
    text: str
    html: str


def citation_styles() -> list[Style]:
    """The styles references can be formatted in."""
    return [style_named(name) for name in STYLE_NAMES]


@cache
def style_named(name: str) -> Style:
    """One shipped style by its short name; an unknown name is one sentence listing the others."""
    if name not in STYLE_NAMES:
        raise CitedeskError(f"No citation style called {name!r}; the styles are {', '.join(STYLE_NAMES)}")
    path = Path(str(files("citedesk") / "resources" / "csl" / f"{name}.csl"))
    title = re.search(r"<title>([^<]+)</title>", path.read_text(encoding="utf-8"))
    return Style(name, title[1] if title else name, path)


def format_references(records: Sequence[Record], style: str = DEFAULT_STYLE) -> list[Reference]:
    """The records' references in a style, in their order (numbered from 1 where the style numbers them). A
    record missing what the style wants (authors, a year) still gets a reference with what it has."""
    items = [_item(record, number) for number, record in enumerate(records)]
    with _RENDERING:
        parsed = _parsed_style(style)
        texts = _render(parsed, items, formatter.plain)
        htmls = _render(parsed, items, formatter.html)
    inside = _punctuation_in_quote(parsed)
    return [
        Reference(record.key, _finished(text, inside), _finished(html, inside))
        for record, text, html in zip(records, texts, htmls, strict=True)
    ]


def references_html(references: Sequence[Reference]) -> str:
    """The references as one HTML fragment, an entry per paragraph (what goes on the clipboard)."""
    return "".join(f'<div class="csl-entry">{reference.html}</div>' for reference in references)


@cache
def _parsed_style(name: str) -> CitationStylesStyle:
    return CitationStylesStyle(str(style_named(name).path), validate=False)


def _item(record: Record, number: int) -> dict[str, Any]:
    """A record's CSL-JSON item with only the variables citeproc-py knows (it warns about the rest), under an id
    of its own (keys can repeat across files, or be empty)."""
    item = {key: value for key, value in item_of_record(record).items() if key in _SUPPORTED}
    item["id"] = f"item-{number}"
    return item


def _render(style: CitationStylesStyle, items: list[dict[str, Any]], output: Any) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # citeproc-py warns of CSL features it renders without; nothing to act on
        bibliography = CitationStylesBibliography(style, CiteProcJSON(items), output)
        for item in items:
            bibliography.register(Citation([CitationItem(item["id"])]))
        by_id = dict(zip(bibliography.keys, (str(entry) for entry in bibliography.bibliography()), strict=True))
    return [by_id.get(item["id"], "") for item in items]


def _finished(text: str, punctuation_in_quote: bool) -> str:
    """A left-margin number spaced from the reference; in American English, a comma or period after a closing
    quotation mark moved inside it ("Title,”), as the locale's punctuation-in-quote asks (citeproc-py leaves it
    outside)."""
    text = _NUMBER_GLUED.sub(r"\1 ", text.strip())
    return _QUOTE_THEN_PUNCTUATION.sub("\\1\u201d", text) if punctuation_in_quote else text


@cache
def _punctuation_in_quote(style: CitationStylesStyle) -> bool:
    """Whether the style's locale puts commas and periods inside quotation marks (en-US, CSL's default)."""
    locale = style.root.get("default-locale") or "en-US"
    return locale.lower() in ("en", "en-us")
