"""A library damaged in the middle: one sentence (never a traceback) from the jobs and the command line, and
`citedesk repair`, which copies what can be read into a new library and keeps the damaged file."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from damaged import AUTHORS_BIB, overwrite_pages, pages_of, papers

from citedesk import jobs
from citedesk.library import queries, repair
from citedesk.library.damage import LibraryDamaged, NotALibrary
from citedesk.library.db import open_library
from citedesk.library.listing import ListQuery
from citedesk.model import CitedeskError

pytestmark = pytest.mark.skipif(not AUTHORS_BIB.exists(), reason="needs the shared corpus")


def citedesk(*args: object) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "citedesk", *map(str, args)], capture_output=True, encoding="utf-8", timeout=120
    )
    assert "Traceback" not in result.stderr, result.stderr
    return result


def damage_line(result: subprocess.CompletedProcess, library: Path) -> str:
    """The one line a command that met the damage printed, with exit status 1."""
    assert result.returncode == 1, result
    [line] = result.stderr.splitlines()
    assert line.startswith(f"citedesk: The library file {library} is damaged (database disk image is malformed): ")
    assert f"`citedesk repair --library {library}`" in line
    return line


def shell_recovers() -> bool:
    """Whether the sqlite3 shell here has a working .recover (some builds lack the pieces it needs)."""
    shell = shutil.which("sqlite3")
    if shell is None:
        return False
    result = subprocess.run([shell, ":memory:", ".recover"], capture_output=True, timeout=30)
    return result.returncode == 0 and b"sql error" not in result.stderr


def test_the_commands_say_in_one_sentence_that_the_library_is_damaged(damaged: Path, clean: Path) -> None:
    damage_line(citedesk("--library", damaged, "list"), damaged)
    damage_line(citedesk("--library", damaged, "export", "-o", damaged.parent / "out.bib"), damaged)
    damage_line(citedesk("--library", damaged, "import", AUTHORS_BIB, "--allow-duplicates"), damaged)
    lost = sorted(set(papers(clean)) - set(papers(repaired_copy(damaged))))
    damage_line(citedesk("--library", damaged, "show", lost[0]), damaged)
    for command in ("stats",), ("list", "author"):  # the damage may lie where they do not read
        result = citedesk("--library", damaged, *command)
        if result.returncode:
            damage_line(result, damaged)
    assert not (damaged.parent / "out.bib").exists()


def repaired_copy(damaged: Path) -> Path:
    output = damaged.with_name("probe.sqlite")
    if not output.exists():
        repair.repair_library(damaged, output, shell=None)
    return output


def test_jobs_raise_library_damaged_for_reads_and_writes(damaged: Path) -> None:
    with pytest.raises(LibraryDamaged) as caught:
        jobs.export_listed(damaged, damaged.parent / "out.bib", query=ListQuery())
    assert caught.value.path == damaged
    with pytest.raises(LibraryDamaged):
        jobs.import_bibtex(damaged, [AUTHORS_BIB], allow_duplicates=True, workers=1)


def test_repair_in_place_keeps_the_damaged_file_and_recovers_most_papers_exactly(damaged: Path, clean: Path) -> None:
    damaged_bytes = damaged.read_bytes()
    result = citedesk("repair", "--library", damaged)
    assert result.returncode == 0, result.stderr
    [kept] = damaged.parent.glob("library.damaged-*.sqlite")
    assert kept.read_bytes() == damaged_bytes
    assert result.stdout.startswith("Recovered ") and f"the damaged file is kept as {kept}." in result.stdout
    original, recovered = papers(clean), papers(damaged)
    assert 0.6 * len(original) <= len(recovered) < len(original)
    assert all(original[key] == row for key, row in recovered.items())  # nothing garbled came back
    listed = citedesk("--library", damaged, "list")
    assert listed.returncode == 0, listed.stderr
    assert len(listed.stdout.splitlines()) == len(recovered)
    with closing(sqlite3.connect(damaged)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_repair_row_by_row_steps_over_the_damage_and_reads_past_it(damaged: Path, clean: Path) -> None:
    output = damaged.with_name("repaired.sqlite")
    done = repair.repair_library(damaged, output, shell=None)
    assert done.method == repair.ROW_METHOD and done.skipped_ranges >= 1
    assert not done.in_place and done.library == output and done.damaged == damaged
    assert done.papers == len(papers(output))
    with closing(sqlite3.connect(clean)) as conn:
        last = conn.execute("SELECT max(id) FROM papers").fetchone()[0]
    with closing(sqlite3.connect(output)) as conn:
        assert conn.execute("SELECT max(id) FROM papers").fetchone()[0] == last  # the rows after the damage too
        conn.execute("INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)")  # index = rows
        key = conn.execute("SELECT citekey FROM papers WHERE id = ?", [last]).fetchone()[0]
    with closing(open_library(output)) as db:
        assert key in [row.citekey for row in queries.search_papers(db, f'"{key}"')]
    exported = jobs.export_bibtex(output, damaged.parent / "out.bib")
    assert exported.entries == done.papers


def test_repair_to_an_output_leaves_the_damaged_library_as_it_was(damaged: Path) -> None:
    damaged_bytes = damaged.read_bytes()
    output = damaged.parent / "new" / "fixed.sqlite"
    output.parent.mkdir()
    result = citedesk("repair", "--library", damaged, "--output", output)
    assert result.returncode == 0, result.stderr
    assert f"open the new one with --library {output}" in result.stdout
    assert damaged.read_bytes() == damaged_bytes and not list(damaged.parent.glob("*.damaged-*"))
    assert citedesk("--library", output, "list").returncode == 0
    again = citedesk("repair", "--library", damaged, "--output", output)
    assert (
        again.returncode == 1
        and again.stderr
        == f"citedesk: {output} exists already: name a new file for the repaired library with --output\n"
    )
    assert [path.name for path in output.parent.iterdir()] == ["fixed.sqlite"]


def test_a_sqlite3_shell_that_fails_falls_back_to_the_row_by_row_copy(damaged: Path) -> None:
    done = repair.repair_library(
        damaged, damaged.with_name("fixed.sqlite"), shell=shutil.which("false") or "/bin/false"
    )
    assert done.method == repair.ROW_METHOD and done.papers > 100


@pytest.mark.skipif(not shell_recovers(), reason="the sqlite3 shell here has no working .recover")
def test_repair_uses_the_sqlite3_shell_when_its_recover_works(damaged: Path, clean: Path) -> None:
    done = repair.repair_library(damaged, damaged.with_name("fixed.sqlite"))
    assert done.method == repair.SHELL_METHOD
    original, recovered = papers(clean), papers(done.library)
    assert 0.6 * len(original) <= len(recovered) <= len(original)
    open_library(done.library).close()


def test_rows_pointing_at_lost_rows_are_cleared_or_dropped(clean: Path, tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    shutil.copyfile(clean, library)
    overwrite_pages(library, pages_of(clean, "source_files") + pages_of(clean, "tags"))
    done = repair.repair_library(library, tmp_path / "fixed.sqlite", shell=None)
    assert done.papers == len(papers(clean))
    with closing(sqlite3.connect(done.library)) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT count(*) FROM papers WHERE source_file_id IS NOT NULL").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM file_blocks").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM paper_tags").fetchone() == (0,)


def test_changes_still_in_the_write_ahead_log_are_recovered_and_kept(clean: Path, tmp_path: Path) -> None:
    session, library = tmp_path / "session.sqlite", tmp_path / "library.sqlite"
    shutil.copyfile(clean, session)
    with closing(sqlite3.connect(session)) as writer:  # a copy taken while a session's last change is in its log
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("UPDATE papers SET title = 'Changed at the end' WHERE id = 1")
        writer.commit()
        shutil.copyfile(session, library)
        shutil.copyfile(f"{session}-wal", f"{library}-wal")
    overwrite_pages(library, pages_of(clean, "papers")[40:44])
    done = repair.repair_library(library, shell=None)
    assert done.in_place and done.library == library
    with closing(sqlite3.connect(library)) as conn:
        assert conn.execute("SELECT title FROM papers WHERE id = 1").fetchone() == ("Changed at the end",)
    assert Path(f"{done.damaged}-wal").stat().st_size > 0


def test_a_file_that_is_no_sqlite_database_is_named_so(tmp_path: Path) -> None:
    not_a_library = tmp_path / "refs.bib"
    not_a_library.write_bytes(AUTHORS_BIB.read_bytes())
    with pytest.raises(NotALibrary, match="it is not a CiteDesk library"):
        open_library(not_a_library)
    with pytest.raises(CitedeskError, match="Nothing could be read"):
        repair.repair_library(not_a_library, tmp_path / "fixed.sqlite", shell=None)
    assert not (tmp_path / "fixed.sqlite").exists() and [p.name for p in tmp_path.iterdir()] == ["refs.bib"]


def test_repair_of_a_missing_library_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(CitedeskError, match="There is no library file at"):
        repair.repair_library(tmp_path / "none.sqlite")


def test_damage_to_the_list_of_tables_is_found_when_the_library_opens(clean: Path, tmp_path: Path) -> None:
    library = tmp_path / "library.sqlite"
    shutil.copyfile(clean, library)
    overwrite_pages(library, pages_of(clean, "sqlite_schema")[1:2])
    damage_line(citedesk("--library", library, "stats"), library)
    with pytest.raises(LibraryDamaged):
        open_library(library)


def test_a_library_named_by_a_symlink_is_repaired_where_the_link_points(damaged: Path, tmp_path: Path) -> None:
    link = tmp_path / "elsewhere" / "my-library.sqlite"
    link.parent.mkdir()
    link.symlink_to(damaged)
    done = repair.repair_library(link, shell=None)
    assert link.is_symlink() and link.resolve() == damaged == done.library
    assert done.damaged.parent == damaged.parent and done.damaged.name.startswith("library.damaged-")
    assert len(papers(link)) == done.papers


def test_repair_into_a_folder_that_does_not_exist_is_refused(damaged: Path, tmp_path: Path) -> None:
    with pytest.raises(CitedeskError, match="does not exist"):
        repair.repair_library(damaged, tmp_path / "no" / "such" / "fixed.sqlite")
    assert not (tmp_path / "no").exists()
