"""One paper's statements as the statements pane shows them: loaded once, then filtered by the stance and
the registered facets, counted per facet value, ordered and grouped by citing (or cited) work — all in memory."""

from __future__ import annotations

import enum
import json
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from typing import Any

import sqlite_utils

from citedesk.library.facets import Facet
from citedesk.library.facets_builtin import BUILT_IN, UNKNOWN_YEAR
from citedesk.library.markers import find_marker
from citedesk.library.records import column_picker, field_names
from citedesk.library.visible import pictured
from citedesk.library.work_ids import display_title, id_url, stand_in_id
from citedesk.model import Section, Stance, WorkId

log = logging.getLogger(__name__)


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


Values = tuple[Hashable, ...]  # a statement's values for one facet
# The stance is counted and filtered like a facet, always (the pane shows it as chips, not as a filter button).
STANCE = Facet("stance", "Stance", lambda item: (item.stance.value,))
FACETS = (STANCE.name, *(facet.name for facet in BUILT_IN))  # what a view counts with the built-in facets


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
    s2_id: str | None = None
    openalex_id: str | None = None
    known_by: WorkId | None = field(init=False)  # the id standing in for it when that is all that is known
    display_title: str = field(init=False)  # its title line: the title, or the id's label ("ACL Anthology W06-3112")
    link: str | None = field(init=False)  # where the title line links to: the page of that id, if any

    def __post_init__(self) -> None:
        known_by = stand_in_id(self.title, self.authors, self.year, self.doi, self.s2_id, self.openalex_id)
        object.__setattr__(self, "known_by", known_by)  # frozen: set once, here
        object.__setattr__(self, "display_title", display_title(self.title, known_by))
        object.__setattr__(self, "link", id_url(known_by) if known_by is not None else None)

    @property
    def author_names(self) -> list[str]:
        return [name.strip() for name in (self.authors or "").split(";") if name.strip()]


@dataclass(frozen=True, slots=True)
class Item:
    """One statement with what the pane filters and shows. Frozen: what is worked out on first use (the
    folded text, the facet values, the marker found in the text) is kept with `object.__setattr__`."""

    id: int
    text: str
    given_marker: tuple[int, int] | None  # the marker's offsets, when the source gave them
    section: Section
    raw_section: str | None
    stance: Stance
    confidence: float | None
    intents: Sequence[str]
    source: str | None
    work: Work
    self_citation: bool | None
    influential: bool
    cited: tuple[str | None, int | None] | None = None  # the cited work's authors and year, to find the marker
    _folded: str | None = field(default=None, repr=False, compare=False)
    _values: tuple[tuple[Facet, ...], tuple[Values, ...]] | None = field(default=None, repr=False, compare=False)
    _marker: tuple[int, int] | bool | None = field(default=False, repr=False, compare=False)

    @property
    def marker(self) -> tuple[int, int] | None:
        """The citation marker's offsets: as given, else found from the cited authors and year
        (on first use, so that only statements someone looks at are searched)."""
        if self.given_marker is not None or self.cited is None:
            return self.given_marker
        if self._marker is False:
            object.__setattr__(self, "_marker", find_marker(self.text, *self.cited))
        return self._marker  # type: ignore[return-value]

    @property
    def relationship(self) -> Relationship:
        if self.self_citation is None:
            return Relationship.UNKNOWN
        return Relationship.SELF if self.self_citation else Relationship.INDEPENDENT

    @property
    def folded(self) -> str:
        """The text in lower case without accents, for matching searches."""
        if self._folded is None:
            object.__setattr__(self, "_folded", fold(self.text))
        return self._folded  # type: ignore[return-value]

    def values_for(
        self, facets: tuple[Facet, ...], of_works: dict[int, tuple[Values | None, ...]]
    ) -> tuple[Values, ...]:
        """The values this statement counts under, one tuple per facet (the stance's first), worked out once
        for these facets; `of_works` keeps each work's values for the facets whose values come from the work
        alone, shared by its statements."""
        cached = self._values
        if cached is not None and (cached[0] is facets or cached[0] == facets):  # the same facets: identical
            return cached[1]
        own = of_works.get(self.work.id)
        if own is None:
            own = of_works[self.work.id] = tuple(values_of(facet, self) if facet.of_work else None for facet in facets)
        values = (
            (self.stance.value,),
            *(
                values_of(facet, self) if work is None else work  # computed per work
                for facet, work in zip(facets, own)
            ),
        )
        object.__setattr__(self, "_values", (facets, values))
        return values


