"""Which column of a statement file holds which field: the column mapping, the file's format and its header line."""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path

from citedesk.model import CitedeskError

FIELDS = (
    "text",
    "cited_key",
    "cited_doi",
    "citing_key",
    "citing_doi",
    "citing_title",
    "citing_authors",
    "citing_year",
    "citing_venue",
    "citing_type",
    "marker_start",
    "marker_end",
    "section",
    "label",
    "confidence",
    "intents",
    "is_influential",
    "source",
)
FORMATS = ("jsonl", "csv", "tsv")
FORMAT_NAMES = {"jsonl": "JSON Lines", "csv": "CSV", "tsv": "TSV"}
DELIMITERS = {"csv": ",", "tsv": "\t"}
SUFFIX_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv"}
SNIFFED_SUFFIXES = ("", ".txt", ".tab", ".dat")  # read as whichever format their first line shows
SNIFF_BYTES = 65_536

Column = int | str | None  # a 0-based column number, a header name or JSON key, or None: not read


@dataclass(frozen=True)
class StatementLayout:
    """How to read a statement file. The defaults read it as docs/statement-files.md describes: the format from
    the extension (or the first line), a header line naming the columns, JSON keys named like the fields."""

    columns: tuple[tuple[str, Column], ...] = ()  # (field, column) pairs, as `parse_columns` reads them
    format: str | None = None  # "jsonl", "csv" or "tsv"; None: from the extension, else from the first line
    header: bool | None = None  # None: see `has_header`


def parse_columns(text: str) -> tuple[tuple[str, Column], ...]:
    """Read a mapping such as "cited_key=1,citing_key=0,label=2,text=3" or "text=sentence,section=" (a field
    with nothing after "=" is not read at all); raises CitedeskError saying what is wrong with it."""
    pairs: list[tuple[str, Column]] = []
    for item in (part.strip() for part in text.split(",")):
        if item:
            pairs.append(_parse_pair(item, {field for field, _ in pairs}))
    if not pairs:
        raise CitedeskError("the column mapping is empty: give FIELD=COLUMN pairs, e.g. text=3,cited_key=1")
    return tuple(pairs)


def _parse_pair(item: str, seen: set[str]) -> tuple[str, Column]:
    """One FIELD=COLUMN pair, checked against the fields and those already given."""
    field, equals, column = (part.strip() for part in item.partition("="))
    field = field.lower()
    if not equals or not field:
        raise CitedeskError(f"'{item}' in the column mapping is not FIELD=COLUMN (e.g. text=3 or text=sentence)")
    if field not in FIELDS:
        raise CitedeskError(f"unknown field '{field}' in the column mapping (the fields are {', '.join(FIELDS)})")
    if field in seen:
        raise CitedeskError(f"the column mapping gives the field '{field}' twice")
    if re.fullmatch(r"-\d+", column):
        raise CitedeskError(f"column numbers count from 0: {field}={column} is not a column")
    if re.fullmatch(r"\d+", column):
        return field, int(column)
    return field, column or None


def describe_columns(pairs: tuple[tuple[str, Column], ...]) -> str:
    """A mapping written back the way `parse_columns` reads it."""
    return ",".join(f"{field}={'' if column is None else column}" for field, column in pairs)


# ---------------------------------------------------------------- format


def detect_format(path: Path, given: str | None) -> str:
    """The format to read the file as: the one given, else the extension's, else the first line's."""
    if given is not None:
        if given not in FORMATS:
            raise CitedeskError(f"unknown format '{given}' (use jsonl, csv or tsv)")
        return given
    suffix = path.suffix.lower()
    if suffix in SUFFIX_FORMATS:
        return SUFFIX_FORMATS[suffix]
    if suffix not in SNIFFED_SUFFIXES:
        raise CitedeskError(
            f"Cannot read statements from {path}: unsupported file type '{suffix}' "
            "(use .jsonl, .ndjson, .csv or .tsv), or name its format"
        )
    return _sniffed_format(path)


def _sniffed_format(path: Path) -> str:
    """JSON Lines when the first line holds an object, TSV when it has a tab, CSV when it has a comma."""
    try:
        with path.open("rb") as handle:
            start = handle.read(SNIFF_BYTES).decode("utf-8", "replace").lstrip("\ufeff")
    except OSError as exc:
        raise CitedeskError(f"Cannot read statements file {path}: {exc.strerror or exc}") from exc
    line = next((line for line in start.splitlines() if line.strip()), None)
    if line is None:
        raise CitedeskError(f"{path.name} is empty")
    if line.lstrip().startswith("{"):
        return "jsonl"
    if "\t" in line:
        return "tsv"
    if "," in line:
        return "csv"
    raise CitedeskError(
        f"Cannot tell from its first line whether {path.name} is JSON Lines, CSV or TSV: name its format"
    )


# ---------------------------------------------------------------- CSV and TSV columns


