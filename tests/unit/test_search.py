"""Tests for full-text search of the library: safe queries from anything typed, prefixes, accents, phrases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlite_utils
from hypothesis import given, settings
from hypothesis import strategies as st

from citedesk import jobs
from citedesk.library.db import open_library
from citedesk.library.queries import fts_query, paper_by_key, search_papers
from citedesk.model import CitedeskError

LIBRARY = """\
@article{vaswani2017,
  title = {Attention Is All You Need for Machine Translation},
  author = {Vaswani, Ashish and Shazeer, Noam},
  journal = {Advances in Neural Information Processing Systems},
  year = 2017,
}

@article{mueller2015,
  title = {Sparse Coding of Birdsong},
  author = {M{\\"u}ller, Klaus and Schr{\\"o}der, Eva},
  journal = {Journal of Ornithology},
  year = 2015,
}

@book{translation2001,
  title = {Translation Studies: An Introduction},
  author = {Baker, Mona},
  publisher = {Routledge},
  year = 2001,
}

@inproceedings{neural2019,
  title = {Machine Learning with Neural Fields},
  author = {Chen, Li},
  booktitle = {Proceedings of ICML},
  year = 2019,
}

@misc{learningmachine2020,
  title = {Neural Learning for the Machine},
  author = {Okafor, Ada},
  year = 2020,
}
"""

HOSTILE = [
    '"',
    '""',
    "AND(",
    "AND",
    "OR NOT",
    "*",
    "**",
    "NEAR(",
    "NEAR(a b, 3)",
    "-x",
    "+x",
    "title:",
    "title:neural",
    "{title}: x",
    '"unbalanced',
    'unbalanced"',
    '"a" "b',
    "^first",
    "a:b:c",
    "()",
    ")(",
    "😀",
    "neural 😀 machine",
    "\x00",
    "'; DROP TABLE papers; --",
    "%_",
    "\\",
    "∂∑",
    "_",
    "a_b",
    "ﬁ",
    "e\u0301",
    "\u0301",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite_utils.Database]:
    folder = tmp_path_factory.mktemp("search")
    source = folder / "library.bib"
    source.write_text(LIBRARY, encoding="utf-8")
    jobs.import_bibtex(folder / "library.sqlite", [source], workers=1)
    database = open_library(folder / "library.sqlite")
    yield database
    database.close()


def keys(db: sqlite_utils.Database, text: str) -> set[str]:
    return {row.citekey for row in search_papers(db, text)}


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_never_raises(db: sqlite_utils.Database, text: str) -> None:
    list(search_papers(db, text))


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_any_text_is_a_valid_query(db: sqlite_utils.Database, text: str) -> None:
    list(search_papers(db, text, limit=5))


@given(st.text(alphabet=st.sampled_from("\"*()-+:^ aNDORET'{}"), max_size=30))
def test_any_mix_of_fts_operators_is_a_valid_query(db: sqlite_utils.Database, text: str) -> None:
    list(search_papers(db, text))


@given(st.text(max_size=60))
def test_fts_query_is_none_or_quoted_terms(text: str) -> None:
    query = fts_query(text)
    assert query is None or (query.startswith('"') and query.count('"') % 2 == 0)


def test_empty_query_lists_every_paper_in_import_order(db: sqlite_utils.Database) -> None:
    rows = list(search_papers(db, ""))
    assert [row.citekey for row in rows] == [
        "vaswani2017",
        "mueller2015",
        "translation2001",
        "neural2019",
        "learningmachine2020",
    ]


def test_punctuation_only_query_lists_every_paper(db: sqlite_utils.Database) -> None:
    assert len(list(search_papers(db, '" * ('))) == 5


def test_limit(db: sqlite_utils.Database) -> None:
    assert len(list(search_papers(db, "", limit=2))) == 2
    assert len(list(search_papers(db, "neural", limit=1))) == 1


def test_rows_have_the_list_columns(db: sqlite_utils.Database) -> None:
    (row,) = search_papers(db, "birdsong")
    assert (row.citekey, row.year, row.authors, row.title, row.venue, row.type) == (
        "mueller2015",
        2015,
        "Müller and Schröder",
        "Sparse Coding of Birdsong",
        "Journal of Ornithology",
        "article",
    )


def test_prefix_while_typing_finds_the_whole_word(db: sqlite_utils.Database) -> None:
    assert keys(db, "transl") == {"vaswani2017", "translation2001"}


def test_every_word_must_match(db: sqlite_utils.Database) -> None:
    assert keys(db, "transl studies") == {"translation2001"}


def test_search_is_case_insensitive(db: sqlite_utils.Database) -> None:
    assert keys(db, "BIRDSONG") == {"mueller2015"}


def test_search_ignores_accents_in_the_library(db: sqlite_utils.Database) -> None:
    assert keys(db, "muller") == {"mueller2015"}
    assert keys(db, "schroder") == {"mueller2015"}


def test_search_ignores_accents_in_the_query(db: sqlite_utils.Database) -> None:
    assert keys(db, "Müller") == {"mueller2015"}
    assert keys(db, "Bírdsöng") == {"mueller2015"}


def test_quoted_phrase_matches_only_the_phrase(db: sqlite_utils.Database) -> None:
    assert keys(db, "machine learning") == {"neural2019", "learningmachine2020"}
    assert keys(db, '"machine learning"') == {"neural2019"}


def test_quoted_phrase_with_punctuation_inside(db: sqlite_utils.Database) -> None:
    assert keys(db, '"translation studies: an"') == {"translation2001"}


def test_operators_are_plain_words(db: sqlite_utils.Database) -> None:
    assert keys(db, "attention AND") == set()
    assert keys(db, "neural NOT") == set()
    assert keys(db, "neural OR birdsong") == set()


def test_search_by_citation_key(db: sqlite_utils.Database) -> None:
    assert keys(db, "vaswani2017") == {"vaswani2017"}


def test_search_by_venue(db: sqlite_utils.Database) -> None:
    assert keys(db, "ornithology") == {"mueller2015"}
    assert keys(db, "icml") == {"neural2019"}


def test_search_by_author(db: sqlite_utils.Database) -> None:
    assert keys(db, "shazeer") == {"vaswani2017"}


def test_paper_by_key_is_case_insensitive(db: sqlite_utils.Database) -> None:
    found = paper_by_key(db, "VASWANI2017")
    assert found.citekey == "vaswani2017"
    assert found.fields[0] == ("title", "{Attention Is All You Need for Machine Translation}")


def test_paper_by_unknown_key_suggests_a_close_key(db: sqlite_utils.Database) -> None:
    with pytest.raises(CitedeskError, match="did you mean vaswani2017"):
        paper_by_key(db, "vaswani2018")


def test_paper_by_unknown_key_without_any_close_key(db: sqlite_utils.Database) -> None:
    with pytest.raises(CitedeskError) as raised:
        paper_by_key(db, "zzz")
    assert "zzz" in str(raised.value)
    assert "did you mean" not in str(raised.value)


@pytest.mark.parametrize("key", ["%", "_", "'", "%%%%%%%"])
def test_paper_by_key_with_like_wildcards_raises_cleanly(db: sqlite_utils.Database, key: str) -> None:
    with pytest.raises(CitedeskError):
        paper_by_key(db, key)