def values_of(facet: Facet, item: Item) -> Values:
    """One facet's values for a statement; none when the facet (perhaps a plug-in's) fails on it."""
    try:
        return tuple(facet.values(item))
    except Exception:  # a third party's bug must not stop the pane
        log.debug("the facet %s failed on statement %s", facet.name, item.id, exc_info=True)
        return ()


# No ORDER BY: the pane orders statements itself, and sorting 10,000 rows here costs a third of the read.
_LOAD_SQL = """
SELECT s.id AS id, s.text AS text, s.marker_start AS marker_start, s.marker_end AS marker_end, s.section AS section,
       s.raw_section AS raw_section, s.stance AS stance, s.confidence AS confidence, s.intents AS intents,
       s.source AS source, c.self_citation AS self_citation, c.is_influential AS influential,
       w.id AS work_id, w.title AS work_title, w.authors AS work_authors, w.year AS work_year,
       w.venue AS work_venue, w.publication_type AS work_publication_type, w.doi AS work_doi,
       p.citekey AS work_paper_key, w.s2_id AS work_s2_id, w.openalex_id AS work_openalex_id
FROM works me
JOIN citations c ON c.{mine} = me.id
JOIN statements s ON s.citation_id = c.id
JOIN works w ON w.id = c.{other}
LEFT JOIN papers p ON p.id = w.paper_id
WHERE me.paper_id = ?
"""
# the columns of _LOAD_SQL an Item is made of, in the order `_item` takes them; a Work's are "work_" + its field
_ITEM_COLUMNS = (
    "id",
    "text",
    "marker_start",
    "marker_end",
    "section",
    "raw_section",
    "stance",
    "confidence",
    "intents",
    "source",
    "self_citation",
    "influential",
)
_WORK_FIELDS = field_names(Work)
_SIDES = {
    Direction.CITED_BY: ("cited_work_id", "citing_work_id"),
    Direction.REFERENCES: ("citing_work_id", "cited_work_id"),
}
_SECTIONS = {section.value: section for section in Section}
_STANCES = {stance.value: stance for stance in Stance}


def load_items(db: sqlite_utils.Database, paper_id: int, direction: Direction = Direction.CITED_BY) -> list[Item]:
    """Every statement citing the paper (or, for References, in which it cites others)."""
    mine, other = _SIDES[direction]
    cited = _cited_paper(db, paper_id) if direction is Direction.CITED_BY else None
    cursor = db.execute(_LOAD_SQL.format(mine=mine, other=other), [paper_id])
    statement_of = column_picker(cursor, _ITEM_COLUMNS)
    work_of = column_picker(cursor, tuple(f"work_{name}" for name in _WORK_FIELDS))
    (work_id_of,) = (index for index, column in enumerate(cursor.description) if column[0] == "work_id")
    works: dict[int, Work] = {}
    items = []
    for row in cursor:
        work = works.get(row[work_id_of])
        if work is None:
            work = works[row[work_id_of]] = Work(**dict(zip(_WORK_FIELDS, work_of(row))))
        items.append(_item(statement_of(row), work, cited or (work.authors, work.year)))
    return items


