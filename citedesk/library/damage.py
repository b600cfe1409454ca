"""A damaged library file: which of SQLite's errors mean one, and the sentence that tells the person what to do."""

from __future__ import annotations

import shlex
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeGuard

from citedesk.model import CitedeskError

SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26  # primary result codes; extended ones (SQLITE_CORRUPT_VTAB) share them
SQLITE_HEADER = b"SQLite format 3\x00"
_DAMAGE_WORDS = ("malformed", "not a database", "database corruption")
# SQLite's own words for them (the error may come wrapped, as through a Qt model's method)
_REASONS = {SQLITE_CORRUPT: "database disk image is malformed", SQLITE_NOTADB: "file is not a database"}


class LibraryDamaged(CitedeskError):
    """The library file is damaged: SQLite found pages or records in it that are not what they must be."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path, self.reason = Path(path), reason
        super().__init__(
            f"The library file {self.path} is damaged ({reason}): `{repair_command(self.path)}` copies what can "
            f"still be read into a new library in its place and keeps the damaged file beside it."
        )


class NotALibrary(CitedeskError):
    """The library path names a file that is not an SQLite database at all (a .bib given as --library)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"Cannot open the library {path}: it is not a CiteDesk library (not an SQLite database "
            "file); name a library file with --library, or a new file to start one"
        )


def repair_command(path: Path) -> str:
    """The command that repairs the library at `path`, ready to paste into a shell."""
    return f"citedesk repair --library {shlex.quote(str(path))}"


def is_damage(exc: BaseException) -> TypeGuard[sqlite3.DatabaseError]:
    """Whether an error from sqlite3 says the database file is damaged (not locked, full or read-only)."""
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)
    return any(word in str(exc).lower() for word in _DAMAGE_WORDS)


def damage_error(path: Path, exc: sqlite3.DatabaseError) -> CitedeskError:
    """The error to tell the person about a damaged file, or about a file that is no library at all."""
    if not _has_sqlite_header(path):
        return NotALibrary(path)
    code = getattr(exc, "sqlite_errorcode", None)
    return LibraryDamaged(path, _REASONS.get(code & 0xFF, str(exc)) if code is not None else str(exc))


@contextmanager
def reporting_damage(path: Path) -> Iterator[None]:
    """Turn a damaged-file error from inside the block into the one sentence that says so and how to recover."""
    try:
        yield
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            raise damage_error(path, exc) from exc
        raise


def _has_sqlite_header(path: Path) -> bool:
    """Whether the file begins as every SQLite database does (a file that cannot be read is given the benefit)."""
    try:
        with open(path, "rb") as file:
            return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return True
