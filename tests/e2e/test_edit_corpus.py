"""Editing one field of every corpus file's first entry changes only that field's bytes in the file's export."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from citedesk import jobs
from citedesk.library.bibtex.encoding import decode_bytes, encode_text
from citedesk.library.bibtex.reader import split_segments
from citedesk.library.db import open_library

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "bibtex"
SUFFIXES = {".bib", ".bibtex", ".biblatex"}
NEW_TEXT = "Edited by the corpus test"


def corpus_files() -> list[Path]:
    return sorted(path for path in CORPUS.rglob("*") if path.suffix in SUFFIXES)


@pytest.fixture(scope="module")
def corpus_library(tmp_path_factory):
    """Every corpus file in one library, each entry stored (repeated keys renamed), so that each file's
    first entry is its first paper."""
    path = tmp_path_factory.mktemp("edit-corpus") / "library.sqlite"
    jobs.import_bibtex(path, corpus_files(), allow_duplicates=True)
    return path


def first_papers(library: Path) -> list[tuple[int, str, int, str, list]]:
    """(file id, file path, paper id, raw text, fields) of each file's first entry."""
    db = open_library(library)
    try:
        rows = db.execute(
            "SELECT f.id, f.path, p.id, p.raw, p.fields FROM source_files f JOIN papers p ON p.source_file_id = f.id "
            "WHERE p.position = (SELECT min(position) FROM papers WHERE source_file_id = f.id) ORDER BY f.id"
        ).fetchall()
    finally:
        db.close()
    return [(file_id, path, paper_id, raw, json.loads(fields)) for file_id, path, paper_id, raw, fields in rows]


def test_one_edited_field_changes_only_its_own_bytes(corpus_library, tmp_path):
    """The title changes inside its delimiters, or, in an entry without one, a note is inserted and nothing else moves."""
    papers = first_papers(corpus_library)
    assert len(papers) > 850
    out = tmp_path / "out.bib"
    for file_id, path, paper_id, raw, fields in papers:
        original = Path(path).read_bytes()
        decoded = decode_bytes(original)
        entry_start = decoded.text.find(raw)
        assert entry_start >= 0, path
        title = next(((name, value) for name, value in fields if name.lower() == "title"), None)
        name = title[0] if title else "note"
        jobs.edit_paper(corpus_library, paper_id, fields={name: "{" + NEW_TEXT + "}"})
        jobs.export_bibtex(corpus_library, out, file_of=str(file_id))
        exported = out.read_bytes()
        entry = entry_at(decode_bytes(exported).text, entry_start)
        if title is None:
            inserted = only_insertion(original, exported, path)
            assert re.fullmatch(
                rf'\s*,?\s*note\s*=\s*({{{NEW_TEXT}}}|"{NEW_TEXT}"),?\s*', inserted.decode(decoded.encoding)
            ), path
            assert entry.fields[:-1] == tuple(map(tuple, fields)) and entry.fields[-1][0] == "note", path
            continue
        start, end = value_span(entry_start, raw, *title)
        before = encode_text(decoded.text[:start], decoded.encoding, decoded.bom)
        after = encode_text(decoded.text[end:], decoded.encoding)
        assert original.startswith(before) and original.endswith(after), path
        assert exported.startswith(before) and exported.endswith(after), path
        written = exported[len(before) : len(exported) - len(after)].decode(decoded.encoding)
        assert written in ("{" + NEW_TEXT + "}", f'"{NEW_TEXT}"'), (path, written)
        assert entry.fields == tuple((n, written if n == name else v) for n, v in fields), path


def value_span(entry_start: int, raw: str, name: str, value: str) -> tuple[int, int]:
    """Where the field's value stands in the file's text, found from the entry's text alone."""
    for match in re.finditer(rf"(?<![\w-]){re.escape(name)}\s*=\s*", raw):
        if raw.startswith(value, match.end()):
            start = entry_start + match.end()
            return start, start + len(value)
    raise AssertionError(f"{name} = {value} not found in {raw!r}")


def entry_at(text: str, start: int):
    """The entry that bibtexparser reads at this offset of a file's text."""
    offset = 0
    for segment in split_segments(text):
        if offset == start:
            assert segment.kind == "entry", segment
            return segment
        offset += len(segment.raw)
    raise AssertionError(f"no block starts at {start}")


def only_insertion(original: bytes, exported: bytes, path: str) -> bytes:
    """The bytes inserted into `original` to give `exported`, which holds nothing else new."""
    prefix = next((i for i, (a, b) in enumerate(zip(original, exported)) if a != b), len(original))
    suffix = len(exported) - (len(original) - prefix)
    assert exported[:prefix] + exported[suffix:] == original, path
    return exported[prefix:suffix]
