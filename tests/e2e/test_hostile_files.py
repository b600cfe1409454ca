"""Files that are not what they claim: binaries, empty files, devices, FIFOs, damaged UTF-8, hidden characters,
and every JabRef encoding case in ../shared, through the real `citedesk` command."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from test_cli import JABREF, make_env, one_error_line, run

from citedesk import jobs
from citedesk.library.bibtex.encoding import decode_bytes
from citedesk.library.db import open_library
from citedesk.library.queries import paper_by_key
from citedesk.model import CitedeskError

FILEFORMAT = JABREF / "importer" / "fileformat"
JABREF_ENCODINGS = sorted(
    [*FILEFORMAT.glob("encoding-*.bib"), *FILEFORMAT.glob("tiny-*.bib"), *(JABREF / "exporter").glob("encoding-*.bib")]
)
UMLAUT_ENTRY = (
    "@article{muller2019,\n  author = {Jürgen Müller},\n  title = {Caf\N{LATIN SMALL LETTER E WITH ACUTE} Olé},\n}\n"
)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return make_env(tmp_path / "library.sqlite")


def stats_papers(env: dict[str, str]) -> str:
    return next(line for line in run("stats", env=env).stdout.splitlines() if line.startswith("Papers:")).split()[-1]


# ---------------------------------------------------------------- not BibTeX at all


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("ls.bib", None, "it holds binary data, not text"),
        ("picture.png", png_bytes(), "it holds binary data, not text"),
        ("empty.bib", b"", "it is empty"),
        (
            "notes.bib",
            b"Just some notes about papers I should read.\nNone of it is BibTeX.\n",
            "there is no BibTeX in it",
        ),
    ],
)
def test_a_file_without_bibtex_is_refused_in_one_sentence_and_exits_non_zero(env, tmp_path, name, content, reason):
    path = tmp_path / name
    if content is None:
        shutil.copy(sys.executable, path)  # a real executable, renamed
    else:
        path.write_bytes(content)

    result = run("import", path, env=env, check_ok=False)

    line = one_error_line(result)
    assert line.startswith(f"citedesk: {path} is not a BibTeX file: {reason}"), line
    assert stats_papers(env) == "0"


def test_a_refused_file_among_good_ones_is_named_and_the_others_are_imported(env, tmp_path):
    good, bad = tmp_path / "good.bib", tmp_path / "picture.png"
    good.write_text(UMLAUT_ENTRY, encoding="utf-8")
    bad.write_bytes(png_bytes())

    result = run("import", good, bad, env=env, check_ok=False)

    assert result.returncode == 1
    assert f"{bad} is not a BibTeX file: it holds binary data, not text" in result.stderr.splitlines()
    assert (
        result.stdout.strip()
        == "Imported 1 entry from 1 file; 0 duplicates skipped, 0 blocks failed to parse; 1 file refused."
    )
    assert stats_papers(env) == "1"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_at_once(env):
    result = run("import", "/dev/zero", env=env, check_ok=False)
    assert one_error_line(result) == "citedesk: /dev/zero is a device, not a regular file; only files can be imported"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_blocking(env, tmp_path):
    fifo = tmp_path / "pipe.bib"
    os.mkfifo(fifo)
    result = run("import", fifo, env=env, check_ok=False)  # `run` times out after 60 s if it blocks
    assert (
        one_error_line(result)
        == f"citedesk: {fifo} is a FIFO (named pipe), not a regular file; only files can be imported"
    )


def test_a_file_larger_than_a_bibliography_is_refused_unless_asked(env, tmp_path):
    path = tmp_path / "big.bib"
    path.write_text(UMLAUT_ENTRY + "% " + "x" * 1_200_000 + "\n", encoding="utf-8")

    refused = run("import", "--max-size", "1", path, env=env, check_ok=False)
    assert "more than a bibliography (1 MB); give --max-size to import it anyway" in one_error_line(refused)

    assert run("import", "--max-size", "2", path, env=env).stdout.startswith("Imported 1 entry")


# ---------------------------------------------------------------- hidden characters


HOSTILE = (
    "@article{k\x1b[31m,\n  title = {Red},\n}\n\n"
    "@article{bidi,\n  title = {Invoice \u202egnp.exe \x1b[2J},\n  author = {Evil\x07, Eve},\n}\n"
)


def test_a_key_with_control_characters_is_refused_and_shown_escaped(env, tmp_path):
    path = tmp_path / "hostile.bib"
    path.write_text(HOSTILE, encoding="utf-8")

    result = run("import", path, env=env)

    assert "\x1b" not in result.stderr
    assert f"{path}:1: failed to parse: the citation key 'k\\x1b[31m' holds control characters" in result.stderr
    assert result.stdout.startswith("Imported 1 entry from 1 file; 0 duplicates skipped, 1 block failed to parse")


def test_list_and_show_never_print_raw_control_or_bidi_characters(env, tmp_path):
    path = tmp_path / "hostile.bib"
    path.write_text(HOSTILE, encoding="utf-8")
    run("import", path, env=env)

    for output in (run("list", env=env).stdout, run("show", "bidi", env=env).stdout):
        assert not any(char in output for char in "\x1b\x07\u202e"), output
        assert "Invoice \\u202egnp.exe \\x1b[2J" in output

    out = tmp_path / "out.bib"
    run("export", "-o", out, "--file-of", path.name, env=env)
    assert out.read_bytes() == path.read_bytes()  # the file itself is given back as it was


# ---------------------------------------------------------------- UTF-8 with a few bad bytes


def damaged_utf8() -> bytes:
    """An otherwise UTF-8 file with one byte of Latin-1 in its third line."""
    return UMLAUT_ENTRY.encode("utf-8").replace("Olé".encode(), b"Ol\xe9")


def test_a_few_invalid_bytes_do_not_switch_the_whole_file_to_cp1252(env, tmp_path):
    path = tmp_path / "damaged.bib"
    path.write_bytes(damaged_utf8())

    result = run("import", path, env=env)

    assert result.stderr.splitlines() == [f"{path}:3: invalid UTF-8 bytes, kept as they are (shown as \ufffd)"]
    shown = run("show", "muller2019", env=env).stdout
    assert "Jürgen Müller" in shown and "JÃ" not in shown
    assert "Café Ol\ufffd" in shown


def test_invalid_bytes_are_written_back_exactly(env, tmp_path):
    path = tmp_path / "damaged.bib"
    path.write_bytes(damaged_utf8())
    run("import", path, env=env)

    as_imported, library = tmp_path / "as-imported.bib", tmp_path / "library.bib"
    run("export", "-o", as_imported, "--file-of", path.name, env=env)
    run("export", "-o", library, env=env)

    assert as_imported.read_bytes() == path.read_bytes()
    exported = library.read_bytes()
    assert "Jürgen Müller".encode() in exported and b"Ol\xe9}" in exported and "Ã".encode() not in exported


def test_a_legacy_single_byte_file_is_still_read_as_such():
    """Not one valid UTF-8 letter: a cp1252 file, whatever its header claims (JabRef's own test case)."""
    data = (FILEFORMAT / "encoding-windows-1252-but-utf-8-declared--decoding-fails.bib").read_bytes()
    decoded = decode_bytes(data)
    assert decoded.encoding == "cp1252" and "Test\xa0I. Last" in decoded.text and not decoded.bad_byte_lines


# ---------------------------------------------------------------- JabRef's encoding cases


@pytest.mark.parametrize("path", JABREF_ENCODINGS, ids=lambda path: path.name)
def test_every_jabref_encoding_case_imports_its_entry_and_exports_byte_for_byte(tmp_path, path):
    library = tmp_path / "library.sqlite"
    report = jobs.import_bibtex(library, [path])

    assert report.imported == 1 and not report.failed and not report.bad_bytes
    db = open_library(library)
    try:
        title, authors, abstract = db.execute("SELECT title, authors, abstract FROM papers").fetchone()
    finally:
        db.close()
    text = " ".join(value or "" for value in (title, authors, abstract))
    assert "\x00" not in text and "Ã" not in text
    expected = {"tiny": "Christmas", "windows-1252": "25° C", "us-ascii": "testtitle"}
    word = next((value for name, value in expected.items() if name in path.name), "Ü ist ein Umlaut")
    if "decoding-fails" in path.name:
        word = "I. Last"  # the no-break space is a plain space in the author column
    assert word in text, text
    out = tmp_path / "out.bib"
    jobs.export_bibtex(library, out, file_of=path.name)
    assert out.read_bytes() == path.read_bytes()


def test_utf16_without_bom_and_with_an_encoding_header_is_read_as_utf16():
    decoded = decode_bytes((FILEFORMAT / "tiny-LE-noBOM.bib").read_bytes())
    assert (decoded.encoding, decoded.bom) == ("utf-16-le", False)
    assert decoded.text.startswith("% Encoding: UTF-16LE\n")


def test_import_refuses_with_an_error_when_every_file_is_refused(tmp_path):
    (tmp_path / "empty.bib").write_bytes(b"")
    with pytest.raises(CitedeskError, match="is not a BibTeX file: it is empty"):
        jobs.import_bibtex(tmp_path / "library.sqlite", [tmp_path / "empty.bib"])


def test_shown_text_in_the_library_hides_no_bytes(tmp_path):
    path = tmp_path / "damaged.bib"
    path.write_bytes(damaged_utf8())
    jobs.import_bibtex(tmp_path / "library.sqlite", [path])
    db = open_library(tmp_path / "library.sqlite")
    try:
        assert paper_by_key(db, "muller2019").title == "Café Ol\ufffd"
    finally:
        db.close()
