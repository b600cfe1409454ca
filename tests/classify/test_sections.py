"""Section titles as citing papers write them, onto Introduction / Methods / Results / Discussion / Other."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from corpora import SCICITE

from citedesk.classify.sections import normalize_section
from citedesk.model import Section

I, M, R, D, O, U = (  # noqa: E741 (one letter per section keeps the tables below readable)
    Section.INTRODUCTION,
    Section.METHODS,
    Section.RESULTS,
    Section.DISCUSSION,
    Section.OTHER,
    Section.UNKNOWN,
)


@pytest.mark.parametrize(
    "title, section",
    [
        ("1 Introduction", I),
        ("Related Work", I),
        ("II. RELATED WORK", I),
        ("1. Background", I),
        ("A. Motivation", I),
        ("Materials and Methods", M),
        ("Experimental Setup", M),
        ("4.1 Experimental Settings", M),
        ("METHODOLOGY", M),
        ("2. Method", M),
        ("Implementation details", M),
        ("2.1. Experimental design", M),
        ("Results and Discussion", R),
        ("3. RESULTS AND DISCUSSION", R),
        ("ResUlTs", R),
        ("3 Experiments", R),
        ("7 Experimental Results", R),
        ("5 | RESULTS", R),
        ("Conclusions", D),
        ("Discussion and conclusions", D),
        (". 6 Discussion", D),
        ("7. Summary and conclusions", D),
        ("General Discussion", D),
        ("Acknowledgments", O),
        ("ABSTRACT", O),
        ("Western blotting", O),
        ("Phylogenetic analysis", O),
        ("", U),
        ("   ", U),
        ("nan", U),
        (None, U),
    ],
)
def test_titles(title, section):
    assert normalize_section(title) is section


def scicite_titles() -> Counter:
    titles: Counter = Counter()
    for split in ("dev", "test"):
        for line in (SCICITE / f"{split}.jsonl").read_text(encoding="utf-8").splitlines():
            name = json.loads(line).get("sectionName")
            if isinstance(name, str) and name.strip():
                titles[name.strip()] += 1
    return titles


def test_the_common_scicite_section_names_all_land_in_a_named_section():
    common = [title for title, count in scicite_titles().items() if count >= 5]
    assert len(common) >= 20
    assert [title for title in common if normalize_section(title) in (O, U)] == []


def test_most_scicite_statements_with_a_section_name_get_a_named_section():
    titles = scicite_titles()
    named = sum(count for title, count in titles.items() if normalize_section(title) not in (O, U))
    assert named / sum(titles.values()) > 0.80


@pytest.mark.slow
def test_a_section_is_not_guessed_from_the_sentence_while_held_out_guesses_fall_short():
    """The held-out test the README reports: a sentence-only guess beats always saying the commonest section,
    but not by enough to show; if that changes, CiteDesk should start guessing (and this test says so)."""
    guessing = pytest.importorskip("section_guessing")
    result = guessing.evaluate_section_guessing()
    assert result["accuracy"] > result["majority_accuracy"]
    assert result["macro_f1"] > result["majority_macro_f1"]
    assert not result["helps"], "guessed sections now pass the bar: guess them for statements without a title"
    assert normalize_section(None) is U
