"""One paper's statements as the statements pane shows them: loaded once, then filtered,
counted per filter value, ordered and grouped by citing (or cited) work — all in memory."""

from __future__ import annotations

import enum
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import sqlite_utils

from citedesk.library.markers import find_marker
from citedesk.model import Section, Stance


class Direction(enum.StrEnum):
    """Statements that cite the paper, or statements in which the paper cites others."""

    CITED_BY = "cited_by"
    REFERENCES = "references"


class Order(enum.StrEnum):
    """How statements are ordered in the pane."""

    RELEVANCE = "relevance"
    NEWEST = "newest"
    OLDEST = "oldest"
    CONFIDENCE = "confidence"


class Relationship(enum.StrEnum):
    """Whether the citing and cited work share an author."""

    SELF = "self-citation"
    INDEPENDENT = "independent"
    UNKNOWN = "unknown"


FACETS = ("stance", "section", "year", "type", "relationship", "author", "venue")
_UNKNOWN = ""  # the facet value of a missing year, type or venue


@dataclass(frozen=True, slots=True)
class Work:
    """The other side of a citation: the citing work (Cited by) or the cited work (References)."""

    id: int
    title: str | None
    authors: str | None
    year: int | None
    venue: str | None
    publication_type: str | None
    doi: str | None
    paper_key: str | None  # its citation key when it is in the library

    @property
    def author_names(self) -> list[str]:
        return [name.strip() for name in (self.authors or "").split(";") if name.strip()]


@dataclass(slots=True)
class Item:
    """One statement with what the pane filters and shows."""

    id: int
    text: str
    marker: tuple[int, int] | None
    section: Section
    raw_section: str | None
    stance: Stance
    confidence: float | None
    intents: list[str]
    source: str | None
    work: Work
    self_citation: bool | None
    influential: bool
    _folded: str | None = None

    @property
    def relationship(self) -> Relationship:
        if self.self_citation is None:
            return Relationship.UNKNOWN
        return Relationship.SELF if self.self_citation else Relationship.INDEPENDENT

    @property
    def folded(self) -> str:
        """The text in lower case without accents, for matching searches."""
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    def facet_values(self, facet: str) -> Iterable[object]:
        """The values this statement counts under in a facet (several for authors)."""
        if facet == "author":
            return self.work.author_names
        return (_SINGLE_VALUES[facet](self),)


_SINGLE_VALUES = {
    "stance": lambda item: item.stance.value,
    "section": lambda item: item.section.value,
    "year": lambda item: item.work.year or 0,
    "type": lambda item: item.work.publication_type or _UNKNOWN,
    "relationship": lambda item: item.relationship.value,
    "venue": lambda item: item.work.venue or _UNKNOWN,
}

_LOAD_SQL = """
SELECT s.id, s.text, s.marker_start, s.marker_end, s.section, s.raw_section, s.stance, s.confidence,
       s.intents, s.source, c.self_citation, c.is_influential,
       w.id, w.title, w.authors, w.year, w.venue, w.publication_type, w.doi, p.citekey
FROM works me
JOIN citations c ON c.{mine} = me.id
JOIN statements s ON s.citation_id = c.id
JOIN works w ON w.id = c.{other}
LEFT JOIN papers p ON p.id = w.paper_id
WHERE me.paper_id = ?
ORDER BY s.id
"""
_SIDES = {Direction.CITED_BY: ("cited_work_id", "citing_work_id"), Direction.REFERENCES: ("citing_work_id", "cited_work_id")}
_SECTIONS = {section.value: section for section in Section}
_STANCES = {stance.value: stance for stance in Stance}


def load_items(db: sqlite_utils.Database, paper_id: int, direction: Direction = Direction.CITED_BY) -> list[Item]:
    """Every statement citing the paper (or, for References, in which it cites others)."""
    mine, other = _SIDES[direction]
    cited = _cited_paper(db, paper_id) if direction is Direction.CITED_BY else None
    works: dict[int, Work] = {}
    items = []
    for row in db.execute(_LOAD_SQL.format(mine=mine, other=other), [paper_id]):
        work = works.get(row[12]) or works.setdefault(row[12], Work(*row[12:]))
        items.append(_item(row, work, cited or (work.authors, work.year)))
    return items


