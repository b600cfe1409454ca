"""Which installed format a file is in: by sniffing its first bytes, then by its extension."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from citedesk.formats.base import SNIFF_BYTES, Format
from citedesk.library.bibtex.encoding import decode_bytes


def head_text(head: bytes) -> str:
    """The first bytes of a file as text, in the encoding they seem to be in (a BOM, UTF-16, UTF-8, Latin-1)."""
    return decode_bytes(head[:SNIFF_BYTES]).text


def recognise(data: bytes, path: str | Path, formats: Iterable[Format]) -> Format | None:
    """The first format that claims the file's first SNIFF_BYTES; else the one its extension names; else None."""
    candidates = list(formats)
    head = data[:SNIFF_BYTES]
    for candidate in candidates:
        if _claims(candidate, head):
            return candidate
    return by_extension(path, candidates)


def format_of_file(path: str | os.PathLike[str], formats: Iterable[Format]) -> Format | None:
    """The format a file on disk is in, by its extension or else its first bytes; None for what is not a
    readable regular file, or one no format claims."""
    candidates = list(formats)
    found = by_extension(path, candidates)
    if found is not None:
        return found
    try:
        with open(path, "rb") as handle:
            head = handle.read(SNIFF_BYTES) if Path(path).is_file() else b""
    except OSError:
        return None
    return next(
        (candidate for candidate in candidates if head and _claims(candidate, head)),
        None,
    )


def by_extension(path: str | os.PathLike[str], formats: Iterable[Format]) -> Format | None:
    """The format whose extensions include the file's, or None."""
    suffix = Path(path).suffix.lower()
    return next((candidate for candidate in formats if suffix in candidate.extensions), None) if suffix else None


def _claims(candidate: Format, head: bytes) -> bool:
    try:
        return bool(candidate.sniff(head))
    except Exception:
        return False


def all_extensions(formats: Iterable[Format]) -> list[str]:
    """Every extension the formats read, each once, in their order."""
    return list(dict.fromkeys(extension for candidate in formats for extension in candidate.extensions))
