"""Read a file a person names: only regular files of a sane size, and tell a bibliography from anything else."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

from citedesk.model import CitedeskError

MAX_BIBLIOGRAPHY_BYTES = 512 * 1024 * 1024  # the whole ACL Anthology is about 40 MB
_BLOCK = re.compile(r"@[ \t\r\n]*[A-Za-z]+[ \t\r\n]*[{(]")
_CONTROL = re.compile("[\x01-\x08\x0e-\x1f\x7f]")
_SNIFF_CHARS = 65536


def check_regular(path: Path, max_bytes: int | None = MAX_BIBLIOGRAPHY_BYTES) -> int:
    """The size of the regular file at `path`; a one-line error for a folder, a device, a FIFO, a socket,
    a missing file or one larger than `max_bytes` (None: any size)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise CitedeskError(f"No such file: {path}") from None
    except PermissionError:
        raise CitedeskError(f"Not allowed to read {path}") from None
    except OSError as exc:
        raise CitedeskError(f"Cannot read {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise CitedeskError(f"{path} is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise CitedeskError(f"{path} is {kind_of(info.st_mode)}, not a regular file; only files can be imported")
    if max_bytes is not None and info.st_size > max_bytes:
        raise CitedeskError(
            f"{path} is {info.st_size / 1e6:,.0f} MB, more than a bibliography ({max_bytes / 1e6:,.0f} MB); "
            "give --max-size to import it anyway"
        )
    return info.st_size


def read_regular(path: str | os.PathLike[str], max_bytes: int | None = MAX_BIBLIOGRAPHY_BYTES) -> bytes:
    """A regular file's bytes (see `check_regular`), read without following it if it changes into a FIFO."""
    path = Path(path)
    check_regular(path, max_bytes)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise CitedeskError(f"{path} is not a regular file; only files can be imported")
            return handle.read() if max_bytes is None else _read_at_most(handle, max_bytes, path)
    except PermissionError:
        raise CitedeskError(f"Not allowed to read {path}") from None
    except OSError as exc:
        raise CitedeskError(f"Cannot read {path}: {exc.strerror or exc}") from None


def not_bibtex_reason(text: str) -> str | None:
    """Why a decoded file is not a bibliography (empty, binary, or no BibTeX block in it), or None."""
    reason = not_text_reason(text)
    if reason is None and not _BLOCK.search(text):
        return "there is no BibTeX in it (no @article{…}, @book{…} or other block)"
    return reason


def not_text_reason(text: str) -> str | None:
    """Why a decoded file cannot hold a bibliography in any format (it is empty, or binary), or None."""
    if not text.strip():
        return "it is empty"
    head = text[:_SNIFF_CHARS]
    controls = len(_CONTROL.findall(head))
    if "\x00" in head or (controls >= 8 and controls * 20 > len(head)):
        return "it holds binary data, not text"
    return None


def _read_at_most(handle: BinaryIO, max_bytes: int, path: Path) -> bytes:
    data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise CitedeskError(f"{path} grew past {max_bytes / 1e6:,.0f} MB while it was read; give --max-size")
    return data


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, for a message: "a folder", "a device", "a FIFO (named pipe)"."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"
