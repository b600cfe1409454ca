"""Citing statements from JSON Lines or CSV files, checked and stored in the library without network."""

from __future__ import annotations

import csv
import json
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any

import sqlite_utils

from citedesk.library.identifiers import normalize_doi
from citedesk.model import Cancelled, CitedeskError, Problem, Section, Stance, StatementImportReport

JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_DELIMITERS = {".csv": ",", ".tsv": "\t"}
PROGRESS_EVERY = 200
_EXTRA = "\0extra"
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f"}
_PUBLICATION_TYPES = {
    "article": "journal-article",
    "inproceedings": "conference-paper",
    "conference": "conference-paper",
    "proceedings": "proceedings",
    "book": "book",
    "inbook": "book-chapter",
    "incollection": "book-chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "techreport": "report",
}

_SECTIONS = {section.value for section in Section}
_STANCES = {stance.value for stance in Stance}
_PAPER_COLUMNS = ("id", "citekey", "entry_type", "title", "authors", "year", "venue", "doi")

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


class MalformedRow(dict):
    """A row that could not be read at all (bad JSON, too many CSV fields): `reason` says why."""

    def __init__(self, reason: str, raw: str) -> None:
        super().__init__()
        self.reason = reason
        self.raw = raw


class RowError(ValueError):
    """A row that was read but cannot be stored; the message is the reason."""


# ---------------------------------------------------------------- reading


def read_statement_rows(path: str | os.PathLike[str]) -> Iterator[tuple[int, dict]]:
    """Yield (line number, raw row) from a .jsonl/.ndjson/.csv/.tsv file; unreadable rows as MalformedRow."""
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        raise CitedeskError(f"{path} is a folder, not a statements file")
    if not path.exists():
        raise CitedeskError(f"No such file: {path}")
    if suffix not in JSONL_SUFFIXES and suffix not in CSV_DELIMITERS:
        raise CitedeskError(
            f"Cannot read statements from {path}: unsupported file type "
            f"'{suffix or '(none)'}' (use .jsonl, .ndjson, .csv or .tsv)"
        )
    return _rows(path, suffix)


def _rows(path: Path, suffix: str) -> Iterator[tuple[int, dict]]:
    """Open the file as UTF-8 (BOM or not) and hand it to the reader for its type."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            if suffix in JSONL_SUFFIXES:
                yield from _jsonl_rows(handle)
            else:
                yield from _csv_rows(handle, path, CSV_DELIMITERS[suffix])
    except UnicodeDecodeError as exc:
        raise CitedeskError(f"{path.name} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except OSError as exc:
        raise CitedeskError(f"Cannot read statements file {path}: {exc.strerror or exc}") from exc


def _jsonl_rows(handle: IO[str]) -> Iterator[tuple[int, dict]]:
    """One JSON object per non-blank line; a line that is not one becomes a MalformedRow."""
    for number, line in enumerate(handle, start=1):
        if line.strip():
            yield number, _json_object(line.strip())


def _json_object(line: str) -> dict:
    """Parse one JSON line into a dict, or a MalformedRow saying what is wrong with it."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return MalformedRow(f"malformed JSON: {exc.msg} (column {exc.colno})", line)
    if not isinstance(value, dict):
        return MalformedRow(f"not a JSON object but a {type(value).__name__}", line)
    return value


def _csv_rows(handle: IO[str], path: Path, delimiter: str) -> Iterator[tuple[int, dict]]:
    """Rows of a CSV/TSV file with a header line; column names are matched case-insensitively."""
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = _csv_header(next(reader, None), path)
        previous = reader.line_num
        for values in reader:
            if values:
                yield previous + 1, _csv_row(header, values, delimiter)
            previous = reader.line_num
    except csv.Error as exc:
        raise CitedeskError(f"{path.name}, line {reader.line_num}: malformed CSV ({exc})") from exc


def _csv_header(values: list[str] | None, path: Path) -> list[str]:
    """The normalised column names, after checking the ones every file needs are there."""
    if not values:
        raise CitedeskError(f"{path.name} is empty: expected a header line with the column names")
    header = [value.strip().lower() for value in values]
    if "text" not in header:
        raise CitedeskError(f"{path.name} has no 'text' column (header: {', '.join(header)})")
    if "cited_key" not in header and "cited_doi" not in header:
        raise CitedeskError(f"{path.name} has neither a 'cited_key' nor a 'cited_doi' column")
    return header


