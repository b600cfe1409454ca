"""Read citing statements from JSON Lines, CSV or TSV files, with or without a column mapping, and check each row."""

from __future__ import annotations

import csv
import json
import math
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from _csv import Reader as CsvReader

from citedesk.library.identifiers import normalize_doi
from citedesk.library.statement_columns import (
    DELIMITERS,
    FIELDS,
    StatementLayout,
    detect_format,
    has_header,
    normalise_names,
    resolve_columns,
    resolve_keys,
)
from citedesk.model import ATHAR_NAMES, CitedeskError, Section, Stance

_TRUE = {"1", "true", "yes", "y", "t"}
_FALSE = {"0", "false", "no", "n", "f"}

_SECTIONS = {section.value for section in Section}
_STANCES = {stance.value for stance in Stance}


RawRow = dict[str, Any]  # a row's values by field name: CSV text, or JSON values of any kind


class MalformedRow(RawRow):
    """A row that could not be read at all (bad JSON, too many CSV fields): `reason` says why."""

    def __init__(self, reason: str, raw: str) -> None:
        super().__init__()
        self.reason = reason
        self.raw = raw


class RowError(ValueError):
    """A row that was read but cannot be stored; the message is the reason."""


# ---------------------------------------------------------------- reading


def read_statement_rows(
    path: str | os.PathLike[str],
    layout: StatementLayout = StatementLayout(),  # noqa: B008 (frozen)
) -> Iterator[tuple[int, RawRow]]:
    """Yield (line number, row by field name) from a JSON Lines, CSV or TSV file read as `layout` says;
    unreadable rows as MalformedRow. Errors of the file itself are raised at once, those of its header
    line or of the mapping when the rows are read."""
    path = Path(path)
    check_statement_file(path)
    return _rows(path, detect_format(path, layout.format), layout)


def check_statement_file(path: Path) -> None:
    """Refuse a path that is not a file one can read statements from."""
    if path.is_dir():
        raise CitedeskError(f"{path} is a folder, not a statements file")
    if not path.exists():
        raise CitedeskError(f"No such file: {path}")


def _rows(path: Path, file_format: str, layout: StatementLayout) -> Iterator[tuple[int, RawRow]]:
    """Open the file as UTF-8 (BOM or not) and hand it to the reader for its type. Bytes that are not UTF-8
    make their own row invalid, not the file (they are read as lone surrogates and found per row)."""
    try:
        with _open_text(path) as handle:
            if file_format == "jsonl":
                yield from _jsonl_rows(handle, resolve_keys(layout, path.name))
            else:
                yield from _csv_rows(handle, path, DELIMITERS[file_format], layout)
    except OSError as exc:
        raise CitedeskError(f"Cannot read statements file {path}: {exc.strerror or exc}") from exc


def _open_text(path: Path) -> IO[str]:
    return path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")


def _jsonl_rows(handle: IO[str], keys: tuple[tuple[str, str], ...]) -> Iterator[tuple[int, RawRow]]:
    """One JSON object per non-blank line; a line that is not one becomes a MalformedRow."""
    for number, line in enumerate(handle, start=1):
        if line.strip():
            bad = _not_utf8(line.strip())
            yield number, bad if bad is not None else _keyed(_json_object(line.strip()), keys)


def _keyed(value: RawRow, keys: tuple[tuple[str, str], ...]) -> RawRow:
    """A JSON object's values under the names of the fields they are read for."""
    if isinstance(value, MalformedRow):
        return value
    return {field: value[key] for field, key in keys if key in value}


def _not_utf8(raw: str) -> MalformedRow | None:
    """A MalformedRow when the row holds bytes that are not UTF-8 (read as lone surrogates)."""
    bad = next((i for i, ch in enumerate(raw) if "\udc80" <= ch <= "\udcff"), None)
    if bad is None:
        return None
    return MalformedRow(
        f"not UTF-8 text (byte 0x{ord(raw[bad]) - 0xDC00:02x} at column {bad + 1})",
        raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace"),
    )


def _json_object(line: str) -> RawRow:
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


def _csv_rows(handle: IO[str], path: Path, delimiter: str, layout: StatementLayout) -> Iterator[tuple[int, RawRow]]:
    """Rows of a CSV/TSV file, with or without a header line (see `has_header`); header names are matched
    case-insensitively."""
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        line, first = _first_record(reader)
        header = has_header(layout, first)
        if header and not first:
            raise CitedeskError(f"{path.name} is empty: expected a header line with the column names")
        if not first:
            return
        names = normalise_names(first) if header else None
        columns = resolve_columns(layout, names, len(first), path.name)
        if not header:
            yield line, _csv_row(columns, first, delimiter, None)
        previous = reader.line_num
        for values in reader:
            if values:
                yield previous + 1, _csv_row(columns, values, delimiter, names)
            previous = reader.line_num
    except csv.Error as exc:
        raise CitedeskError(f"{path.name}, line {reader.line_num}: malformed CSV ({exc})") from exc


