"""Rebuild BibTeX from the library: an imported file byte for byte, or any set of papers."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlite_utils

from citedesk.formats.base import Record
from citedesk.formats.bibtex import record_of_entry
from citedesk.library.bibtex.encoding import encode_text
from citedesk.library.bibtex.values import evaluate, macro_names
from citedesk.library.bibtex.writer import serialize_entry, to_seven_bit, written_type
from citedesk.library.editing import REWRITTEN, written_entry
from citedesk.library.entries import Fields, inherit_crossref
from citedesk.library.importer import crossref_parent
from citedesk.library.parsing import read_macros
from citedesk.model import CitedeskError

_FILE_PARTS = """
SELECT position, raw, fields, entry_type, citekey, modified, 1 AS is_paper FROM papers WHERE source_file_id = :id
UNION ALL
SELECT position, raw, NULL, NULL, NULL, 0, 0 FROM file_blocks WHERE source_file_id = :id
ORDER BY position
"""


Row = tuple[Any, ...]  # a row as sqlite3 returns it


def file_bytes(db: sqlite_utils.Database, source_file_id: int) -> bytes:
    """The imported file as it was, with edited entries as edited and deleted ones left out."""
    source = db.execute("SELECT encoding, bom, newline FROM source_files WHERE id = ?", [source_file_id]).fetchone()
    if source is None:
        raise CitedeskError(f"No imported file with id {source_file_id} in the library")
    encoding, bom, newline = source
    parts = db.execute(_FILE_PARTS, {"id": source_file_id})
    text = "".join(_file_part(row, newline) for row in parts)
    return encode_text(text, encoding, bool(bom))


def _file_part(row: Row, newline: str) -> str:
    """A block's text: as imported, or as edited in place; an entry whose raw text could not be edited is rewritten."""
    _, raw, fields, entry_type, citekey, modified, _ = row
    if modified != REWRITTEN:
        return str(raw)
    return serialize_entry(written_type(raw, entry_type), citekey, json.loads(fields), newline)


def entries_text(db: sqlite_utils.Database, paper_ids: Sequence[int] | None = None, seven_bit: bool = False) -> str:
    """BibTeX for the given papers (all when None): the @string and @preamble blocks they
    may need, the entries, then any crossref parents not already among them."""
    ids = list(paper_ids) if paper_ids is not None else _all_ids(db)
    parents = _missing_parents(db, ids)
    chunks = list(_preambles_and_strings(db, ids + parents, every_macro=paper_ids is None))
    chunks += [_entry_text(row) for row in _paper_rows(db, ids)]
    chunks += [_entry_text(row) for row in _paper_rows(db, parents)]
    text = "\n\n".join(chunks) + "\n" if chunks else ""
    return to_seven_bit(text) if seven_bit else text


def paper_records(db: sqlite_utils.Database, paper_ids: Sequence[int] | None = None) -> list[Record]:
    """The papers (all when None) as format-neutral records, through the BibTeX mapping: macros of their
    files evaluated, what a crossref child lacks taken from its parent, LaTeX decoded."""
    ids = list(paper_ids) if paper_ids is not None else _all_ids(db)
    macros: dict[int | None, dict[str, str]] = {}
    records = []
    for chunk in _batches(ids):
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT id, fields, entry_type, citekey, source_file_id, line FROM papers WHERE id IN ({marks})", chunk
        ).fetchall()
        by_id = {row[0]: row for row in rows}
        records += [_record(db, by_id[paper_id], macros) for paper_id in chunk if paper_id in by_id]
    return records


def _record(db: sqlite_utils.Database, row: Row, macros: dict[int | None, dict[str, str]]) -> Record:
    _, fields_json, entry_type, citekey, file_id, line = row
    if file_id not in macros:
        macros[file_id] = _macros_of_file(db, file_id)
    fields = json.loads(fields_json)
    values = _evaluated(fields, macros[file_id])
    parent = crossref_parent(db, fields, file_id)
    if parent is not None:
        values = inherit_crossref(values, _evaluated(parent, macros[file_id]))
    return record_of_entry(entry_type, citekey, values.items(), line or 0)


def _evaluated(fields: Fields, macros: dict[str, str]) -> dict[str, str]:
    """Each field's first value, macros evaluated, by lower-case name in the entry's order."""
    values: dict[str, str] = {}
    for name, raw in fields:
        values.setdefault(name.lower(), evaluate(raw, macros))
    return values


