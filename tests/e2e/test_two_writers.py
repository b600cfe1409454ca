"""Two processes writing one library: the second waits for the first instead of failing with "locked"."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import BIBTEX, make_env, run
from writers import hold_write_lock

from citedesk import jobs
from citedesk.library.db import open_library

COLING = BIBTEX / "acl-anthology-split" / "outputs" / "bibs" / "bibs_C_coling" / "all_C_coling.bib.gz"
STRINGS_FILE = BIBTEX / "biber" / "t" / "tdata" / "encoding3.bib"  # one entry, test1
GRAL = BIBTEX / "typst-biblatex" / "tests" / "fixtures" / "valid" / "gral.bib"


def paper_count(library: Path) -> int:
    db = open_library(library)
    try:
        return db.execute("SELECT count(*) FROM papers").fetchone()[0]
    finally:
        db.close()


@pytest.fixture
def library(tmp_path: Path) -> Path:
    path = tmp_path / "library.sqlite"
    jobs.import_bibtex(path, [GRAL])
    return path


def test_an_import_waits_for_another_writer_and_then_succeeds(library, tmp_path):
    before = paper_count(library)
    holder = hold_write_lock(library, 2.0)

    result = run("import", STRINGS_FILE, env=make_env(library))

    assert holder.communicate(timeout=10)[0].strip() == "released"
    assert f"citedesk: waiting for another CiteDesk to finish writing to {library}…" in result.stderr
    assert paper_count(library) == before + 1


def test_two_imports_at_once_both_succeed(library, tmp_path):
    acl = tmp_path / "coling.bib"
    acl.write_bytes(gzip.decompress(COLING.read_bytes()))
    before = paper_count(library)
    env = make_env(library)
    first = subprocess.Popen(
        [sys.executable, "-m", "citedesk", "import", str(acl)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    second = run("import", STRINGS_FILE, env=env)
    out, err = first.communicate(timeout=120)

    assert first.returncode == 0, err
    assert "Traceback" not in err and second.stdout.startswith("Imported 1 entry")
    assert paper_count(library) == before + 1 + int(out.split()[1].replace(",", ""))


def test_a_writer_that_waits_too_long_gives_up_in_one_sentence(library, monkeypatch):
    monkeypatch.setattr("citedesk.library.db.WAIT_SECONDS", 1)
    holder = hold_write_lock(library, 4.0)
    try:
        with pytest.raises(Exception, match=r"Another program has been writing to the library .* for more than 1 s"):
            jobs.tag_papers(library, [1], name="reading")
    finally:
        holder.communicate(timeout=10)
