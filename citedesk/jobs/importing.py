"""Importing bibliography files into a library, in one transaction."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from citedesk.jobs.base import IsCancelled, PathLike, Progress, check_cancelled, never, no_progress, opened, writing
from citedesk.jobs.formats import installed_formats
from citedesk.library.db import SORT_INDEXES, fts_deferred, indexes_deferred
from citedesk.library.importer import KnownIds, store_file
from citedesk.library.incoming import prepare_file
from citedesk.library.input_files import MAX_BIBLIOGRAPHY_BYTES, read_regular
from citedesk.model import CitedeskError, ImportReport
from citedesk.plugins import Registry


def default_workers() -> int:
    """Processes used to parse a large file: the cores there are, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def import_bibtex(
    library: PathLike | None,
    files: Sequence[PathLike],
    *,
    progress: Progress = no_progress,
    cancelled: IsCancelled = never,
    allow_duplicates: bool = False,
    workers: int | None = None,
    max_bytes: int | None = MAX_BIBLIOGRAPHY_BYTES,
    registry: Registry | None = None,
) -> ImportReport:
    """Import bibliography files in one transaction: all of them, or (cancelled, failed) none. Each is read
    in the registry's format that recognises it (BibTeX losslessly; another format's records become BibTeX
    entries); a file no format reads (empty, binary, nothing in it) is refused and named in the report; when
    every file is, it is an error."""
    contents = [(Path(path), read_regular(path, max_bytes)) for path in files]
    total = sum(len(data) for _, data in contents)
    report = ImportReport(files=[str(path) for path, _ in contents])
    formats = installed_formats(registry)
    with opened(library) as db, writing(db), fts_deferred(db, "papers"), _sort_indexes(db, contents):
        known, done = KnownIds.of_library(db), 0
        for path, data in contents:
            check_cancelled(cancelled)
            item = prepare_file(path, data, formats, report, workers or default_workers())
            if item is not None:
                store_file(db, item, known, report, allow_duplicates, cancelled)
            done += len(data)
            progress(done, total)
        if len(report.refused) == len(contents):
            raise CitedeskError("; ".join(problem.reason for problem in report.refused))
    return report


@contextmanager
def _sort_indexes(db: sqlite_utils.Database, contents: list[tuple[Path, bytes]]) -> Iterator[None]:
    """Rebuild the list's sort indexes after the import when it brings at least as many entries
    as the library holds (a first import); update them row by row when it is small beside it."""
    incoming = sum(data.count(b"@") for _, data in contents)
    if incoming < db.execute("SELECT count(*) FROM papers").fetchone()[0]:
        yield
        return
    with indexes_deferred(db, SORT_INDEXES):
        yield