def _macros_of_file(db: sqlite_utils.Database, file_id: int | None) -> dict[str, str]:
    rows = db.execute(
        "SELECT raw FROM file_blocks WHERE source_file_id = ? AND kind = 'string' ORDER BY position", [file_id]
    ).fetchall()
    return read_macros("\n".join(raw for (raw,) in rows))


def ids_of_keys(db: sqlite_utils.Database, keys: Iterable[str]) -> list[int]:
    """Paper ids for citation keys, in the order given; an unknown key is an error."""
    found = {key: _id_of_key(db, key) for key in keys}
    missing = [key for key, paper_id in found.items() if paper_id is None]
    if missing:
        raise CitedeskError(f"Not in the library: {', '.join(missing)}")
    return list(dict.fromkeys(paper_id for paper_id in found.values() if paper_id is not None))


def _id_of_key(db: sqlite_utils.Database, key: str) -> int | None:
    row = db.execute("SELECT id FROM papers WHERE citekey = ? COLLATE NOCASE", [key]).fetchone()
    return row[0] if row else None


def _all_ids(db: sqlite_utils.Database) -> list[int]:
    return [row[0] for row in db.execute("SELECT id FROM papers ORDER BY source_file_id, position, id")]


def _paper_rows(db: sqlite_utils.Database, ids: list[int]) -> Iterator[Row]:
    for chunk in _batches(ids):
        marks = ",".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT id, raw, fields, entry_type, citekey, modified FROM papers WHERE id IN ({marks})", chunk
        ).fetchall()
        by_id = {row[0]: row for row in rows}
        yield from (by_id[paper_id] for paper_id in chunk if paper_id in by_id)


def _entry_text(row: Row) -> str:
    _, raw, fields, entry_type, citekey, modified = row
    return written_entry(raw, json.loads(fields), entry_type, citekey, modified)


def _preambles_and_strings(db: sqlite_utils.Database, ids: list[int], every_macro: bool) -> Iterator[str]:
    """The @preamble blocks of the papers' files, and the @string blocks their fields use
    (directly or through other macros; all of them for a whole library), each once, in file order."""
    blocks = [row for file_id in sorted({row[0] for row in _file_ids(db, ids)}) for row in _definitions(db, file_id)]
    needed = set() if every_macro else _with_macros_they_use(_macros_used(db, ids), blocks)
    seen: set[str] = set()
    for kind, key, raw in blocks:
        used = every_macro or kind == "preamble" or (key or "").lower() in needed
        if used and raw.strip() not in seen:
            seen.add(raw.strip())
            yield raw.strip()


def _macros_used(db: sqlite_utils.Database, ids: list[int]) -> set[str]:
    return {
        name for _, _, fields, *_ in _paper_rows(db, ids) for _, raw in json.loads(fields) for name in macro_names(raw)
    }


def _definitions(db: sqlite_utils.Database, file_id: int) -> list[tuple[str, str, str]]:
    sql = "SELECT kind, key, raw FROM file_blocks WHERE source_file_id = ? AND kind IN ('string', 'preamble') ORDER BY position"
    return db.execute(sql, [file_id]).fetchall()


def _with_macros_they_use(needed: set[str], blocks: list[tuple[str, str, str]]) -> set[str]:
    """Add the macros that needed macros are defined with, until nothing new is found."""
    values = {
        (key or "").lower(): raw.partition("=")[2].strip().rstrip(")}").strip()
        for kind, key, raw in blocks
        if kind == "string"
    }
    todo = list(needed)
    while todo:
        for name in macro_names(values.get(todo.pop(), "")):
            if name not in needed:
                needed.add(name)
                todo.append(name)
    return needed


def _file_ids(db: sqlite_utils.Database, ids: list[int]) -> Iterator[Row]:
    for chunk in _batches(ids):
        marks = ",".join("?" * len(chunk))
        yield from db.execute(
            f"SELECT DISTINCT source_file_id FROM papers WHERE id IN ({marks}) AND source_file_id IS NOT NULL",
            chunk,
        )


def _missing_parents(db: sqlite_utils.Database, ids: list[int]) -> list[int]:
    """Ids of papers named in a `crossref` field of the given papers but not among them."""
    chosen, parents = set(ids), []
    for _, _, fields, *_ in _paper_rows(db, ids):
        for name, value in json.loads(fields):
            if name.lower() == "crossref":
                parent = _id_of_key(db, value.strip('{}" '))
                if parent is not None and parent not in chosen:
                    chosen.add(parent)
                    parents.append(parent)
    return parents


def _batches(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
