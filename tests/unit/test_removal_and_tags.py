"""Removing papers and putting them back, tags, and the tallies kept on each paper."""

from __future__ import annotations

import json

import pytest

from citedesk import jobs
from citedesk.library import listing
from citedesk.library.db import open_library
from citedesk.library.removal import remove_papers, restore_papers
from citedesk.library.statements import paper_counts
from citedesk.library.tags import delete_tag, tag_papers, tags_of
from citedesk.library.tallies import TALLY_COLUMNS, update_tallies
from citedesk.model import CitedeskError

BIB = """@article{cited, title={Cited paper}, author={Tse, Samson}, year=2017}
@article{citing, title={Citing paper}, author={Lee, Bo}, year=2020}
@article{other, title={Other paper}, author={Wu, Cy}, year=2021}
"""
ROWS = [
    {"cited_key": "cited", "citing_key": "citing", "text": "It supports it.", "label": "supporting", "confidence": 0.9},
    {"cited_key": "cited", "citing_key": "citing", "text": "It mentions it.", "label": "mentioning", "confidence": 0.9},
    {"cited_key": "cited", "citing_key": "other", "text": "It contrasts.", "label": "contrasting", "confidence": 0.6},
    {"cited_key": "cited", "citing_title": "Outside work", "text": "Unsure.", "label": "unclassified"},
]


@pytest.fixture
def db(tmp_path):
    (tmp_path / "lib.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "s.jsonl").write_text("".join(json.dumps(row) + "\n" for row in ROWS), encoding="utf-8")
    jobs.import_bibtex(tmp_path / "lib.sqlite", [tmp_path / "lib.bib"], workers=1)
    jobs.import_statements(tmp_path / "lib.sqlite", tmp_path / "s.jsonl")
    database = open_library(tmp_path / "lib.sqlite")
    yield database
    database.close()


def tallies(db, key):
    columns = ", ".join(TALLY_COLUMNS)
    return db.execute(f"SELECT {columns} FROM papers WHERE citekey = ?", [key]).fetchone()


def test_statement_import_keeps_the_tallies(db):
    assert tallies(db, "cited") == (3, 4, 1, 1, 1, 1)
    assert tallies(db, "citing") == (None,) * 6


def test_tallies_follow_a_changed_stance_without_touching_the_search_index(db):
    db.execute("UPDATE statements SET stance = 'supporting' WHERE text = 'Unsure.'")
    update_tallies(db, [1])
    assert tallies(db, "cited") == (3, 4, 2, 1, 1, 0)
    assert [row[0] for row in db.execute("SELECT rowid FROM statements_fts WHERE statements_fts MATCH 'unsure'")] == [4]
    update_tallies(db)
    assert tallies(db, "cited") == (3, 4, 2, 1, 1, 0)


def test_remove_and_restore_a_cited_paper(db):
    before = db.execute("SELECT * FROM papers WHERE citekey = 'cited'").fetchone()
    removed = remove_papers(db, [1])
    assert removed.keys == ["cited"]
    assert db.execute("SELECT count(*) FROM papers").fetchone()[0] == 2
    assert list(db.execute("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'cited'")) == []
    assert db.execute("SELECT count(*) FROM statements").fetchone()[0] == 4  # kept with the unlinked work
    assert restore_papers(db, removed) == [1]
    assert db.execute("SELECT * FROM papers WHERE citekey = 'cited'").fetchone() == before
    assert paper_counts(db, 1).citation_statements == 4
    assert [row[0] for row in db.execute("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'cited'")] == [1]


def test_restore_keeps_tags_and_takes_a_new_id_when_the_old_one_is_gone(db, tmp_path):
    tag_papers(db, [3], "later")
    removed = remove_papers(db, [3])
    db.execute("INSERT INTO papers (id, citekey, entry_type, fields, raw) VALUES (3, 'new', 'misc', '[]', '')")
    (new_id,) = restore_papers(db, removed)
    assert new_id != 3
    assert tags_of(db, new_id) == ["later"]
    assert db.execute("SELECT citekey FROM papers WHERE id = ?", [new_id]).fetchone() == ("other",)


def test_a_restored_key_taken_meanwhile_is_a_clear_error(db):
    removed = remove_papers(db, [2])
    db.execute("INSERT INTO papers (citekey, entry_type, fields, raw) VALUES ('CITING', 'misc', '[]', '')")
    with pytest.raises(CitedeskError, match="citing"):
        restore_papers(db, removed)
    assert db.execute("SELECT count(*) FROM papers WHERE citekey = 'citing'").fetchone()[0] == 0


def test_tags(db):
    tag_id = tag_papers(db, [1, 2], "  To   read ")
    assert tag_papers(db, [2, 3], "to READ") == tag_id
    assert tags_of(db, 2) == ["To read"]
    assert listing.sidebar(db).tags == [(tag_id, "To read", 3)]
    assert listing.count(db, listing.ListQuery(scope=listing.Scope("tag", tag_id))) == 3
    delete_tag(db, tag_id)
    assert listing.sidebar(db).tags == [] and tags_of(db, 2) == []
    with pytest.raises(CitedeskError):
        tag_papers(db, [1], "   ")
