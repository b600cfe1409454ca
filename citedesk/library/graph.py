"""The citation graph in the library: works (each stored once), who cites whom, and the statements, added without duplicates."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, fields, replace
from typing import Any

import sqlite_utils

from citedesk.library.entry_types import publication_type
from citedesk.library.rowids import inserted_id
from citedesk.model import WorkRecord

_WORK_FIELDS = ("title", "authors", "year", "venue", "publication_type", "abstract")
_INSERT_STATEMENT = (
    "INSERT OR IGNORE INTO statements (citation_id, text, marker_start, marker_end, section, raw_section, "
    "intents, stance, confidence, source, fetched_at, classifier_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class LibraryPaper:
    """What the graph reads of a library paper to find or make its work."""

    id: int
    citekey: str
    entry_type: str
    title: str | None
    authors: str | None
    year: int | None
    venue: str | None
    doi: str | None


_PAPER_COLUMNS = tuple(column.name for column in fields(LibraryPaper))


def title_key(title: str, year: int | None) -> tuple[str, int | None]:
    """A title reduced to lower-case words without accents or punctuation, with the year."""
    decomposed = unicodedata.normalize("NFKD", title)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[\W_]+", " ", plain.casefold()).split()), year


class Graph:
    """Finds or creates works and citations inside the caller's transaction; remembers what it made."""

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        self._untitled: dict[tuple[str, int | None], int] | None = None
        self.touched_papers: set[int] = set()  # library papers whose citations changed

    # -- library papers

    def paper(self, where: str, value: object) -> LibraryPaper | None:
        """The first library paper matching `where` (a column = ? test)."""
        sql = f"SELECT {', '.join(_PAPER_COLUMNS)} FROM papers WHERE {where} ORDER BY id LIMIT 1"
        found = self.db.execute(sql, [value]).fetchone()
        return LibraryPaper(**dict(zip(_PAPER_COLUMNS, found))) if found else None

    def work_for_paper(self, paper: LibraryPaper) -> int:
        """The work of a library paper: linked already, else adopted by DOI, else created."""
        work_id = self._scalar("SELECT id FROM works WHERE paper_id = ?", [paper.id])
        if work_id is not None:
            return int(work_id)
        if paper.doi:
            row = self.db.execute("SELECT id, paper_id FROM works WHERE doi = ?", [paper.doi]).fetchone()
            if row and row[1] is None:
                self.db.execute("UPDATE works SET paper_id = ? WHERE id = ?", [paper.id, row[0]])
                return int(row[0])
            if row:  # the DOI belongs to another library paper's work: do not take it
                paper = replace(paper, doi=None)
        return self.insert_work(paper_work_values(paper))

    # -- works

    def insert_work(self, values: dict[str, Any]) -> int:
        """Insert a works row and return its id."""
        values = {name: value for name, value in values.items() if value is not None}
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.db.execute(f"INSERT INTO works ({columns}) VALUES ({marks})", list(values.values()))
        return inserted_id(cursor)

    def work_for_record(self, record: WorkRecord, source: str, fetched_at: str) -> int | None:
        """The work a source describes: found by DOI, Semantic Scholar id, OpenAlex id, or title and
        year, filled in where it was empty; created when new; linked to the library paper with its DOI.
        None when the record names nothing (no id and no title)."""
        values = record_values(record)
        work_id = self._find_work(record)
        if work_id is None:
            if not (record.doi or record.s2_id or record.openalex_id or record.title):
                return None
            paper = self.paper("doi = ?", record.doi) if record.doi else None
            taken = paper is not None and self._scalar("SELECT 1 FROM works WHERE paper_id = ?", [paper.id])
            values["paper_id"] = paper.id if paper and not taken else None
            work_id = self.insert_work({**values, "source": source, "fetched_at": fetched_at})
            self._remember_title(record, work_id)
            return work_id
        self.fill_work(work_id, values)
        return work_id

    def fill_work(self, work_id: int, values: dict[str, Any]) -> None:
        """Fill the work's empty columns, leaving known values alone; ids already used elsewhere are skipped."""
        for name in ("doi", "s2_id", "openalex_id"):
            value = values.get(name)
            if value is not None and self._scalar(
                f"SELECT 1 FROM works WHERE {name} = ? AND id != ?", [value, work_id]
            ):
                values = {**values, name: None}
        values = {name: value for name, value in values.items() if value is not None}
        if values:
            sets = ", ".join(f"{name} = COALESCE({name}, ?)" for name in values)
            self.db.execute(f"UPDATE works SET {sets} WHERE id = ?", [*values.values(), work_id])

    def work_by_title(self, values: dict[str, Any]) -> int:
        """A work without DOI matched by normalised (title, year), or created."""
        key = title_key(values["title"], values.get("year"))
        untitled = self._untitled_works()
        if key in untitled:
            self.fill_work(untitled[key], values)
            return untitled[key]
        work_id = self.insert_work(values)
        untitled[key] = work_id
        return work_id

    def _find_work(self, record: WorkRecord) -> int | None:
        for column, value in (("doi", record.doi), ("s2_id", record.s2_id), ("openalex_id", record.openalex_id)):
            if value:
                found = self._scalar(f"SELECT id FROM works WHERE {column} = ?", [value])
                if found is not None:
                    return int(found)
        if record.title and not record.doi:
            return self._untitled_works().get(title_key(record.title, record.year))
        return None

    def _remember_title(self, record: WorkRecord, work_id: int) -> None:
        if record.title and not record.doi:
            self._untitled_works().setdefault(title_key(record.title, record.year), work_id)

    def _untitled_works(self) -> dict[tuple[str, int | None], int]:
        """Existing works without DOI by normalised (title, year), loaded once; a work a source described
        after it was known only by an id (`known_as`) is found by that id too, without a year."""
        if self._untitled is None:
            sql = (
                "SELECT id, title, year FROM works WHERE doi IS NULL AND title IS NOT NULL "
                "UNION ALL SELECT id, known_as, NULL FROM works WHERE known_as IS NOT NULL ORDER BY id DESC"
            )
            self._untitled = {title_key(t, y): i for i, t, y in self.db.execute(sql).fetchall()}
        return self._untitled

    # -- citations and statements

    def citation(
        self, citing: int, cited: int, source: str, influential: bool | None = None, self_citation: bool | None = None
    ) -> tuple[int, bool]:
        """The citation of `cited` by `citing`, created once, with the source added; (id, created)."""
        sql = "SELECT id, sources, is_influential, self_citation FROM citations WHERE citing_work_id = ? AND cited_work_id = ?"
        found = self.db.execute(sql, [citing, cited]).fetchone()
        influential_flag = None if influential is None else int(influential)
        self._touch(citing, cited)
        if found is None:
            sql = "INSERT INTO citations (citing_work_id, cited_work_id, is_influential, self_citation, sources) VALUES (?,?,?,?,?)"
            flag = None if self_citation is None else int(self_citation)
            cursor = self.db.execute(sql, [citing, cited, influential_flag, flag, json.dumps([source])])
            return inserted_id(cursor), True
        self._update_citation(found, source, influential_flag, self_citation)
        return int(found[0]), False

    def _update_citation(
        self,
        found: tuple[int, str | None, int | None, int | None],
        source: str,
        influential: int | None,
        self_citation: bool | None,
    ) -> None:
        """Add the source; raise is_influential if the source says so; take a source's self-citation flag."""
        citation_id, sources, was_influential, was_self = found
        known = json.loads(sources) if sources else []
        merged = was_influential if influential is None else max(influential, was_influential or 0)
        flag = was_self if self_citation is None else int(self_citation)
        if source not in known or merged != was_influential or flag != was_self:
            known += [] if source in known else [source]
            sql = "UPDATE citations SET sources = ?, is_influential = ?, self_citation = ? WHERE id = ?"
            self.db.execute(sql, [json.dumps(known), merged, flag, citation_id])

    def add_statement(self, citation_id: int, values: dict[str, Any]) -> bool:
        """Insert a statement unless (citation, text) is already there; True if it was new.
        `values` has text, marker_start, marker_end, section, raw_section, intents (a list), stance,
        confidence, source, fetched_at and classifier_version ("given" for a stance that came with it)."""
        row = [
            citation_id,
            values["text"],
            values.get("marker_start"),
            values.get("marker_end"),
            values.get("section", "unknown"),
            values.get("raw_section"),
            json.dumps(values.get("intents") or []),
            values.get("stance", "unclassified"),
            values.get("confidence"),
            values["source"],
            values["fetched_at"],
            values.get("classifier_version"),
        ]
        return self.db.execute(_INSERT_STATEMENT, row).rowcount == 1

    def _touch(self, *work_ids: int) -> None:
        """Remember the library papers behind these works: their tallies need counting again."""
        marks = ",".join("?" * len(work_ids))
        for (paper_id,) in self.db.execute(
            f"SELECT paper_id FROM works WHERE id IN ({marks}) AND paper_id IS NOT NULL", work_ids
        ):
            self.touched_papers.add(paper_id)

    def _scalar(self, sql: str, params: list[Any]) -> Any:
        found = self.db.execute(sql, params).fetchone()
        return found[0] if found else None


def paper_work_values(paper: LibraryPaper) -> dict[str, Any]:
    """The works columns of a library paper."""
    entry_type = (paper.entry_type or "").lower()
    return {
        "paper_id": paper.id,
        "doi": paper.doi,
        "title": paper.title,
        "authors": paper.authors,
        "year": paper.year,
        "venue": paper.venue,
        "publication_type": publication_type(entry_type),
    }


def record_values(record: WorkRecord) -> dict[str, Any]:
    """The works columns of what a source says about a work."""
    return {
        "doi": record.doi,
        "s2_id": record.s2_id,
        "openalex_id": record.openalex_id,
        "title": record.title,
        "authors": "; ".join(record.authors) or None,
        "year": record.year,
        "venue": record.venue,
        "publication_type": record.publication_type,
        "abstract": record.abstract,
    }
