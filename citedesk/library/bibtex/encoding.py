"""Bytes to text and back again: detect a .bib file's encoding, BOM and newlines exactly."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER = re.compile(rb"^\s*%\s*Encoding\s*:\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE | re.MULTILINE)
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")


@dataclass(frozen=True)
class Decoded:
    """A file's text with what is needed to write the very same bytes back."""

    text: str
    encoding: str
    bom: bool
    newline: str


def decode_bytes(data: bytes) -> Decoded:
    """Decode a .bib file: BOM, then `% Encoding:` header, then UTF-8, UTF-16, GB18030, cp1252."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = _decode_exactly(data[len(bom) :], encoding)
            if text is not None:
                return _decoded(text, encoding, True)
    for encoding in _candidates(data):
        text = _decode_exactly(data, encoding)
        if text is not None:
            return _decoded(text, encoding, False)
    return _decoded(data.decode("latin-1"), "latin-1", False)


def encode_text(text: str, encoding: str, bom: bool) -> bytes:
    """Encode text back to the bytes it was decoded from."""
    prefix = next((b for b, name in _BOMS if name == encoding), b"") if bom else b""
    return prefix + text.encode(encoding)


def _decoded(text: str, encoding: str, bom: bool) -> Decoded:
    return Decoded(text, encoding, bom, detect_newline(text))


def detect_newline(text: str) -> str:
    """The newline style a text mostly uses."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    return "\r\n" if crlf > lf else "\n"


def _candidates(data: bytes) -> list[str]:
    header = _header_encoding(data)
    names = [header] if header else []
    names.append("utf-8")
    if b"\x00" in data[:4096]:
        names += _utf16_guess(data)
    if _looks_double_byte(data):
        names.append("gb18030")
    names.append("cp1252")
    return names


def _header_encoding(data: bytes) -> str | None:
    match = _HEADER.search(data[:4096])
    if not match:
        return None
    try:
        return codecs.lookup(match.group(1).decode("ascii")).name
    except LookupError:
        return None


def _utf16_guess(data: bytes) -> list[str]:
    even_zeros = data[0:4096:2].count(0)
    odd_zeros = data[1:4096:2].count(0)
    return ["utf-16-be", "utf-16-le"] if even_zeros > odd_zeros else ["utf-16-le", "utf-16-be"]


def _looks_double_byte(data: bytes) -> bool:
    """True when non-ASCII bytes come in even runs, as in CJK text, not lone accented letters."""
    runs = _HIGH_RUN.findall(data)
    return bool(runs) and all(len(run) % 2 == 0 for run in runs) and sum(map(len, runs)) >= 4


def _decode_exactly(data: bytes, encoding: str) -> str | None:
    """Decode only if encoding the text again gives exactly the same bytes."""
    try:
        text = data.decode(encoding)
    except (UnicodeError, LookupError):
        return None
    if encoding == "utf-8":
        return text  # strict UTF-8 decoding is one-to-one: no need to encode again to check
    try:
        return text if text.encode(encoding) == data else None
    except UnicodeError:
        return None
