"""Write entries back as BibTeX: raw text when untouched, fields in their original order when edited."""

from __future__ import annotations

import re
from collections.abc import Sequence

from citedesk.library.bibtex.latex import unicode_to_latex

_HEADER = re.compile(r"@\s*[^\s{(@]+\s*(?:\{\s*([^,\s{}]*)|\(\s*([^,\s{}]*?)\)?(?=[,\s]|$))")


def serialize_entry(entry_type: str, key: str, fields: Sequence[Sequence[str]], newline: str = "\n") -> str:
    """An entry written from its (name, value) fields, tuples or lists; each value is written as stored
    (raw BibTeX, enclosed)."""
    width = max((len(name) for name, _ in fields), default=0)
    lines = [f"@{entry_type}{{{key},"]
    lines += [f"  {name.ljust(width)} = {value.strip()}," for name, value in fields]
    lines.append("}")
    return newline.join(lines)


def with_key(raw: str, new_key: str) -> str:
    """The raw text of an entry with its citation key replaced, nothing else touched."""
    match = _HEADER.match(raw)
    group = 1 if match and match.group(1) is not None else 2
    if not match or match.group(group) == new_key:
        return raw
    return raw[: match.start(group)] + new_key + raw[match.end(group) :]


def written_type(raw: str, entry_type: str) -> str:
    """The entry type spelled as in the raw text (`Article`), if it is still the same type."""
    match = re.match(r"\s*@\s*([^\s{(@]+)", raw)
    return match.group(1) if match and match.group(1).lower() == entry_type.lower() else entry_type


def to_seven_bit(text: str) -> str:
    """Text with non-ASCII letters written as LaTeX macros, for BibTeX before Unicode."""
    return unicode_to_latex(text)
