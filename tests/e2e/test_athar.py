"""End to end on real data: the ACL Anthology .bib, then Athar's citation sentences, loaded from the corpus file
as shipped through a column mapping, shown per cited paper."""

from __future__ import annotations

import csv
import gzip
import json
import textwrap
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from citedesk import cli
from citedesk.classify.model import load_model
from citedesk.jobs import import_bibtex, import_statements
from citedesk.library.db import open_library
from citedesk.library.statement_columns import StatementLayout, parse_columns
from citedesk.library.statement_view import load_items, works_newest_first
from citedesk.library.statements import paper_counts
from citedesk.model import Stance, StatementImportReport

pytestmark = pytest.mark.slow

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
ACL_BIBS = SHARED / "corpus" / "bibtex" / "acl-anthology-split" / "outputs" / "bibs"
ATHAR = (
    SHARED
    / "corpus"
    / "citations"
    / "athar-citation-sentiment"
    / "impactcite-mirror"
    / "ImpactCite_Sentiment"
    / "data"
    / "complete_corpus.txt"
)
ATHAR_COLUMNS = "cited_key=1,citing_key=0,label=2,text=3"  # citing, cited, sentiment, sentence; no header
SENTIMENTS = {"o": "objective", "p": "positive", "n": "negative"}
ATHAR_SENTENCES = 8_736
CITED_IN_ACL = 157  # SOURCES.md: 157 of the 194 cited papers have entries in the ACL split ...
SENTENCES_IN_ACL = 7_376  # ... and 7,376 of the sentences cite them
BLEU = "P02-1040"


@dataclass(frozen=True)
class AtharRow:
    """One line of Athar's corpus."""

    line: int
    citing: str
    cited: str
    sentiment: str
    text: str


@dataclass
class Imported:
    """The library after both imports, and what each import reported."""

    db: object
    keys: set[str]
    first: StatementImportReport
    second: StatementImportReport


@pytest.fixture(scope="module")
def athar() -> list[AtharRow]:
    """Athar's corpus: TSV without header, CRLF, quoted text, read with the csv module."""
    with ATHAR.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t")
        return [AtharRow(number, *row) for number, row in enumerate(rows, start=1)]


def build_acl_bib(path: Path) -> Path:
    """Concatenate the gzipped venue files of the ACL split into one .bib, like zcat."""
    with path.open("wb") as out:
        for part in sorted(ACL_BIBS.glob("*/all_*.bib.gz")):
            out.write(gzip.decompress(part.read_bytes()))
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory, athar) -> Imported:
    """Import the ACL .bib, then Athar's corpus file as it is, twice, with the column mapping of the command
    `citedesk import-statements complete_corpus.txt --columns cited_key=1,citing_key=0,label=2,text=3`."""
    root = tmp_path_factory.mktemp("athar")
    library_path = root / "library.sqlite"
    import_bibtex(library_path, [build_acl_bib(root / "acl.bib")])
    layout = StatementLayout(parse_columns(ATHAR_COLUMNS))
    first = import_statements(library_path, ATHAR, layout=layout)
    second = import_statements(library_path, ATHAR, layout=layout)
    db = open_library(library_path)
    keys = {key for (key,) in db.execute("SELECT citekey FROM papers")}
    yield Imported(db, keys, first, second)
    db.close()


def paper_id(db, key: str) -> int:
    """The id of the library paper with this key."""
    return db.execute("SELECT id FROM papers WHERE citekey = ?", [key]).fetchone()[0]


def distinct_statements(rows: list[AtharRow]) -> int:
    """Statements as the library counts them: one per (citing, cited, text)."""
    return len({(row.citing, row.cited, row.text) for row in rows})


def test_corpus_is_as_documented(athar):
    assert len(athar) == ATHAR_SENTENCES
    assert Counter(row.sentiment for row in athar) == {"o": 7_627, "p": 829, "n": 280}


def test_cited_papers_in_the_library_get_their_statements(imported, athar):
    cited_in_library = {row.cited for row in athar} & imported.keys
    assert len(cited_in_library) == CITED_IN_ACL
    for key in sorted(cited_in_library):
        expected = [row for row in athar if row.cited == key]
        counts = paper_counts(imported.db, paper_id(imported.db, key))
        assert counts.citation_statements == distinct_statements(expected), key
        assert counts.cited_by == len({row.citing for row in expected}), key
        stances = sum(counts.of(stance) for stance in Stance)
        assert stances == counts.citation_statements, key  # every statement has exactly one stance


