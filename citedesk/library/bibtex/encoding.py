"""Bytes to text and back again: detect a .bib file's encoding, BOM and newlines exactly.

A UTF-8 file with a few invalid bytes stays UTF-8: each invalid byte is kept in the text as one character
of Unicode's last private-use plane (U+10FF80 to U+10FFFF, never seen in real text), shown as U+FFFD by
`shown` and written back as the very byte by `encode_text`."""

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
_KEPT_BASE = 0x10FF00
_KEPT_CHARS = re.compile("[\U0010ff80-\U0010ffff]+")
_VALID_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")
_ESCAPED = re.compile("[\udc80-\udcff]+")  # what surrogateescape makes of invalid bytes


@dataclass(frozen=True)
class Decoded:
    """A file's text with what is needed to write the very same bytes back."""

    text: str
    encoding: str
    bom: bool
    newline: str
    bad_byte_lines: tuple[int, ...] = ()  # 1-based lines of invalid bytes kept in a UTF-8 text


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
        if encoding == "utf-8" and _mostly_utf8(data):
            return _with_kept_bytes(data)
    return _decoded(data.decode("latin-1"), "latin-1", False)


def encode_text(text: str, encoding: str, bom: bool = False) -> bytes:
    """Encode text back to the bytes it was decoded from (kept invalid bytes included)."""
    prefix = next((b for b, name in _BOMS if name == encoding), b"") if bom else b""
    if not _KEPT_CHARS.search(text):
        return prefix + text.encode(encoding)
    parts, start = [prefix], 0
    for match in _KEPT_CHARS.finditer(text):
        parts.append(text[start : match.start()].encode(encoding))
        parts.append(bytes(ord(char) - _KEPT_BASE for char in match.group()))
        start = match.end()
    parts.append(text[start:].encode(encoding))
    return b"".join(parts)


def shown(text: str) -> str:
    """The text as a person should see it: each kept invalid byte as U+FFFD."""
    return _KEPT_CHARS.sub(lambda match: "\ufffd" * len(match.group()), text)


def _decoded(text: str, encoding: str, bom: bool, bad_byte_lines: tuple[int, ...] = ()) -> Decoded:
    return Decoded(text, encoding, bom, detect_newline(text), bad_byte_lines)


def detect_newline(text: str) -> str:
    """The newline style a text mostly uses."""
    crlf = text.count("\r\n")
    lf = text.count("\n") - crlf
    return "\r\n" if crlf > lf else "\n"


def _mostly_utf8(data: bytes) -> bool:
    """True when the invalid sequences are fewer than the valid multi-byte characters around them:
    a UTF-8 file with a few damaged bytes, not a legacy single-byte file."""
    valid = len(_VALID_MULTIBYTE.findall(data))
    if not valid:
        return False
    text = data.decode("utf-8", "surrogateescape")
    return len(_ESCAPED.findall(text)) <= valid and not _KEPT_CHARS.search(text)


def _with_kept_bytes(data: bytes) -> Decoded:
    text = data.decode("utf-8", "surrogateescape")
    lines = tuple(dict.fromkeys(text.count("\n", 0, match.start()) + 1 for match in _ESCAPED.finditer(text)))
    kept = _ESCAPED.sub(lambda match: "".join(chr(ord(char) - 0xDC00 + _KEPT_BASE) for char in match.group()), text)
    return _decoded(kept, "utf-8", False, lines)


def _candidates(data: bytes) -> list[str]:
    wide = _utf16_guess(data) if b"\x00" in data[:4096] else []
    header = _header_encoding(data) or next(filter(None, (_header_encoding(data, name) for name in wide)), None)
    names = [header] if header else []
    names += [*wide, "utf-8"] if _mostly_zeros(data) else ["utf-8", *wide]
    if _looks_double_byte(data):
        names.append("gb18030")
    names.append("cp1252")
    return names


def _mostly_zeros(data: bytes) -> bool:
    """True when zero bytes are a quarter or more of the start: ASCII text written as UTF-16."""
    head = data[:4096]
    return head.count(0) * 4 >= len(head)


def _header_encoding(data: bytes, wide: str | None = None) -> str | None:
    if wide:
        data = data[:4096].decode(wide, "ignore").encode("ascii", "ignore")
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