def _cited_paper(db: sqlite_utils.Database, paper_id: int) -> tuple[str | None, int | None]:
    row = db.execute("SELECT authors, year FROM papers WHERE id = ?", [paper_id]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _item(values: tuple[Any, ...], work: Work, cited: tuple[str | None, int | None]) -> Item:
    """An Item from the _ITEM_COLUMNS of a row of _LOAD_SQL."""
    id_, text, start, end, section, raw_section, stance, confidence, intents, source, self_cite, influential = values
    section = section if section in _SECTIONS else Section.UNKNOWN.value
    stance = stance if stance in _STANCES else Stance.UNCLASSIFIED.value
    self_citation = None if self_cite is None else bool(self_cite)
    return Item(
        id=id_,
        text=pictured(text),
        given_marker=(start, end) if start is not None and end is not None else None,
        section=_SECTIONS[section],
        raw_section=raw_section,
        stance=_STANCES[stance],
        confidence=confidence,
        intents=_intents(intents),
        source=source,
        work=work,
        self_citation=self_citation,
        influential=bool(influential),
        cited=cited,
    )


@lru_cache(maxsize=1024)
def _intents(raw: str | None) -> tuple[str, ...]:
    """The source's labels, decoded once per distinct value (statements share a few)."""
    return tuple(json.loads(raw)) if raw else ()


@dataclass(frozen=True, init=False)
class Filters:
    """What the pane's filters ask for: the values chosen in each facet, by the facet's name (a statement
    matches a facet when it has one of them; none chosen, no restriction), e.g. Filters(stance={"supporting"},
    venue={"Nature"}). The year is chosen as a range (`year_from`, `year_to`, either open), works without a
    year (`undated`), or both (either matches)."""

    chosen: tuple[tuple[str, frozenset[Hashable]], ...]  # (facet name, values), by name; no empty sets
    year_from: int | None
    year_to: int | None
    undated: bool
    text: str
    order: Order

    def __init__(
        self,
        chosen: Iterable[tuple[str, Iterable[Hashable]]] = (),
        year_from: int | None = None,
        year_to: int | None = None,
        undated: bool = False,
        text: str = "",
        order: Order = Order.RELEVANCE,
        **values: Iterable[Hashable],
    ) -> None:
        by_name = {**dict(chosen), **values}
        fields = {
            "chosen": tuple(sorted((name, frozenset(wanted)) for name, wanted in by_name.items() if wanted)),
            "year_from": year_from,
            "year_to": year_to,
            "undated": undated,
            "text": text,
            "order": order,
        }
        for name, value in fields.items():
            object.__setattr__(self, name, value)  # frozen

    def values_of(self, facet: str) -> frozenset[Hashable]:
        """The values chosen in one facet (none: no restriction)."""
        return next((wanted for name, wanted in self.chosen if name == facet), frozenset())

    def choosing(self, facet: str, values: Iterable[Hashable]) -> Filters:
        """These filters with other values chosen in one facet."""
        others = tuple((name, wanted) for name, wanted in self.chosen if name != facet)
        return replace(self, chosen=(*others, (facet, frozenset(values))))

    @cached_property
    def terms(self) -> list[re.Pattern[str]]:
        """The search text as patterns over folded text: quoted phrases, other words as prefixes."""
        return [pattern for _, pattern in search_terms(self.text)]

    def tests(self, names: Sequence[str]) -> list[tuple[int, Callable[[Values], bool]]]:
        """For each restricted facet among `names` (those a view counts), its position there and a test of a
        statement's values for it."""
        tests: list[tuple[int, Callable[[Values], bool]]] = []
        if (self.year_from is not None or self.year_to is not None or self.undated) and "year" in names:
            tests.append((names.index("year"), self._year_test()))
        for facet, wanted in self.chosen:
            if facet in names:
                tests.append((names.index(facet), _any_of(wanted)))
        return tests

    def _year_test(self) -> Callable[[Values], bool]:
        """Whether a statement's year value is in the range, or unknown when undated ones are asked for."""
        ranged = self.year_from is not None or self.year_to is not None
        low, high = self.year_from or 1, self.year_to or 9999
        undated = self.undated

        def in_range(values: Values) -> bool:
            year = values[0] if values else None
            if year == UNKNOWN_YEAR:
                return undated
            return ranged and isinstance(year, int) and low <= year <= high

        return in_range

    def text_score(self, item: Item) -> int:
        """How many times the search terms occur in the item; 0 means it does not match."""
        if not self.terms:
            return 1
        text, total = item.folded, 0
        for pattern, word in zip(self.terms, self._first_words):
            if word not in text:  # a cheap test first: most statements lack most words
                return 0
            found = len(pattern.findall(text))
            if not found:
                return 0
            total += found
        return total

    @cached_property
    def _first_words(self) -> list[str]:
        """The first word of each term: text without it cannot match the term."""
        return [word for word, _ in search_terms(self.text)]


def _any_of(wanted: frozenset[Hashable]) -> Callable[[Values], bool]:
    """Whether a statement has one of the wanted values."""
    return lambda values: not wanted.isdisjoint(values)


def search_terms(text: str) -> list[tuple[str, re.Pattern[str]]]:
    """Each term's first folded word and its pattern: quoted phrases match as phrases, other
    words as word prefixes, without case or accents."""
    terms = []
    for phrase, word in re.findall(r'"([^"]*)"?|(\S+)', text):
        words = re.findall(r"\w+", fold(phrase or word))
        if phrase and words:
            terms.append((words[0], re.compile(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b")))
        else:
            terms += [(w, re.compile(r"\b" + re.escape(w))) for w in words]
    return terms


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
    facets: dict[str, Counter[Hashable]]
    total: int


@dataclass
class Group:
    """The statements of one work, in the pane's order."""

    work: Work
    items: list[Item] = field(default_factory=list)


def build_view(items: Sequence[Item], filters: Filters, facets: tuple[Facet, ...] = BUILT_IN) -> View:
    """Filter, count the stance and the facets (each counted with the other filters applied) and group, in one
    pass. An item failing one filter still counts under that filter's facet, so its value can be chosen.
    Each statement keeps the values worked out for these facets, for the next view of them."""
    names = [STANCE.name, *(facet.name for facet in facets)]
    tests = filters.tests(names)
    counted: list[list[Hashable]] = [[] for _ in names]
    shown: list[tuple[int, Item]] = []
    of_works: dict[int, tuple[Values | None, ...]] = {}
    for item in items:
        score = filters.text_score(item)
        if score == 0:
            continue
        values = item.values_for(facets, of_works)
        failed = [index for index, test in tests if not test(values[index])]
        if not failed:
            for index, facet_values in enumerate(values):
                counted[index].extend(facet_values)
            shown.append((score, item))
        elif len(failed) == 1:
            counted[failed[0]].extend(values[failed[0]])
    counts = {name: Counter(counted[index]) for index, name in enumerate(names)}
    ordered = [item for _, item in sorted(shown, key=_order_key(filters.order))]
    return View(ordered, group_items(ordered), counts, len(items))


_STANCE_RANK = {Stance.SUPPORTING: 0, Stance.CONTRASTING: 0, Stance.MENTIONING: 1, Stance.UNCLASSIFIED: 2}


def _order_key(order: Order) -> Callable[[tuple[int, Item]], tuple[Any, ...]]:
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


def works_newest_first(items: Iterable[Item]) -> list[Group]:
    """The statements grouped by work, the newest year first (works without a year last), then by title;
    each work's statements in the order they were stored. How `citedesk show` lists them."""
    groups = group_items(sorted(items, key=lambda item: item.id))
    return sorted(groups, key=lambda group: _newest_first(group.work))


def _newest_first(work: Work) -> tuple[object, ...]:
    return work.year is None, -(work.year or 0), work.title is None, (work.title or "").casefold(), work.id
