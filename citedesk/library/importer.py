"""Store the parsed blocks of one .bib file: papers, the other blocks, and what went wrong."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from citedesk.library.bibtex.encoding import Decoded, shown
from citedesk.library.entries import DISPLAY_COLUMNS, Columns, Fields
from citedesk.library.parsing import Block, crossref_key, display_with_crossref, read_macros
from citedesk.model import Cancelled, ImportReport, Problem

PAPER_COLUMNS = (
    "citekey",
    "entry_type",
    *DISPLAY_COLUMNS,
    *["fields", "raw", "modified", "source_file_id", "position", "line", "added_at", "updated_at"],
)
_DOI = DISPLAY_COLUMNS.index("doi")
_AUTHORS_SHORT = DISPLAY_COLUMNS.index("authors_short")
_YEAR = DISPLAY_COLUMNS.index("year")
_INSERT_PAPER = f"INSERT INTO papers ({', '.join(PAPER_COLUMNS)}) VALUES ({', '.join('?' * len(PAPER_COLUMNS))})"
_INSERT_BLOCK = (
    "INSERT INTO file_blocks (source_file_id, position, kind, raw, line, error, key) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


@dataclass(frozen=True)
class Origin:
    """Where a key or DOI was first met in this import: its file and line."""

    source: str
    line: int

    def said_from(self, source: str) -> str:
        """How a clash with it reads from another block of `source`."""
        if self.source == source:
            return f"is used earlier in this file (line {self.line})"
        return f"was imported from {Path(self.source).name} (line {self.line}) earlier in this import"


IN_LIBRARY = "is already in the library"


@dataclass
class KnownIds:
    """Citation keys (case-folded) and DOIs already in the library (origin None) or earlier in this import."""

    keys: dict[str, Origin | None] = field(default_factory=dict)
    dois: dict[str, Origin | None] = field(default_factory=dict)

    @classmethod
    def of_library(cls, db: sqlite_utils.Database) -> KnownIds:
        """Load the keys and DOIs of every paper in the library."""
        rows = db.execute("SELECT lower(citekey), doi FROM papers").fetchall()
        return cls(dict.fromkeys(key for key, _ in rows), dict.fromkeys(doi for _, doi in rows if doi))

    def clash(self, key: str, doi: str | None, source: str = "") -> str | None:
        """Why an entry of `source` with this key and DOI would be a duplicate, and of what; or None."""
        if key.lower() in self.keys:
            return f"the citation key {key!r} {self._said(self.keys[key.lower()], source)}"
        if doi and doi in self.dois:
            return f"the DOI {doi} {self._said(self.dois[doi], source)}"
        return None

    def free_key(self, key: str) -> str:
        """The key itself if it is free, else with the first suffix -2, -3, ... that is."""
        if key.lower() not in self.keys:
            return key
        suffix = 2
        while f"{key}-{suffix}".lower() in self.keys:
            suffix += 1
        return f"{key}-{suffix}"

    def add(self, key: str, doi: str | None, origin: Origin | None = None) -> None:
        """Remember a stored entry and where it came from."""
        self.keys.setdefault(key.lower(), origin)
        if doi:
            self.dois.setdefault(doi, origin)

    @staticmethod
    def _said(origin: Origin | None, source: str) -> str:
        return IN_LIBRARY if origin is None else origin.said_from(source)


@dataclass
class FileImport:
    """One file's bytes, decoded text and its blocks, parsed piece by piece, ready to store."""

    path: Path
    data: bytes
    decoded: Decoded
    pieces: Iterable[list[Block]]
    format: str = "bibtex"  # the format the file is in; another one's records come as BibTeX entries


