"""Tests for splitting BibTeX text into segments that rebuild it exactly, and for parsing in parallel."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citedesk.library.bibtex.reader import Segment, split_segments
from citedesk.library.entries import DISPLAY_COLUMNS
from citedesk.library.parsing import PARALLEL_MIN_CHARS, parse_text

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "bibtex"
UNLIMITED = CORPUS / "text-bibtex-btparse" / "t" / "unlimited.bib"
XAMPL = CORPUS / "pybtex" / "examples" / "xampl.bib"

SAMPLE = """\
% A comment line before anything
@string{acl = {Proc. of ACL}}
@preamble{"\\newcommand{\\noop}[1]{}"}

@comment{jabref-meta: databaseType:bibtex;}
@article{first,
  title = {One},
  journal = acl,
}
some garbage text
@article{broken
  title = {Two},
}
@article{first,
  title = {Same key again},
}
@misc{last, note = {x}}
"""

FRAGMENTS = [
    "@article{smith2020,\n  author = {Smith, John},\n  title = {A {B}ig Title},\n  year = 2020,\n}\n",
    '@inproceedings{doe-19, title = "Quoted {\\"o}", booktitle = acl # { 2019}}\n',
    "@book(paren, title = {Round brackets})\n",
    "@string{acl{n} = {Proc. of ACL}}\n",
    '@STRING(month{n} = "January")\n',
    '@preamble{"\\newcommand{\\noop}[1]{}"}\n',
    "@comment{anything {nested} here}\n",
    "% a percent comment\n",
    "garbage between entries\n",
    "@article{broken\n  title = {no comma after key},\n}\n",
    "@misc{unclosed, title = {never closed\n",
    "@@@ {}}} ,,, \n",
    "\n\n",
    "\r\n",
    "@article{crlf,\r\n  title = {Windows},\r\n}\r\n",
    "  @misc{indented, note = {x}}",
]


def joined(segments: list[Segment]) -> str:
    return "".join(segment.raw for segment in segments)


def of_kind(segments: list[Segment], kind: str) -> list[Segment]:
    return [segment for segment in segments if segment.kind == kind]


def line_of(text: str, needle: str, start: int = 0) -> int:
    """The 1-based line on which `needle` first occurs in `text` at or after `start`."""
    return text.count("\n", 0, text.index(needle, start)) + 1


def numbered(pieces: list[str]) -> str:
    """The pieces joined, each @string name made unique (a repeated name is a known bug, see
    test_repeated_string_name_is_two_string_segments); entry keys may repeat."""
    return "".join(piece.replace("{n}", str(index)) for index, piece in enumerate(pieces))


bib_texts = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=40)), max_size=12).map(numbered)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(bib_texts)
def test_segments_join_to_the_input(text: str) -> None:
    assert joined(split_segments(text)) == text


@given(st.text(max_size=300))
def test_segments_of_arbitrary_text_join_to_the_input(text: str) -> None:
    assert joined(split_segments(text)) == text


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(bib_texts, st.integers(min_value=0, max_value=1000))
def test_every_segment_line_is_the_line_it_starts_on(text: str, first_line: int) -> None:
    offset = 0
    for segment in split_segments(text, first_line):
        assert segment.line == first_line + text.count("\n", 0, offset) + 1
        offset += len(segment.raw)


def test_empty_text_has_no_segments() -> None:
    assert split_segments("") == []


def test_sample_rebuilds_exactly() -> None:
    assert joined(split_segments(SAMPLE)) == SAMPLE


def test_kinds_of_each_block() -> None:
    kinds = {segment.kind for segment in split_segments(SAMPLE)}
    assert kinds == {"entry", "string", "preamble", "comment", "failed", "gap"}


def test_entry_segment_has_key_type_fields_and_raw_text() -> None:
    entry = of_kind(split_segments(SAMPLE), "entry")[0]
    assert (entry.key, entry.entry_type) == ("first", "article")
    assert entry.fields == (("title", "{One}"), ("journal", "acl"))
    assert entry.raw == "@article{first,\n  title = {One},\n  journal = acl,\n}"


def test_entry_lines_are_one_based() -> None:
    entries = of_kind(split_segments(SAMPLE), "entry")
    assert [segment.line for segment in entries] == [
        line_of(SAMPLE, "@article{first"),
        line_of(SAMPLE, "@article{first", SAMPLE.index("@article{broken")),
        line_of(SAMPLE, "@misc{last"),
    ]
    assert entries[0].line == 6


def test_first_line_offsets_line_numbers() -> None:
    plain = split_segments(SAMPLE)
    shifted = split_segments(SAMPLE, first_line=100)
    assert [segment.line for segment in shifted] == [segment.line + 100 for segment in plain]


def test_failed_block_has_its_line_and_a_reason() -> None:
    failed = of_kind(split_segments(SAMPLE), "failed")
    assert len(failed) == 1
    assert failed[0].line == line_of(SAMPLE, "@article{broken") == 11
    assert failed[0].error.strip()
    assert failed[0].raw.startswith("@article{broken")
    assert failed[0].text_for_report.startswith("@article{broken")


def test_failed_block_does_not_swallow_the_entries_after_it() -> None:
    keys = [segment.key for segment in of_kind(split_segments(SAMPLE), "entry")]
    assert "last" in keys


def test_duplicate_keys_in_one_text_are_two_entry_segments() -> None:
    entries = [segment for segment in of_kind(split_segments(SAMPLE), "entry") if segment.key == "first"]
    assert len(entries) == 2
    assert entries[1].fields == (("title", "{Same key again}"),)


def test_string_segment_carries_name_and_raw_value() -> None:
    strings = of_kind(split_segments(SAMPLE), "string")
    assert [(segment.key, segment.fields) for segment in strings] == [("acl", (("acl", "{Proc. of ACL}"),))]


def test_string_with_quotes_and_parentheses_keeps_raw_value() -> None:
    (segment,) = of_kind(split_segments('@STRING(jan = "January")\n'), "string")
    assert segment.fields == (("jan", '"January"'),)


def test_repeated_string_name_is_two_string_segments() -> None:
    text = "@string{acl = {Proc. of ACL}}\n@string{acl = {Other}}\n@article{a, journal = acl}\n"
    segments = split_segments(text)
    assert joined(segments) == text
    assert [segment.fields for segment in of_kind(segments, "string")] == [
        (("acl", "{Proc. of ACL}"),),
        (("acl", "{Other}"),),
    ]


def test_preamble_and_comments() -> None:
    segments = split_segments(SAMPLE)
    assert of_kind(segments, "preamble")[0].raw == '@preamble{"\\newcommand{\\noop}[1]{}"}'
    comments = [segment.raw for segment in of_kind(segments, "comment")]
    assert "% A comment line before anything" in comments
    assert "@comment{jabref-meta: databaseType:bibtex;}" in comments


def test_gaps_hold_only_the_text_between_blocks() -> None:
    gaps = of_kind(split_segments(SAMPLE), "gap")
    assert gaps
    assert all(not segment.raw.strip() for segment in gaps)


def test_crlf_entry_keeps_its_carriage_returns() -> None:
    text = "@article{crlf,\r\n  title = {Windows},\r\n}\r\n@misc{next, note = {x}}\r\n"
    segments = split_segments(text)
    assert joined(segments) == text
    assert [(segment.key, segment.line) for segment in of_kind(segments, "entry")] == [("crlf", 1), ("next", 4)]


def test_overlapping_failed_blocks_of_unlimited_bib_rebuild_exactly() -> None:
    text = UNLIMITED.read_text(encoding="utf-8")
    segments = split_segments(text)
    assert joined(segments) == text
    failed = of_kind(segments, "failed")
    assert len(failed) >= 2
    assert all(segment.error for segment in failed)
    assert [segment.line for segment in failed[:2]] == [1, 2]


def test_overlapping_failed_block_reports_its_own_whole_text() -> None:
    segments = split_segments(UNLIMITED.read_text(encoding="utf-8"))
    second = of_kind(segments, "failed")[1]
    assert second.text_for_report.startswith("@BBBBB{")
    assert second.text_for_report.endswith(second.raw)


# --- parse_text in parallel -------------------------------------------------------------

_ENTRY_HEAD = re.compile(r"(@(?!preamble\b|string\b|comment\b)[A-Za-z]+\s*\{\s*)([^,\s]+)", re.IGNORECASE)
_STRING_LINE = re.compile(r"^@STRING\{.*\}\n", re.MULTILINE)


def large_text() -> str:
    """xampl.bib's @string blocks once at the top, then its other blocks repeated with unique
    keys until the text is long enough to be parsed in parallel."""
    source = XAMPL.read_text(encoding="utf-8")
    strings = "".join(_STRING_LINE.findall(source))
    body = _STRING_LINE.sub("", source)
    parts, copy = [strings], 0
    while sum(map(len, parts)) <= PARALLEL_MIN_CHARS:
        parts.append(_ENTRY_HEAD.sub(lambda match, n=copy: f"{match[1]}{match[2]}-{n}", body))
        copy += 1
    return "\n".join(parts)


@pytest.fixture(scope="module")
def large() -> tuple[str, list, list]:
    text = large_text()
    return text, parse_text(text, workers=1), parse_text(text, workers=2)


def test_large_text_is_over_the_parallel_threshold(large: tuple[str, list, list]) -> None:
    text, _, _ = large
    assert len(text) >= PARALLEL_MIN_CHARS


def test_parallel_parse_gives_the_same_blocks(large: tuple[str, list, list]) -> None:
    _, serial, parallel = large
    assert parallel == serial


def test_parallel_blocks_rebuild_the_text(large: tuple[str, list, list]) -> None:
    text, _, parallel = large
    assert "".join(block.raw for block in parallel) == text


def test_parallel_keys_are_unique(large: tuple[str, list, list]) -> None:
    _, _, parallel = large
    keys = [block.key.lower() for block in parallel if block.kind == "entry"]
    assert len(keys) == len(set(keys)) > 1000


def test_macros_from_the_top_are_resolved_in_the_second_half(large: tuple[str, list, list]) -> None:
    _, _, parallel = large
    venue = DISPLAY_COLUMNS.index("venue")
    second_half = parallel[len(parallel) // 2 :]
    full = [block for block in second_half if block.kind == "entry" and block.key.startswith("inproceedings-full-")]
    assert full
    assert full[-1].columns[venue] == "Proc. Fifteenth Annual ACM Symposium on the Theory of Computing"


def test_entry_lines_of_the_second_half_are_right(large: tuple[str, list, list]) -> None:
    text, _, parallel = large
    offset = 0
    checked = 0
    for block in parallel:
        if block.kind == "entry" and offset > len(text) // 2 and checked < 50:
            assert block.line == text.count("\n", 0, offset) + 1
            checked += 1
        offset += len(block.raw)
    assert checked == 50


@pytest.mark.parametrize(
    "text, reason",
    [
        ("@article{a, title={A}, title={B}}\n", "a field appears twice in this entry: title"),
        ("@article{a, title={A}\n", "the file ends inside this block (a closing brace is missing?)"),
        (
            "@article{a, title={A}\n@book{b, title={B}}\n",
            "@book starts before this block is closed (a closing brace is missing?)",
        ),
        ("@article{a title={A}}\n", "a comma is missing after the citation key (found =)"),
    ],
)
def test_failed_blocks_are_explained_in_plain_words(text, reason):
    from citedesk.library.parsing import parse_text

    failed = [block for block in parse_text(text) if block.kind == "failed"]
    assert failed and failed[0].error == reason


def test_an_early_stop_leaves_nothing_for_exit_to_wait_on(large: tuple[str, list, list]) -> None:
    """Cancel after the first piece: the workers are gone at once and no thread is left that the
    interpreter would join at exit (a pool's manager thread, stuck reading a result cut off by the
    stop, once kept pytest and the command from exiting)."""
    import multiprocessing
    import threading

    from citedesk.library.parsing import parse_pieces

    text, _, _ = large
    before = set(threading.enumerate())
    pieces = parse_pieces(text, workers=3)
    next(pieces)
    pieces.close()
    assert not multiprocessing.active_children()
    assert set(threading.enumerate()) <= before
