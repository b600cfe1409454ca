"""Read citing statements from JSON Lines or CSV files and check each row."""

from __future__ import annotations

import csv
import json
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any


from citedesk.library.identifiers import normalize_doi
from citedesk.model import CitedeskError, Section, Stance

JSONL_SUFFIXES = (".jsonl", ".ndjson")
CSV_DELIMITERS = {".csv": ",", ".tsv": "\t"}
_EXTRA = "\0extra"
_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f"}

_SECTIONS = {section.value for section in Section}
_STANCES = {stance.value for stance in Stance}


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
    """Open the file as UTF-8 (BOM or not) and hand it to the reader for its type. Bytes that are not UTF-8
    make their own row invalid, not the file (they are read as lone surrogates and found per row)."""
    try:
        with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
            if suffix in JSONL_SUFFIXES:
                yield from _jsonl_rows(handle)
            else:
                yield from _csv_rows(handle, path, CSV_DELIMITERS[suffix])
    except OSError as exc:
        raise CitedeskError(f"Cannot read statements file {path}: {exc.strerror or exc}") from exc


def _jsonl_rows(handle: IO[str]) -> Iterator[tuple[int, dict]]:
    """One JSON object per non-blank line; a line that is not one becomes a MalformedRow."""
    for number, line in enumerate(handle, start=1):
        if line.strip():
            bad = _not_utf8(line.strip())
            yield number, bad if bad is not None else _json_object(line.strip())


def _not_utf8(raw: str) -> MalformedRow | None:
    """A MalformedRow when the row holds bytes that are not UTF-8 (read as lone surrogates)."""
    bad = next((i for i, ch in enumerate(raw) if "\udc80" <= ch <= "\udcff"), None)
    if bad is None:
        return None
    return MalformedRow(f"not UTF-8 text (byte 0x{ord(raw[bad]) - 0xDC00:02x} at column {bad + 1})",
                        raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


def _json_object(line: str) -> dict:
    """Parse one JSON line into a dict, or a MalformedRow saying what is wrong with it."""
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return MalformedRow(f"malformed JSON: {exc.msg} (column {exc.colno})", line)
    except RecursionError:
        return MalformedRow("malformed JSON: nested too deeply", line[:200])
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
                bad = _not_utf8(delimiter.join(values))
                yield previous + 1, bad if bad is not None else _csv_row(header, values, delimiter)
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
    label_given: bool = False  # the file gave a label (even "unclassified"): the classifier keeps it
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
        label_given=not _is_missing(raw.get("label")),
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
    """A whole number from a number or a string, None if missing; one SQLite cannot hold is refused."""
    if _is_missing(value):
        return None
    number = None
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        number = int(value) if len(value.strip()) <= 20 else 2**63  # int() refuses 4,300 digits and more
    if number is None:
        raise RowError(f"{name} is not a whole number: {value!r}")
    if abs(number) >= 2**63:
        raise RowError(f"{name} is too large: {str(value).strip()[:30]}")
    return number


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
