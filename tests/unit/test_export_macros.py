"""Exporting some papers brings the @string macros they use (and those these use), not every macro of their file."""

from __future__ import annotations

from citedesk import jobs
from citedesk.library import exporter
from citedesk.library.bibtex.values import macro_names
from citedesk.library.db import open_library

BIB = """@preamble{"\\newcommand{\\noop}[1]{}"}
@string{cl = "Computational Linguistics"}
@string{acl = "Association for " # cl}
@string{unused = "Never Used"}
@string{jmlr = {Journal of Machine Learning Research}}

@inproceedings{a, title = {A}, booktitle = "Proc. of the " # acl, month = jun, year = 2002}
@article{b, title = {B}, journal = jmlr, year = 2010}
@inproceedings{c, title = {C}, crossref = {proc}}
@proceedings{proc, title = {Proceedings}, publisher = jmlr}
"""


def test_macro_names():
    assert macro_names('"Proc. of " # acl # {x} # 2002 # jun') == {"acl"}
    assert macro_names("{plain}") == set() and macro_names("JMLR") == {"jmlr"}


def test_only_used_macros_travel_with_the_entries(tmp_path):
    (tmp_path / "m.bib").write_text(BIB, encoding="utf-8")
    jobs.import_bibtex(tmp_path / "l.sqlite", [tmp_path / "m.bib"], workers=1)
    db = open_library(tmp_path / "l.sqlite")
    ids = dict(db.execute("SELECT citekey, id FROM papers").fetchall())
    text = exporter.entries_text(db, [ids["a"]])
    assert "@string{acl" in text and "@string{cl" in text and "@preamble" in text
    assert "unused" not in text and "jmlr" not in text
    assert exporter.entries_text(db, [ids["c"]]).count("@string{jmlr") == 1  # used by the crossref parent
    assert "unused" not in exporter.entries_text(db, [ids["b"]])
    db.close()
    (tmp_path / "a.bib").write_text(text, encoding="utf-8")
    jobs.import_bibtex(tmp_path / "again.sqlite", [tmp_path / "a.bib"], workers=1)
    again = open_library(tmp_path / "again.sqlite")
    assert again.execute("SELECT venue FROM papers").fetchall() == [
        ("Proc. of the Association for Computational Linguistics",)
    ]
    again.close()
