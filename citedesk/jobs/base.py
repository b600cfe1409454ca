"""What every job shares: the library opened for it, one write transaction, progress and cancel callbacks."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from citedesk.library.damage import reporting_damage
from citedesk.library.db import default_library_path, open_library
from citedesk.model import Cancelled, CitedeskError

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]
PathLike = str | os.PathLike[str]


def no_progress(done: int, total: int) -> None:
    """Progress callback that ignores progress."""


def never() -> bool:
    return False


@contextmanager
def opened(path: PathLike | None) -> Iterator[sqlite_utils.Database]:
    """The library open for a job; a damaged file met while reading or writing it is said in one sentence."""
    db = open_library(path)
    try:
        with reporting_damage(Path(path) if path is not None else default_library_path()):
            yield db
    finally:
        db.close()


@contextmanager
def writing(db: sqlite_utils.Database) -> Iterator[None]:
    """One transaction; storage errors (a full disk, a locked file) become a clear message."""
    try:
        with db.atomic():
            yield
    except sqlite3.OperationalError as exc:
        raise CitedeskError(f"The library could not be written, nothing was changed: {exc}") from exc


def check_cancelled(cancelled: IsCancelled) -> None:
    if cancelled():
        raise Cancelled
