"""The whole BibTeX corpus in ../shared: import, export, and compare bytes and parsed entries."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser import model

from citedesk import jobs
from citedesk.library import exporter
from citedesk.library.bibtex.encoding import decode_bytes
from citedesk.library.db import open_library

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "bibtex"
SUFFIXES = {".bib", ".bibtex", ".biblatex"}


def corpus_files() -> list[Path]:
    return sorted(path for path in CORPUS.rglob("*") if path.suffix in SUFFIXES)


def entries_of(text: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(type, key, raw fields) of every entry bibtexparser finds, duplicates included."""
    library = bibtexparser.parse_string(text, parse_stack=[])
    found = []
    for block in library.blocks:
        if isinstance(block, model.DuplicateBlockKeyBlock):
            block = block.ignore_error_block
        if isinstance(block, model.Entry):
            found.append((block.entry_type, block.key, [(f.key, f.value) for f in block.fields]))
    return found


@pytest.fixture(scope="module")
def corpus_library(tmp_path_factory):
    """One library holding every corpus file, imported in one call."""
    path = tmp_path_factory.mktemp("corpus") / "library.sqlite"
    report = jobs.import_bibtex(path, corpus_files())
    db = open_library(path)
    yield db, report
    db.close()


def test_the_corpus_is_there():
    assert len(corpus_files()) > 900


def test_every_file_exports_byte_for_byte(corpus_library):
    db, report = corpus_library
    files = db.execute("SELECT id, path FROM source_files ORDER BY id").fetchall()
    different = [path for file_id, path in files if exporter.file_bytes(db, file_id) != Path(path).read_bytes()]
    assert len(files) + len(report.refused) == len(corpus_files())
    assert len(different) <= len(files) // 100, different
    assert different == []  # better than the 99% asked for: every file


def test_only_files_without_bibtex_are_refused(corpus_library):
    """The corpus's empty files, and one that holds only a `% Encoding:` line, are refused; nothing else."""
    _, report = corpus_library
    refused = {Path(problem.source) for problem in report.refused}
    assert 0 < len(refused) < 10
    for path in refused:
        assert b"{" not in path.read_bytes() and b"(" not in path.read_bytes(), path


def test_every_export_parses_to_the_same_entries(corpus_library):
    db, _ = corpus_library
    for file_id, path in db.execute("SELECT id, path FROM source_files").fetchall():
        original = decode_bytes(Path(path).read_bytes()).text
        exported = decode_bytes(exporter.file_bytes(db, file_id)).text
        assert entries_of(exported) == entries_of(original), path


def test_every_failed_block_is_reported_with_line_and_reason_and_kept(corpus_library):
    db, report = corpus_library
    assert report.failed, "the corpus has malformed blocks"
    for problem in report.failed:
        assert problem.line >= 1 and problem.reason and problem.raw.strip(), problem
        text = decode_bytes(Path(problem.source).read_bytes()).text
        assert problem.raw in text
    stored = db.execute("SELECT count(*) FROM file_blocks WHERE kind = 'failed'").fetchone()[0]
    assert stored == len(report.failed)


def test_every_entry_is_either_a_paper_or_a_reported_duplicate(corpus_library):
    db, report = corpus_library
    parsed = sum(len(entries_of(decode_bytes(path.read_bytes()).text)) for path in corpus_files())
    assert report.imported == db["papers"].count
    assert report.imported + len(report.duplicates) == parsed


def test_library_export_parses_back_to_the_stored_fields(corpus_library, tmp_path):
    db, _ = corpus_library
    out = tmp_path / "all.bib"
    jobs.export_bibtex(db.execute("PRAGMA database_list").fetchone()[2], out)
    exported = {key: (kind, fields) for kind, key, fields in entries_of(out.read_bytes().decode("utf-8"))}
    stored = db.execute("SELECT citekey, entry_type, fields FROM papers").fetchall()
    for key, entry_type, fields in stored:
        kind, exported_fields = exported[key]
        assert kind.lower() == entry_type and [list(pair) for pair in exported_fields] == json.loads(fields), key


def test_the_acl_anthology_round_trips(tmp_path):
    acl = tmp_path / "acl.bib"
    parts = sorted((CORPUS / "acl-anthology-split" / "outputs" / "bibs").glob("*/all_*.bib.gz"))
    acl.write_bytes(b"".join(gzip.decompress(part.read_bytes()) for part in parts))
    report = jobs.import_bibtex(tmp_path / "acl.sqlite", [acl], workers=2)
    assert report.imported + len(report.duplicates) == 33_885  # the 34,576 blocks less 691 @comments
    out = tmp_path / "out.bib"
    jobs.export_bibtex(tmp_path / "acl.sqlite", out, file_of="acl.bib")
    assert out.read_bytes() == acl.read_bytes()
