"""CSL's vocabulary (version 1.0.2), which `Record` speaks: item types and text, name and date variables."""

from __future__ import annotations

TYPES = frozenset(
    "article article-journal article-magazine article-newspaper bill book broadcast chapter classic collection "
    "dataset document entry entry-dictionary entry-encyclopedia event figure graphic hearing interview legal_case "
    "legislation manuscript map motion_picture musical_score pamphlet paper-conference patent performance "
    "periodical personal_communication post post-weblog regulation report review review-book software song "
    "speech standard thesis treaty webpage".split()
)
DEFAULT_TYPE = "document"

# Text (and number) variables; "citation-key" and "keyword" are Record.key and Record.keywords.
TEXT_VARIABLES = frozenset(
    "abstract annote archive archive_collection archive_location archive-place authority call-number "
    "chapter-number citation-label collection-number collection-title container-title container-title-short "
    "dimensions division DOI edition event event-title event-place genre ISBN ISSN issue jurisdiction language "
    "license medium note number number-of-pages number-of-volumes original-publisher original-publisher-place "
    "original-title page page-first part-number part-title PMCID PMID printing-number publisher publisher-place "
    "references reviewed-genre reviewed-title scale section source status supplement-number title title-short "
    "URL version volume volume-title volume-title-short year-suffix".split()
)
NAME_VARIABLES = frozenset(
    "author chair collection-editor compiler composer container-author contributor curator director editor "
    "editorial-director editor-translator executive-producer guest host illustrator interviewer narrator "
    "organizer original-author performer producer recipient reviewed-author script-writer series-creator "
    "translator".split()
)
DATE_VARIABLES = frozenset("accessed available-date event-date issued original-date submitted".split())

_BY_FOLDED = {name.lower(): name for name in TEXT_VARIABLES}


def text_variable(name: str) -> str | None:
    """The CSL text variable a name spells in any case ("doi" -> "DOI"), or None."""
    return _BY_FOLDED.get(name.lower())
