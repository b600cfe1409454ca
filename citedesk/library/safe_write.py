"""Write a file whole or not at all: through symlinks, keeping its mode, never over a device, leaving no temporary files."""

from __future__ import annotations

import os
import re
import secrets
import stat
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from citedesk.library.input_files import kind_of
from citedesk.model import CitedeskError

try:
    import fcntl
except ImportError:  # Windows: a file another process has open cannot be removed there anyway
    fcntl = None  # type: ignore[assignment]

TEMP_MARK = ".citedesk-"
# Ours: ".out.bib.citedesk-<16 hex>.tmp", locked (flock) by the process writing it for as long as it does.
TEMP_NAME = re.compile(r"^\..+\.citedesk-[0-9a-f]{16}\.tmp$")
# Earlier versions wrote ".out.bib.<8 letters>.tmp" (tempfile.mkstemp) without a lock: removed once this old.
UNLOCKED_TEMP_AGE_S = 3600
_NAME_ROOM = 200  # of a file name's 255 bytes, what the temporary file keeps of the target's name
_writing: set[str] = set()  # temporary files this process is writing now (on NFS a lock may be per process)
_writing_guard = threading.Lock()


def write_atomically(path: Path, data: bytes) -> None:
    """Replace the file at `path` (or the one a symlink there points to) with `data` in one step, so that a
    failure (a full disk, a kill) leaves the earlier file as it was. A new file gets the mode the umask
    allows (0666 & ~umask); an existing one keeps its mode (and its group where the person may set it)."""
    path = Path(path)
    target = Path(os.path.realpath(path))
    existing = _existing_regular(target, path)
    remove_stale_temps(target.parent, target.name)
    try:
        with _temp_beside(target, path) as (out, temp):
            if existing is not None:
                _keep_mode(out, existing)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
            os.replace(temp, target)
    except OSError as exc:
        raise CitedeskError(f"Cannot write {path}: {exc.strerror or exc}") from None
    _sync_folder(target.parent)


def _existing_regular(target: Path, named: Path) -> os.stat_result | None:
    """The status of the file to replace (None when there is none yet); a device, a FIFO or a folder is refused."""
    try:
        status = os.stat(target)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CitedeskError(f"Cannot write {named}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(status.st_mode):
        raise CitedeskError(
            f"{named} is {kind_of(status.st_mode)}, not a regular file: choose a file to write the export to"
        )
    return status


@contextmanager
def _temp_beside(target: Path, named: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """A new temporary file of ours in the target's folder, locked while it is written; removed if it is not
    moved onto the target. Opened with mode 0666 so that the umask (and a folder's default ACL) decide."""
    folder = target.parent
    if not folder.is_dir():
        raise CitedeskError(f"The folder {folder} does not exist")
    for _ in range(5):
        temp = folder / f".{target.name[:_NAME_ROOM]}{TEMP_MARK}{secrets.token_hex(8)}.tmp"
        with _writing_guard:
            _writing.add(str(temp))
        try:
            handle = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except OSError as exc:
            _forget(temp)
            if isinstance(exc, FileExistsError):
                continue
            raise CitedeskError(f"Cannot write to {folder}: {exc.strerror or exc}") from None
        if _locked_in_place(handle, temp):
            break
        os.close(handle)
        _forget(temp)
    else:
        raise CitedeskError(f"Cannot write to {folder}: no temporary file could be made there")
    try:
        with os.fdopen(handle, "wb") as out:
            yield out, temp
    except BaseException:
        with suppress(OSError):
            temp.unlink()
        raise
    finally:
        _forget(temp)


def _forget(temp: Path) -> None:
    with _writing_guard:
        _writing.discard(str(temp))


def _locked_in_place(handle: int, temp: Path) -> bool:
    """Lock the new file, then check that no one removed it before the lock was taken (the cleaning of
    another export can find it unlocked in that instant)."""
    if fcntl is not None:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
    try:
        return os.stat(temp).st_ino == os.fstat(handle).st_ino
    except OSError:
        return False


def _keep_mode(out: BinaryIO, existing: os.stat_result) -> None:
    """Give the new file the old one's permission bits, and its group when the person may set that."""
    os.chmod(out.fileno(), stat.S_IMODE(existing.st_mode))
    if hasattr(os, "fchown") and os.fstat(out.fileno()).st_gid != existing.st_gid:
        with suppress(OSError):
            os.fchown(out.fileno(), -1, existing.st_gid)
            os.chmod(out.fileno(), stat.S_IMODE(existing.st_mode))  # chown may clear set-group-id


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); where a folder cannot be opened, there is nothing to do."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def remove_stale_temps(folder: Path, name: str) -> list[Path]:
    """Remove the temporary files that exports killed mid-write left in `folder`; returns them. One of ours is
    stale when no process holds its lock (the system drops a lock when its process ends, however it ends);
    one that an earlier version left, unlocked, for `name` is stale once untouched for an hour."""
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    old = re.compile(rf"^\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp$")
    for entry in entries:
        if TEMP_NAME.match(entry.name):
            gone = _remove_if_unlocked(entry.path)
        elif old.match(entry.name) and _untouched_for(entry, UNLOCKED_TEMP_AGE_S):
            gone = _remove(entry.path)
        else:
            gone = False
        if gone:
            removed.append(Path(entry.path))
    return removed


def _remove_if_unlocked(path: str) -> bool:
    """Remove a temporary file of ours that no process is writing, holding its lock meanwhile so that no
    export can take the file up in between (without locks: once it is an hour old)."""
    with _writing_guard:
        if path in _writing:
            return False
    if fcntl is None:
        try:
            return time.time() - os.stat(path).st_mtime > UNLOCKED_TEMP_AGE_S and _remove(path)
        except OSError:
            return False
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return os.stat(path).st_ino == os.fstat(handle).st_ino and _remove(path)
    except OSError:
        return False
    finally:
        os.close(handle)


def _remove(path: str) -> bool:
    try:
        os.unlink(path)
    except OSError:
        return False
    return True


def _untouched_for(entry: os.DirEntry[str], seconds: float) -> bool:
    try:
        return (
            entry.is_file(follow_symlinks=False) and time.time() - entry.stat(follow_symlinks=False).st_mtime > seconds
        )
    except OSError:
        return False