def _first_record(reader: CsvReader) -> tuple[int, list[str]]:
    """The line and values of the first record that is not a blank line; ([], line) for an empty file."""
    previous = reader.line_num
    for values in reader:
        if values:
            return previous + 1, values
        previous = reader.line_num
    return previous + 1, []


def _csv_row(
    columns: tuple[tuple[str, int], ...], values: list[str], delimiter: str, names: list[str] | None
) -> RawRow:
    """The values of the columns read, by field name; a row with more values than the header has columns,
    or (without a header) fewer than the mapping reads, is malformed."""
    bad = _not_utf8(delimiter.join(values))
    if bad is not None:
        return bad
    if names is not None and len(values) > len(names):
        return MalformedRow(f"{len(values)} fields but the header has {len(names)}", delimiter.join(values))
    if names is None:
        field, last = max(columns, key=lambda pair: pair[1])
        if last >= len(values):
            return MalformedRow(
                f"{len(values)} field{'s' if len(values) != 1 else ''}, but the mapping "
                f"reads column {last} for {field}",
                delimiter.join(values),
            )
    return {field: values[number] for field, number in columns if number < len(values)}


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


def parse_row(raw: RawRow, default_source: str) -> StatementInput:
    """Check one raw row and convert its values; raises RowError with a specific reason."""
    text = _text(raw)
    start, end = _markers(raw, text)
    raw_section = _string(raw, "section")
    sentiment = _sentiment(raw.get("label"))
    intents = _intents(raw.get("intents"))
    row = StatementInput(
        text=text,
        marker_start=start,
        marker_end=end,
        raw_section=raw_section,
        section=_section(raw_section),
        stance=Stance.UNCLASSIFIED if sentiment else _stance(raw.get("label")),
        label_given=not _is_missing(raw.get("label")) and sentiment is None,
        confidence=_confidence(raw.get("confidence")),
        intents=[*intents, sentiment] if sentiment and sentiment not in intents else intents,
        is_influential=_flag(raw.get("is_influential"), "is_influential"),
        source=_string(raw, "source") or default_source,
    )
    _fill_cited(row, raw)
    _fill_citing(row, raw)
    return row


def _fill_cited(row: StatementInput, raw: RawRow) -> None:
    """Set the cited paper's key and DOI; one of them is required."""
    row.cited_key = _string(raw, "cited_key")
    row.cited_doi = _doi(raw, "cited_doi")
    if not row.cited_key and not row.cited_doi:
        raise RowError("no cited paper (cited_key or cited_doi)")


def _fill_citing(row: StatementInput, raw: RawRow) -> None:
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


def _string(raw: RawRow, name: str) -> str | None:
    """A stripped text value, None if missing; numbers are accepted as text."""
    value = raw.get(name)
    if _is_missing(value):
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RowError(f"{name} must be text, not {type(value).__name__}")
    return str(value).strip()


def _text(raw: RawRow) -> str:
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


def _markers(raw: RawRow, text: str) -> tuple[int | None, int | None]:
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


def _sentiment(value: Any) -> str | None:
    """The sentiment an Athar label p / n / o names (positive, negative, objective; classify/labels.py),
    None for any other label. Sentiment is not stance: it is kept among the intents and the classifier
    gives the stance, as for a row without a label."""
    return ATHAR_NAMES.get(value.strip().lower()) if isinstance(value, str) else None


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


def _doi(raw: RawRow, name: str) -> str | None:
    """A normalised DOI, None if missing; a value that is no DOI is an error."""
    value = _string(raw, name)
    if value is None:
        return None
    doi = normalize_doi(value)
    if doi is None:
        raise RowError(f"{name} {value!r} is not a DOI")
    return doi


def unmatched_reason(row: StatementInput) -> str:
    """Why a row whose cited paper is not in the library is not stored."""
    return f"cites {row.cited_label}, which is not in the library"


# ---------------------------------------------------------------- preview


PREVIEW_ROWS = 10
_SAMPLE_CHARS = 40


@dataclass(frozen=True)
class ColumnChoice:
    """A column a field can be read from: its number (CSV, TSV) or key (JSON Lines), and how it is shown."""

    key: int | str
    label: str


@dataclass(frozen=True)
class PreviewRow:
    """One of the first rows of a file: each field read, as it would be stored (as it was read, in a row that
    cannot be stored), and what keeps the row from being stored, if anything."""

    line: int
    values: tuple[tuple[str, str], ...]
    problem: str | None = None

    def value(self, name: str) -> str:
        """The value shown for a field ("" when the row has none)."""
        return dict(self.values).get(name, "")


@dataclass(frozen=True)
class StatementPreview:
    """How a file would be read with a layout: its format, whether it has a header, the columns to choose
    from, the column each field is read from, and its first rows; `error` says why it cannot be read so."""

    path: str
    format: str | None
    header: bool
    choices: tuple[ColumnChoice, ...]
    mapping: tuple[tuple[str, int | str], ...]
    rows: tuple[PreviewRow, ...]
    error: str | None = None


