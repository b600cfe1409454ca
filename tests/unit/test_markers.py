"""Finding the citation marker in a sentence when no source gave its offsets (real sentences from Athar's corpus)."""

from __future__ import annotations

import pytest

from citedesk.library.markers import find_marker

BLEU = ("Kishore Papineni; Salim Roukos; Todd Ward; Wei-Jing Zhu", 2002)


def marked(text: str, authors: str | None, year: int | None) -> str | None:
    span = find_marker(text, authors, year)
    return text[span[0] : span[1]] if span else None


@pytest.mark.parametrize(
    "text, marker",
    [
        ("approaches such as BLEU (Papineni et al., 2002) use n-gram overlap", "Papineni et al., 2002"),
        ("using minimum error rate training (MERT) (Och, 2003; Papineni et al., 2002b) on", "Papineni et al., 2002b"),
        ("The NIST BLEU-4 is a variant of BLEU (Papineni et al. , 2002) and is computed as", "Papineni et al. , 2002"),
        ("As Papineni et al. (2002) show, precision matters.", "Papineni et al. (2002)"),
        ("Following Papineni and Roukos 2002, we", "Papineni and Roukos 2002"),
        ("BLEU [Papineni et al. 2002] is standard.", "Papineni et al. 2002"),
        ("BLEU (PAPINENI ET AL., 2002) is standard.", "PAPINENI ET AL., 2002"),
        ("We use BLEU (2002) without naming anyone.", None),
        ("Papineni et al. (2003) is another paper.", None),
    ],
)
def test_markers(text, marker):
    assert marked(text, *BLEU) == marker


def test_accents_in_the_text_do_not_shift_offsets():
    text = "Wie in (Müller und Schröder, 1999) gezeigt — „ähnlich“ (Müller et al., 2001)."
    assert marked(text, "Klaus Müller; Eva Schröder", 2001) == "Müller et al., 2001"


def test_without_authors_or_year_there_is_no_marker():
    assert find_marker("(Papineni et al., 2002)", None, 2002) is None
    assert find_marker("(Papineni et al., 2002)", "Kishore Papineni", None) is None
