"""Tests for importing .bib files into a library and exporting them again, through citedesk.jobs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from citedesk import jobs
from citedesk.library.db import open_library
from citedesk.library.queries import Paper, paper_by_key
from citedesk.model import Cancelled, CitedeskError

MAIN = """\
@string{jml = {Journal of Machine Learning}}

@article{tse2019,
  title = {{Neural} Machine {\\"o}ber \\& {Translation}},
  author = {Tse, Anna and M{\\"u}ller, Bob and Carl Diaz},
  date = {2019-05-01},
  journaltitle = jml,
  doi = {https://doi.org/10.1000/ABC},
  eprint = {1905.01234},
  archiveprefix = {arXiv},
}

@proceedings{conf2020,
  title = {Proceedings of Conf},
  booktitle = {Proceedings of Conf},
  year = 2020,
}

@inproceedings{child,
  title = {Child paper},
  author = {Doe, Jane},
  crossref = {conf2020},
}

@misc{lone,
  title = {Lone Paper},
  year = 2001,
}
"""


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def library(tmp_path: Path) -> Path:
    return tmp_path / "library.sqlite"


def import_text(tmp_path: Path, text: str, name: str = "main.bib", **options):
    path = write(tmp_path, name, text)
    return jobs.import_bibtex(library(tmp_path), [path], workers=1, **options)


def paper(tmp_path: Path, key: str) -> Paper:
    db = open_library(library(tmp_path))
    try:
        return paper_by_key(db, key)
    finally:
        db.close()


def keys_in_library(tmp_path: Path) -> list[str]:
    db = open_library(library(tmp_path))
    try:
        return [row[0] for row in db.execute("SELECT citekey FROM papers ORDER BY id")]
    finally:
        db.close()


def snapshot(lib: Path) -> tuple:
    """Everything in the library: counts of the tables and of the FTS index, and a full dump."""
    db = open_library(lib)
    try:
        counts = tuple(
            db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("papers", "file_blocks", "source_files", "papers_fts_docsize")
        )
        matches = db.execute("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'paper' ORDER BY rowid").fetchall()
        return counts, matches, list(db.conn.iterdump())
    finally:
        db.close()


def export_text(tmp_path: Path, name: str = "out.bib", **options) -> str:
    result = jobs.export_bibtex(library(tmp_path), tmp_path / name, **options)
    return result.path.read_text(encoding="utf-8")


class CancelAfter:
    """A `cancelled` callback that turns True after it has answered False `calls` times."""

    def __init__(self, calls: int) -> None:
        self.calls, self.asked = calls, 0

    def __call__(self) -> bool:
        self.asked += 1
        return self.asked > self.calls


# --- display columns and raw fields ------------------------------------------------------


def test_title_latex_becomes_unicode_without_braces(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    assert paper(tmp_path, "tse2019").title == "Neural Machine öber & Translation"


def test_authors_are_given_family_joined_by_semicolons(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    found = paper(tmp_path, "tse2019")
    assert found.authors == "Anna Tse; Bob Müller; Carl Diaz"
    assert found.authors_short == "Tse et al."


def test_year_comes_from_date(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    assert paper(tmp_path, "tse2019").year == 2019


def test_venue_comes_from_journaltitle_with_macro_expanded(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    assert paper(tmp_path, "tse2019").venue == "Journal of Machine Learning"


def test_doi_url_is_normalised_to_lower_case(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    assert paper(tmp_path, "tse2019").doi == "10.1000/abc"


def test_arxiv_id_from_eprint_and_archiveprefix(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    assert paper(tmp_path, "tse2019").arxiv == "1905.01234"


def test_raw_fields_are_kept_exactly_as_written(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    fields = dict(paper(tmp_path, "tse2019").fields)
    assert fields["title"] == '{{Neural} Machine {\\"o}ber \\& {Translation}}'
    assert fields["journaltitle"] == "jml"
    assert fields["doi"] == "{https://doi.org/10.1000/ABC}"


def test_raw_fields_keep_file_order(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    names = [name for name, _ in paper(tmp_path, "tse2019").fields]
    assert names == ["title", "author", "date", "journaltitle", "doi", "eprint", "archiveprefix"]


def test_crossref_child_shows_parent_booktitle_and_year(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    child = paper(tmp_path, "child")
    assert (child.venue, child.year) == ("Proceedings of Conf", 2020)


def test_crossref_child_stored_fields_stay_raw(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    child = paper(tmp_path, "child")
    assert child.fields == (("title", "{Child paper}"), ("author", "{Doe, Jane}"), ("crossref", "{conf2020}"))


def test_import_report_counts_the_entries(tmp_path: Path) -> None:
    report = import_text(tmp_path, MAIN)
    assert report.imported == 4
    assert not report.duplicates and not report.failed and not report.renamed


# --- duplicates ---------------------------------------------------------------------------


def test_duplicate_key_against_library_is_reported_and_skipped(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    report = import_text(tmp_path, "% again\n@misc{LONE,\n  title = {Other},\n}\n", name="again.bib")
    assert report.imported == 0
    assert [(problem.line, problem.key) for problem in report.duplicates] == [(2, "LONE")]
    assert "already in the library" in report.duplicates[0].reason
    assert report.duplicates[0].raw.startswith("@misc{LONE,")
    assert paper(tmp_path, "lone").title == "Lone Paper"


def test_file_with_a_key_already_in_the_library_exports_back_byte_for_byte(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    import_text(tmp_path, "% again\n@misc{LONE,\n  title = {Other},\n}\n@misc{new, title = {N}}\n", name="again.bib")
    jobs.export_bibtex(library(tmp_path), tmp_path / "back.bib", file_of="again.bib")
    assert (tmp_path / "back.bib").read_bytes() == (tmp_path / "again.bib").read_bytes()


def test_duplicate_key_inside_one_file_is_reported_with_its_line(tmp_path: Path) -> None:
    text = MAIN + "\n@misc{tse2019,\n  title = {Second one},\n}\n"
    report = import_text(tmp_path, text)
    line = text.count("\n", 0, text.index("@misc{tse2019")) + 1
    assert [(problem.line, problem.key) for problem in report.duplicates] == [(line, "tse2019")]
    assert report.imported == 4
    assert paper(tmp_path, "tse2019").title == "Neural Machine öber & Translation"


def test_file_with_duplicates_exports_back_byte_for_byte(tmp_path: Path) -> None:
    text = MAIN + "\n@misc{tse2019,\n  title = {Second one},\n}\n"
    import_text(tmp_path, text)
    jobs.export_bibtex(library(tmp_path), tmp_path / "back.bib", file_of="main.bib")
    assert (tmp_path / "back.bib").read_bytes() == (tmp_path / "main.bib").read_bytes()


def test_export_file_of_keeps_crlf_bom_and_encoding(tmp_path: Path) -> None:
    path = tmp_path / "win.bib"
    path.write_bytes("\ufeff".encode("utf-16-le") + MAIN.replace("\n", "\r\n").encode("utf-16-le"))
    jobs.import_bibtex(library(tmp_path), [path], workers=1)
    jobs.export_bibtex(library(tmp_path), tmp_path / "back.bib", file_of=str(path))
    assert (tmp_path / "back.bib").read_bytes() == path.read_bytes()


def test_duplicate_doi_is_reported(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    report = import_text(tmp_path, "@article{other,\n  doi = {10.1000/abc},\n}\n", name="other.bib")
    assert report.imported == 0
    assert [problem.key for problem in report.duplicates] == ["other"]
    assert "10.1000/abc" in report.duplicates[0].reason


def test_duplicate_doi_inside_one_file_is_reported(tmp_path: Path) -> None:
    text = "@article{a, doi = {10.5555/X}}\n@article{b, doi = {doi:10.5555/x}}\n"
    report = import_text(tmp_path, text)
    assert report.imported == 1
    assert [(problem.line, problem.key) for problem in report.duplicates] == [(2, "b")]


def test_allow_duplicates_imports_under_a_suffixed_key(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    report = import_text(tmp_path, "@misc{lone,\n  title = {Other},\n}\n", name="again.bib", allow_duplicates=True)
    assert report.imported == 1
    assert report.renamed == [("lone", "lone-2")]
    assert paper(tmp_path, "lone-2").title == "Other"


def test_allow_duplicates_takes_the_next_free_suffix(tmp_path: Path) -> None:
    text = "@misc{k, title = {1}}\n@misc{k, title = {2}}\n@misc{k, title = {3}}\n"
    report = import_text(tmp_path, text, allow_duplicates=True)
    assert report.imported == 3
    assert keys_in_library(tmp_path) == ["k", "k-2", "k-3"]


def test_exported_renamed_entry_carries_its_new_key(tmp_path: Path) -> None:
    import_text(tmp_path, "@misc{k, title = {1}}\n@misc{k, title = {2}}\n", allow_duplicates=True)
    text = export_text(tmp_path, keys=["k-2"])
    assert text.startswith("@misc{k-2, title = {2}}")


# --- keys and failed blocks ---------------------------------------------------------------


def test_entry_without_key_gets_a_generated_key(tmp_path: Path) -> None:
    report = import_text(tmp_path, "@misc{,\n  author = {Knuth, Donald},\n  title = {No key},\n  year = 1984,\n}\n")
    assert report.imported == 1
    assert report.renamed == [("", "Knuth1984")]
    assert paper(tmp_path, "Knuth1984").title == "No key"


def test_generated_keys_do_not_clash(tmp_path: Path) -> None:
    text = "@misc{, author = {Knuth, Donald}, year = 1984}\n@misc{, author = {Knuth, Don}, year = 1984}\n"
    import_text(tmp_path, text)
    assert keys_in_library(tmp_path) == ["Knuth1984", "Knuth1984-2"]


def test_failed_block_is_reported_and_other_entries_are_imported(tmp_path: Path) -> None:
    text = "@misc{before, title = {B}}\n@article{broken\n  title = {x},\n}\n@misc{after, title = {A}}\n"
    report = import_text(tmp_path, text)
    assert keys_in_library(tmp_path) == ["before", "after"]
    (problem,) = report.failed
    assert problem.line == 2
    assert problem.reason.strip()
    assert problem.raw.startswith("@article{broken")
    assert problem.source.endswith("main.bib")


def test_file_with_failed_block_exports_back_byte_for_byte(tmp_path: Path) -> None:
    text = "@misc{before, title = {B}}\n@article{broken\n  title = {x},\n}\n@misc{after, title = {A}}\n"
    import_text(tmp_path, text)
    jobs.export_bibtex(library(tmp_path), tmp_path / "back.bib", file_of="main.bib")
    assert (tmp_path / "back.bib").read_bytes() == text.encode("utf-8")


# --- cancelling and errors ----------------------------------------------------------------


@pytest.mark.parametrize("calls", range(6))
def test_cancelling_leaves_the_library_as_it_was(tmp_path: Path, calls: int) -> None:
    import_text(tmp_path, MAIN)
    before = snapshot(library(tmp_path))
    first = write(tmp_path, "first.bib", "@misc{first, title = {First paper}}\n")
    second = write(tmp_path, "second.bib", "@misc{second, title = {Second paper}}\n")
    with pytest.raises(Cancelled):
        jobs.import_bibtex(library(tmp_path), [first, second], cancelled=CancelAfter(calls), workers=1)
    assert snapshot(library(tmp_path)) == before


def test_library_still_indexes_new_papers_after_a_cancel(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    with pytest.raises(Cancelled):
        import_text(tmp_path, "@misc{x, title = {Zebra}}\n", name="x.bib", cancelled=CancelAfter(2))
    db = open_library(library(tmp_path))
    try:
        db.execute("UPDATE papers SET title = 'Quagga' WHERE citekey = 'lone'")
        db.conn.commit()
        found = db.execute("SELECT rowid FROM papers_fts WHERE papers_fts MATCH 'quagga'").fetchall()
    finally:
        db.close()
    assert len(found) == 1


def test_missing_file_raises_before_the_library_is_created(tmp_path: Path) -> None:
    with pytest.raises(CitedeskError, match="No such file"):
        jobs.import_bibtex(library(tmp_path), [tmp_path / "missing.bib"], workers=1)
    assert not library(tmp_path).exists()


def test_folder_instead_of_file_raises(tmp_path: Path) -> None:
    with pytest.raises(CitedeskError, match="folder"):
        jobs.import_bibtex(library(tmp_path), [tmp_path], workers=1)


def test_several_files_are_one_transaction(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    before = snapshot(library(tmp_path))
    good = write(tmp_path, "good.bib", "@misc{good, title = {Good}}\n")
    with pytest.raises(CitedeskError):
        jobs.import_bibtex(library(tmp_path), [good, tmp_path / "missing.bib"], workers=1)
    assert snapshot(library(tmp_path)) == before


def test_several_files_import_together(tmp_path: Path) -> None:
    first = write(tmp_path, "first.bib", "@misc{first, title = {First}}\n")
    second = write(tmp_path, "second.bib", "@misc{second, title = {Second}}\n")
    report = jobs.import_bibtex(library(tmp_path), [first, second], workers=1)
    assert report.imported == 2
    assert report.files == [str(first), str(second)]
    assert keys_in_library(tmp_path) == ["first", "second"]


def test_progress_ends_at_total(tmp_path: Path) -> None:
    first = write(tmp_path, "first.bib", MAIN)
    second = write(tmp_path, "second.bib", "@misc{second, title = {Second}}\n")
    calls: list[tuple[int, int]] = []
    jobs.import_bibtex(library(tmp_path), [first, second], progress=lambda *args: calls.append(args), workers=1)
    total = first.stat().st_size + second.stat().st_size
    assert calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_progress_ends_at_total_when_a_file_is_refused(tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    (tmp_path / "empty.bib").write_text("\n")
    (tmp_path / "main.bib").write_text(MAIN, encoding="utf-8")
    report = jobs.import_bibtex(
        tmp_path / "lib.sqlite",
        [tmp_path / "main.bib", tmp_path / "empty.bib"],
        progress=lambda *args: calls.append(args),
    )
    done, total = calls[-1]
    assert done == total
    assert [problem.source for problem in report.refused] == [str(tmp_path / "empty.bib")]


# --- export -------------------------------------------------------------------------------


def test_export_of_selected_keys_includes_needed_strings(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    text = export_text(tmp_path, keys=["tse2019"])
    assert "@string{jml = {Journal of Machine Learning}}" in text
    assert "journaltitle = jml," in text
    assert "@misc{lone" not in text


def test_export_of_a_crossref_child_includes_its_parent(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    text = export_text(tmp_path, keys=["child"])
    assert "@inproceedings{child," in text
    assert "@proceedings{conf2020," in text
    assert text.index("@inproceedings{child,") < text.index("@proceedings{conf2020,")


def test_exported_selection_imports_again_with_the_same_columns(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    export_text(tmp_path, keys=["tse2019", "child"])
    other = tmp_path / "other"
    other.mkdir()
    report = jobs.import_bibtex(other / "library.sqlite", [tmp_path / "out.bib"], workers=1)
    assert report.imported == 3 and not report.failed
    db = open_library(other / "library.sqlite")
    try:
        for key in ("tse2019", "child"):
            again = paper_by_key(db, key)
            first = paper(tmp_path, key)
            for column in ("title", "authors", "year", "venue", "doi", "arxiv", "fields"):
                assert getattr(again, column) == getattr(first, column)
    finally:
        db.close()


def test_export_of_an_unknown_key_raises(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    with pytest.raises(CitedeskError, match="nope"):
        export_text(tmp_path, keys=["nope"])
    assert not (tmp_path / "out.bib").exists()


def test_export_of_everything(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    result = jobs.export_bibtex(library(tmp_path), tmp_path / "all.bib")
    text = result.path.read_text(encoding="utf-8")
    assert result.entries == 4
    assert result.size == len(text.encode("utf-8"))
    for key in ("tse2019", "conf2020", "child", "lone"):
        assert f"{{{key}," in text


def test_seven_bit_export_writes_latex_accents(tmp_path: Path) -> None:
    import_text(tmp_path, "@article{s, author = {Schröder, Jörg}, title = {Über Größe}}\n")
    text = export_text(tmp_path, keys=["s"], seven_bit=True)
    assert '{\\"o}' in text
    assert "ö" not in text
    assert text.isascii()


def test_export_without_seven_bit_keeps_unicode(tmp_path: Path) -> None:
    import_text(tmp_path, "@article{s, author = {Schröder, Jörg}}\n")
    assert "Schröder" in export_text(tmp_path, keys=["s"])


def test_export_to_missing_folder_raises_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    before = sorted(tmp_path.iterdir())
    with pytest.raises(CitedeskError, match="does not exist"):
        jobs.export_bibtex(library(tmp_path), tmp_path / "no" / "such" / "out.bib")
    assert sorted(tmp_path.iterdir()) == before
    assert not list(tmp_path.rglob("*.tmp"))


def test_reexport_replaces_the_existing_file(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    target = tmp_path / "out.bib"
    target.write_text("old content\n", encoding="utf-8")
    old_inode = target.stat().st_ino
    export_text(tmp_path, keys=["lone"])
    text = target.read_text(encoding="utf-8")
    assert "old content" not in text
    assert "@misc{lone," in text
    assert target.stat().st_ino != old_inode
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".tmp")] == []


def test_failed_reexport_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_text(tmp_path, MAIN)
    target = tmp_path / "out.bib"
    target.write_text("old content\n", encoding="utf-8")

    def full_disk(source: str, destination: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(CitedeskError, match="No space left"):
        jobs.export_bibtex(library(tmp_path), target, keys=["lone"])
    monkeypatch.undo()
    assert target.read_text(encoding="utf-8") == "old content\n"
    assert [path.name for path in tmp_path.iterdir() if path.name.endswith(".tmp")] == []


def test_export_file_of_unknown_file_raises(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    with pytest.raises(CitedeskError, match="No imported file"):
        jobs.export_bibtex(library(tmp_path), tmp_path / "x.bib", file_of="never.bib")


def test_fields_json_is_a_list_of_pairs(tmp_path: Path) -> None:
    import_text(tmp_path, MAIN)
    db = open_library(library(tmp_path))
    stored = db.execute("SELECT fields FROM papers WHERE citekey = 'lone'").fetchone()[0]
    db.close()
    assert json.loads(stored) == [["title", "{Lone Paper}"], ["year", "2001"]]
    assert paper(tmp_path, "lone").fields == (("title", "{Lone Paper}"), ("year", "2001"))


SAME_DOI = "@article{a, doi = {10.1000/x}}\n@article{b, doi = {10.1000/X}}\n"


def test_allow_duplicates_keeps_the_key_of_an_entry_whose_only_clash_is_its_doi(tmp_path: Path) -> None:
    report = import_text(tmp_path, SAME_DOI, allow_duplicates=True)
    assert report.imported == 2
    assert keys_in_library(tmp_path) == ["a", "b"]


def test_entry_kept_under_its_own_key_is_not_reported_as_renamed(tmp_path: Path) -> None:
    report = import_text(tmp_path, SAME_DOI, allow_duplicates=True)
    assert report.renamed == []


def test_a_key_repeated_within_one_file_is_named_with_the_line_it_first_had(tmp_path: Path) -> None:
    text = "@misc{twice,\n  title = {First},\n}\n\n@misc{Twice,\n  title = {Second},\n}\n"
    report = import_text(tmp_path, text, name="one.bib")
    [problem] = report.duplicates
    assert problem.line == 5
    assert problem.reason == "the citation key 'Twice' is used earlier in this file (line 1)"


def test_a_key_repeated_across_the_files_of_one_import_names_the_first_file(tmp_path: Path) -> None:
    (tmp_path / "a.bib").write_text("@misc{same,\n  title = {A},\n}\n", encoding="utf-8")
    (tmp_path / "b.bib").write_text("\n@misc{same,\n  title = {B},\n  doi = {10.1/x}\n}\n", encoding="utf-8")
    (tmp_path / "c.bib").write_text("@misc{other,\n  title = {C},\n  doi = {10.1/X}\n}\n", encoding="utf-8")
    report = jobs.import_bibtex(tmp_path / "lib.sqlite", [tmp_path / "a.bib", tmp_path / "b.bib"], workers=1)
    assert [problem.reason for problem in report.duplicates] == [
        "the citation key 'same' was imported from a.bib (line 1) earlier in this import"
    ]
    again = jobs.import_bibtex(tmp_path / "lib.sqlite", [tmp_path / "a.bib", tmp_path / "c.bib"], workers=1)
    assert [problem.reason for problem in again.duplicates] == ["the citation key 'same' is already in the library"]
