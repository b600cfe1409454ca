"""Repair a damaged library: copy what can still be read into a new file (SQLite's `.recover` when the sqlite3
shell is installed and can, else table by table and row by row, skipping what cannot be read), never
touching the damaged file, which is kept under another name when the new one takes its place."""

from __future__ import annotations

import logging
import os
import secrets
import shlex
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlite_utils

from citedesk.library.db import default_library_path, fts_deferred, open_library
from citedesk.library.tallies import update_tallies
from citedesk.model import CitedeskError, count

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
SHELL_METHOD, ROW_METHOD = "the sqlite3 shell's .recover", "row by row"
_BATCH = 256
_MIN_ROWID, _MAX_ROWID = -(2**63), 2**63 - 1
_SIDE_FILES = ("-wal", "-shm")


@dataclass(frozen=True)
class Repaired:
    """What a repair made: the working library, where the damaged file was kept, and what came back."""

    library: Path  # the recovered library
    damaged: Path  # the damaged file, as it was
    in_place: bool  # the recovered library took the damaged one's place (which was renamed `damaged`)
    method: str
    papers: int
    statements: int
    skipped_ranges: int  # runs of unreadable rows the row-by-row copy stepped over (0 for the shell)

    def summary(self) -> str:
        """What the person is told after a repair: what came back, where, and where the damaged file is."""
        skipped = (
            f", stepping over {count(self.skipped_ranges, 'unreadable stretch', 'unreadable stretches')}"
            if self.skipped_ranges
            else ""
        )
        recovered = (
            f"Recovered {count(self.papers, 'paper')} and {count(self.statements, 'statement')} "
            f"into {self.library} ({self.method}{skipped})"
        )
        if self.in_place:
            return f"{recovered}; the damaged file is kept as {self.damaged}."
        return (
            f"{recovered}; the damaged library {self.damaged} is as it was: open the new one with "
            f"--library {shlex.quote(str(self.library))}, or move it in the damaged one's place."
        )


def repair_library(
    library: str | os.PathLike[str] | None,
    output: str | os.PathLike[str] | None = None,
    progress: Progress = lambda done, total: None,
    shell: str | bool | None = True,
) -> Repaired:
    """Recover the damaged library into a new file. Without `output` the new file takes the library's place and
    the damaged one is renamed library.damaged-<date>.sqlite beside it; with `output` the new library is
    written there and the damaged one is left where it is. `shell`: True finds sqlite3 on the PATH, a path
    names it, None or False copies row by row only."""
    damaged = Path(library).expanduser() if library is not None else default_library_path()
    if damaged.is_symlink():  # repair the file it points to, which the link then names again
        damaged = Path(os.path.realpath(damaged))
    if not damaged.is_file():
        raise CitedeskError(f"There is no library file at {damaged} to repair")
    target = Path(output).expanduser() if output is not None else None
    if target is not None and (target.exists() or target.is_symlink()):
        raise CitedeskError(f"{target} exists already: name a new file for the repaired library with --output")
    if target is not None and not target.parent.is_dir():
        raise CitedeskError(f"The folder {target.parent} does not exist")
    shell_path = shutil.which("sqlite3") if shell is True else (shell or None)
    folder = (target or damaged).parent
    work = folder / f".{(target or damaged).name}.repairing-{secrets.token_hex(4)}"
    try:
        method, skipped = recover(damaged, work, shell_path, progress)
        papers, statements = _counts(work)
        kept = damaged if target is not None else _set_aside(damaged)
        final = target or damaged
        try:
            os.rename(work, final)
        except OSError:
            if kept != damaged:
                _put_back(kept, damaged)
            raise
    except OSError as exc:
        raise CitedeskError(f"The repaired library could not be written in {folder}: {exc.strerror or exc}") from None
    finally:
        for suffix in ("", *_SIDE_FILES):
            with suppress(OSError):
                Path(f"{work}{suffix}").unlink()
    return Repaired(final, kept, target is None, method, papers, statements, skipped)


def recover(damaged: Path, output: Path, shell: str | None, progress: Progress) -> tuple[str, int]:
    """Write what can be read of `damaged` into the new file `output`, a library that opens and whose checks
    pass; returns the method used and how many unreadable stretches of rows it skipped."""
    if shell:
        try:
            _recover_with_shell(shell, damaged, output)
            _finish(output)
            return SHELL_METHOD, 0
        except (CitedeskError, OSError, sqlite3.Error, subprocess.SubprocessError) as exc:
            log.info("sqlite3 .recover could not repair %s (%s); copying row by row", damaged, exc)
            _remove_database(output)
    skipped = _recover_row_by_row(damaged, output, progress)
    _finish(output)
    return ROW_METHOD, skipped


