"""Tests for splitting and formatting BibTeX name lists."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citedesk.library.bibtex.names import Name, family_names, short_authors, split_names


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Alfred Adler", Name(given="Alfred", family="Adler")),
        ("C. Z. Crop", Name(given="C. Z.", family="Crop")),
        ("Egbert von Eel", Name(given="Egbert", von="von", family="Eel")),
        ("Francis van der valt Frome", Name(given="Francis", von="van der valt", family="Frome")),
        ("Ian {Iliad Ipswich}", Name(given="Ian", family="Iliad Ipswich")),
        ("Adler, Alfred", Name(given="Alfred", family="Adler")),
        ("van Gloom, Gregory R.", Name(given="Gregory R.", von="van", family="Gloom")),
        ("Jolly, III, James", Name(given="James", family="Jolly", jr="III")),
        ("Pimentel, Jr. ,Joseph J.", Name(given="Joseph J.", family="Pimentel", jr="Jr.")),
        ("van Kluster, Jr., Kevin", Name(given="Kevin", von="van", family="Kluster", jr="Jr.")),
        ("St John-Mollusc, Oliver", Name(given="Oliver", family="St John-Mollusc")),
        ("{World Health Organization}", Name(given="", family="World Health Organization")),
        ("{Barnes and Noble}", Name(given="", family="Barnes and Noble")),
        ("Jean~Dupont", Name(given="Jean", family="Dupont")),
        ("Jean\u00a0Dupont", Name(given="Jean", family="Dupont")),
        ("others", Name(given="", family="others")),
        ("Plato", Name(given="", family="Plato")),
    ],
)
def test_single_name_forms(value: str, expected: Name) -> None:
    assert split_names(value) == [expected]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            r"Charles Louis Xavier Joseph de la Vall{\'e}e Poussin",
            Name(given="Charles Louis Xavier Joseph", von="de la", family=r"Vall{\'e}e Poussin"),
        ),
        (
            "Charles Louis Xavier Joseph de la Vallée Poussin",
            Name(given="Charles Louis Xavier Joseph", von="de la", family="Vallée Poussin"),
        ),
        (r"{\"O}zkal, Erhan", Name(given="Erhan", family=r"{\"O}zkal")),
        (r"{\"u}ber Alles", Name(given="", von=r"{\"u}ber", family="Alles")),
        ("über Alles", Name(given="", von="über", family="Alles")),
        (r"Lovecraft, Bill {H.\,P.}", Name(given=r"Bill H.\,P.", family="Lovecraft")),
        (r"Donald E. \emph{Knuth}", Name(given="Donald E.", family=r"\emph{Knuth}")),
    ],
)
def test_raw_latex_is_kept_and_only_grouping_braces_go(value: str, expected: Name) -> None:
    assert split_names(value) == [expected]


@pytest.mark.parametrize(
    ("value", "families"),
    [
        ("Tse, Ann and Lee, Bo", ["Tse", "Lee"]),
        ("Ann Tse AND Bo Lee And Cy Wu", ["Tse", "Lee", "Wu"]),
        ("Tse, Ann and\n    Lee, Bo", ["Tse", "Lee"]),
        ("Ann Tse\tand\tBo Lee", ["Tse", "Lee"]),
        ("{Tse and Lee} and Wu, Cy", ["Tse and Lee", "Wu"]),
        ("Tse, A. and others", ["Tse", "others"]),
        ("Sand, George and Anderson, Hans", ["Sand", "Anderson"]),
        ("Tse and ", ["Tse"]),
        ("", []),
        ("   ", []),
    ],
)
def test_splitting_on_and(value: str, families: list[str]) -> None:
    assert [name.family for name in split_names(value)] == families


@pytest.mark.parametrize(
    ("name", "display"),
    [
        (Name(given="Ann", family="Tse"), "Ann Tse"),
        (Name(given="Ludwig", von="van", family="Beethoven"), "Ludwig van Beethoven"),
        (Name(given="Kevin", von="van", family="Kluster", jr="Jr."), "Kevin van Kluster, Jr."),
        (Name(given="", family="World Health Organization"), "World Health Organization"),
    ],
)
def test_display(name: Name, display: str) -> None:
    assert name.display == display


@pytest.mark.parametrize(
    ("value", "label"),
    [
        ("", ""),
        ("Tse, Ann", "Tse"),
        ("Tse, Ann and Lee, Bo", "Tse and Lee"),
        ("Tse, Ann and Lee, Bo and Wu, Cy", "Tse et al."),
        ("Tse, Ann and others", "Tse et al."),
        ("Laurens van der Maaten and Geoffrey Hinton", "van der Maaten and Hinton"),
        ("{World Health Organization}", "World Health Organization"),
    ],
)
def test_short_authors(value: str, label: str) -> None:
    assert short_authors(split_names(value)) == label


def test_family_names_are_folded_and_decoded() -> None:
    names = split_names(r"H{\"u}nenberger, Philippe and Łukasiewicz, Jan and Ørsted, H. C. and others")
    assert family_names(names) == ["hunenberger", "lukasiewicz", "orsted"]
    assert family_names(split_names("Hünenberger, P.")) == ["hunenberger"]


SIMPLE_WORD = st.from_regex(r"[A-Z][a-z]{1,8}", fullmatch=True)
SIMPLE_NAME = st.tuples(SIMPLE_WORD, SIMPLE_WORD)


@given(st.lists(SIMPLE_NAME, min_size=1, max_size=6))
def test_split_names_recovers_simple_name_lists(people: list[tuple[str, str]]) -> None:
    value = " and ".join(f"{family}, {given}" for given, family in people)
    names = split_names(value)
    assert [(name.given, name.family) for name in names] == people
    assert [name.display for name in names] == [f"{given} {family}" for given, family in people]


@given(st.text())
def test_split_names_never_raises(value: str) -> None:
    names = split_names(value)
    short_authors(names)
    family_names(names)
