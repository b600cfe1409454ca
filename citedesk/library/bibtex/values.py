"""Evaluate raw BibTeX field values: braces, quotes, numbers, @string macros and `#`."""

from __future__ import annotations

import re
from collections.abc import Mapping

MONTHS: dict[str, str] = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}

_CONCAT = re.compile(r"\s*#\s*")
_BARE = re.compile(r"[^\s#{}\",=]+")


def evaluate(raw: str, macros: Mapping[str, str]) -> str:
    """Evaluate a field value as written after ``=``; inner braces and LaTeX are kept.

    Identifiers are looked up case-insensitively in macros, then MONTHS, and
    otherwise kept as written. Malformed input yields the stripped raw text.
    """
    text = raw.strip()
    if "#" not in text and _is_single_group(text):
        return text[1:-1]
    atoms = _split_atoms(text)
    if atoms is None:
        return text
    return "".join(_evaluate_atom(atom, macros) for atom in atoms)


def macro_names(raw: str) -> set[str]:
    """The @string macros a raw value uses (case-folded), months and numbers aside."""
    atoms = _split_atoms(raw.strip()) or []
    names = {atom.lower() for atom in atoms if atom[0] not in '{"' and not atom.isdigit()}
    return names - MONTHS.keys()


def strip_enclosing(raw: str) -> str:
    """Remove one outer pair of braces or double quotes, if present."""
    text = raw.strip()
    if len(text) >= 2 and (text[0], text[-1]) in {("{", "}"), ('"', '"')}:
        return text[1:-1]
    return text


def _is_single_group(text: str) -> bool:
    """A cheap test for the common `{...}` or `"..."` value with no inner group or quote."""
    inner = text[1:-1]
    if text[:1] + text[-1:] == '""':
        return '"' not in inner and inner.count("{") == inner.count("}")
    return text[:1] + text[-1:] == "{}" and "{" not in inner and "}" not in inner


def _evaluate_atom(atom: str, macros: Mapping[str, str]) -> str:
    if atom[0] in '{"' or atom.isdigit():
        return strip_enclosing(atom)
    key = atom.lower()
    value = macros.get(atom, macros.get(key))
    if value is None:
        value = next((text for name, text in macros.items() if name.lower() == key), None)
    return MONTHS.get(key, atom) if value is None else value


def _split_atoms(text: str) -> list[str] | None:
    """Split ``a # {b} # "c"`` into its parts, or None if the value is malformed."""
    atoms, position = [], 0
    while True:
        end = _atom_end(text, position)
        if end is None:
            return None
        atoms.append(text[position:end])
        if end == len(text):
            return atoms
        separator = _CONCAT.match(text, end)
        if separator is None:
            return None
        position = separator.end()


def _atom_end(text: str, start: int) -> int | None:
    """Index just past the braced group, quoted string or bare word at start."""
    if text.startswith("{", start):
        return closing_index(text, start + 1, closer="}")
    if text.startswith('"', start):
        return closing_index(text, start + 1, closer='"')
    bare = _BARE.match(text, start)
    return bare.end() if bare else None


def closing_index(text: str, start: int, closer: str, escapes: bool = False) -> int | None:
    """Index past the closer that ends the group; braces nest as in BibTeX. With `escapes`, a brace or quote
    after a backslash is a character like the others (as bibtexparser reads it)."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if escapes and text[index - 1] == "\\":
            continue
        if char == closer and depth == 0:
            return index + 1
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return None
            depth -= 1
    return None