# -- with the sqlite3 shell


def _recover_with_shell(shell: str, damaged: Path, output: Path) -> None:
    """Pipe `.recover`'s SQL from the damaged file (opened read-only) into a new database."""
    with tempfile.TemporaryFile() as dump_errors, tempfile.TemporaryFile() as load_errors:
        dump = subprocess.Popen(
            [shell, "-readonly", os.path.abspath(damaged), ".recover"],
            stdout=subprocess.PIPE,
            stderr=dump_errors,
            stdin=subprocess.DEVNULL,
        )
        try:
            load = subprocess.run(
                [shell, "-bail", os.path.abspath(output)],
                stdin=dump.stdout,
                stdout=subprocess.DEVNULL,
                stderr=load_errors,
                check=False,
            )
        finally:
            if dump.stdout is not None:
                dump.stdout.close()
            dump.wait()
        if dump.returncode or load.returncode:
            dump_errors.seek(0)
            load_errors.seek(0)
            message = (dump_errors.read() + load_errors.read()).decode("utf-8", "replace").strip()
            raise CitedeskError(f"sqlite3 .recover failed: {message or 'exit status ' + str(dump.returncode)}")
    with closing(sqlite3.connect(output)) as conn:
        present = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = set(_library_tables()) - present
    if missing:
        raise CitedeskError(f"sqlite3 .recover lost the tables {', '.join(sorted(missing))}")


def _library_tables() -> list[str]:
    """The ordinary tables of an up-to-date library, in the order migrations make them."""
    with tempfile.TemporaryDirectory(prefix="citedesk-schema-") as folder:
        db = open_library(Path(folder) / "schema.sqlite")
        try:
            return _copied_tables(db.conn)
        finally:
            db.close()


# -- row by row, in Python