def _cited_paper(db: sqlite_utils.Database, paper_id: int) -> tuple[str | None, int | None]:
    row = db.execute("SELECT authors, year FROM papers WHERE id = ?", [paper_id]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _item(row: tuple, work: Work, cited: tuple[str | None, int | None]) -> Item:
    id_, text, start, end, section, raw_section, stance, confidence, intents, source, self_cite, influential = row[:12]
    marker = (start, end) if start is not None and end is not None else find_marker(text, *cited)
    return Item(
        id=id_,
        text=text,
        marker=marker,
        section=_SECTIONS.get(section, Section.UNKNOWN),
        raw_section=raw_section,
        stance=_STANCES.get(stance, Stance.UNCLASSIFIED),
        confidence=confidence,
        intents=json.loads(intents) if intents else [],
        source=source,
        work=work,
        self_citation=None if self_cite is None else bool(self_cite),
        influential=bool(influential),
    )


@dataclass(frozen=True)
class Filters:
    """What the pane's filters ask for; an empty set means no restriction on that facet."""

    stance: frozenset[str] = frozenset()
    section: frozenset[str] = frozenset()
    year_from: int | None = None
    year_to: int | None = None
    type: frozenset[str] = frozenset()
    relationship: frozenset[str] = frozenset()
    author: frozenset[str] = frozenset()
    venue: frozenset[str] = frozenset()
    text: str = ""
    order: Order = Order.RELEVANCE

    @cached_property
    def terms(self) -> list[re.Pattern[str]]:
        """The search text as patterns over folded text: quoted phrases, other words as prefixes."""
        return search_patterns(self.text)

    def passes(self, item: Item, facet: str) -> bool:
        """Whether the item passes this facet's filter."""
        if facet == "year":
            year = item.work.year
            if self.year_from is None and self.year_to is None:
                return True
            return year is not None and (self.year_from or 0) <= year <= (self.year_to or 9999)
        wanted: frozenset[str] = getattr(self, facet)
        return not wanted or any(value in wanted for value in item.facet_values(facet))

    def text_score(self, item: Item) -> int:
        """How many times the search terms occur in the item; 0 means it does not match."""
        if not self.terms:
            return 1
        counts = [len(pattern.findall(item.folded)) for pattern in self.terms]
        return sum(counts) if all(counts) else 0


def search_patterns(text: str) -> list[re.Pattern[str]]:
    """Quoted phrases match as phrases, other words as word prefixes, without case or accents."""
    patterns = []
    for phrase, word in re.findall(r'"([^"]*)"?|(\S+)', text):
        words = re.findall(r"\w+", fold(phrase or word))
        if phrase and words:
            patterns.append(re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b"))
        else:
            patterns += [re.compile(r"\b" + re.escape(w)) for w in words]
    return patterns


def fold(text: str) -> str:
    """Lower case without accents."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@dataclass
class View:
    """The items that pass every filter, their groups in order, and the counts for each filter value."""

    items: list[Item]
    groups: list[Group]
    facets: dict[str, Counter]
    total: int


@dataclass
class Group:
    """The statements of one work, in the pane's order."""

    work: Work
    items: list[Item] = field(default_factory=list)


def build_view(items: Sequence[Item], filters: Filters) -> View:
    """Filter, count facets (each facet counted with the other filters applied) and group, in one pass."""
    facets: dict[str, Counter] = {facet: Counter() for facet in FACETS}
    shown: list[tuple[int, Item]] = []
    for item in items:
        score = filters.text_score(item)
        failed = [facet for facet in FACETS if not filters.passes(item, facet)]
        if score == 0 or len(failed) > 1:
            continue
        for facet in failed or FACETS:
            facets[facet].update(item.facet_values(facet))
        if not failed:
            shown.append((score, item))
    ordered = [item for _, item in sorted(shown, key=_order_key(filters.order))]
    return View(ordered, group_items(ordered), facets, len(items))


_STANCE_RANK = {Stance.SUPPORTING: 0, Stance.CONTRASTING: 0, Stance.MENTIONING: 1, Stance.UNCLASSIFIED: 2}


def _order_key(order: Order):
    """Sort key over (text score, item). Relevance: search hits, then evidence (supporting or
    contrasting) before mentions, influential citations, confidence, newest."""
    if order is Order.NEWEST:
        return lambda pair: (-(pair[1].work.year or 0), pair[1].id)
    if order is Order.OLDEST:
        return lambda pair: (pair[1].work.year is None, pair[1].work.year or 0, pair[1].id)
    if order is Order.CONFIDENCE:
        return lambda pair: (-(pair[1].confidence or 0), pair[1].id)
    return lambda pair: (
        -pair[0],
        _STANCE_RANK[pair[1].stance],
        not pair[1].influential,
        -(pair[1].confidence or 0),
        -(pair[1].work.year or 0),
        pair[1].id,
    )


def group_items(items: Iterable[Item]) -> list[Group]:
    """Consecutive or not, statements of the same work form one group, placed where its first statement is."""
    groups: dict[int, Group] = {}
    for item in items:
        groups.setdefault(item.work.id, Group(item.work)).items.append(item)
    return list(groups.values())


def per_year(items: Iterable[Item]) -> dict[int, Counter]:
    """Statements per year of the citing work, split by stance (for the report's chart)."""
    years: dict[int, Counter] = {}
    for item in items:
        if item.work.year:
            years.setdefault(item.work.year, Counter())[item.stance] += 1
    return dict(sorted(years.items()))
