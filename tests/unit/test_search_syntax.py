"""The search box's field prefixes, checked against a real library."""

from __future__ import annotations

import pytest

from citedesk import jobs
from citedesk.library.db import open_library
from citedesk.library.queries import search_papers
from citedesk.library.search import parse_search
from citedesk.library.tags import tag_papers

LIBRARY = r"""
@article{tse2017, title = {Peer support in Hong Kong}, author = {Tse, Samson and Mak, Winnie},
  journal = {Psychiatry Research}, year = 2017, doi = {10.1016/j.psychres.2017.05.007}, keywords = {recovery}}
@inproceedings{mak2015, title = {Stigma and recovery}, author = {Mak, Winnie}, booktitle = {Proc. of Peer Workshop}, year = 2015}
@book{peer2019, title = {Tse and the Peer Movement}, author = {Nolan, Peter}, year = 2019, abstract = {On peer support work.}}
@misc{undated, title = {Peer notes}, author = {Anon, A.}}
"""


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("syntax")
    (folder / "lib.bib").write_text(LIBRARY, encoding="utf-8")
    jobs.import_bibtex(folder / "lib.sqlite", [folder / "lib.bib"], workers=1)
    database = open_library(folder / "lib.sqlite")
    tag_papers(database, [1, 3], "Core Reading")
    yield database
    database.close()


def keys(db, text):
    return sorted(row.citekey for row in search_papers(db, text))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("tse", ["peer2019", "tse2017"]),
        ("author:tse", ["tse2017"]),
        ("title:tse", ["peer2019"]),
        ('title:"peer support"', ["tse2017"]),
        ("venue:peer", ["mak2015"]),
        ("journal:psychiatry", ["tse2017"]),
        ("abstract:work", ["peer2019"]),
        ("keywords:recovery", ["tse2017"]),
        ("key:mak", ["mak2015"]),
        ("year:2017", ["tse2017"]),
        ("year:2015..2017", ["mak2015", "tse2017"]),
        ("year:2015-2017", ["mak2015", "tse2017"]),
        ("year:..2016", ["mak2015"]),
        ("year:2016..", ["peer2019", "tse2017"]),
        ("year:soon", []),
        ("type:book", ["peer2019"]),
        ("type:@Article", ["tse2017"]),
        ('tag:"core reading"', ["peer2019", "tse2017"]),
        ("tag:nothing", []),
        ("doi:https://doi.org/10.1016/J.PSYCHRES.2017.05.007", ["tse2017"]),
        ("author:mak year:2015..2019 peer", ["mak2015", "tse2017"]),
        ("peer -- year:2019", ["peer2019"]),
        ("unknown:peer", []),  # an unknown prefix is a plain word, and none has it
        ("peer:notes", ["undated"]),
        ("author:", []),
    ],
)
def test_prefixes(db, text, expected):
    assert keys(db, text) == expected


def test_a_prefix_without_value_is_a_plain_word():
    assert parse_search("author:").fts_query == '"author"*'


def test_nothing_typed_asks_for_nothing():
    assert parse_search("   ").where() == ("1", [])