def preview_statements(
    path: str | os.PathLike[str],
    layout: StatementLayout = StatementLayout(),  # noqa: B008 (frozen)
    limit: int = PREVIEW_ROWS,
    cited_known: Callable[[StatementInput], bool] | None = None,
) -> StatementPreview:
    """Read the first `limit` rows of a file as an import would, storing nothing; `cited_known` tells whether
    a row's cited paper is in the library. Never raises CitedeskError: the preview's `error` holds it."""
    path = Path(path)
    try:
        check_statement_file(path)
        file_format = detect_format(path, layout.format)
        start = _first_records(path, file_format, limit + 1)
    except CitedeskError as exc:
        return StatementPreview(str(path), None, False, (), (), (), str(exc))
    header = file_format != "jsonl" and has_header(layout, start.rows[0] if start.rows else [])
    choices = _choices(file_format, start, header)
    try:
        mapping = _mapping(path, file_format, layout, start, header)
    except CitedeskError as exc:
        return StatementPreview(str(path), file_format, header, choices, (), (), str(exc))
    try:
        rows = tuple(
            _preview_row(line, raw, path.name, cited_known)
            for line, raw in islice(_rows(path, file_format, layout), limit)
        )
    except CitedeskError as exc:  # the mapping leaves no text or cited paper: the rest of it is still shown
        return StatementPreview(str(path), file_format, header, choices, mapping, (), str(exc))
    return StatementPreview(str(path), file_format, header, choices, mapping, rows)


@dataclass(frozen=True)
class _FirstRecords:
    """The first records of a file: the JSON objects among its first lines, or its first lists of values
    (CSV, TSV)."""

    objects: list[RawRow] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _first_records(path: Path, file_format: str, count: int) -> _FirstRecords:
    """The first `count` records of a file, read as its format says."""
    try:
        with _open_text(path) as handle:
            if file_format == "jsonl":
                lines = islice((line for line in handle if line.strip()), count)
                objects = [value for value in map(_json_object, lines) if not isinstance(value, MalformedRow)]
                return _FirstRecords(objects=objects)
            reader = csv.reader(handle, delimiter=DELIMITERS[file_format])
            return _FirstRecords(rows=list(islice((values for values in reader if values), count)))
    except csv.Error as exc:
        raise CitedeskError(f"{path.name}: malformed CSV ({exc})") from exc
    except OSError as exc:
        raise CitedeskError(f"Cannot read statements file {path}: {exc.strerror or exc}") from exc


def _choices(file_format: str, start: _FirstRecords, header: bool) -> tuple[ColumnChoice, ...]:
    """The columns one can map: JSON keys as they appear, else numbered columns named by the header or
    shown with the first row's value."""
    if file_format == "jsonl":
        keys = dict.fromkeys(key for record in start.objects for key in record)
        return tuple(ColumnChoice(key, key) for key in keys)
    rows = start.rows
    if not rows:
        return ()
    width = len(rows[0]) if header else max(len(values) for values in rows)
    first = rows[0]
    return tuple(
        ColumnChoice(number, f"{number}: {_sample(first[number] if number < len(first) else '')}")
        for number in range(width)
    )


def _sample(value: str) -> str:
    """A cell shortened to fit a list of choices, with bytes that are not UTF-8 shown as such."""
    text = " ".join(value.encode("utf-8", "surrogateescape").decode("utf-8", "replace").split())
    return text if len(text) <= _SAMPLE_CHARS else text[: _SAMPLE_CHARS - 1] + "…"


def _mapping(
    path: Path, file_format: str, layout: StatementLayout, start: _FirstRecords, header: bool
) -> tuple[tuple[str, int | str], ...]:
    """The column (or key) each field is read from, whether or not that gives every row its text and cited paper."""
    if file_format == "jsonl":
        return resolve_keys(layout, path.name, required=False)
    if not start.rows:
        return ()
    names = normalise_names(start.rows[0]) if header else None
    return resolve_columns(layout, names, len(start.rows[0]), path.name, required=False)


def _preview_row(
    line: int, raw: RawRow, default_source: str, cited_known: Callable[[StatementInput], bool] | None
) -> PreviewRow:
    """A row as it would be stored, or as it was read with the reason it would not be."""
    if isinstance(raw, MalformedRow):
        return PreviewRow(line, (), raw.reason)
    read = tuple((name, _shown(raw[name])) for name in FIELDS if name in raw)
    try:
        row = parse_row(raw, default_source)
    except RowError as exc:
        return PreviewRow(line, read, str(exc))
    problem = None if cited_known is None or cited_known(row) else unmatched_reason(row)
    return PreviewRow(line, tuple((name, _stored(row, name, raw)) for name, _ in read), problem)


def _shown(value: Any) -> str:
    """A value as read, as text."""
    if isinstance(value, list):
        return "; ".join(_shown(item) for item in value)
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _stored(row: StatementInput, name: str, raw: RawRow) -> str:
    """A field as it would be stored, as text."""
    if name == "label":
        sentiment = _sentiment(raw.get("label"))
        return f"{sentiment} (sentiment)" if sentiment else row.stance.value if row.label_given else ""
    value = {"section": row.raw_section, "intents": "; ".join(row.intents)}.get(name, getattr(row, name, None))
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)
