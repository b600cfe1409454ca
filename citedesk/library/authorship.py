"""Who wrote what: author names reduced to comparable forms, and self-citation by shared authors."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_PARTICLES = {
    "van",
    "von",
    "der",
    "den",
    "de",
    "del",
    "della",
    "di",
    "da",
    "du",
    "la",
    "le",
    "dos",
    "das",
    "ter",
    "ten",
}
_NOT_LETTER = re.compile(r"[^\w\s,-]|_|\d")


@lru_cache(maxsize=1 << 14)
def author_key(name: str) -> tuple[str, str] | None:
    """(family name, first initial), folded: "Papineni, K." and "Kishore Papineni" both give ("papineni", "k")."""
    plain = _fold(name)
    if "," in plain:
        family, _, given = plain.partition(",")
        family_words, given_words = family.split(), given.split()
    else:
        words = plain.split()
        family_words, given_words = words[-1:], words[:-1]
        while given_words and given_words[-1] in _PARTICLES:
            given_words.pop()
    family_words = [word for word in family_words if word not in _PARTICLES] or family_words
    if not family_words:
        return None
    initial = given_words[0][0] if given_words else ""
    return family_words[-1], initial


def author_keys(authors: str | None) -> set[tuple[str, str]]:
    """The keys of every name in 'Given Family; Given Family' (the library's display form)."""
    keys = (author_key(name) for name in (authors or "").split(";") if name.strip())
    return {key for key in keys if key is not None}


def is_self_citation(citing_authors: str | None, cited_authors: str | None) -> bool | None:
    """True if the two author lists share a person, False if not, None if either is unknown.
    A name given without initials matches any initial of the same family name."""
    citing, cited = author_keys(citing_authors), author_keys(cited_authors)
    if not citing or not cited:
        return None
    return any(_same_person(a, b) for a in citing for b in cited)


def _same_person(a: tuple[str, str], b: tuple[str, str]) -> bool:
    return a[0] == b[0] and (a[1] == b[1] or not a[1] or not b[1])


def _fold(name: str) -> str:
    """Lower case without accents, punctuation or digits; hyphens become spaces inside family names."""
    decomposed = unicodedata.normalize("NFKD", name.replace("ø", "o").replace("ł", "l"))
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_LETTER.sub(" ", plain.casefold()).replace("-", "")
