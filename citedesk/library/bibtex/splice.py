"""Change an entry's raw BibTeX in place: only the bytes of the fields, key or type that change."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from citedesk.library.bibtex.values import closing_index

_HEAD = re.compile(r"\s*@\s*([^\s{(@]+)\s*([{(])")
_NAME = re.compile(r"(?:%[^\n]*\n\s*)*[^\s=,{}()\"#%]+")  # comment lines before a name: bibtexparser reads them into it
_NUMBER = re.compile(r"\d+")
_MACRO = re.compile(r"[^\d\s\"#%'(),={}][^\s\"#%'(),={}]*")
_BARE = re.compile(r"[^\s#{}\",=()]+")
_CONCAT = re.compile(r"\s*#\s*")
_SPACE = re.compile(r"\s*")
_BLANKS = re.compile(r"[ \t]*")
_ESCAPED = re.compile(r'\\[{}"]')


@dataclass(frozen=True)
class FieldSpan:
    """Where one field stands in an entry's text: `name = value,`."""

    name: str
    start: int  # the first character of its name
    name_end: int
    equals: int  # the `=`
    value_start: int
    value_end: int
    end: int  # past the comma that follows the value, or value_end when none does


@dataclass(frozen=True)
class EntryLayout:
    """Where an entry's type, key and fields stand in its text."""

    type_start: int
    type_end: int
    key_start: int
    key_end: int
    after_key: int  # past the comma after the key (key_end when there is none)
    fields: tuple[FieldSpan, ...]
    close: int  # the closing brace or parenthesis


class BadValue(ValueError):
    """A value that cannot be written as BibTeX (its braces do not match)."""


def locate(raw: str) -> EntryLayout | None:
    """The layout of an entry's text, or None when it is not the plain `@type{key, name = value, ...}`
    this module can change safely (a comment after a value, a missing comma, text after the end)."""
    head = _HEAD.match(raw)
    if head is None:
        return None
    closer = "}" if head.group(2) == "{" else ")"
    key_start = _skip(raw, head.end())
    key_end = key_start
    while key_end < len(raw) and not raw[key_end].isspace() and raw[key_end] not in ",{}" + closer:
        key_end += 1
    pos = _skip(raw, key_end)
    after_key = key_end
    if pos < len(raw) and raw[pos] == ",":
        after_key = pos = pos + 1
    fields, close = _fields(raw, pos, closer, after_key > key_end)
    if close is None or raw[close + 1 :].strip():
        return None
    return EntryLayout(head.start(1), head.end(1), key_start, key_end, after_key, fields, close)


def field_pairs(raw: str, layout: EntryLayout) -> list[tuple[str, str]]:
    """(name, raw value) of each field, as the layout finds them."""
    return [(span.name, raw[span.value_start : span.value_end]) for span in layout.fields]


def _fields(raw: str, pos: int, closer: str, after_comma: bool) -> tuple[tuple[FieldSpan, ...], int | None]:
    fields: list[FieldSpan] = []
    while True:
        pos = _skip(raw, pos)
        if pos >= len(raw):
            return (), None
        if raw[pos] == closer:
            return tuple(fields), pos
        name = _NAME.match(raw, pos)
        if name is None or not after_comma:
            return (), None
        equals = _skip(raw, name.end())
        if not raw.startswith("=", equals):
            return (), None
        value_start = _skip(raw, equals + 1)
        value_end = _value_end(raw, value_start)
        if value_end is None:
            return (), None
        after = _skip(raw, value_end)
        after_comma = raw.startswith(",", after)
        end = after + 1 if after_comma else value_end
        fields.append(FieldSpan(name.group(), pos, name.end(), equals, value_start, value_end, end))
        pos = end


def _skip(text: str, pos: int) -> int:
    return _end_of_match(_SPACE, text, pos)


