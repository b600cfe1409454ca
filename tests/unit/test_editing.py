"""Editing a paper: the edited value changes, the rest of the entry and of its file stays as imported."""

from __future__ import annotations

import pytest

from citedesk import jobs
from citedesk.library.db import open_library
from citedesk.library.editing import SPLICED, changed_fields, edit_paper
from citedesk.library.queries import paper_by_key
from citedesk.model import CitedeskError

BIB = """% my references\r
@string{jnl = "Journal of {T}ests"}\r
\r
@Article{tse2019,\r
  author  = {Tse, Ann and M{\\"u}ller, Bob},\r
  title   = {A {Study}   of Things},\r
  journal = jnl,\r
  year    = 2019,\r
}\r
\r
@misc{other, title = "Other"}\r
"""


@pytest.fixture
def library(tmp_path):
    source = tmp_path / "refs.bib"
    source.write_bytes(BIB.encode("utf-8"))
    path = tmp_path / "library.sqlite"
    jobs.import_bibtex(path, [source])
    db = open_library(path)
    yield path, db, source
    db.close()


def test_edited_value_replaces_the_raw_one_in_place_and_updates_display(library):
    _, db, _ = library
    paper = paper_by_key(db, "tse2019")
    edit_paper(db, paper.id, {"Title": "{A Better Title}", "doi": "{10.1000/XYZ}"})
    edited = paper_by_key(db, "tse2019")
    assert [name for name, _ in edited.fields] == ["author", "title", "journal", "year", "doi"]
    assert edited.fields[2] == ("journal", "jnl")
    assert edited.title == "A Better Title"
    assert edited.venue == "Journal of Tests"
    assert edited.doi == "10.1000/xyz"
    assert edited.modified == SPLICED


def test_file_export_rewrites_only_the_edited_entry(library, tmp_path):
    path, db, _source = library
    edit_paper(db, paper_by_key(db, "tse2019").id, {"year": "2020"})
    out = tmp_path / "out.bib"
    jobs.export_bibtex(path, out, file_of="refs.bib")
    text = out.read_bytes().decode("utf-8")
    assert text.startswith('% my references\r\n@string{jnl = "Journal of {T}ests"}\r\n\r\n@Article{tse2019,\r\n')
    assert '  author  = {Tse, Ann and M{\\"u}ller, Bob},\r\n' in text
    assert "  year    = 2020,\r\n" in text
    assert text.endswith('\r\n\r\n@misc{other, title = "Other"}\r\n')


def test_removing_a_field_and_renaming_the_key(library, tmp_path):
    path, db, _ = library
    edit_paper(db, paper_by_key(db, "tse2019").id, {"journal": None}, citekey="tse2019b")
    fields = paper_by_key(db, "tse2019b").fields
    assert [name for name, _ in fields] == ["author", "title", "year"]
    out = tmp_path / "keys.bib"
    jobs.export_bibtex(path, out, keys=["tse2019b"])
    assert "@Article{tse2019b," in out.read_text(encoding="utf-8")


def test_a_key_in_use_or_malformed_is_refused(library):
    _, db, _ = library
    paper_id = paper_by_key(db, "tse2019").id
    with pytest.raises(CitedeskError, match="already used"):
        edit_paper(db, paper_id, {}, citekey="OTHER")
    with pytest.raises(CitedeskError, match="cannot be a citation key"):
        edit_paper(db, paper_id, {}, citekey="two words")
    assert paper_by_key(db, "tse2019").modified == 0


def test_changed_fields_keeps_order_and_appends_new_ones():
    fields = [["Author", "{A}"], ["title", "{T}"]]
    assert changed_fields(fields, {"TITLE": "{U}", "note": "{n}", "gone": None}) == [
        ["Author", "{A}"],
        ["title", "{U}"],
        ["note", "{n}"],
    ]


def test_crossref_parent_from_an_earlier_file_fills_the_display_columns(tmp_path):
    parent = tmp_path / "proceedings.bib"
    parent.write_text("@proceedings{conf19, title = {Proc. of Conf}, year = 2019}\n", encoding="utf-8")
    child = tmp_path / "papers.bib"
    child.write_text("@inproceedings{paper, title = {A Paper}, crossref = {CONF19}}\n", encoding="utf-8")
    path = tmp_path / "library.sqlite"
    jobs.import_bibtex(path, [parent])
    jobs.import_bibtex(path, [child])
    db = open_library(path)
    paper = paper_by_key(db, "paper")
    assert (paper.venue, paper.year) == ("Proc. of Conf", 2019)
    assert paper.fields == (("title", "{A Paper}"), ("crossref", "{CONF19}"))
    db.close()


def test_an_edited_crossref_child_keeps_what_it_inherits(tmp_path):
    source = tmp_path / "refs.bib"
    source.write_text(
        "@proceedings{conf19, title = {Proc. of Conf}, year = 2019}\n"
        "@inproceedings{paper, title = {A Paper}, crossref = {conf19}}\n",
        encoding="utf-8",
    )
    path = tmp_path / "library.sqlite"
    jobs.import_bibtex(path, [source])
    db = open_library(path)
    edit_paper(db, paper_by_key(db, "paper").id, {"title": "{A Better Paper}"})
    paper = paper_by_key(db, "paper")
    assert (paper.title, paper.venue, paper.year) == ("A Better Paper", "Proc. of Conf", 2019)
    db.close()
