"""`citedesk import` reads every installed format and `citedesk export --format NAME` writes it, through the
real command line; what a format cannot do is said in one sentence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
RISPY = CORPUS / "ris" / "rispy" / "tests" / "data"
JABREF_RIS = (
    CORPUS
    / "ris"
    / "jabref"
    / "jablib"
    / "src"
    / "test"
    / "resources"
    / "org"
    / "jabref"
    / "logic"
    / "importer"
    / "fileformat"
)
BBT = CORPUS / "csl-json" / "zotero-better-bibtex" / "test" / "fixtures" / "export"
CSL = BBT / "Date export to Better CSL-JSON #360 #811.csl.json"  # 15 items
BIB = CORPUS / "bibtex" / "python-bibtexparser" / "v1" / "bibtexparser" / "tests" / "data" / "article_with_strings.bib"


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return {
        **os.environ,
        "CITEDESK_LIBRARY": str(tmp_path / "library.sqlite"),
        "HOME": str(tmp_path),
    }


def run(*args: object, env: dict[str, str], ok: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "citedesk", *map(str, args)],
        env=env,
        capture_output=True,
        encoding="utf-8",
        check=False,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert (result.returncode == 0) == ok, result.stderr
    return result


def test_import_says_which_formats_it_reads(env):
    help_text = " ".join(run("import", "--help", env=env).stdout.split())
    assert "BibTeX (.bib, .bibtex, .biblatex), RIS (.ris), CSL JSON (.json)" in help_text


def test_import_reads_ris_and_csl_json_beside_bibtex_whatever_their_names(env, tmp_path):
    disguised = tmp_path / "from-pubmed.txt"
    disguised.write_bytes((JABREF_RIS / "RisImporterTestDOI.ris").read_bytes())
    result = run("import", RISPY / "example_full.ris", disguised, CSL, BIB, env=env)
    assert result.stdout.startswith("Imported 18 entries from 4 files; 1 duplicate skipped")
    listed = run("list", "smartphone", env=env).stdout
    assert "Jung et al." in listed and "The effect of smartphone usage time" in listed


def test_problems_are_lines_and_a_file_without_records_is_refused_in_one_sentence(env):
    result = run("import", JABREF_RIS / "RisImporterCorrupted.ris", env=env, ok=False)
    lines = result.stderr.splitlines()
    assert (
        lines[0]
        == f"citedesk: {JABREF_RIS / 'RisImporterCorrupted.ris'} is not a RIS file: no record in it could be read"
    )
    assert len(lines) == 1


def test_a_file_no_format_reads_is_refused_naming_the_formats(env, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("Papers to read.\n", encoding="utf-8")
    result = run("import", notes, env=env, ok=False)
    assert result.stderr.strip() == (
        f"citedesk: {notes} is not a BibTeX file: there is no BibTeX in it (no "
        "@article{…}, @book{…} or other block), nor is it RIS or CSL JSON"
    )


def test_export_writes_the_format_named_or_the_one_of_the_extension(env, tmp_path):
    run("import", CSL, env=env)
    run("export", "-o", tmp_path / "all.ris", env=env)
    run("export", "-o", tmp_path / "all.txt", "--format", "csljson", env=env)
    run("export", "-o", tmp_path / "all.bib", env=env)
    assert (tmp_path / "all.ris").read_text(encoding="utf-8").count("TY  - ") == 15
    items = json.loads((tmp_path / "all.txt").read_text(encoding="utf-8"))
    assert len(items) == 15 and items[0]["id"] == "doe10_edtf_2011"
    assert "@online{doe10_edtf_2011," in (tmp_path / "all.bib").read_text(encoding="utf-8")


def test_byte_for_byte_export_is_bibtex_only_and_says_so(env, tmp_path):
    run("import", BIB, RISPY / "example_basic.ris", env=env)
    refused = run(
        "export",
        "-o",
        tmp_path / "x.ris",
        "--file-of",
        BIB.name,
        "--format",
        "ris",
        env=env,
        ok=False,
    )
    assert refused.stderr.strip() == (
        "citedesk: RIS does not rebuild imported files byte for byte; only a BibTeX file is exported as it was imported"
    )
    refused = run(
        "export",
        "-o",
        tmp_path / "x.bib",
        "--file-of",
        "example_basic.ris",
        env=env,
        ok=False,
    )
    assert refused.stderr.strip() == (
        "citedesk: example_basic.ris was imported from RIS, and only BibTeX files are "
        "rebuilt byte for byte; export its papers instead"
    )
    run("export", "-o", tmp_path / "same.bib", "--file-of", BIB.name, env=env)
    assert (tmp_path / "same.bib").read_bytes() == BIB.read_bytes()
    latex = run("export", "-o", tmp_path / "x.json", "--latex", env=env, ok=False)
    assert latex.stderr.strip() == "citedesk: Writing letters as LaTeX is for BibTeX, not CSL JSON"