def _csv_row(header: list[str], values: list[str], delimiter: str) -> dict:
    """Pair values with column names; a row with more values than columns is malformed."""
    if len(values) > len(header):
        raw = delimiter.join(values)
        return MalformedRow(f"{len(values)} fields but the header has {len(header)}", raw)
    return dict(zip(header, values))


# ---------------------------------------------------------------- checking one row


@dataclass
class StatementInput:
    """One row, checked and cleaned, ready to be stored."""

    text: str
    cited_key: str | None = None
    cited_doi: str | None = None
    citing_key: str | None = None
    citing_doi: str | None = None
    citing_title: str | None = None
    citing_authors: str | None = None
    citing_year: int | None = None
    citing_venue: str | None = None
    citing_type: str | None = None
    marker_start: int | None = None
    marker_end: int | None = None
    raw_section: str | None = None
    section: Section = Section.UNKNOWN
    stance: Stance = Stance.UNCLASSIFIED
    confidence: float | None = None
    intents: list[str] = field(default_factory=list)
    is_influential: bool | None = None
    source: str = ""

    @property
    def cited_label(self) -> str:
        """How the cited paper is named in messages: its key, else its DOI."""
        return self.cited_key or f"doi:{self.cited_doi}"


def parse_row(raw: dict, default_source: str) -> StatementInput:
    """Check one raw row and convert its values; raises RowError with a specific reason."""
    text = _text(raw)
    start, end = _markers(raw, text)
    raw_section = _string(raw, "section")
    row = StatementInput(
        text=text,
        marker_start=start,
        marker_end=end,
        raw_section=raw_section,
        section=_section(raw_section),
        stance=_stance(raw.get("label")),
        confidence=_confidence(raw.get("confidence")),
        intents=_intents(raw.get("intents")),
        is_influential=_flag(raw.get("is_influential"), "is_influential"),
        source=_string(raw, "source") or default_source,
    )
    _fill_cited(row, raw)
    _fill_citing(row, raw)
    return row


def _fill_cited(row: StatementInput, raw: dict) -> None:
    """Set the cited paper's key and DOI; one of them is required."""
    row.cited_key = _string(raw, "cited_key")
    row.cited_doi = _doi(raw, "cited_doi")
    if not row.cited_key and not row.cited_doi:
        raise RowError("no cited paper (cited_key or cited_doi)")


def _fill_citing(row: StatementInput, raw: dict) -> None:
    """Set what is known of the citing work; a key, DOI or title is required."""
    row.citing_key = _string(raw, "citing_key")
    row.citing_doi = _doi(raw, "citing_doi")
    row.citing_title = _string(raw, "citing_title")
    row.citing_authors = _authors(raw.get("citing_authors"))
    row.citing_year = _integer(raw.get("citing_year"), "citing_year")
    row.citing_venue = _string(raw, "citing_venue")
    row.citing_type = _string(raw, "citing_type")
    if not (row.citing_key or row.citing_doi or row.citing_title):
        raise RowError("no citing paper (citing_key, citing_doi or citing_title)")


def _is_missing(value: Any) -> bool:
    """True for an absent value: None or an empty/blank string."""
    return value is None or (isinstance(value, str) and not value.strip())


def _string(raw: dict, name: str) -> str | None:
    """A stripped text value, None if missing; numbers are accepted as text."""
    value = raw.get(name)
    if _is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RowError(f"{name} must be text, not {type(value).__name__}")
    return str(value).strip()


def _text(raw: dict) -> str:
    """The statement itself, kept exactly as given (offsets refer to it)."""
    value = raw.get("text")
    if not isinstance(value, str) or not value.strip():
        raise RowError("no text")
    return value


def _integer(value: Any, name: str) -> int | None:
    """A whole number from a number or a string, None if missing."""
    if _is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    raise RowError(f"{name} is not a whole number: {value!r}")