def store_file(
    db: sqlite_utils.Database,
    item: FileImport,
    known: KnownIds,
    report: ImportReport,
    allow_duplicates: bool = False,
    cancelled: Callable[[], bool] = lambda: False,
) -> None:
    """Insert one file's papers and blocks; the caller holds the transaction."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    file_id = _insert_source_file(db, item, now)
    position = 0
    for blocks in item.pieces:
        if cancelled():
            raise Cancelled
        papers, others = [], []
        for block in blocks:
            if position % 2000 == 0 and cancelled():
                raise Cancelled
            key = _key_to_store(block, str(item.path), known, report, allow_duplicates)
            if key is None:
                others.append(_other_row(file_id, position, block, str(item.path), report))
            else:
                papers.append(_paper_row(key, _shown(block, item.decoded), file_id, position, now))
            position += 1
        db.conn.executemany(_INSERT_PAPER, papers)
        db.conn.executemany(_INSERT_BLOCK, others)
        report.imported += len(papers)
    _resolve_crossrefs(db, file_id, read_macros(item.decoded.text))


def _resolve_crossrefs(db: sqlite_utils.Database, file_id: int, macros: dict[str, str]) -> None:
    """Give the file's crossref children the year, venue and editors of their parent, for display."""
    children = db.execute(
        "SELECT id, fields FROM papers WHERE source_file_id = ? AND fields LIKE '%\"crossref\"%'", [file_id]
    ).fetchall()
    for paper_id, fields_json in children:
        fields = json.loads(fields_json)
        parent = crossref_parent(db, fields, file_id)
        if parent is not None:
            columns = display_with_crossref(fields, parent, macros)
            assignments = ", ".join(f"{name} = ?" for name in DISPLAY_COLUMNS)
            db.execute(f"UPDATE papers SET {assignments} WHERE id = ?", [*columns, paper_id])


def crossref_parent(db: sqlite_utils.Database, fields: Fields, file_id: int | None) -> Fields | None:
    """The fields of the paper a crossref field names, preferring one from the same file."""
    key = crossref_key(fields)
    if not key:
        return None
    parent = db.execute(
        "SELECT fields FROM papers WHERE citekey = ? COLLATE NOCASE ORDER BY source_file_id IS ? DESC LIMIT 1",
        [key, file_id],
    ).fetchone()
    found: Fields | None = json.loads(parent[0]) if parent else None
    return found


def _insert_source_file(db: sqlite_utils.Database, item: FileImport, now: str) -> int:
    row = {
        "path": str(item.path),
        "name": item.path.name,
        "encoding": item.decoded.encoding,
        "bom": int(item.decoded.bom),
        "newline": item.decoded.newline,
        "sha256": hashlib.sha256(item.data).hexdigest(),
        "size": len(item.data),
        "imported_at": now,
        "format": item.format,
    }
    file_id = db.table("source_files").insert(row).last_pk
    assert file_id is not None
    return int(file_id)


def _key_to_store(
    block: Block, source: str, known: KnownIds, report: ImportReport, allow_duplicates: bool
) -> str | None:
    """The citation key to store an entry under, or None if the block is not stored as a paper."""
    if block.kind != "entry":
        return None
    doi = _columns(block)[_DOI]
    doi = doi if isinstance(doi, str) else None
    origin = Origin(source, block.line)
    if not block.key.strip():
        key = known.free_key(_generated_key(block))
        report.renamed.append(("", key))
        known.add(key, doi, origin)
        return key
    clash = known.clash(block.key, doi, source)
    key = block.key
    if clash and not allow_duplicates:
        report.duplicates.append(Problem(source, block.line, clash, block.raw, block.key))
        return None
    if clash:
        key = known.free_key(block.key)
    if key != block.key:
        report.renamed.append((block.key, key))
    known.add(key, doi, origin)
    return key


def _shown(block: Block, decoded: Decoded) -> Block:
    """The block with invalid bytes kept from a damaged file shown as U+FFFD in its display columns."""
    if not decoded.bad_byte_lines or block.columns is None:
        return block
    columns = tuple(shown(value) if isinstance(value, str) else value for value in block.columns)
    return block._replace(columns=columns)


def _generated_key(block: Block) -> str:
    """A key for an entry that has none: first author's family name and year, like JabRef's."""
    columns = _columns(block)
    authors = str(columns[_AUTHORS_SHORT] or "")
    family = "".join(char for char in authors.split(" ")[0] if char.isalnum())
    return f"{family or 'entry'}{columns[_YEAR] or ''}"


def _columns(block: Block) -> Columns:
    """An entry's display columns (every entry block has them)."""
    assert block.columns is not None, block.kind
    return block.columns


def _other_row(file_id: int, position: int, block: Block, source: str, report: ImportReport) -> tuple[object, ...]:
    kind = "duplicate" if block.kind == "entry" else block.kind
    if block.kind == "failed":
        report.failed.append(Problem(source, block.line, block.error, block.report_text, block.key))
    return (file_id, position, kind, block.raw, block.line, block.error or None, block.key or None)


def _paper_row(key: str, block: Block, file_id: int, position: int, now: str) -> tuple[object, ...]:
    return (
        key,
        block.entry_type.lower(),
        *_columns(block),
        block.fields_json,
        block.raw,
        0,
        file_id,
        position,
        block.line,
        now,
        now,
    )
