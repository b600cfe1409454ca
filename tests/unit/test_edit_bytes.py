"""An edit changes only the bytes of what it changes: a value, a removed or added field, the key, the type."""

from __future__ import annotations

import pytest

from citedesk import jobs
from citedesk.library import editing
from citedesk.library.db import open_library
from citedesk.library.queries import paper_by_key
from citedesk.model import CitedeskError

ALIGNED = """@string{jnl = "Journal of {T}ests"}

@Article{tse2019,
    author  = {Tse, Ann and M{\\"u}ller, Bob},
    title   = {A {Study}   of Things},
    journal = jnl,
    year    = 2019,
}

@misc{other, title = "Other", year = 2000}
"""

QUOTED = """@book{nolan2015,
    title = "Recovery Stories",
    author = "Nolan, Peter",
    year = 2015
}
"""


def edit_and_export(
    tmp_path, text: str, key: str, changes: dict, citekey=None, entry_type=None, newline: str = "\n"
) -> str:
    """Import a file, edit one entry through the job the window uses, and export the file as it is now."""
    source = tmp_path / "refs.bib"
    source.write_bytes(text.replace("\n", newline).encode("utf-8"))
    library = tmp_path / "library.sqlite"
    jobs.import_bibtex(library, [source])
    db = open_library(library)
    paper_id = paper_by_key(db, key).id
    db.close()
    jobs.edit_paper(library, paper_id, fields=changes, citekey=citekey, entry_type=entry_type)
    out = tmp_path / "out.bib"
    jobs.export_bibtex(library, out, file_of="refs.bib")
    return out.read_bytes().decode("utf-8")


def test_a_changed_value_changes_only_inside_its_delimiters(tmp_path):
    exported = edit_and_export(tmp_path, ALIGNED, "tse2019", {"title": "{A Better Title}"})
    assert exported == ALIGNED.replace("{A {Study}   of Things}", "{A Better Title}")


def test_a_value_keeps_the_quotes_of_the_one_it_replaces(tmp_path):
    exported = edit_and_export(tmp_path, QUOTED, "nolan2015", {"title": "{Recovery Stories, Revised}"})
    assert exported == QUOTED.replace('"Recovery Stories"', '"Recovery Stories, Revised"')


def test_plain_text_gets_delimiters_and_quotes_inside_need_braces(tmp_path):
    exported = edit_and_export(
        tmp_path, QUOTED, "nolan2015", {"title": 'The "Recovery" Stories', "author": "Nolan, P."}
    )
    assert exported == QUOTED.replace('"Recovery Stories"', '{The "Recovery" Stories}').replace(
        '"Nolan, Peter"', '"Nolan, P."'
    )


def test_numbers_macros_and_concatenations_are_written_as_given(tmp_path):
    exported = edit_and_export(tmp_path, ALIGNED, "tse2019", {"year": "2020", "journal": 'jnl # " Letters"'})
    assert exported == ALIGNED.replace("= 2019,", "= 2020,").replace("= jnl,", '= jnl # " Letters",')


def test_unbalanced_braces_are_refused_and_nothing_changes(tmp_path):
    with pytest.raises(CitedeskError, match="braces in the value of title do not match"):
        edit_and_export(tmp_path, ALIGNED, "tse2019", {"title": "{A {Study}"})
    db = open_library(tmp_path / "library.sqlite")
    assert paper_by_key(db, "tse2019").modified == editing.UNEDITED
    db.close()


def test_an_escaped_brace_does_not_count(tmp_path):
    exported = edit_and_export(tmp_path, ALIGNED, "tse2019", {"title": r"50\} off"})
    assert exported == ALIGNED.replace("{A {Study}   of Things}", r"{50\} off}")


def test_a_removed_field_alone_on_its_line_takes_its_line(tmp_path):
    exported = edit_and_export(tmp_path, ALIGNED, "tse2019", {"journal": None})
    assert exported == ALIGNED.replace("    journal = jnl,\n", "")


