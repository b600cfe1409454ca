"""Crossref: a work's metadata, its JATS abstract as plain text, its own reference list and its counts."""

from __future__ import annotations

import html
import re
from typing import Any

from citedesk.model import CitationRecord, Metrics, PaperRef, SourceResult, WorkRecord
from citedesk.sources.base import IsCancelled, Source
from citedesk.sources.errors import NotFound
from citedesk.sources.ids import (
    check_cancelled,
    dict_or_empty,
    int_or_none,
    normalize_doi,
    quote_path,
    text_or_none,
    type_in,
    year_from,
)

_COMMENT = re.compile(r"<!--.*?-->|<!\[CDATA\[|\]\]>", re.DOTALL)
_TAG = re.compile(r"<(/?)(?:[A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)(?:\s[^<>]*)?/?>")
_BLOCKS = {
    "p",
    "sec",
    "abstract",
    "trans-abstract",
    "list",
    "list-item",
    "def-list",
    "disp-quote",
    "boxed-text",
    "caption",
    "fig",
    "table-wrap",
    "statement",
}
_UNTITLED = {"abstract", "summary", "graphical abstract"}  # headings that only repeat what the text is
_NEWLINE_GAP = re.compile(r"\s*\n\s*")
_SPACES = re.compile(r"[ \t\r\f\v]+")
TYPES = {  # Crossref's types in CiteDesk's vocabulary
    "journal-article": "journal-article",
    "proceedings-article": "conference-paper",
    "proceedings": "proceedings",
    "proceedings-series": "proceedings",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-set": "book",
    "book-series": "book",
    "book-chapter": "book-chapter",
    "book-section": "book-chapter",
    "book-part": "book-chapter",
    "reference-entry": "book-chapter",
    "dissertation": "thesis",
    "report": "report",
    "report-component": "report",
    "report-series": "report",
    "posted-content": "preprint",
    "dataset": "dataset",
    "database": "dataset",
}


class Crossref(Source):
    """Crossref REST API: one work by DOI; `mailto` puts requests in the faster polite pool."""

    name = "crossref"
    label = "Crossref"
    default_url = "https://api.crossref.org"
    requests_per_second = 5.0  # the public pool's limit for single records since December 2025
    key_help = (
        "Not needed: give your e-mail address instead to use Crossref's faster polite pool. "
        "Metadata Plus subscribers may paste their Plus token here."
    )

    def headers(self) -> dict[str, str]:
        """The Metadata Plus token, when there is one."""
        return {"Crossref-Plus-API-Token": f"Bearer {self.settings.key}"} if self.settings.key else {}

    def params(self) -> dict[str, str]:
        """The e-mail address (polite pool), when set."""
        return {"mailto": self.settings.mailto} if self.settings.mailto else {}

    def fetch(self, paper: PaperRef, cancelled: IsCancelled) -> SourceResult:
        """The work, its counts and its reference list; found=False without a DOI or for a DOI Crossref lacks."""
        doi = self.lookup_id(paper)
        if doi is None:
            return SourceResult(source=self.name, found=False)
        check_cancelled(cancelled)
        try:
            data = self.client.get_json(f"/works/{quote_path(doi)}", self.params())
        except NotFound:  # plain-text "Resource not found."
            return SourceResult(source=self.name, found=False)
        work, metrics = parse_work_message(data)
        return SourceResult(source=self.name, work=work, metrics=metrics, references=parse_references(data, work))


# -- parsing: plain functions on decoded JSON


def parse_work_message(data: Any) -> tuple[WorkRecord, Metrics]:
    """A /works/{doi} answer (or its `message`) as a WorkRecord and Crossref's counts."""
    message = work_message(data)
    work = WorkRecord(
        doi=normalize_doi(message.get("DOI")),
        title=first_text(message.get("title")),
        authors=author_names(message.get("author")),
        year=issued_year(message),
        venue=first_text(message.get("container-title")),
        publication_type=type_in(TYPES, message.get("type")),
        abstract=clean_text(message.get("abstract")),
    )
    references_count = message.get("references-count", message.get("reference-count"))
    metrics = Metrics(
        cited_by=int_or_none(message.get("is-referenced-by-count")), references_count=int_or_none(references_count)
    )
    return work, metrics


def parse_references(data: Any, paper: WorkRecord | None = None) -> list[CitationRecord]:
    """The work's own reference list: each entry cited by the work (`paper`, else the work parsed from data).
    Entries with neither a DOI nor any title are left out; repeated keys are kept once."""
    message = work_message(data)
    citing = paper if paper is not None else parse_work_message(message)[0]
    records, seen = [], set()
    references = message.get("reference")
    for entry in references if isinstance(references, list) else []:
        entry = dict_or_empty(entry)
        key = entry.get("key")
        if key is not None and key in seen:
            continue
        seen.add(key)
        if (cited := parse_reference(entry)) is not None:
            records.append(CitationRecord(citing=citing, cited=cited))
    return records


def parse_reference(entry: Any) -> WorkRecord | None:
    """One reference-list entry: DOI, article title (else the book title, else the unstructured text),
    journal, first author and year; None when it has neither a DOI nor a title."""
    entry = dict_or_empty(entry)
    doi = normalize_doi(entry.get("DOI"))
    article_title = clean_text(entry.get("article-title"))
    title = article_title or clean_text(entry.get("volume-title")) or clean_text(entry.get("unstructured"))
    if not doi and not title:
        return None
    venue = clean_text(entry.get("journal-title")) or (clean_text(entry.get("volume-title")) if article_title else None)
    author = clean_text(entry.get("author"))
    return WorkRecord(
        doi=doi, title=title, authors=[author] if author else [], year=year_from(entry.get("year")), venue=venue
    )