def _recover_row_by_row(damaged: Path, output: Path, progress: Progress) -> int:
    """A fresh library at `output`, filled with every row of the damaged one's tables that can still be read."""
    source = sqlite3.connect(f"file:{quote(str(damaged.resolve()))}?mode=ro", uri=True)
    db = open_library(output)
    skipped = 0
    try:
        try:
            present = {row[0] for row in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise CitedeskError(
                f"Nothing could be read from the damaged library {damaged} ({exc}): even its list "
                "of tables is damaged; where the sqlite3 shell has a working .recover, repair uses "
                "it and may read more"
            ) from None
        tables = [table for table in _copied_tables(db.conn) if table in present]
        db.execute("PRAGMA foreign_keys = OFF")
        with db.atomic(), fts_deferred(db, "papers"), fts_deferred(db, "statements"):
            for done, table in enumerate(tables):
                skipped += _copy_table(source, db.conn, table)
                progress(done + 1, len(tables))
    finally:
        source.close()
        db.close()
    return skipped


def _copied_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables a repair copies: all but SQLite's, the migrations' record, and full-text indexes (rebuilt)."""
    rows = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rootpage").fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return [
        name
        for name, _ in rows
        if not name.startswith(("sqlite_", "_sqlite_"))
        and name not in virtual
        and not any(name.startswith(f"{table}_") for table in virtual)
    ]


def _copy_table(source: sqlite3.Connection, target: sqlite3.Connection, table: str) -> int:
    """Copy the columns both tables have; returns how many unreadable stretches of rows were skipped."""
    wanted = [row[1] for row in target.execute(f"PRAGMA table_info([{table}])")]
    have = {row[1] for row in source.execute(f"PRAGMA table_info([{table}])")}
    columns = [column for column in wanted if column in have]
    names = ", ".join(f"[{column}]" for column in columns)
    insert = f"INSERT OR IGNORE INTO [{table}] ({names}) VALUES ({', '.join('?' * len(columns))})"
    reader = _RowReader(source, f"SELECT rowid, {names} FROM [{table}] WHERE rowid > ? ORDER BY rowid LIMIT ?")
    for rows in reader.batches():
        target.executemany(insert, [row[1:] for row in rows])
    return reader.skipped


class _RowReader:
    """Reads a table in rowid order, in batches; where a page cannot be read, it goes one row at a time and
    steps over the unreadable rows (probing ever further rowids, then narrowing back to the first readable one)."""

    def __init__(self, conn: sqlite3.Connection, query: str) -> None:
        self.conn, self.query, self.skipped = conn, query, 0

    def batches(self) -> Iterator[list[tuple[Any, ...]]]:
        after, careful = _MIN_ROWID, 0
        while True:
            try:
                rows = self._read(after, 1 if careful else _BATCH)
            except sqlite3.DatabaseError:
                if not careful:
                    careful = _BATCH  # read the rest of this batch one row at a time
                    continue
                found = self._next_readable(after)
                if found is None:
                    return
                self.skipped += 1
                after = found
                continue
            if not rows:
                return
            yield rows
            after = rows[-1][0]
            careful = max(0, careful - 1)

    def _read(self, after: int, limit: int) -> list[tuple[Any, ...]]:
        return self.conn.execute(self.query, [after, limit]).fetchall()

    def _next_readable(self, bad: int) -> int | None:
        """The smallest rowid past `bad` from which reading works again (its own row is lost); None at the end."""
        step = 1
        while True:
            probe = bad + step
            if probe >= _MAX_ROWID:
                return None
            if self._readable(probe):
                break
            bad, step = probe, step * 2
        low, high = bad, probe
        while high - low > 1:
            middle = (low + high) // 2
            if self._readable(middle):
                high = middle
            else:
                low = middle
        return high

    def _readable(self, after: int) -> bool:
        try:
            self._read(after, 1)
        except sqlite3.DatabaseError:
            return False
        return True


# -- both ways: make the new file a sound library


def _finish(path: Path) -> None:
    """Drop references to rows that were lost, rebuild full-text indexes and tallies, and check the result."""
    db = sqlite_utils.Database(sqlite3.connect(path))
    try:
        db.execute("PRAGMA foreign_keys = OFF")
        with db.atomic():
            _drop_dangling(db.conn)
            for table in _full_text_tables(db.conn):
                db.execute(f"INSERT INTO [{table}] ([{table}]) VALUES ('rebuild')")
        check = db.execute("PRAGMA integrity_check").fetchall()
        if check != [("ok",)]:
            raise CitedeskError(f"The recovered library does not pass SQLite's checks ({check[0][0]})")
    finally:
        db.close()
    db = open_library(path)  # brings an older library's schema up to date, as opening it would
    try:
        with db.atomic():
            update_tallies(db)
        db.execute("PRAGMA journal_mode = DELETE")  # one file to move into place (the next open turns WAL on)
    finally:
        db.close()


def _drop_dangling(conn: sqlite3.Connection) -> None:
    """Rows that point at a lost row: the reference is cleared where it may be empty, else the row goes
    (a statement whose citation was lost, a citation whose work was); repeated until nothing points nowhere."""
    for _ in range(20):
        problems = conn.execute("PRAGMA foreign_key_check").fetchall()
        if not problems:
            return
        for table, rowid, _parent, key in problems:
            columns = [row[3] for row in conn.execute(f"PRAGMA foreign_key_list([{table}])") if row[0] == key]
            info = {row[1]: row for row in conn.execute(f"PRAGMA table_info([{table}])")}
            if all(not info[column][3] and not info[column][5] for column in columns):  # nullable, not in the key
                conn.execute(
                    f"UPDATE [{table}] SET {', '.join(f'[{c}] = NULL' for c in columns)} WHERE rowid = ?", [rowid]
                )
            else:
                conn.execute(f"DELETE FROM [{table}] WHERE rowid = ?", [rowid])
    raise CitedeskError("The recovered library still has rows that point at lost ones")


def _full_text_tables(conn: sqlite3.Connection) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND upper(sql) LIKE 'CREATE VIRTUAL TABLE%USING FTS5%'"
        )
    ]


def _counts(path: Path) -> tuple[int, int]:
    with closing(sqlite3.connect(path)) as conn:
        return _count(conn, "papers"), _count(conn, "statements")


def _count(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0])


# -- putting the new file in place


def _set_aside(damaged: Path) -> Path:
    """Rename the damaged file (and its write-ahead log) to library.damaged-<date>.sqlite; returns the new name."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = damaged.with_name(f"{damaged.stem}.damaged-{stamp}{damaged.suffix}")
    number = 1
    while any(Path(f"{kept}{suffix}").exists() for suffix in ("", *_SIDE_FILES)):
        number += 1
        kept = damaged.with_name(f"{damaged.stem}.damaged-{stamp}-{number}{damaged.suffix}")
    os.rename(damaged, kept)
    for suffix in _SIDE_FILES:
        with suppress(FileNotFoundError):
            os.rename(f"{damaged}{suffix}", f"{kept}{suffix}")
    return kept


def _put_back(kept: Path, damaged: Path) -> None:
    for suffix in ("", *_SIDE_FILES):
        with suppress(OSError):
            os.rename(f"{kept}{suffix}", f"{damaged}{suffix}")


def _remove_database(path: Path) -> None:
    for suffix in ("", *_SIDE_FILES, "-journal"):
        with suppress(OSError):
            Path(f"{path}{suffix}").unlink()
