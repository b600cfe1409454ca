"""What a person does with a library, as plain functions the command line and the window share."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from citedesk.library import editing, exporter, listing, removal, tags, works
from citedesk.library.bibtex.encoding import encode_text, shown
from citedesk.library.damage import reporting_damage
from citedesk.library.editing import EntryState
from citedesk.library.db import SORT_INDEXES, default_library_path, fts_deferred, indexes_deferred, open_library
from citedesk.formats.base import Format
from citedesk.formats.builtin import built_in_formats
from citedesk.formats import sniffing
from citedesk.formats.sniffing import by_extension
from citedesk.library.importer import KnownIds, store_file
from citedesk.library.incoming import BIBTEX, prepare_file
from citedesk.library.input_files import MAX_BIBLIOGRAPHY_BYTES, read_regular
from citedesk.library.listing import ListQuery
from citedesk.library.removal import Removed
from citedesk.library.safe_write import write_atomically
from citedesk.library.statement_columns import StatementLayout
from citedesk.library.statement_files import PREVIEW_ROWS, StatementPreview
from citedesk.library.statement_store import preview_statement_import, store_statements
from citedesk import classifying, refreshing
# What the fronts need besides the jobs below to call them and show what they return: they import the core
# only through this module and citedesk.reads (see docs/architecture.md).
from citedesk import sources_panel  # noqa: F401 (the sources as a person sees and sets them)
from citedesk.library.repair import Repaired, repair_library  # noqa: F401
from citedesk.library.statement_columns import FIELDS, FORMAT_NAMES, FORMATS, Column, describe_columns  # noqa: F401
from citedesk.library.statement_columns import parse_columns  # noqa: F401
from citedesk.sources.settings import load_settings  # noqa: F401
from citedesk.model import Cancelled, CitedeskError, ImportReport, RefreshReport, StatementImportReport
from citedesk.plugins import Registry

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]
PathLike = str | os.PathLike[str]


def _no_progress(done: int, total: int) -> None:
    """Progress callback that ignores progress."""


def _never() -> bool:
    return False


def default_workers() -> int:
    """Processes used to parse a large file: the cores there are, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def import_bibtex(
    library: PathLike | None,
    files: Sequence[PathLike],
    progress: Progress = _no_progress,
    cancelled: IsCancelled = _never,
    allow_duplicates: bool = False,
    workers: int | None = None,
    max_bytes: int | None = MAX_BIBLIOGRAPHY_BYTES,
    *,
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
    with _library(library) as db, _writing(db), fts_deferred(db, "papers"), _sort_indexes(db, contents):
        known, done = KnownIds.of_library(db), 0
        for path, data in contents:
            _check(cancelled)
            item = prepare_file(path, data, formats, report, workers or default_workers())
            if item is not None:
                store_file(db, item, known, report, allow_duplicates, cancelled)
            done += len(data)
            progress(done, total)
        if len(report.refused) == len(contents):
            raise CitedeskError("; ".join(problem.reason for problem in report.refused))
    return report


def installed_formats(registry: Registry | None = None) -> list[Format]:
    """The registry's import and export formats (the built-in ones without a registry), BibTeX first."""
    return list(registry.formats.values()) if registry is not None else built_in_formats()


def format_of_file(path: PathLike, registry: Registry | None = None) -> Format | None:
    """The installed format a file is in (by its extension, else its first bytes), or None: what a window
    accepts to import when a file is dropped on it."""
    return sniffing.format_of_file(path, installed_formats(registry))


def export_format(name: str | None, output: PathLike, registry: Registry | None = None) -> Format:
    """The installed format called `name`; without a name, the one the output's extension names, else BibTeX."""
    formats = {candidate.name: candidate for candidate in installed_formats(registry)}
    if name is None:
        return by_extension(output, formats.values()) or formats[BIBTEX]
    if name not in formats:
        raise CitedeskError(f"No format called {name!r}; the installed ones are {', '.join(formats)}")
    return formats[name]


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


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    entries: int
    size: int


def export_bibtex(
    library: PathLike | None,
    output: PathLike,
    keys: Sequence[str] | None = None,
    file_of: str | None = None,
    seven_bit: bool = False,
    paper_ids: Sequence[int] | None = None,
    *,
    format_name: str | None = BIBTEX,
    registry: Registry | None = None,
) -> ExportResult:
    """Export the whole library, the papers with the given keys (or ids), or one imported BibTeX file as it
    was, in a format (BibTeX by default; None: the one the output's extension names, else BibTeX)."""
    chosen = export_format(format_name, output, registry)
    with _library(library) as db:
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


def _papers_data(db: sqlite_utils.Database, ids: Sequence[int] | None, chosen: Format,
                 seven_bit: bool) -> tuple[bytes, int]:
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
        raise CitedeskError(f"{chosen.label} does not rebuild imported files byte for byte; only a BibTeX file "
                            "is exported as it was imported")
    name, source_format = db.execute("SELECT name, format FROM source_files WHERE id = ?", [file_id]).fetchone()
    if source_format != BIBTEX:
        label = next((f.label for f in installed_formats(registry) if f.name == source_format), source_format)
        raise CitedeskError(f"{name} was imported from {label}, and only BibTeX files are rebuilt byte for "
                            "byte; export its papers instead")


def export_listed(library: PathLike | None, output: PathLike, query: ListQuery, seven_bit: bool = False, *,
                  format_name: str | None = BIBTEX, registry: Registry | None = None) -> ExportResult:
    """Export the papers a list query shows (a search, a file, a tag), in list order, in a format."""
    with _library(library) as db:
        ids = listing.matching_ids(db, query)
    return export_bibtex(library, output, seven_bit=seven_bit, paper_ids=ids, format_name=format_name,
                         registry=registry)


def bibtex_of(library: PathLike | None, paper_ids: Sequence[int]) -> str:
    """The BibTeX of some papers, with the @string macros and crossref parents they need (invalid bytes kept
    from a damaged file shown as U+FFFD: this text is for the clipboard)."""
    with _library(library) as db:
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
    return rows[0][0]


def preview_statements(
    library: PathLike | None,
    path: PathLike,
    layout: StatementLayout = StatementLayout(),  # noqa: B008 (frozen)
    limit: int = PREVIEW_ROWS,
) -> StatementPreview:
    """The first rows of a statement file as `import_statements` would read them, each with what would keep it
    from being stored; reads the library, writes nothing."""
    with _library(library) as db:
        return preview_statement_import(db, path, layout, limit)


def import_statements(
    library: PathLike | None,
    path: PathLike,
    progress: Progress = _no_progress,
    cancelled: IsCancelled = _never,
    layout: StatementLayout = StatementLayout(),  # noqa: B008 (frozen)
) -> StatementImportReport:
    """Load citing statements from a JSON Lines, CSV or TSV file read as `layout` says (see
    docs/statement-files.md) and label them with the fast classifier; `classify` then gives them the accurate
    one's labels."""
    with _library(library) as db, _writing(db):
        report = store_statements(db, path, progress, cancelled, layout)
    classifying.label_new(library)
    return report


def remove_papers(library: PathLike | None, paper_ids: Sequence[int]) -> Removed:
    """Delete papers (their citation data stays); the result puts them back with `restore_papers`."""
    with _library(library) as db, _writing(db):
        return removal.remove_papers(db, paper_ids)


def restore_papers(library: PathLike | None, removed: Removed) -> list[int]:
    """Undo `remove_papers`; returns the papers' ids."""
    with _library(library) as db, _writing(db):
        return removal.restore_papers(db, removed)


def edit_paper(library: PathLike | None, paper_id: int, fields: dict[str, str | None],
               citekey: str | None = None, entry_type: str | None = None) -> EntryState:
    """Change an entry's fields, key or type, only their bytes (see `editing.edit_paper`); the result
    puts the entry back as it was with `restore_paper_edit`."""
    with _library(library) as db, _writing(db):
        return editing.edit_paper(db, paper_id, fields, citekey, entry_type)


def restore_paper_edit(library: PathLike | None, state: EntryState) -> str:
    """Undo `edit_paper`: the entry's text, fields, key, type and edited flag as they were; returns its key."""
    with _library(library) as db, _writing(db):
        return editing.restore_entry(db, state)


def tag_papers(library: PathLike | None, paper_ids: Sequence[int], name: str) -> int:
    """Give papers a tag, created if new; returns its id."""
    with _library(library) as db, _writing(db):
        return tags.tag_papers(db, paper_ids, name)


def delete_tag(library: PathLike | None, tag_id: int) -> None:
    """Remove a tag from every paper."""
    with _library(library) as db, _writing(db):
        tags.delete_tag(db, tag_id)


def add_work(library: PathLike | None, work_id: int) -> str:
    """Add a citing (or cited) work to the library as a paper; returns its new citation key."""
    with _library(library) as db, _writing(db):
        return works.add_work_to_library(db, work_id)


def refresh(
    library: PathLike | None,
    keys: Sequence[str] | None = None,
    sources: Sequence[str] | None = None,
    force: bool = False,
    progress: Progress = _no_progress,
    cancelled: IsCancelled = _never,
    *,
    registry: Registry | None = None,
) -> RefreshReport:
    """Fetch citation data for some papers (all when `keys` is None) from the registry's enabled or named
    sources, then label the new statements with the fast classifier (`classify` gives them the chosen one's labels)."""
    report = refreshing.refresh(library, keys, sources, force, progress, cancelled, registry=registry)
    if report.new_statements:
        classifying.label_new(library)
    return report


def classify(library: PathLike | None, progress: Progress = _no_progress, cancelled: IsCancelled = _never,
             first: Callable[[], int | None] = lambda: None, first_done: Callable[[int], None] = lambda paper: None,
             *, registry: Registry | None = None):
    """Classify, with the chosen classifier, the statements it has not classified yet (all of them after a new
    model or another choice), the statements of the paper `first()` names before the others (`first_done(paper)`
    after them)."""
    return classifying.classify_library(library, progress, cancelled, first=first, first_done=first_done,
                                        registry=registry)


def classify_file(source: PathLike, target: PathLike, *, registry: Registry | None = None) -> int:
    """Classify a JSON Lines file of sentences (a `text` field each) into another; returns how many."""
    return classifying.classify_file(Path(source), Path(target), registry=registry)


def choose_classifier(name: str, *, registry: Registry | None = None) -> str:
    """Make the named classifier the one statements are labelled with (`classify` then labels them again);
    returns what people call it."""
    chosen = classifying.choose_classifier(name, registry)
    return chosen.label or chosen.name


def classifier_in_use(*, registry: Registry | None = None) -> str:
    """The name of the classifier statements are labelled with."""
    return classifying.chosen_classifier(registry).name


@contextmanager
def _library(path: PathLike | None) -> Iterator[sqlite_utils.Database]:
    """The library open for a job; a damaged file met while reading or writing it is said in one sentence."""
    db = open_library(path)
    try:
        with reporting_damage(Path(path) if path is not None else default_library_path()):
            yield db
    finally:
        db.close()


@contextmanager
def _writing(db: sqlite_utils.Database) -> Iterator[None]:
    """One transaction; storage errors (a full disk, a locked file) become a clear message."""
    try:
        with db.atomic():
            yield
    except sqlite3.OperationalError as exc:
        raise CitedeskError(f"The library could not be written, nothing was changed: {exc}") from exc


def _check(cancelled: IsCancelled) -> None:
    if cancelled():
        raise Cancelled
