"""The search box's language: free words, field prefixes (author:, title:, year:2015..2019, type:, tag:) as SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from citedesk.library.identifiers import normalize_doi

# A term is `name:"a phrase"`, `name:value`, `"a phrase"` or a bare word; names are letters only.
_TERM = re.compile(r'(?:(?P<name>[A-Za-z]+):)?(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"]+))')
_WORD = re.compile(r"\w+", re.UNICODE)
_YEARS = re.compile(r"^(?P<low>\d{1,4})?(?:(?P<range>\.\.|-)(?P<high>\d{1,4})?)?$")

FTS_COLUMNS = {
    "title": "title",
    "author": "authors",
    "authors": "authors",
    "venue": "venue",
    "journal": "venue",
    "booktitle": "venue",
    "abstract": "abstract",
    "keyword": "keywords",
    "keywords": "keywords",
    "key": "citekey",
}
PREFIXES = (*FTS_COLUMNS, "year", "type", "tag", "doi")


@dataclass
class Search:
    """What a search text asks for: an FTS5 query and SQL conditions on `papers`, ANDed together."""

    fts: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)

    @property
    def fts_query(self) -> str | None:
        """The FTS5 MATCH expression, or None when no words were typed."""
        return " ".join(self.fts) or None

    def where(self, with_fts: bool = True) -> tuple[str, list[object]]:
        """The SQL condition (over `papers`) and its parameters; '1' when nothing is asked.
        Without `with_fts` the caller joins papers_fts and matches `fts_query` itself."""
        parts = list(self.conditions)
        params = list(self.params)
        if self.fts_query and with_fts:
            # `+id`: SQLite walks the sort index and probes the matches, rather than sorting every match
            parts.insert(0, "+papers.id IN (SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?)")
            params.insert(0, self.fts_query)
        return (" AND ".join(parts) or "1"), params


def parse_search(text: str) -> Search:
    """Turn what a person typed into a Search; nothing typed can make the SQL fail."""
    search = Search()
    for match in _TERM.finditer(text):
        name, value = (match.group("name") or "").lower(), _value(match).strip()
        if name in PREFIXES and value:
            _add_field(search, name, value, match.group("phrase") is not None)
        else:
            _add_plain(search, match)
    return search


def _add_field(search: Search, name: str, value: str, is_phrase: bool) -> None:
    if name in FTS_COLUMNS:
        _add_words(search, value, is_phrase, FTS_COLUMNS[name])
    elif name == "year":
        _add_years(search, value)
    elif name == "type":
        search.conditions.append("papers.entry_type = ?")
        search.params.append(value.lower().lstrip("@"))
    elif name == "tag":
        search.conditions.append(
            "papers.id IN (SELECT paper_id FROM paper_tags JOIN tags ON tags.id = paper_tags.tag_id "
            "WHERE tags.name = ? COLLATE NOCASE)"
        )
        search.params.append(value)
    elif name == "doi":
        search.conditions.append("papers.doi = ?")
        search.params.append(normalize_doi(value) or value)


def fts_query(text: str) -> str | None:
    """An FTS5 query for plain words: quoted phrases stay phrases, every other word must match
    as a prefix, and operators or stray punctuation are plain text."""
    search = Search()
    for match in _TERM.finditer(text):
        _add_plain(search, match)
    return search.fts_query


def _add_plain(search: Search, match: re.Match[str]) -> None:
    """A term without a known field prefix: its name (if any) and its value are plain words."""
    if match.group("name"):
        _add_words(search, match.group("name"), False, None)
    _add_words(search, _value(match), match.group("phrase") is not None, None)


def _value(match: re.Match[str]) -> str:
    return match.group("phrase") if match.group("phrase") is not None else match.group("word") or ""


def _add_words(search: Search, text: str, is_phrase: bool, column: str | None) -> None:
    """Quoted text is one phrase; other words each match as a prefix; punctuation is ignored."""
    words = _WORD.findall(text)
    if not words:
        return
    scope = f"{column} : " if column else ""
    if is_phrase:
        search.fts.append(f'{scope}"{" ".join(words)}"')
    else:
        search.fts.extend(f'{scope}"{word}"*' for word in words)


def _add_years(search: Search, value: str) -> None:
    """`2015`, `2015..2019`, `2015-2019`, `..2010` or `2015..`; anything else matches nothing."""
    match = _YEARS.match(value)
    if not match or not (match.group("low") or match.group("high")):
        search.conditions.append("0")
        return
    low, high = match.group("low"), match.group("high")
    if not match.group("range"):
        high = low
    # coalesce(year, 0) is the indexed sort expression, so a year range seeks in that index
    search.conditions.append("coalesce(papers.year, 0) BETWEEN ? AND ?")
    search.params += [int(low or 1), int(high or 9999)]