def test_first_import_report(imported, athar):
    matched = [row for row in athar if row.cited in imported.keys]
    assert len(matched) == SENTENCES_IN_ACL
    report = imported.first
    assert report.statements == distinct_statements(matched)
    assert report.statements + report.already_present == SENTENCES_IN_ACL
    assert report.invalid == []


def test_the_rest_is_reported_as_unmatched(imported, athar):
    unmatched = [row for row in athar if row.cited not in imported.keys]
    assert len(unmatched) == ATHAR_SENTENCES - SENTENCES_IN_ACL
    assert [(p.line, p.reason, p.raw) for p in imported.first.unmatched] == [
        (row.line, f"cites {row.cited}, which is not in the library", row.text) for row in unmatched
    ]


def test_sentiment_label_is_kept_as_intent_and_the_classifier_gives_the_stance(imported, athar):
    matched = {
        (row.citing, row.cited, row.text): SENTIMENTS[row.sentiment] for row in athar if row.cited in imported.keys
    }
    stored = imported.db.execute(
        "SELECT intents, stance, source, classifier_version, confidence FROM statements"
    ).fetchall()
    assert Counter(json.loads(intents)[0] for intents, *_ in stored) == Counter(matched.values())
    assert {(source, version) for _, _, source, version, _ in stored} == {("complete_corpus.txt", load_model().version)}
    assert {stance for _, stance, *_ in stored} <= {stance.value for stance in Stance}
    assert all(0 < confidence <= 1 for *_, confidence in stored)


def test_bleu_statements_and_citing_works_match_the_corpus(imported, athar):
    bleu = [row for row in athar if row.cited == BLEU]
    assert bleu, "P02-1040 (BLEU) is cited in Athar's corpus"
    citing = {row.citing for row in bleu}
    counts = paper_counts(imported.db, paper_id(imported.db, BLEU))
    assert (counts.citation_statements, counts.cited_by) == (distinct_statements(bleu), len(citing))
    groups = works_newest_first(load_items(imported.db, paper_id(imported.db, BLEU)))
    assert len(groups) == len(citing)
    assert sum(len(group.items) for group in groups) == distinct_statements(bleu)
    for group in groups:
        key = group.work.paper_key or group.work.title
        assert [s.text for s in group.items] == list(dict.fromkeys(r.text for r in bleu if r.citing == key))


def test_citing_works_in_the_library_are_linked(imported, athar):
    bleu = [row for row in athar if row.cited == BLEU]
    works = [group.work for group in works_newest_first(load_items(imported.db, paper_id(imported.db, BLEU)))]
    linked = {work.paper_key for work in works if work.paper_key}
    assert linked == {row.citing for row in bleu} & imported.keys
    titles = dict(
        imported.db.execute(
            "SELECT citekey, title FROM papers WHERE citekey IN (SELECT value FROM json_each(?))",
            [json.dumps(sorted(linked))],
        ).fetchall()
    )
    assert all(work.title == titles[work.paper_key] for work in works if work.paper_key)
    years = [work.year for work in works if work.year is not None]
    assert years == sorted(years, reverse=True)


def test_importing_the_file_again_adds_nothing(imported):
    report = imported.second
    assert (report.statements, report.already_present) == (0, SENTENCES_IN_ACL)
    assert len(report.unmatched) == len(imported.first.unmatched)
    total = imported.db.execute("SELECT count(*) FROM statements").fetchone()[0]
    assert total == imported.first.statements


def test_the_command_previews_the_corpus_file_against_the_library(imported, athar, capsys):
    library = imported.db.execute("PRAGMA database_list").fetchone()[2]
    assert (
        cli.main(
            [
                "--library",
                library,
                "import-statements",
                str(ATHAR),
                "--columns",
                ATHAR_COLUMNS,
                "--preview",
                "--preview-rows",
                "12",
            ]
        )
        == 0
    )
    lines = capsys.readouterr().out.splitlines()
    assert (
        lines[0]
        == "complete_corpus.txt: TSV without a header line; read as --columns text=3,cited_key=1,citing_key=0,label=2"
    )
    expected = []
    for row in athar[:12]:
        problem = "" if row.cited in imported.keys else f" (not stored: cites {row.cited}, which is not in the library)"
        expected += [
            f"line {row.line}{problem}",
            f"  {'text:':<16}{textwrap.shorten(row.text, 100, placeholder=' …')}",
            f"  {'cited_key:':<16}{row.cited}",
            f"  {'citing_key:':<16}{row.citing}",
            f"  {'label:':<16}{SENTIMENTS[row.sentiment]} (sentiment)",
        ]
    assert lines[1:] == expected
