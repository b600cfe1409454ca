"""Text made safe to show: control characters and bidirectional overrides written as visible escapes."""

from __future__ import annotations

import re

from citedesk.library.bibtex.encoding import shown

# C0 and C1 controls other than tab and newline; the bidirectional embeddings, overrides and isolates
# (which reverse what follows them on screen); the line and paragraph separators.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def visible(text: str) -> str:
    """The text with each hidden or reordering character as an escape (ESC -> \\x1b, RLO -> \\u202e)
    and each invalid byte kept from a damaged file as U+FFFD."""
    return _HIDDEN.sub(_escape, shown(text))


def pictured(text: str) -> str:
    """The text with each hidden or reordering character as one visible symbol (ESC -> ␛, RLO -> �):
    for the window, where the length must stay the same because offsets point into the text."""
    return _HIDDEN.sub(_picture, shown(text))


def has_hidden(text: str) -> bool:
    """True when the text holds a character that `visible` would escape (or a newline or tab)."""
    return bool(_HIDDEN.search(text)) or "\n" in text or "\t" in text


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures block: ␀ ␁ ... ␛ ...
    return "\u2421" if code == 0x7F else "\ufffd"
