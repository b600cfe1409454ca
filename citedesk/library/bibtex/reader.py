"""Split BibTeX text into segments that rebuild it exactly: entries, other blocks and the gaps."""

from __future__ import annotations

import logging
import re
from typing import NamedTuple

from bibtexparser import model
from bibtexparser.entrypoint import parse_string

# bibtexparser logs every failed block; CiteDesk reports them itself.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

BLOCK_START = re.compile(r"^[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_STRING_START = re.compile(r"@[ \t]*string[ \t]*[{(]", re.IGNORECASE)


class Segment(NamedTuple):
    """A run of the file's text: an entry, another block, a failed block or the text between."""

    kind: str  # entry, string, preamble, comment, failed, gap
    raw: str
    line: int = 0
    key: str = ""
    entry_type: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    error: str = ""
    block_text: str = ""  # a failed block's own text, when it overlaps its neighbours

    @property
    def text_for_report(self) -> str:
        """The text to show a person for this segment."""
        return self.block_text or self.raw


def split_segments(text: str, first_line: int = 0) -> list[Segment]:
    """Segments of `text` whose raw texts, joined in order, give back `text` exactly.

    `first_line` is the number of lines before `text` when it is a piece of a larger file."""
    # bibtexparser documents parse_string at its top level but imports it there without re-exporting it
    library = parse_string(text, parse_stack=[])
    lines = _LineCounter(text, first_line)
    segments: list[Segment] = []
    pos = 0
    for block in library.blocks:
        start, end = _locate(text, block, pos)
        if start > pos:
            segments.append(Segment("gap", text[pos:start], lines.line_at(pos)))
        if end > start or isinstance(block, model.ParsingFailedBlock):
            segments.append(_segment_of(block, text[start:end], lines.line_at(start)))
        pos = max(pos, end)
    if pos < len(text):
        segments.append(Segment("gap", text[pos:], lines.line_at(pos)))
    return segments


def block_starts(text: str, count: int) -> list[int]:
    """About `count` - 1 offsets that cut `text` into even pieces, each at a line starting a block."""
    cuts: list[int] = []
    for index in range(1, count):
        match = BLOCK_START.search(text, max(cuts[-1] + 1 if cuts else 1, len(text) * index // count))
        if not match:
            break
        cuts.append(match.start())
    return cuts


def string_blocks(text: str) -> str:
    """The text of every @string block, for reading macros before the entries that use them."""
    blocks = []
    for match in _STRING_START.finditer(text):
        end = _closing(text, match.end() - 1)
        blocks.append(text[match.start() : end])
    return "\n".join(blocks)


def _closing(text: str, opener: int) -> int:
    closer = "}" if text[opener] == "{" else ")"
    depth = 0
    for index in range(opener, len(text)):
        char = text[index]
        if char in "{(":
            depth += char == text[opener]
        elif char == closer:
            depth -= 1
            if depth == 0:
                return index + 1
    return len(text)


class _LineCounter:
    """Line numbers (1-based) of offsets visited in increasing order, in linear time."""

    def __init__(self, text: str, first_line: int) -> None:
        self._text, self._pos, self._line = text, 0, first_line + 1

    def line_at(self, pos: int) -> int:
        self._line += self._text.count("\n", self._pos, pos)
        self._pos = pos
        return self._line


def _locate(text: str, block: model.Block, pos: int) -> tuple[int, int]:
    """Where the block's raw text stands at or after `pos`; an overlap is clipped at `pos`."""
    raw = block.raw or ""
    found = text.find(raw, pos) if raw else -1
    if found >= 0:
        return found, found + len(raw)
    for overlap in range(min(len(raw), pos, 4096) - 1, 0, -1):
        if text.startswith(raw[overlap:], pos) and text.endswith(raw[:overlap], 0, pos):
            return pos, pos + len(raw) - overlap
    return pos, pos


def _segment_of(block: model.Block, raw: str, line: int) -> Segment:
    if isinstance(block, model.DuplicateBlockKeyBlock) and block.ignore_error_block is not None:
        return _segment_of(block.ignore_error_block, raw, line)  # an entry or @string whose key came before
    if isinstance(block, model.ParsingFailedBlock):
        block_text = "" if raw == block.raw else (block.raw or "")
        return Segment("failed", raw, line, error=describe_error(block), block_text=block_text)
    if isinstance(block, model.Entry):
        return _entry_segment(block, raw, line)
    if isinstance(block, model.String):
        return Segment("string", raw, line, key=block.key, fields=((block.key, block.value),))
    return Segment(_KINDS.get(type(block), "comment"), raw, line)


def _entry_segment(entry: model.Entry, raw: str, line: int) -> Segment:
    fields = tuple((f.key, f.value if isinstance(f.value, str) else str(f.value)) for f in entry.fields)
    return Segment("entry", raw, line, key=entry.key, entry_type=entry.entry_type, fields=fields)


_KINDS: dict[type, str] = {
    model.Preamble: "preamble",
    model.ExplicitComment: "comment",
    model.ImplicitComment: "comment",
}


def describe_error(block: model.ParsingFailedBlock) -> str:
    """A short reason for a block that failed to parse, in words for people."""
    error = block.error
    reason = getattr(error, "abort_reason", None) or getattr(error, "message", None) or str(error)
    reason = " ".join(str(reason).split())
    for pattern, plain in _PLAIN_REASONS:
        match = pattern.match(reason)
        if match:
            return plain.format(*match.groups())
    return reason or f"{type(error).__name__} while parsing this block"


# bibtexparser's messages, reworded; anything else is shown as bibtexparser says it.
_PLAIN_REASONS = [
    (re.compile(r"Duplicate field keys on entry: '([^']*)'"), "a field appears twice in this entry: {0}"),
    (re.compile(r"Unexpectedly reached end of file"), "the file ends inside this block (a closing brace is missing?)"),
    (
        re.compile(r"Unexpected block start: `([^`]*)`"),
        "{0} starts before this block is closed (a closing brace is missing?)",
    ),
    (
        re.compile(r"Expected comma after entry key, but found (.*)"),
        "a comma is missing after the citation key (found {0})",
    ),
    (
        re.compile(r"Expected a `=` after entry key, but found `(.*)`\.?"),
        "a field has no `=` after its name (found {0})",
    ),
]
