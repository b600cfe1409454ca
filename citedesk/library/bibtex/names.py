"""Split BibTeX name lists into structured names and format them for display."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from citedesk.library.bibtex.latex import latex_to_unicode

_AND = re.compile(r"(?:^|\s+)and(?:\s+|$)", re.IGNORECASE)
_WORD_GAP = re.compile(r"[\s~]+")
_COMMA = re.compile(r"\s*,\s*")
_ACCENT_COMMAND = re.compile(r"\\(?:[\"'^`~=.]|[uvHckrdbt](?![A-Za-z]))")
_UNDECOMPOSABLE = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "ð": "d", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th"})
_BEFORE_ARGUMENT = re.compile(r"\\(?:[A-Za-z]+|[^A-Za-z\s])\s*$")


@dataclass(frozen=True)
class Name:
    """One person (or institution) from a BibTeX name list."""

    given: str
    family: str
    von: str = ""
    jr: str = ""

    @property
    def display(self) -> str:
        """The name in reading order: "Given von Family, Jr"."""
        text = " ".join(part for part in (self.given, self.von, self.family) if part)
        return f"{text}, {self.jr}" if self.jr else text

    @property
    def is_others(self) -> bool:
        """True for the BibTeX ``others`` placeholder ("et al.")."""
        return self.family == "others" and not (self.given or self.von or self.jr)


def split_names(value: str) -> list[Name]:
    """Parse a BibTeX name list (raw or LaTeX-decoded) into names.

    Separators and commas inside braces are ignored; braces that only group
    words are dropped, while braces carrying a LaTeX command are kept.
    """
    chunks = _split_top_level(value.strip(), _AND)
    return [_parse_name(chunk) for chunk in chunks if chunk.strip()]


def short_authors(names: list[Name]) -> str:
    """A short author label: "Tse", "Tse and Lee" or "Tse et al." (von kept: "van der Maaten")."""
    if not names:
        return ""
    first = _surname(names[0])
    if len(names) > 2 or (len(names) == 2 and names[1].is_others):
        return f"{first} et al."
    if len(names) == 2:
        return f"{first} and {_surname(names[1])}"
    return first


def family_names(names: list[Name]) -> list[str]:
    """Lower-cased, accent-free family names (LaTeX decoded) for comparing author lists."""
    return [_fold(latex_to_unicode(name.family)) for name in names if not name.is_others]


def _surname(name: Name) -> str:
    return " ".join(part for part in (name.von, name.family) if part)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSABLE))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@lru_cache(maxsize=1 << 16)
def _parse_name(text: str) -> Name:
    parts = [_words(part) for part in _split_top_level(text.strip(), _COMMA)]
    if len(parts) == 1:
        return _parse_first_von_last(parts[0])
    von, family = _split_von_last(parts[0])
    if len(parts) == 2:
        return Name(given=_join(parts[1]), family=family, von=von)
    given = _join([word for part in parts[2:] for word in part])
    return Name(given=given, family=family, von=von, jr=_join(parts[1]))


def _parse_first_von_last(words: list[str]) -> Name:
    """Parse the comma-free "First von Last" form."""
    lower = [index for index, word in enumerate(words[:-1]) if _is_lowercase(word)]
    if not lower:
        return Name(given=_join(words[:-1]), family=_join(words[-1:]))
    start, end = lower[0], lower[-1] + 1
    return Name(given=_join(words[:start]), von=_join(words[start:end]), family=_join(words[end:]))


def _split_von_last(words: list[str]) -> tuple[str, str]:
    """Split "von Last" words; the last word always belongs to the family name."""
    lower = [index for index, word in enumerate(words[:-1]) if _is_lowercase(word)]
    end = lower[-1] + 1 if lower else 0
    return _join(words[:end]), _join(words[end:])


def _is_lowercase(word: str) -> bool:
    """BibTeX's von test: the first letter is lower case; plain braced words have no case."""
    if word[:1].isalpha():
        return word[0].islower()
    if word.startswith("{") and not word.startswith("{\\"):
        return False
    letters = [char for char in _ACCENT_COMMAND.sub("", word) if char.isalpha()]
    return bool(letters) and letters[0].islower()


def _join(words: list[str]) -> str:
    return " ".join(_strip_grouping(word) for word in words)


def _words(text: str) -> list[str]:
    return [word for word in _split_top_level(text, _WORD_GAP) if word]


def _split_top_level(text: str, separator: re.Pattern[str]) -> list[str]:
    """Split text at matches of separator that are outside braces."""
    if "{" not in text:
        return separator.split(text)
    depths = _brace_depths(text)
    pieces, start = [], 0
    for match in separator.finditer(text):
        if depths[match.start()] == 0:
            pieces.append(text[start : match.start()])
            start = match.end()
    pieces.append(text[start:])
    return pieces


def _brace_depths(text: str) -> list[int]:
    """Brace depth before each character, plus the final depth; ``\\{`` does not count."""
    depths, depth, escaped = [0], 0, False
    for char in text:
        if not escaped and char == "{":
            depth += 1
        elif not escaped and char == "}":
            depth = max(depth - 1, 0)
        escaped = not escaped and char == "\\"
        depths.append(depth)
    return depths


def _strip_grouping(text: str) -> str:
    """Remove braces used only for grouping; keep ``{\\"o}`` and command arguments intact."""
    if "{" not in text:
        return text
    depths = _brace_depths(text)
    open_groups: list[int | None] = []  # index of a droppable "{", None for a kept group
    dropped: set[int] = set()
    for index in range(len(text)):
        if depths[index + 1] > depths[index]:
            inside_kept = bool(open_groups) and open_groups[-1] is None
            keep = inside_kept or _is_command_group(text, index)
            open_groups.append(None if keep else index)
        elif depths[index + 1] < depths[index] and (start := open_groups.pop()) is not None:
            dropped.update((start, index))
    return "".join(char for index, char in enumerate(text) if index not in dropped)


def _is_command_group(text: str, brace: int) -> bool:
    """True if the group at brace is a special character or a command's argument."""
    return text.startswith("{\\", brace) or bool(_BEFORE_ARGUMENT.search(text, 0, brace))