def _markers(raw: dict, text: str) -> tuple[int | None, int | None]:
    """The marker offsets, both or neither, inside the text and in order."""
    start = _integer(raw.get("marker_start"), "marker_start")
    end = _integer(raw.get("marker_end"), "marker_end")
    if (start is None) != (end is None):
        raise RowError("marker_start and marker_end must be given together")
    if start is not None and end is not None and not 0 <= start < end <= len(text):
        raise RowError(f"marker offsets {start}..{end} do not fit the text ({len(text)} characters)")
    return start, end


def _section(raw_section: str | None) -> Section:
    """The section if the raw value already is one of the Section values, else unknown."""
    value = (raw_section or "").lower()
    return Section(value) if value in _SECTIONS else Section.UNKNOWN


def _stance(value: Any) -> Stance:
    """The stance named by `label`, unclassified if none is given."""
    if _is_missing(value):
        return Stance.UNCLASSIFIED
    label = str(value).strip().lower()
    if label not in _STANCES:
        expected = ", ".join(Stance)
        raise RowError(f"unknown label {value!r} (expected one of {expected})")
    return Stance(label)


def _confidence(value: Any) -> float | None:
    """A number from 0 to 1, None if missing."""
    if _is_missing(value):
        return None
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not 0.0 <= number <= 1.0:
        raise RowError(f"confidence must be a number from 0 to 1, got {value!r}")
    return number


def _intents(value: Any) -> list[str]:
    """The source's own labels: a list, or a string with ';' between labels."""
    if _is_missing(value):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(";") if part.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return [item.strip() for item in value if item.strip()]
    raise RowError("intents must be text or a list of text")


def _authors(value: Any) -> str | None:
    """Authors as 'Given Family; Given Family', from that string or a list of names."""
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "; ".join(item.strip() for item in value if item.strip()) or None
    return _string({"citing_authors": value}, "citing_authors")


def _flag(value: Any, name: str) -> bool | None:
    """A yes/no value from a boolean, 0/1 or true/false/yes/no, None if missing."""
    if _is_missing(value):
        return None
    if isinstance(value, bool) or value in (0, 1):
        return bool(value)
    word = str(value).strip().lower()
    if word in _TRUE | _FALSE:
        return word in _TRUE
    raise RowError(f"{name} must be true or false, got {value!r}")


def _doi(raw: dict, name: str) -> str | None:
    """A normalised DOI, None if missing; a value that is no DOI is an error."""
    value = _string(raw, name)
    if value is None:
        return None
    doi = normalize_doi(value)
    if doi is None:
        raise RowError(f"{name} {value!r} is not a DOI")
    return doi


# ---------------------------------------------------------------- storing


def store_statements(
    db: sqlite_utils.Database,
    path: str | os.PathLike[str],
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> StatementImportReport:
    """Store the statements of one file in one transaction; Cancelled rolls everything back."""
    path = Path(path)
    rows = list(read_statement_rows(path))
    writer = _StatementWriter(db, str(path), path.name)
    # db.atomic() issues BEGIN: with `with db.conn:` alone, sqlite-utils' execute() commits each write.
    with db.atomic():
        for done, (line, raw) in enumerate(rows, start=1):
            if cancelled is not None and cancelled():
                raise Cancelled()
            writer.add(line, raw)
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(rows)):
                progress(done, len(rows))
    return writer.report


