"""Tests for evaluating raw BibTeX field values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citedesk.library.bibtex.values import MONTHS, evaluate, strip_enclosing

MACROS = {"acl": "Proc. of ACL", "CUP": "Cambridge University Press", "jan": "Jan."}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("{Foo {Bar}}", "Foo {Bar}"),
        ('"a {\\"o} b"', 'a {\\"o} b'),
        ('"{"}"', '{"}'),
        ("2019", "2019"),
        ("  {padded}  ", "padded"),
        ("{}", ""),
        ('""', ""),
        ("feb", "February"),
        ("DEC", "December"),
        ('feb # "~1"', "February~1"),
        ("acl # { 2019}", "Proc. of ACL 2019"),
        ("ACL#{ 2019}", "Proc. of ACL 2019"),
        ("cup", "Cambridge University Press"),
        ("jan", "Jan."),
        ("undefined", "undefined"),
        ('"10~" # mar # " and " # {\\emph{Apr}}', "10~March and \\emph{Apr}"),
        ("{line\n   two}", "line\n   two"),
    ],
)
def test_evaluate(raw: str, expected: str) -> None:
    assert evaluate(raw, MACROS) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "{unbalanced",
        "unbalanced}",
        '"open quote',
        '"M\\"uller"',
        "{a}{b}",
        "jan #",
        "# jan",
        "{a} # # {b}",
        "a b",
        "",
    ],
)
def test_evaluate_falls_back_to_stripped_raw_text(raw: str) -> None:
    assert evaluate(f"  {raw}\n", MACROS) == raw


def test_months_cover_the_twelve_standard_macros() -> None:
    assert list(MONTHS) == ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    assert MONTHS["sep"] == "September"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("{Foo}", "Foo"),
        ('"Foo"', "Foo"),
        (" {Foo {Bar}} ", "Foo {Bar}"),
        ("Foo", "Foo"),
        ("{Foo", "{Foo"),
        ('"', '"'),
        ("", ""),
    ],
)
def test_strip_enclosing(raw: str, expected: str) -> None:
    assert strip_enclosing(raw) == expected


BRACE_FREE = st.text(st.characters(blacklist_characters='{}"'))


@given(st.text(), st.dictionaries(st.text(min_size=1), st.text()))
def test_evaluate_never_raises(raw: str, macros: dict[str, str]) -> None:
    evaluate(raw, macros)


@given(st.lists(BRACE_FREE, min_size=1, max_size=5))
def test_concatenation_joins_braced_and_quoted_parts(parts: list[str]) -> None:
    wrapped = (f"{{{part}}}" if index % 2 else f'"{part}"' for index, part in enumerate(parts))
    raw = " # ".join(wrapped)
    assert evaluate(raw, {}) == "".join(parts)


@given(st.from_regex(r"[A-Za-z][A-Za-z0-9_:-]{0,10}", fullmatch=True), BRACE_FREE)
def test_macros_are_case_insensitive(name: str, value: str) -> None:
    assert evaluate(name.upper(), {name.lower(): value}) == value
    assert evaluate(name.lower(), {name.upper(): value}) == value
