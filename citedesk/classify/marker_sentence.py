"""The sentence of a citing statement that holds its citation marker: a statement's text is often more than one
sentence (a window of the citing paper, or a list that lost its full stops), and what the others say is not
about the cited work."""

from __future__ import annotations

import re

from citedesk.classify.plugin import Marker

# A sentence ends at . ! or ? (a footnote number, a quote or a bracket may follow) before a space and a capital,
# except after the abbreviations citing sentences are full of ("et al.", "e.g.", "Fig.", an initial); or where a
# parenthesised reference with a year is followed by a capital, the seam of a list whose full stops were lost
# ("… (Su et al., 1992) BLEU: the geometric mean …").
_NOT_AFTER = "".join(
    f"(?<!\\b{word})" for word in ("al", "e\\.g", "i\\.e", "Fig", "fig", "Eq", "vs", "cf", "No", "pp", "et", "[A-Z]")
)
SENTENCE_END = re.compile(
    _NOT_AFTER + r"[.!?](?:\d{1,2}|[\"')\]])?\s+(?=[A-Z\[(])|(?<=\d{4}\))\s+(?=[A-Z])|(?<=\d{4}[a-z]\))\s+(?=[A-Z])"
)


def marker_sentence(text: str, marker: Marker) -> str:
    """The sentence that holds the marker; the whole text when the marker is not known."""
    if marker is None:
        return text
    start, end = 0, len(text)
    for boundary in SENTENCE_END.finditer(text):
        if boundary.end() <= marker[0]:
            start = boundary.end()
        elif boundary.start() >= marker[1]:
            end = boundary.start() + 1
            break
    return text[start:end].strip()