def test_the_last_field_without_a_comma_takes_the_comma_before_it(tmp_path):
    exported = edit_and_export(tmp_path, QUOTED, "nolan2015", {"year": None})
    assert exported == QUOTED.replace(",\n    year = 2015", "")


def test_a_field_removed_from_a_one_line_entry(tmp_path):
    assert edit_and_export(tmp_path, ALIGNED, "other", {"title": None}) == ALIGNED.replace('title = "Other", ', "")
    (tmp_path / "second").mkdir()
    assert edit_and_export(tmp_path / "second", ALIGNED, "other", {"year": None}) == ALIGNED.replace(
        ", year = 2000", ""
    )


def test_a_new_field_is_aligned_with_the_others_and_keeps_the_trailing_comma(tmp_path):
    exported = edit_and_export(tmp_path, ALIGNED, "tse2019", {"doi": "{10.1000/xyz}", "publisher": "{P}"})
    assert exported == ALIGNED.replace(
        "    year    = 2019,\n", "    year    = 2019,\n    doi     = {10.1000/xyz},\n    publisher = {P},\n"
    )


def test_a_new_field_without_a_trailing_comma_and_in_quotes(tmp_path):
    exported = edit_and_export(tmp_path, QUOTED, "nolan2015", {"note": "Read twice"})
    assert exported == QUOTED.replace("year = 2015\n", 'year = 2015,\n    note = "Read twice"\n')


def test_a_new_field_in_a_one_line_entry(tmp_path):
    exported = edit_and_export(tmp_path, ALIGNED, "other", {"note": "{n}"})
    assert exported == ALIGNED.replace("year = 2000}", 'year = 2000, note = "n"}')


def test_line_breaks_follow_the_file(tmp_path):
    exported = edit_and_export(tmp_path, ALIGNED, "tse2019", {"title": "{Two\nlines}", "note": "{n}"}, newline="\r\n")
    assert exported == ALIGNED.replace("{A {Study}   of Things}", "{Two\nlines}").replace(
        "    year    = 2019,\n", "    year    = 2019,\n    note    = {n},\n"
    ).replace("\n", "\r\n")


def test_a_new_key_changes_only_the_key(tmp_path):
    exported = edit_and_export(tmp_path, ALIGNED, "tse2019", {}, citekey="tse2019b")
    assert exported == ALIGNED.replace("{tse2019,", "{tse2019b,")


def test_a_new_type_changes_only_the_type_and_keeps_its_capitals(tmp_path):
    exported = edit_and_export(tmp_path, ALIGNED, "tse2019", {}, entry_type="inproceedings")
    assert exported == ALIGNED.replace("@Article{", "@Inproceedings{")
    db = open_library(tmp_path / "library.sqlite")
    assert paper_by_key(db, "tse2019").entry_type == "inproceedings"
    db.close()


def test_every_export_writes_the_edited_text(tmp_path):
    edit_and_export(tmp_path, ALIGNED, "tse2019", {"year": "2020", "journal": None}, citekey="tse2019b")
    expected = (
        '@Article{tse2019b,\n    author  = {Tse, Ann and M{\\"u}ller, Bob},\n    title   = {A {Study}   of Things},\n'
        "    year    = 2020,\n}"
    )
    library, out = tmp_path / "library.sqlite", tmp_path / "keys.bib"
    jobs.export_bibtex(library, out, keys=["tse2019b"])
    assert out.read_text(encoding="utf-8") == expected + "\n"
    jobs.export_bibtex(library, out)
    assert expected + "\n\n" in out.read_text(encoding="utf-8")


def test_the_stored_fields_and_columns_follow_the_edit(tmp_path):
    edit_and_export(tmp_path, ALIGNED, "tse2019", {"title": "A Better Title", "doi": "{10.1000/XYZ}"})
    db = open_library(tmp_path / "library.sqlite")
    paper = paper_by_key(db, "tse2019")
    db.close()
    assert paper.fields[1] == ("title", "{A Better Title}")
    assert (paper.title, paper.venue, paper.doi) == ("A Better Title", "Journal of Tests", "10.1000/xyz")
    assert paper.modified == editing.SPLICED


