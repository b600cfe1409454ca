"""Exporting papers, a list or an imported file as it was, in a format; BibTeX for the clipboard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from citedesk.formats.base import Format
from citedesk.jobs.base import PathLike, opened
from citedesk.jobs.formats import export_format, installed_formats
from citedesk.library import exporter, listing
from citedesk.library.bibtex.encoding import encode_text, shown
from citedesk.library.incoming import BIBTEX
from citedesk.library.listing import ListQuery
from citedesk.library.safe_write import write_atomically
from citedesk.model import CitedeskError
from citedesk.plugins import Registry


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    entries: int
    size: int


def export_bibtex(
    library: PathLike | None,
    output: PathLike,
    *,
    keys: Sequence[str] | None = None,
    file_of: str | None = None,
    seven_bit: bool = False,
    paper_ids: Sequence[int] | None = None,
    format_name: str | None = BIBTEX,
    registry: Registry | None = None,
) -> ExportResult:
    """Export the whole library, the papers with the given keys (or ids), or one imported BibTeX file as it
    was, in a format (BibTeX by default; None: the one the output's extension names, else BibTeX)."""
    chosen = export_format(format_name, output, registry=registry)
    with opened(library) as db:
        if file_of is not None:
            file_id = find_source_file(db, file_of)
            _check_rebuilds(db, file_id, chosen, registry)
            data = exporter.file_bytes(db, file_id)
            count = db.execute("SELECT count(*) FROM papers WHERE source_file_id = ?", [file_id]).fetchone()[0]
        else:
            ids = exporter.ids_of_keys(db, keys) if keys else paper_ids
            data, count = _papers_data(db, ids, chosen, seven_bit)
    write_atomically(Path(output), data)
    return ExportResult(Path(output), count, len(data))


def _papers_data(
    db: sqlite_utils.Database, ids: Sequence[int] | None, chosen: Format, seven_bit: bool
) -> tuple[bytes, int]:
    """The bytes of the papers (all when None) in a format, and how many they are: BibTeX as stored, another
    format from their records."""
    if chosen.name == BIBTEX:
        data = encode_text(exporter.entries_text(db, ids, seven_bit), "utf-8")
        return data, len(ids) if ids is not None else db["papers"].count
    if seven_bit:
        raise CitedeskError(f"Writing letters as LaTeX is for BibTeX, not {chosen.label}")
    records = exporter.paper_records(db, ids)
    return chosen.write(records), len(records)


def _check_rebuilds(db: sqlite_utils.Database, file_id: int, chosen: Format, registry: Registry | None) -> None:
    """Only a BibTeX file is rebuilt byte for byte, and only as BibTeX; say so in one sentence."""
    if chosen.name != BIBTEX:
        raise CitedeskError(
            f"{chosen.label} does not rebuild imported files byte for byte; only a BibTeX file "
            "is exported as it was imported"
        )
    name, source_format = db.execute("SELECT name, format FROM source_files WHERE id = ?", [file_id]).fetchone()
    if source_format != BIBTEX:
        label = next((f.label for f in installed_formats(registry) if f.name == source_format), source_format)
        raise CitedeskError(
            f"{name} was imported from {label}, and only BibTeX files are rebuilt byte for "
            "byte; export its papers instead"
        )


def export_listed(
    library: PathLike | None,
    output: PathLike,
    *,
    query: ListQuery,
    seven_bit: bool = False,
    format_name: str | None = BIBTEX,
    registry: Registry | None = None,
) -> ExportResult:
    """Export the papers a list query shows (a search, a file, a tag), in list order, in a format."""
    with opened(library) as db:
        ids = listing.matching_ids(db, query)
    return export_bibtex(
        library, output, seven_bit=seven_bit, paper_ids=ids, format_name=format_name, registry=registry
    )


def bibtex_of(library: PathLike | None, paper_ids: Sequence[int]) -> str:
    """The BibTeX of some papers, with the @string macros and crossref parents they need (invalid bytes kept
    from a damaged file shown as U+FFFD: this text is for the clipboard)."""
    with opened(library) as db:
        return shown(exporter.entries_text(db, paper_ids))


def find_source_file(db: sqlite_utils.Database, name: str) -> int:
    """The id of an imported file named by id, full path or file name (the newest import wins)."""
    rows = db.execute(
        "SELECT id FROM source_files WHERE CAST(id AS TEXT) = ?1 OR path = ?1 OR name = ?1 "
        "OR path = ?2 ORDER BY id DESC",
        [name, str(Path(name).expanduser().resolve())],
    ).fetchall()
    if not rows:
        raise CitedeskError(f"No imported file called {name!r} (see `citedesk stats` for the list)")
    return int(rows[0][0])