def _end_of_match(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where `pattern`, which also matches nothing, stops matching from `pos`."""
    found = pattern.match(text, pos)
    return found.end() if found else pos


def _value_end(text: str, start: int) -> int | None:
    """Past the last atom of `a # {b} # "c"` starting at `start`."""
    end = _atom_end(text, start)
    while end is not None:
        joint = _CONCAT.match(text, end)
        if joint is None:
            return end
        end = _atom_end(text, joint.end())
    return None


def _atom_end(text: str, start: int) -> int | None:
    if text.startswith("{", start):
        return closing_index(text, start + 1, "}", escapes=True)
    if text.startswith('"', start):
        return closing_index(text, start + 1, '"', escapes=True)
    bare = _BARE.match(text, start)
    return bare.end() if bare else None


# Values.


def is_value(text: str) -> bool:
    """Whether `text` is a BibTeX value as written after `=`: braced or quoted groups, numbers
    and @string names, joined with `#`."""
    pos = 0
    while True:
        end = _atom_end(text, pos)
        if end is None or (text[pos] not in '{"' and not _bare_atom(text[pos:end])):
            return False
        if end == len(text):
            return True
        joint = _CONCAT.match(text, end)
        if joint is None or joint.end() == len(text):
            return False
        pos = joint.end()


def _bare_atom(atom: str) -> bool:
    return bool(_NUMBER.fullmatch(atom) or _MACRO.fullmatch(atom))


def delimiter_of(value: str) -> str | None:
    """`{` or `"` when the value is one braced or quoted group, else None."""
    text = value.strip()
    if text[:1] in ("{", '"') and _atom_end(text, 0) == len(text):
        return text[0]
    return None


def usual_delimiter(values: Sequence[str]) -> str:
    """The delimiter most of an entry's values use (braces when none is enclosed)."""
    found = Counter(mark for mark in map(delimiter_of, values) if mark)
    return found.most_common(1)[0][0] if found else "{"


def value_in_style(value: str, delimiter: str) -> str:
    """A value ready to write: a BibTeX value stays as it is, except that one enclosed group takes
    `delimiter` where it can; other text is enclosed (in braces when quotes cannot hold it).
    Raises BadValue when its braces do not match."""
    text = value.strip()
    if is_value(text):
        mark = delimiter_of(text)
        if mark and mark != delimiter:
            return _enclosed(text[1:-1], delimiter)
        return text
    if not _balanced(text):
        raise BadValue("its braces do not match")
    return _enclosed(text, delimiter)


def _enclosed(inner: str, delimiter: str) -> str:
    if delimiter == '"' and _quotable(inner):
        return f'"{inner}"'
    return "{" + inner + "}"


def _quotable(inner: str) -> bool:
    """Whether text can stand between double quotes: no `"` outside braces."""
    depth = 0
    for char in _unescaped(inner):
        if char == '"' and depth == 0:
            return False
        depth += {"{": 1, "}": -1}.get(char, 0)
    return True


def _balanced(text: str) -> bool:
    depth = 0
    for char in _unescaped(text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _unescaped(text: str) -> str:
    """The text without its backslash-escaped braces and quotes."""
    return _ESCAPED.sub("", text)


# Changing the text.


def replace_value(raw: str, layout: EntryLayout, index: int, value: str) -> str:
    """The entry with one field's value replaced, delimiters included (they are part of `value`)."""
    span = layout.fields[index]
    return raw[: span.value_start] + value + raw[span.value_end :]


def remove_field(raw: str, layout: EntryLayout, index: int) -> str:
    """The entry without one field: its line when it is alone on one, else just its text; the last
    field takes the comma before it along when it has none after it, so no trailing comma appears."""
    fields = layout.fields
    span = fields[index]
    if index == len(fields) - 1 and span.end == span.value_end and index > 0:
        return raw[: fields[index - 1].value_end] + raw[span.end :]
    line_start = raw.rfind("\n", 0, span.start) + 1
    line_end = raw.find("\n", span.end)
    if not raw[line_start : span.start].strip() and line_end >= 0 and not raw[span.end : line_end].strip():
        return raw[:line_start] + raw[line_end + 1 :]
    after = _end_of_match(_BLANKS, raw, span.end)
    if after < len(raw) and raw[after] not in "\r\n" and after != layout.close:
        return raw[: span.start] + raw[after:]
    return raw[: span.start].rstrip(" \t") + raw[span.end :]


def append_field(raw: str, layout: EntryLayout, name: str, value: str) -> str:
    """The entry with a field added after its last one, laid out like it: the same line break and
    indentation, `=` spacing (aligned when the others are), and a trailing comma only if it had one."""
    fields = layout.fields
    if not fields:
        return _first_field(raw, layout, name, value)
    last = fields[-1]
    text = _indentation(raw, layout) + name + _equals(raw, layout, name) + value
    if last.end > last.value_end:  # a trailing comma: the new field gets one too
        comma = raw[last.value_end : last.end]
        return raw[: last.end] + text + comma + raw[last.end :]
    comma = raw[fields[-2].value_end : fields[-2].end] if len(fields) > 1 else ","
    return raw[: last.value_end] + comma + text + raw[last.value_end :]


def _first_field(raw: str, layout: EntryLayout, name: str, value: str) -> str:
    newline = "\r\n" if "\r\n" in raw else "\n"
    gap = f"{newline}  " if "\n" in raw else " "
    text = f"{gap}{name} = {value}"
    if layout.after_key > layout.key_end:
        return raw[: layout.after_key] + text + raw[layout.after_key :]
    return raw[: layout.key_end] + "," + text + raw[layout.key_end :]


def _indentation(raw: str, layout: EntryLayout) -> str:
    """What stands before the last field: from the line break before it, or the spaces of a one-line entry."""
    fields = layout.fields
    previous_end = fields[-2].end if len(fields) > 1 else layout.after_key
    gap = raw[previous_end : fields[-1].start]
    if "\n" not in gap:
        return gap
    newline = "\r\n" if "\r\n" in gap else "\n"
    return newline + gap[gap.rfind("\n") + 1 :]


def _equals(raw: str, layout: EntryLayout, name: str) -> str:
    """The spacing around `=` for a new field: the fields' most usual (the last one's among equals), or
    padded to the column the fields align at."""
    spacings = [(raw[span.name_end : span.equals], raw[span.equals + 1 : span.value_start]) for span in layout.fields]
    counts = Counter(spacings)
    before, after = max(reversed(spacings), key=counts.__getitem__)
    own_line = [span for span in layout.fields if not raw[raw.rfind("\n", 0, span.start) + 1 : span.start].strip()]
    befores = [raw[span.name_end : span.equals] for span in own_line]
    columns = {span.equals - span.start for span in own_line}
    padded = len(set(befores)) > 1 or min(map(len, befores), default=0) > 1  # not just `name = ` everywhere
    if len(own_line) > 1 and len(columns) == 1 and padded and all(not gap.strip(" ") for gap in befores):
        before = " " * max(columns.pop() - len(name), 1)
    return before + "=" + after


def replace_key(raw: str, layout: EntryLayout, key: str) -> str:
    """The entry with its citation key replaced."""
    return raw[: layout.key_start] + key + raw[layout.key_end :]


def replace_type(raw: str, layout: EntryLayout, entry_type: str) -> str:
    """The entry with its type replaced, capitalised like the old one (`Article` gives `Book`)."""
    old = raw[layout.type_start : layout.type_end]
    if old.isupper() and len(old) > 1:
        entry_type = entry_type.upper()
    elif old[:1].isupper():
        entry_type = entry_type[:1].upper() + entry_type[1:]
    return raw[: layout.type_start] + entry_type + raw[layout.type_end :]
