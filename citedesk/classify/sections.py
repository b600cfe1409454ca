"""Map a section title as the citing paper writes it ("4.1 Experimental Setup") onto five sections."""

from __future__ import annotations

import re
from functools import lru_cache

from citedesk.model import Section

_NUMBERING = re.compile(r"^[\s.|:\-–]*(?:(?:[ivxlc]+|\d+|[a-z])(?:[.\s]+\d+)*[.)|:\s]+)?", re.IGNORECASE)
# Checked in this order: "Results and discussion" is Results, "Discussion and conclusions" is Discussion.
_RULES: tuple[tuple[Section, re.Pattern[str]], ...] = tuple(
    (section, re.compile(pattern))
    for section, pattern in (
        (
            Section.INTRODUCTION,
            r"^(introduction|intro\b|background|related (work|literature|research|studies)|"
            r"literature review|motivation|overview|preliminar)",
        ),
        (
            Section.RESULTS,
            r"^(results?\b|findings|main results|experimental results|evaluation( results)?$|"
            r"performance evaluation|experiments?$|numerical experiments|experimental evaluation)",
        ),
        (
            Section.METHODS,
            r"^(methods?\b|methodolog|materials? and methods|experimental (setup|settings?|design|"
            r"procedure|arrangement)|experiment setup|setup$|implementation|data( ?sets?)?$|participants|"
            r"procedures?$|study design|sample design|approach$|model$|statistical analysis|"
            r"evaluation setup|patients and methods|subjects)",
        ),
        (
            Section.DISCUSSION,
            r"^(discussions?\b|general discussion|conclusions?\b|concluding|summary|future work|"
            r"limitations|interpretations?$)",
        ),
    )
)


@lru_cache(maxsize=4096)
def normalize_section(title: str | None) -> Section:
    """Introduction, Methods, Results, Discussion or Other for a title; Unknown when there is none."""
    if not title or not isinstance(title, str):
        return Section.UNKNOWN
    words = " ".join(_NUMBERING.sub("", title.strip()).lower().replace("&", "and").split())
    if not words or words in ("nan", "none"):
        return Section.UNKNOWN
    for section, pattern in _RULES:
        if pattern.search(words):
            return section
    return Section.OTHER
