"""`citedesk show KEY --explain` through the real command line, on the small library of tests/conftest.py: the
paper's header line, then the explanation's paragraphs wrapped like the rest of `show`, and nothing else."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from citedesk.library.db import open_library
from citedesk.library.explanation import explain_paper

KEY = "tse2017"


def run_show(library: Path, *args: str) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "citedesk", "--library", str(library), "show", *args],
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    return result


def test_explain_prints_the_header_then_the_paragraphs_wrapped(small_library):
    lines = run_show(small_library, KEY, "--explain").stdout.splitlines()
    assert lines[0] == (
        "tse2017  (2017)  A one-year longitudinal qualitative study of peer support services in a non-Western context"
    )
    assert all(len(line) <= 88 and line.startswith("  ") for line in lines[1:] if line)
    printed = " ".join(line.strip() if line else "\n" for line in lines[1:]).split("\n")
    paragraphs = [paragraph.strip() for paragraph in printed if paragraph.strip()]
    db = open_library(small_library)
    try:
        paper_id = db.execute("SELECT id FROM papers WHERE citekey = ?", [KEY]).fetchone()[0]
        citing_works, statements = db.execute(
            "SELECT count(DISTINCT c.citing_work_id), count(s.id) FROM works w JOIN citations c "
            "ON c.cited_work_id = w.id JOIN statements s ON s.citation_id = c.id WHERE w.paper_id = ?",
            [paper_id],
        ).fetchone()
        assert paragraphs == list(explain_paper(db, paper_id, {}).paragraphs)
    finally:
        db.close()
    assert (citing_works, statements) == (4, 5)
    assert paragraphs[0].startswith(
        "The library stores 4 citing publications and 5 citation statements for this paper. By type: 1 supporting "
        "(20%), 2 mentioning (40%), 1 contrasting (20%) and 1 unclassified (20%)."
    )
    assert "BibTeX fields" not in "\n".join(lines)  # the explanation only


def test_show_without_explain_is_unchanged(small_library):
    out = run_show(small_library, KEY).stdout
    assert "BibTeX fields" in out and "The library stores" not in out
