"""Find the citation marker ("Papineni et al., 2002", "[4]") in a citing sentence when no source gave its offsets."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from citedesk.library.authorship import author_keys

# One reference inside brackets ends at ; or the closing bracket: "(Och, 2003; Papineni et al., 2002)".
_IN_BRACKETS = r"(?<=[(\[;])\s*[^()\[\];]*?\b{family}\b[^()\[\];]*?\b{year}[a-z]?\b[^()\[\];]*?(?=[)\];])"
# Narrative form: "Papineni et al. (2002)", "Papineni and Roukos (2002a)", "Papineni et al. 2002".
_NARRATIVE = r"\b{family}\b(?:\s+et\s+al\s*\.?|\s+(?:and|&)\s+[\w-]+)?\s*,?\s*[(\[]?\s*{year}[a-z]?\b[)\]]?"


def find_marker(text: str, authors: str | None, year: int | None) -> tuple[int, int] | None:
    """The offsets (start, end) of the first reference to a work by these authors in that year, if any."""
    if not year or not authors:
        return None
    keys = author_keys(authors.split(";")[0])
    if not keys:
        return None
    family = next(iter(keys))[0]
    folded = _fold(text)
    for pattern in _patterns(family, year):
        match = pattern.search(folded)
        if match:
            start, end = match.span()
            while start < end and text[start].isspace():
                start += 1
            return start, end
    return None


def _fold(text: str) -> str:
    """The text in lower case without accents, one character for one, so offsets stay valid."""
    return "".join(_fold_char(char) for char in text) if not text.isascii() else text.lower()


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base if len(base) == 1 else char


@lru_cache(maxsize=4096)
def _patterns(family: str, year: int) -> tuple[re.Pattern[str], ...]:
    word = r"\s*".join(re.escape(part) for part in family.split())
    values = {"family": word, "year": year}
    return tuple(re.compile(template.format(**values)) for template in (_IN_BRACKETS, _NARRATIVE))