def has_header(layout: StatementLayout, first_row: list[str]) -> bool:
    """Whether the first row names the columns: as stated; else yes when the mapping names a column, no when
    it gives column numbers only; without a mapping, yes when one of the row's cells is a field name (or the
    file is empty: it lacks the header it needs)."""
    if layout.header is not None:
        return layout.header
    given = [column for _, column in layout.columns if column is not None]
    if given:
        return any(isinstance(column, str) for column in given)
    return not first_row or any(value.strip().lower() in FIELDS for value in first_row)


def normalise_names(values: list[str]) -> list[str]:
    """Header cells as they are matched: without surrounding spaces, in lower case."""
    return [value.strip().lower() for value in values]


def resolve_columns(
    layout: StatementLayout, names: list[str] | None, width: int, file_name: str, required: bool = True
) -> tuple[tuple[str, int], ...]:
    """The column number of each field that is read, from the mapping and (in a file with a header) the
    columns named like fields that the mapping leaves alone; raises CitedeskError for a mapping that
    names no such column, or (when `required`) one that leaves no text or cited paper."""
    picks = {
        field: _column_number(field, column, names, width, file_name)
        for field, column in layout.columns
        if column is not None
    }
    if names is None and not layout.columns and required:
        raise CitedeskError(
            f"{file_name} has no header line naming its columns (its first row has {width}): "
            "give a column mapping such as text=3,cited_key=1, counting from 0"
        )
    if names is not None:
        mapped, claimed = {field for field, _ in layout.columns}, set(picks.values())
        by_name = {name: number for number, name in enumerate(names)}  # a name given twice: its last column
        for field in FIELDS:
            if field not in mapped and by_name.get(field) is not None and by_name[field] not in claimed:
                picks[field] = by_name[field]
    if required:
        _check_required(picks, layout, names, file_name)
    return tuple((field, picks[field]) for field in FIELDS if field in picks)


def _column_number(field: str, column: int | str, names: list[str] | None, width: int, file_name: str) -> int:
    """The number of a mapped column, checked against the header or the first row."""
    if isinstance(column, int):
        if column >= width:
            where = "the header of" if names is not None else "the first row of"
            raise CitedeskError(
                f"the column mapping reads column {column} for {field}, but {where} {file_name} has "
                f"{width} column{'s' if width != 1 else ''} (0 to {width - 1})"
            )
        return column
    if names is None:
        raise CitedeskError(
            f"the column mapping names a column '{column}' for {field}, but {file_name} is read without "
            "a header line: give column numbers, counting from 0"
        )
    wanted = column.strip().lower()
    numbers = [number for number, name in enumerate(names) if name == wanted]
    if not numbers:
        raise CitedeskError(
            f"the column mapping reads a column '{column}' for {field}, but the header of {file_name} has none "
            f"(its columns: {_listed(names)})"
        )
    return numbers[-1]


def _check_required(picks: Container[str], layout: StatementLayout, names: list[str] | None, file_name: str) -> None:
    """Every row needs its text and its cited paper: some column must give them."""
    if layout.columns:
        if "text" not in picks:
            raise CitedeskError("the column mapping gives no column for text")
        if "cited_key" not in picks and "cited_doi" not in picks:
            raise CitedeskError("the column mapping gives no column for the cited paper (cited_key or cited_doi)")
        return
    if "text" not in picks:
        raise CitedeskError(f"{file_name} has no 'text' column (header: {_listed(names or [])})")
    if "cited_key" not in picks and "cited_doi" not in picks:
        raise CitedeskError(f"{file_name} has neither a 'cited_key' nor a 'cited_doi' column")


def _listed(names: list[str], most: int = 12, chars: int = 30) -> str:
    """Header names for a message: each shortened, the first few only."""
    shown = [name if len(name) <= chars else name[: chars - 1] + "…" for name in names[:most]]
    return ", ".join(shown) + (f", … ({len(names)} in all)" if len(names) > most else "")


# ---------------------------------------------------------------- JSON Lines keys


def resolve_keys(layout: StatementLayout, file_name: str, required: bool = True) -> tuple[tuple[str, str], ...]:
    """The JSON key of each field that is read: the mapped one, else the field's own name when no other field
    is mapped to that key; raises CitedeskError for column numbers or a header flag, which JSON Lines lacks."""
    if layout.header is not None:
        raise CitedeskError(f"{file_name} is JSON Lines, which has no header line")
    numbered = next(((field, column) for field, column in layout.columns if isinstance(column, int)), None)
    if numbered is not None:
        raise CitedeskError(
            f"{file_name} is JSON Lines, read by key: {numbered[0]}={numbered[1]} gives a column number, not a key"
        )
    picks = {field: column for field, column in layout.columns if isinstance(column, str)}
    mapped, claimed = {field for field, _ in layout.columns}, set(picks.values())
    for field in FIELDS:
        if field not in mapped and field not in claimed:
            picks[field] = field
    if required:
        _check_required(picks, layout, None, file_name)
    return tuple((field, picks[field]) for field in FIELDS if field in picks)