def parse_work_list(data: Any) -> tuple[list[WorkRecord], str | None]:
    """The works of a list answer (`/works?…&cursor=*`) and the cursor of the next page (None after the last)."""
    message = work_message(data)
    items = message.get("items")
    works = [
        parse_work_message(item)[0] for item in (items if isinstance(items, list) else []) if isinstance(item, dict)
    ]
    return works, text_or_none(message.get("next-cursor")) if works else None


def jats_to_text(markup: str | None) -> str:
    """Plain text of a JATS fragment: tags dropped, one blank line between paragraphs, section titles as
    "Background: " before their first paragraph, entities unescaped; tolerant of unclosed or stray tags."""
    text = _COMMENT.sub("", markup or "")
    paragraphs = _Paragraphs()
    position = 0
    for tag in _TAG.finditer(text):
        paragraphs.add_text(text[position : tag.start()])
        paragraphs.add_tag(tag[2].lower(), closing=bool(tag[1]))
        position = tag.end()
    paragraphs.add_text(text[position:])
    return paragraphs.finish()


class _Paragraphs:
    """The paragraphs of a JATS fragment, built as its text and tags go by."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.pieces: list[str] = []  # raw text of the paragraph being read
        self.title: list[str] | None = None  # raw text of the title being read
        self.heading: str | None = None  # a title waiting for its first paragraph

    def add_text(self, raw: str) -> None:
        """Text between two tags."""
        (self.title if self.title is not None else self.pieces).append(raw)

    def add_tag(self, name: str, closing: bool) -> None:
        """A tag: blocks and titles end the paragraph (and any title); line breaks become spaces."""
        if name in ("break", "br"):
            self.add_text(" ")
        elif name in _BLOCKS or name == "title":
            self.end_title()
            self.end_paragraph()
            if name == "title" and not closing:
                self.title = []

    def end_title(self) -> None:
        """Keep the title read so far as the heading of the next paragraph (unless it just says "Abstract")."""
        if self.title is None:
            return
        title, self.title = inline_text("".join(self.title)), None
        if self.heading:  # an earlier heading that got no paragraph stands alone
            self.done.append(self.heading)
        self.heading = title if title and title.lower().rstrip(":.") not in _UNTITLED else None

    def end_paragraph(self) -> None:
        """Add the paragraph read so far, if it has text, after the waiting heading."""
        text, self.pieces = inline_text("".join(self.pieces)), []
        if not text:
            return
        if self.heading:
            text = f"{self.heading} {text}" if self.heading[-1] in ":.?!" else f"{self.heading}: {text}"
            self.heading = None
        self.done.append(text)

    def finish(self) -> str:
        """All paragraphs, one blank line apart."""
        self.end_title()
        self.end_paragraph()
        return "\n\n".join([*self.done, *([self.heading] if self.heading else [])])


def inline_text(raw: str) -> str:
    """Text between tags as one line: line breaks of pretty-printed XML become a space, or nothing next to
    brackets and punctuation ("(\\n <i>KRAS</i>\\n )" reads "(KRAS)"); then entities are unescaped."""
    text = _NEWLINE_GAP.sub(lambda gap: line_gap(raw, gap.start(), gap.end()), raw)
    return html.unescape(_SPACES.sub(" ", text)).strip()


def line_gap(raw: str, start: int, end: int) -> str:
    """What replaces a whitespace run with a line break in it."""
    before = raw[start - 1] if start > 0 else ""
    after = raw[end] if end < len(raw) else ""
    return "" if (before and before in "([/") or (after and after in ",.;:)]/") else " "


def clean_text(value: Any) -> str | None:
    """A string field without markup, entities or extra spaces, or None."""
    return (jats_to_text(value) or None) if isinstance(value, str) else None


def first_text(values: Any) -> str | None:
    """The first of a list of strings (Crossref's `title`, `container-title`), cleaned."""
    if isinstance(values, str):
        return clean_text(values)
    return next((text for value in values if (text := clean_text(value))), None) if isinstance(values, list) else None


def author_names(authors: Any) -> list[str]:
    """ "Given Family" for each author; organisations by their `name`."""
    names = []
    for author in authors if isinstance(authors, list) else []:
        author = dict_or_empty(author)
        parts = [text_or_none(author.get("given")), text_or_none(author.get("family"))]
        if name := " ".join(part for part in parts if part) or text_or_none(author.get("name")):
            names.append(name)
    return names


def issued_year(message: dict[str, Any]) -> int | None:
    """The year the work came out: `issued`, else `published`, `published-print`, `published-online`."""
    for key in ("issued", "published", "published-print", "published-online"):
        parts = dict_or_empty(message.get(key)).get("date-parts")
        first = parts[0] if isinstance(parts, list) and parts and isinstance(parts[0], list) else []
        if first and (year := year_from(first[0])) is not None:
            return year
    return None


def work_message(data: Any) -> dict[str, Any]:
    """The `message` of an answer, or data itself when it is already a message."""
    data = dict_or_empty(data)
    return dict_or_empty(data["message"]) if isinstance(data.get("message"), dict) else data


def parse_error(data: Any) -> str | None:
    """The message of an error body: plain text (404 "Resource not found.") or a validation failure
    {"message": [{"message": ...}, ...]} (400)."""
    if isinstance(data, (bytes, str)):
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
        return text.strip() or None
    message = dict_or_empty(data).get("message")
    if isinstance(message, list):
        texts = [said for item in message if (said := text_or_none(dict_or_empty(item).get("message")))]
        return "; ".join(texts) or None
    return text_or_none(message)