def test_an_entry_that_cannot_be_located_is_rewritten_as_before(tmp_path):
    """bibtexparser reads a comment after the last value into the value: the entry is rewritten from its fields."""
    text = "@misc{c,\n  title = {T},\n  year = 2000 % a remark\n}\n"
    exported = edit_and_export(tmp_path, text, "c", {"title": "{U}"})
    assert exported == "@misc{c,\n  title = {U},\n  year  = 2000 % a remark,\n}\n"
    db = open_library(tmp_path / "library.sqlite")
    assert paper_by_key(db, "c").modified == editing.REWRITTEN
    db.close()


def test_an_entry_edited_before_raw_edits_stays_rewritten(tmp_path):
    """A library from before: `raw` is the imported text, the fields are the edited ones; the others are edited in place."""
    edit_and_export(tmp_path, ALIGNED, "tse2019", {})
    library = tmp_path / "library.sqlite"
    db = open_library(library)
    paper, other = paper_by_key(db, "tse2019"), paper_by_key(db, "other")
    db.execute("UPDATE papers SET modified = 1 WHERE id = ?", [paper.id])
    db.conn.commit()
    db.close()
    jobs.edit_paper(library, paper.id, fields={"year": "2021"})
    jobs.edit_paper(library, other.id, fields={"year": "2021"})
    out = tmp_path / "out.bib"
    jobs.export_bibtex(library, out, file_of="refs.bib")
    assert out.read_text(encoding="utf-8").endswith(
        '  year    = 2021,\n}\n\n@misc{other, title = "Other", year = 2021}\n'
    )


def test_restoring_an_edit_gives_back_the_entry_exactly(tmp_path):
    original = edit_and_export(tmp_path, ALIGNED, "tse2019", {})
    library = tmp_path / "library.sqlite"
    db = open_library(library)
    before = paper_by_key(db, "tse2019")
    db.close()
    state = jobs.edit_paper(
        library, before.id, fields={"title": None, "note": "{n}"}, citekey="tse2019b", entry_type="book"
    )
    assert jobs.restore_paper_edit(library, state) == "tse2019"
    db = open_library(library)
    assert paper_by_key(db, "tse2019") == before
    db.close()
    out = tmp_path / "again.bib"
    jobs.export_bibtex(library, out, file_of="refs.bib")
    assert out.read_text(encoding="utf-8") == original


def test_restoring_needs_the_old_key_free(tmp_path):
    edit_and_export(tmp_path, ALIGNED, "tse2019", {})
    library = tmp_path / "library.sqlite"
    db = open_library(library)
    tse, other = paper_by_key(db, "tse2019").id, paper_by_key(db, "other").id
    db.close()
    state = jobs.edit_paper(library, tse, fields={}, citekey="tse2019b")
    jobs.edit_paper(library, other, fields={}, citekey="tse2019")
    with pytest.raises(CitedeskError, match="already used"):
        jobs.restore_paper_edit(library, state)


def test_the_preview_is_what_the_export_writes(tmp_path):
    edit_and_export(tmp_path, ALIGNED, "tse2019", {})
    library = tmp_path / "library.sqlite"
    db = open_library(library)
    paper = paper_by_key(db, "tse2019")
    db.close()
    preview = editing.previewed_entry(paper, {"note": "{n}", "journal": None}, "tse2020", "book")
    jobs.edit_paper(library, paper.id, fields={"note": "{n}", "journal": None}, citekey="tse2020", entry_type="book")
    out = tmp_path / "keys.bib"
    jobs.export_bibtex(library, out, keys=["tse2020"])
    assert out.read_text(encoding="utf-8") == preview + "\n"
