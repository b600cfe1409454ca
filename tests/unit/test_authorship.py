"""Author names reduced to (family, initial), and self-citation from shared authors."""

from __future__ import annotations

import pytest

from citedesk.library.authorship import author_key, is_self_citation


@pytest.mark.parametrize(
    "name, key",
    [
        ("Kishore Papineni", ("papineni", "k")),
        ("Papineni, K.", ("papineni", "k")),
        ("K. Papineni", ("papineni", "k")),
        ("Laurens van der Maaten", ("maaten", "l")),
        ("van der Maaten, Laurens", ("maaten", "l")),
        ("María García", ("garcia", "m")),
        ("Jean-Pierre Dupont", ("dupont", "j")),
        ("Ann Smith-Jones", ("smithjones", "a")),
        ("Plato", ("plato", "")),
        ("", None),
        ("1234 .,", None),
    ],
)
def test_author_key(name, key):
    assert author_key(name) == key


@pytest.mark.parametrize(
    "citing, cited, expected",
    [
        ("Samson Tse; Ann Smith", "Samson Tse; Winnie Mak", True),
        ("Ann Smith; Bo Lee", "Samson Tse; Winnie Mak", False),
        ("S. Tse", "Samson Tse", True),
        ("Tse", "Samson Tse", True),  # no initial: the family name decides
        ("Tom Tse", "Samson Tse", False),  # same family, different person
        ("María García", "Maria Garcia; Peter Nolan", True),
        (None, "Samson Tse", None),
        ("Samson Tse", "", None),
    ],
)
def test_self_citation(citing, cited, expected):
    assert is_self_citation(citing, cited) == expected