def _now() -> str:
    """The current UTC time in ISO 8601, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _title_key(title: str, year: int | None) -> tuple[str, int | None]:
    """A title reduced to lower-case words without accents or punctuation, with the year."""
    decomposed = unicodedata.normalize("NFKD", title)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[\W_]+", " ", plain.casefold()).split()), year


class _StatementWriter:
    """Turns checked rows into works, citations and statements inside the open transaction."""

    def __init__(self, db: sqlite_utils.Database, file: str, default_source: str) -> None:
        self.db = db
        self.file = file
        self.default_source = default_source
        self.fetched_at = _now()
        self.report = StatementImportReport()
        self._untitled: dict[tuple[str, int | None], int] | None = None

    def add(self, line: int, raw: dict) -> None:
        """Store one row, or record in the report why it was not stored."""
        if isinstance(raw, MalformedRow):
            self.report.invalid.append(Problem(self.file, line, raw.reason, raw.raw))
            return
        try:
            row = parse_row(raw, self.default_source)
        except RowError as exc:
            self.report.invalid.append(Problem(self.file, line, str(exc), _raw_text(raw)))
            return
        self._store(line, row)

    def _store(self, line: int, row: StatementInput) -> None:
        """Resolve both works, then the citation, then insert the statement once."""
        cited = self._cited_paper(row)
        if cited is None:
            reason = f"cites {row.cited_label}, which is not in the library"
            key = row.cited_key or row.cited_doi or ""
            self.report.unmatched.append(Problem(self.file, line, reason, row.text, key))
            return
        cited_work = self._work_for_paper(cited)
        citing_work = self._citing_work(row)
        if citing_work == cited_work:
            self.report.invalid.append(Problem(self.file, line, "the paper cites itself", row.text))
            return
        if self._insert_statement(self._citation(citing_work, cited_work, row), row):
            self.report.statements += 1
        else:
            self.report.already_present += 1

    # -- papers in the library

    def _paper(self, where: str, value: str) -> dict | None:
        """The first library paper matching `where` (a column = ? test)."""
        sql = f"SELECT {', '.join(_PAPER_COLUMNS)} FROM papers WHERE {where} ORDER BY id LIMIT 1"
        found = self.db.execute(sql, [value]).fetchone()
        return dict(zip(_PAPER_COLUMNS, found)) if found else None

    def _cited_paper(self, row: StatementInput) -> dict | None:
        """The cited paper by key, else by DOI."""
        paper = self._paper("citekey = ? COLLATE NOCASE", row.cited_key) if row.cited_key else None
        if paper is None and row.cited_doi:
            paper = self._paper("doi = ?", row.cited_doi)
        return paper

    # -- works

    def _scalar(self, sql: str, params: list[Any]) -> Any:
        """The first column of the first row of a query, or None."""
        found = self.db.execute(sql, params).fetchone()
        return found[0] if found else None

    def _insert_work(self, values: dict[str, Any]) -> int:
        """Insert a works row and return its id."""
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cursor = self.db.execute(f"INSERT INTO works ({columns}) VALUES ({marks})", list(values.values()))
        return int(cursor.lastrowid)

    def _work_for_paper(self, paper: dict) -> int:
        """The work of a library paper: linked already, else adopted by DOI, else created."""
        work_id = self._scalar("SELECT id FROM works WHERE paper_id = ?", [paper["id"]])
        if work_id is not None:
            return int(work_id)
        if paper["doi"]:
            row = self.db.execute("SELECT id, paper_id FROM works WHERE doi = ?", [paper["doi"]]).fetchone()
            if row and row[1] is None:
                self.db.execute("UPDATE works SET paper_id = ? WHERE id = ?", [paper["id"], row[0]])
                return int(row[0])
            if row:  # the DOI belongs to another library paper's work: do not take it
                paper = {**paper, "doi": None}
        return self._insert_work(_paper_work_values(paper))

    def _citing_work(self, row: StatementInput) -> int:
        """The citing work: the library paper by key, else by DOI, else by (title, year)."""
        paper = self._paper("citekey = ? COLLATE NOCASE", row.citing_key) if row.citing_key else None
        if paper is None and row.citing_doi:
            paper = self._paper("doi = ?", row.citing_doi)
        if paper is not None:
            return self._work_for_paper(paper)
        if row.citing_doi:
            return self._work_by_doi(row)
        return self._work_by_title(row)

    def _work_by_doi(self, row: StatementInput) -> int:
        """The work with the row's citing DOI, filled in from the row or created."""
        work_id = self._scalar("SELECT id FROM works WHERE doi = ?", [row.citing_doi])
        if work_id is None:
            return self._insert_work({"doi": row.citing_doi, **_row_work_values(row)})
        self._fill_work(int(work_id), row)
        return int(work_id)

    def _work_by_title(self, row: StatementInput) -> int:
        """A work without DOI matched by normalised (title, year); the key stands in for a missing title."""
        title = row.citing_title or str(row.citing_key)
        key = _title_key(title, row.citing_year)
        untitled = self._untitled_works()
        if key in untitled:
            self._fill_work(untitled[key], row)
            return untitled[key]
        work_id = self._insert_work({**_row_work_values(row), "title": title})
        untitled[key] = work_id
        return work_id

    def _untitled_works(self) -> dict[tuple[str, int | None], int]:
        """Existing works without DOI by normalised (title, year), loaded once per import."""
        if self._untitled is None:
            sql = "SELECT id, title, year FROM works WHERE doi IS NULL AND title IS NOT NULL ORDER BY id DESC"
            self._untitled = {_title_key(t, y): i for i, t, y in self.db.execute(sql).fetchall()}
        return self._untitled

    def _fill_work(self, work_id: int, row: StatementInput) -> None:
        """Fill the work's empty fields from the row, leaving known values alone."""
        values = {k: v for k, v in _row_work_values(row).items() if v is not None}
        if values:
            sets = ", ".join(f"{name} = COALESCE({name}, ?)" for name in values)
            self.db.execute(f"UPDATE works SET {sets} WHERE id = ?", [*values.values(), work_id])

    # -- citations and statements

    def _citation(self, citing: int, cited: int, row: StatementInput) -> int:
        """The citation of `cited` by `citing`, created once; records the row's source."""
        sql = (
            "SELECT id, sources, is_influential FROM citations WHERE citing_work_id = ? AND cited_work_id = ?"
        )
        found = self.db.execute(sql, [citing, cited]).fetchone()
        influential = None if row.is_influential is None else int(row.is_influential)
        if found is None:
            sql = "INSERT INTO citations (citing_work_id, cited_work_id, is_influential, sources) VALUES (?,?,?,?)"
            cursor = self.db.execute(sql, [citing, cited, influential, json.dumps([row.source])])
            return int(cursor.lastrowid)
        self._update_citation(found, row.source, influential)
        return int(found[0])

    def _update_citation(self, found: tuple, source: str, influential: int | None) -> None:
        """Add the source to a known citation and raise its is_influential flag if the row says so."""
        citation_id, sources, was_influential = found
        known = json.loads(sources) if sources else []
        merged = was_influential if influential is None else max(influential, was_influential or 0)
        if source not in known or merged != was_influential:
            known += [] if source in known else [source]
            sql = "UPDATE citations SET sources = ?, is_influential = ? WHERE id = ?"
            self.db.execute(sql, [json.dumps(known), merged, citation_id])

    def _insert_statement(self, citation_id: int, row: StatementInput) -> bool:
        """Insert the statement unless (citation, text) is already there; True if it was new."""
        sql = (
            "INSERT OR IGNORE INTO statements (citation_id, text, marker_start, marker_end, section, raw_section, "
            "intents, stance, confidence, source, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        )
        values = [citation_id, row.text, row.marker_start, row.marker_end, row.section.value, row.raw_section]
        values += [json.dumps(row.intents), row.stance.value, row.confidence, row.source, self.fetched_at]
        return self.db.execute(sql, values).rowcount == 1


def _paper_work_values(paper: dict) -> dict[str, Any]:
    """The works columns of a library paper."""
    entry_type = (paper["entry_type"] or "").lower()
    return {
        "paper_id": paper["id"],
        "doi": paper["doi"],
        "title": paper["title"],
        "authors": paper["authors"],
        "year": paper["year"],
        "venue": paper["venue"],
        "publication_type": _PUBLICATION_TYPES.get(entry_type, entry_type or None),
    }


def _row_work_values(row: StatementInput) -> dict[str, Any]:
    """The works columns the row tells about its citing work."""
    return {
        "title": row.citing_title,
        "authors": row.citing_authors,
        "year": row.citing_year,
        "venue": row.citing_venue,
        "publication_type": row.citing_type,
    }


def _raw_text(raw: dict) -> str:
    """What to show of a rejected row: its text if it has one, else the row as JSON."""
    text = raw.get("text")
    if isinstance(text, str) and text.strip():
        return text
    return json.dumps(raw, ensure_ascii=False, default=str)
