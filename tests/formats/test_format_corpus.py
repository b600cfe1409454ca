"""Every RIS and CSL-JSON file of ../shared/corpus imports with no traceback, and exporting its records to the
same format and importing them again gives the same records; the Better BibTeX pairs agree with the mapping."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from citedesk import jobs
from citedesk.formats.base import Record
from citedesk.formats.bibtex import BibTeX, safe_key
from citedesk.formats.csljson import CSLJSON
from citedesk.formats.ris import RIS
from citedesk.library import exporter
from citedesk.library.db import open_library

pytestmark = pytest.mark.slow

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
RIS_FILES = sorted((CORPUS / "ris").rglob("*.ris"))
CSL_FILES = sorted((CORPUS / "csl-json").rglob("*.json"))
BBT_BIBLATEX = CORPUS / "bibtex" / "zotero-better-bibtex" / "test" / "fixtures" / "export"
NO_RECORD = {"RisImporterCorrupted.ris"}  # JabRef's corrupted case: tag lines but no TY line


def library_records(path: Path) -> list[Record]:
    db = open_library(path)
    try:
        ids = [row[0] for row in db.execute("SELECT id FROM papers ORDER BY source_file_id, position")]
        return exporter.paper_records(db, ids)
    finally:
        db.close()


def as_stored(record: Record) -> Record:
    """What the library makes of a record as read: its key without what a BibTeX key cannot hold, and
    whitespace runs as one space (BibTeX reads them so)."""
    fields = tuple((name, " ".join(value.split())) for name, value in record.fields)
    return dataclasses.replace(record, key=safe_key(record.key), fields=fields)


def test_the_corpus_is_there():
    assert len(RIS_FILES) >= 30 and len(CSL_FILES) >= 20


@pytest.mark.parametrize(("files", "name"), [(RIS_FILES, "ris"), (CSL_FILES, "csljson")])
def test_every_file_imports_with_its_problems_reported(tmp_path, files, name):
    report = jobs.import_bibtex(tmp_path / "library.sqlite", files, allow_duplicates=True)
    assert {Path(problem.source).name for problem in report.refused} == NO_RECORD & {path.name for path in files}
    assert all(problem.line > 0 and problem.reason for problem in report.failed)
    db = open_library(tmp_path / "library.sqlite")
    try:
        formats = {row[0] for row in db.execute("SELECT format FROM source_files")}
    finally:
        db.close()
    assert formats == {name} and report.imported > len(files) // 2


@pytest.mark.parametrize(
    ("files", "name", "suffix"),
    [(RIS_FILES, "ris", ".ris"), (CSL_FILES, "csljson", ".json")],
)
def test_exported_records_import_again_as_the_same_records(tmp_path, files, name, suffix):
    first, second, exported = (
        tmp_path / "first.sqlite",
        tmp_path / "second.sqlite",
        tmp_path / f"out{suffix}",
    )
    jobs.import_bibtex(first, files, allow_duplicates=True)
    result = jobs.export_bibtex(first, exported, format_name=name)
    report = jobs.import_bibtex(second, [exported], allow_duplicates=True)  # the corpus repeats some DOIs
    assert report.imported == result.entries and not report.failed and not report.renamed
    assert library_records(second) == library_records(first)


@pytest.mark.parametrize("path", RIS_FILES + CSL_FILES, ids=lambda path: path.name)
def test_every_record_read_is_stored_as_it_was_read(tmp_path, path):
    """No mapped field is lost on the way through the library's BibTeX."""
    chosen = RIS() if path.suffix == ".ris" else CSLJSON()
    records = [as_stored(record) for record in chosen.read(path.read_bytes(), str(path)).records]
    if path.name in NO_RECORD:
        assert records == []
        return
    report = jobs.import_bibtex(tmp_path / "library.sqlite", [path], allow_duplicates=True)
    renamed = {new: old for old, new in report.renamed}  # a key repeated in the file is stored as KEY-2
    stored = [
        dataclasses.replace(record, key=renamed.get(record.key, record.key))
        for record in library_records(tmp_path / "library.sqlite")
    ]
    assert stored == records


# Where Better BibTeX's BibLaTeX export of the same Zotero items chooses otherwise than CiteDesk's mapping:
BBT_TYPES = {
    ("review-book", "review"),
    ("musical_score", "song"),
    ("broadcast", "motion_picture"),
}  # @review,
# @audio, and @video for films and broadcasts alike
COMPARED = (
    "title",
    "container-title",
    "volume",
    "issue",
    "page",
    "DOI",
    "ISBN",
    "ISSN",
    "URL",
    "publisher",
)


def bbt_pairs() -> list[tuple[Path, Path]]:
    pairs = [(path, BBT_BIBLATEX / path.name.replace(".csl.json", ".biblatex")) for path in CSL_FILES]
    return [(csl_path, bib_path) for csl_path, bib_path in pairs if bib_path.exists()]


def test_there_are_pairs():
    assert len(bbt_pairs()) >= 4


@pytest.mark.parametrize(("csl_path", "bib_path"), bbt_pairs(), ids=lambda path: path.name[:40])
def test_the_csl_mapping_agrees_with_better_bibtexs_biblatex(csl_path, bib_path):
    """The same Zotero items as CSL JSON and as BibLaTeX give the same records: types, authors, dates (BC
    years included), and titles (BBT title-cases its BibLaTeX: compared without case), venues, pages, ids."""
    from_csl = {record.key: record for record in CSLJSON().read(csl_path.read_bytes(), str(csl_path)).records}
    from_bib = {record.key: record for record in BibTeX().read(bib_path.read_bytes(), str(bib_path)).records}
    assert from_csl.keys() == from_bib.keys()
    for key, csl_record in from_csl.items():
        bib_record = from_bib[key]
        assert csl_record.type == bib_record.type or (csl_record.type, bib_record.type) in BBT_TYPES, key
        assert csl_record.names_of("author") == bib_record.names_of("author"), key
        for variable in ("issued", "original-date", "event-date"):
            if bib_record.date(variable) is not None:
                assert csl_record.date(variable) == bib_record.date(variable), (
                    key,
                    variable,
                )
        for variable in COMPARED:
            if csl_record.get(variable) and bib_record.get(variable):
                assert csl_record.get(variable).casefold() == bib_record.get(variable).casefold(), (key, variable)
