"""Reading citing-statement files, storing them in a library, and the queries that show them."""

from __future__ import annotations

import csv
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from citedesk.library.db import open_library
from citedesk.library.statement_files import MalformedRow, read_statement_rows
from citedesk.library.statement_store import store_statements
from citedesk.library.statement_view import Direction, Group, load_items, works_newest_first
from citedesk.library.statements import Counts, paper_counts
from citedesk.model import Cancelled, CitedeskError, Section, Stance

PAPERS = [
    # citekey, title, authors, year, venue, doi, entry_type
    ("smith2020", "Deep Parsing", "Ann Smith; Bo Lee", 2020, "ACL", "10.1000/deep", "inproceedings"),
    ("jones2018", "Shallow Tagging", "Cy Jones", 2018, "CL", None, "article"),
    ("brown2021", "Wide Models", "Di Brown", 2021, "EMNLP", "10.1000/wide", "inproceedings"),
]


def citing(db, paper: int, direction: Direction = Direction.CITED_BY) -> list[Group]:
    """The statements citing the paper (or, for References, in which it cites) by work, as `citedesk show` lists them."""
    return works_newest_first(load_items(db, paper, direction))


@pytest.fixture
def db(tmp_path: Path):
    """A library with three papers inserted directly, closed after the test."""
    library = open_library(tmp_path / "library.sqlite")
    for key, title, authors, year, venue, doi, entry_type in PAPERS:
        library.execute(
            "INSERT INTO papers (citekey, entry_type, title, authors, year, venue, doi, fields, raw)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, '{}', '')",
            [key, entry_type, title, authors, year, venue, doi],
        )
    yield library
    library.close()


def paper_id(db, key: str) -> int:
    """The id of the library paper with this key."""
    return db.execute("SELECT id FROM papers WHERE citekey = ?", [key]).fetchone()[0]


def table_counts(db) -> dict[str, int]:
    """Row counts of the tables an import writes to."""
    names = ("works", "citations", "statements", "statements_fts")
    return {name: db.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in names}


def write_jsonl(path: Path, rows: list[dict | str]) -> Path:
    """Write rows (dicts as JSON, strings as they are) one per line."""
    lines = [row if isinstance(row, str) else json.dumps(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict], delimiter: str = ",", bom: bool = False) -> Path:
    """Write dict rows with a header line, optionally with a UTF-8 BOM."""
    names = list(dict.fromkeys(name for row in rows for name in row))
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=names, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


# ---------------------------------------------------------------- reading


def test_reads_jsonl_rows_with_line_numbers_and_skips_blank_lines(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"cited_key": "a", "text": "One."}\n\n{"cited_key": "b", "text": "Two."}\n', encoding="utf-8")
    assert list(read_statement_rows(path)) == [
        (1, {"cited_key": "a", "text": "One."}),
        (3, {"cited_key": "b", "text": "Two."}),
    ]


def test_ndjson_is_read_like_jsonl(tmp_path):
    path = write_jsonl(tmp_path / "s.ndjson", [{"cited_key": "a", "text": "One."}])
    assert [row for _, row in read_statement_rows(path)] == [{"cited_key": "a", "text": "One."}]


def test_reads_csv_with_bom_quoted_newlines_and_header_in_any_case(tmp_path):
    path = tmp_path / "s.csv"
    text = (
        '\ufeffCited_Key, TEXT ,citing_year\r\nsmith2020,"Two lines,\r\nquoted ""here""",2019\r\njones2018,Plain.,\r\n'
    )
    path.write_bytes(text.encode("utf-8"))
    rows = list(read_statement_rows(path))
    assert rows[0] == (2, {"cited_key": "smith2020", "text": 'Two lines,\r\nquoted "here"', "citing_year": "2019"})
    assert rows[1] == (4, {"cited_key": "jones2018", "text": "Plain.", "citing_year": ""})


def test_reads_tsv(tmp_path):
    path = write_csv(tmp_path / "s.tsv", [{"cited_doi": "10.1000/deep", "text": "A, b; c."}], delimiter="\t")
    assert list(read_statement_rows(path)) == [(2, {"cited_doi": "10.1000/deep", "text": "A, b; c."})]


def test_jsonl_with_bom_is_read(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_bytes('\ufeff{"cited_key": "a", "text": "Café."}\n'.encode("utf-8"))
    assert list(read_statement_rows(path)) == [(1, {"cited_key": "a", "text": "Café."})]


def test_malformed_json_line_is_a_row_problem(tmp_path):
    path = write_jsonl(
        tmp_path / "s.jsonl", ['{"cited_key": "a", "text": "ok"}', '{"cited_key": "a", text: }', "[1, 2]"]
    )
    rows = list(read_statement_rows(path))
    assert rows[0] == (1, {"cited_key": "a", "text": "ok"})
    assert isinstance(rows[1][1], MalformedRow) and rows[1][1].reason.startswith("malformed JSON")
    assert rows[1][1].raw == '{"cited_key": "a", text: }'
    assert isinstance(rows[2][1], MalformedRow) and "not a JSON object" in rows[2][1].reason


def test_csv_row_with_too_many_fields_is_a_row_problem(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("cited_key,text\na,ok\na,b,c\n", encoding="utf-8")
    (_, good), (line, bad) = read_statement_rows(path)
    assert good == {"cited_key": "a", "text": "ok"}
    assert line == 3 and isinstance(bad, MalformedRow) and "3 fields but the header has 2" in bad.reason


def test_missing_file_gives_a_clear_error(tmp_path):
    missing = tmp_path / "nowhere" / "statements.jsonl"
    with pytest.raises(CitedeskError, match=r"No such file: .*statements\.jsonl"):
        read_statement_rows(missing)


def test_unsupported_file_type_gives_a_clear_error(tmp_path):
    path = tmp_path / "statements.xlsx"
    path.write_bytes(b"")
    with pytest.raises(
        CitedeskError, match=r"unsupported file type '\.xlsx' \(use \.jsonl, \.ndjson, \.csv or \.tsv\)"
    ):
        read_statement_rows(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty: expected a header line"),
        (b"cited_key,sentence\na,b\n", "has no 'text' column"),
        (b"text,citing_key\na,b\n", "neither a 'cited_key' nor a 'cited_doi' column"),
    ],
)
def test_malformed_csv_file_gives_a_clear_error(tmp_path, content, message):
    path = tmp_path / "s.csv"
    path.write_bytes(content)
    with pytest.raises(CitedeskError, match=message):
        list(read_statement_rows(path))


def test_bytes_that_are_not_utf8_make_only_their_row_invalid(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_bytes(b'{"cited_key": "a", "text": "caf\xe9"}\n{"cited_key": "a", "text": "fine"}\n')
    rows = list(read_statement_rows(path))
    assert isinstance(rows[0][1], MalformedRow) and "not UTF-8 text (byte 0xe9" in rows[0][1].reason
    assert rows[1] == (2, {"cited_key": "a", "text": "fine"})
    csv_path = tmp_path / "s.csv"
    csv_path.write_bytes(b"cited_key,text\na,caf\xe9\na,fine\n")
    rows = list(read_statement_rows(csv_path))
    assert isinstance(rows[0][1], MalformedRow) and rows[1][1] == {"cited_key": "a", "text": "fine"}


def test_deeply_nested_json_is_a_row_problem(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n" + json.dumps({"cited_key": "a", "text": "ok"}) + "\n")
    rows = list(read_statement_rows(path))
    assert isinstance(rows[0][1], MalformedRow) and "nested too deeply" in rows[0][1].reason
    assert rows[1][1] == {"cited_key": "a", "text": "ok"}


# ---------------------------------------------------------------- storing


def test_stores_statements_with_their_fields(db, tmp_path):
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {
                "cited_key": "smith2020",
                "citing_key": "jones2018",
                "text": "As [1] shows.",
                "marker_start": 3,
                "marker_end": 6,
                "section": "Methods",
                "label": "Supporting",
                "confidence": 0.75,
                "intents": ["method", "result"],
                "is_influential": True,
            },
            {
                "cited_key": "smith2020",
                "citing_title": "Other Work",
                "text": "See [2].",
                "section": "2 Related work",
                "intents": "background; usage",
                "source": "scite",
            },
        ],
    )
    before = datetime.now(UTC) - timedelta(seconds=1)
    report = store_statements(db, path)
    assert (report.statements, report.already_present, report.unmatched, report.invalid) == (2, 0, [], [])
    first, second = db.execute("SELECT * FROM statements ORDER BY id").fetchall()
    columns = [d[0] for d in db.execute("SELECT * FROM statements").description]
    first, second = dict(zip(columns, first)), dict(zip(columns, second))
    assert (first["marker_start"], first["marker_end"], first["section"], first["raw_section"]) == (
        3,
        6,
        "methods",
        "Methods",
    )
    assert (first["stance"], first["confidence"], json.loads(first["intents"])) == (
        "supporting",
        0.75,
        ["method", "result"],
    )
    assert first["source"] == "s.jsonl" and datetime.fromisoformat(first["fetched_at"]) >= before
    assert datetime.fromisoformat(first["fetched_at"]).utcoffset() == timedelta(0)
    assert (second["section"], second["raw_section"], second["stance"]) == ("unknown", "2 Related work", "unclassified")
    assert (json.loads(second["intents"]), second["source"], second["confidence"]) == (
        ["background", "usage"],
        "scite",
        None,
    )
    assert db.execute("SELECT is_influential, sources FROM citations ORDER BY id").fetchall() == [
        (1, '["s.jsonl"]'),
        (None, '["scite"]'),
    ]


def test_csv_import_stores_the_same_as_jsonl(db, tmp_path):
    row = {
        "cited_key": "smith2020",
        "citing_key": "jones2018",
        "text": "As [1] shows.",
        "marker_start": "3",
        "marker_end": "6",
        "label": "mentioning",
        "confidence": "0.5",
        "citing_year": "",
    }
    report = store_statements(db, write_csv(tmp_path / "s.csv", [row], bom=True))
    assert (report.statements, report.invalid) == (1, [])
    assert db.execute("SELECT marker_start, marker_end, stance, confidence FROM statements").fetchall() == [
        (3, 6, "mentioning", 0.5)
    ]


def test_unmatched_rows_are_reported_not_dropped(db, tmp_path):
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"cited_key": "nobody1999", "citing_key": "jones2018", "text": "Unknown [3]."},
            {"cited_doi": "10.9999/NOPE", "citing_key": "jones2018", "text": "By DOI [4]."},
            {"cited_key": "smith2020", "citing_key": "jones2018", "text": "Known [1]."},
        ],
    )
    report = store_statements(db, path)
    assert report.statements == 1
    assert [(p.line, p.reason, p.raw, p.key) for p in report.unmatched] == [
        (1, "cites nobody1999, which is not in the library", "Unknown [3].", "nobody1999"),
        (2, "cites doi:10.9999/nope, which is not in the library", "By DOI [4].", "10.9999/nope"),
    ]
    assert all(p.source == str(path) for p in report.unmatched)


def test_cited_paper_is_found_by_doi_when_the_key_is_unknown(db, tmp_path):
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"cited_key": "other-key", "cited_doi": "https://doi.org/10.1000/DEEP", "citing_title": "X", "text": "T."},
        ],
    )
    assert store_statements(db, path).statements == 1
    assert paper_counts(db, paper_id(db, "smith2020")).citation_statements == 1


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ({"cited_key": "smith2020", "citing_title": "X"}, "no text"),
        ({"cited_key": "smith2020", "citing_title": "X", "text": "   "}, "no text"),
        ({"citing_title": "X", "text": "T."}, "no cited paper (cited_key or cited_doi)"),
        ({"cited_key": "smith2020", "text": "T."}, "no citing paper (citing_key, citing_doi or citing_title)"),
        (
            {"cited_key": "smith2020", "citing_title": "X", "text": "T.", "marker_start": 0},
            "marker_start and marker_end must be given together",
        ),
        (
            {"cited_key": "smith2020", "citing_title": "X", "text": "T.", "marker_start": 1, "marker_end": 9},
            "marker offsets 1..9 do not fit the text (2 characters)",
        ),
        (
            {"cited_key": "smith2020", "citing_title": "X", "text": "T.", "marker_start": 1, "marker_end": 1},
            "marker offsets 1..1 do not fit the text (2 characters)",
        ),
        (
            {"cited_key": "smith2020", "citing_title": "X", "text": "T.", "marker_start": "a", "marker_end": 1},
            "marker_start is not a whole number: 'a'",
        ),
        (
            {"cited_key": "smith2020", "citing_title": "X", "text": "T.", "citing_year": 10**30},
            "citing_year is too large: " + "1" + "0" * 29,
        ),
        (
            {"cited_key": "smith2020", "citing_title": "X", "text": "T.", "citing_year": "9" * 5000},
            "citing_year is too large: 999999999999999999999999999999",
        ),
        (
            {"cited_key": "smith2020", "citing_title": "X", "text": "T.", "label": "positive"},
            "unknown label 'positive' (expected one of supporting, mentioning, contrasting, unclassified)",
        ),
        (
            {"cited_key": "smith2020", "citing_title": "X", "text": "T.", "confidence": 1.5},
            "confidence must be a number from 0 to 1, got 1.5",
        ),
        (
            {"cited_key": "smith2020", "citing_title": "X", "text": "T.", "confidence": "high"},
            "confidence must be a number from 0 to 1, got 'high'",
        ),
        (
            {"cited_key": "smith2020", "citing_title": "X", "text": "T.", "is_influential": "maybe"},
            "is_influential must be true or false, got 'maybe'",
        ),
        (
            {"cited_key": "smith2020", "citing_title": "X", "text": "T.", "citing_year": "2019a"},
            "citing_year is not a whole number: '2019a'",
        ),
        ({"cited_doi": "not a doi", "citing_title": "X", "text": "T."}, "cited_doi 'not a doi' is not a DOI"),
        ({"cited_key": "smith2020", "citing_key": "smith2020", "text": "T."}, "the paper cites itself"),
    ],
)
def test_invalid_rows_are_reported_with_a_specific_reason(db, tmp_path, row, reason):
    report = store_statements(db, write_jsonl(tmp_path / "s.jsonl", [row]))
    assert report.statements == 0 and report.unmatched == []
    assert [(p.line, p.reason) for p in report.invalid] == [(1, reason)]
    assert table_counts(db)["statements"] == 0


def test_malformed_json_line_does_not_stop_the_import(db, tmp_path):
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"cited_key": "smith2020", "citing_title": "X", "text": "One."},
            '{"cited_key": "smith2020", "text": "broken',
            {"cited_key": "smith2020", "citing_title": "X", "text": "Two."},
        ],
    )
    report = store_statements(db, path)
    assert report.statements == 2
    assert [(p.line, p.raw) for p in report.invalid] == [(2, '{"cited_key": "smith2020", "text": "broken')]
    assert report.invalid[0].reason.startswith("malformed JSON")


def test_importing_the_same_file_twice_adds_nothing(db, tmp_path):
    rows = [
        {"cited_key": "smith2020", "citing_key": "jones2018", "text": "One."},
        {"cited_key": "smith2020", "citing_title": "Outside Paper", "citing_year": 2015, "text": "Two."},
        {"cited_key": "smith2020", "citing_doi": "10.5555/out", "citing_title": "DOI Paper", "text": "Three."},
        {"cited_key": "smith2020", "citing_key": "not-in-library", "text": "Four."},
    ]
    path = write_jsonl(tmp_path / "s.jsonl", rows)
    assert store_statements(db, path).statements == 4
    after_first = table_counts(db)
    second = store_statements(db, path)
    assert (second.statements, second.already_present) == (0, 4)
    assert table_counts(db) == after_first


def test_same_statement_twice_in_one_file_counts_as_already_present(db, tmp_path):
    row = {"cited_key": "smith2020", "citing_key": "jones2018", "text": "One."}
    report = store_statements(db, write_jsonl(tmp_path / "s.jsonl", [row, row]))
    assert (report.statements, report.already_present) == (1, 1)


def test_cancel_rolls_back_the_whole_file(db, tmp_path):
    store_statements(
        db,
        write_jsonl(
            tmp_path / "first.jsonl", [{"cited_key": "smith2020", "citing_key": "jones2018", "text": "Earlier."}]
        ),
    )
    before = table_counts(db)
    rows = [{"cited_key": "smith2020", "citing_title": f"Paper {i}", "text": f"S {i}."} for i in range(500)]
    calls = iter(range(10_000))
    with pytest.raises(Cancelled):
        store_statements(db, write_jsonl(tmp_path / "s.jsonl", rows), cancelled=lambda: next(calls) >= 450)
    assert table_counts(db) == before
    assert not db.conn.in_transaction


def test_progress_is_reported_every_few_hundred_rows_and_at_the_end(db, tmp_path):
    rows = [{"cited_key": "smith2020", "citing_title": f"Paper {i}", "text": f"S {i}."} for i in range(450)]
    calls: list[tuple[int, int]] = []
    store_statements(db, write_jsonl(tmp_path / "s.jsonl", rows), progress=lambda d, t: calls.append((d, t)))
    assert calls == [(200, 450), (400, 450), (450, 450)]


def test_errors_while_writing_leave_the_library_as_it_was(db, tmp_path):
    rows = [{"cited_key": "smith2020", "citing_title": "X", "text": "One."}]
    db.execute("CREATE TRIGGER fail BEFORE INSERT ON statements BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    with pytest.raises(sqlite3.IntegrityError):
        store_statements(db, write_jsonl(tmp_path / "s.jsonl", rows))
    assert table_counts(db) == {"works": 0, "citations": 0, "statements": 0, "statements_fts": 0}


# ---------------------------------------------------------------- works


def test_citing_key_links_the_library_paper_with_its_metadata(db, tmp_path):
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [{"cited_key": "smith2020", "citing_key": "jones2018", "citing_title": "Ignored", "text": "One."}],
    )
    store_statements(db, path)
    (group,) = citing(db, paper_id(db, "smith2020"))
    work = group.work
    assert (work.title, work.authors, work.year, work.venue) == ("Shallow Tagging", "Cy Jones", 2018, "CL")
    assert (work.paper_key, work.publication_type, work.doi) == ("jones2018", "journal-article", None)


def test_cited_work_is_reused_when_cited_paper_later_cites(db, tmp_path):
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"cited_key": "smith2020", "citing_key": "brown2021", "text": "One."},
            {"cited_key": "jones2018", "citing_key": "smith2020", "text": "Two."},
        ],
    )
    store_statements(db, path)
    assert table_counts(db)["works"] == 3
    assert db.execute("SELECT doi FROM works WHERE paper_id = ?", [paper_id(db, "smith2020")]).fetchone() == (
        "10.1000/deep",
    )


def test_citing_work_by_doi_links_a_library_paper_with_that_doi(db, tmp_path):
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [{"cited_key": "jones2018", "citing_doi": "doi:10.1000/WIDE", "citing_title": "X", "text": "One."}],
    )
    store_statements(db, path)
    assert citing(db, paper_id(db, "jones2018"))[0].work.paper_key == "brown2021"


def test_citing_works_without_doi_match_by_normalised_title_and_year(db, tmp_path):
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"cited_key": "smith2020", "citing_title": "Über Parsing: A Study", "citing_year": 2019, "text": "One."},
            {
                "cited_key": "smith2020",
                "citing_title": "uber parsing - a  study",
                "citing_year": "2019",
                "citing_authors": ["Eve Ng", "Fay Oh"],
                "citing_venue": "LREC",
                "citing_type": "preprint",
                "text": "Two.",
            },
            {"cited_key": "smith2020", "citing_title": "Uber Parsing: a Study", "citing_year": 2020, "text": "Three."},
            {
                "cited_key": "smith2020",
                "citing_doi": "10.5555/a",
                "citing_title": "Uber Parsing: A Study",
                "citing_year": 2019,
                "text": "Four.",
            },
        ],
    )
    store_statements(db, path)
    works = {group.work: [item.text for item in group.items] for group in citing(db, paper_id(db, "smith2020"))}
    sizes = {(work.year, work.doi): texts for work, texts in works.items()}
    assert sizes == {(2019, None): ["One.", "Two."], (2020, None): ["Three."], (2019, "10.5555/a"): ["Four."]}
    merged = next(work for work in works if work.year == 2019 and work.doi is None)
    assert (merged.title, merged.authors, merged.venue, merged.publication_type) == (
        "Über Parsing: A Study",
        "Eve Ng; Fay Oh",
        "LREC",
        "preprint",
    )


def test_citing_key_outside_the_library_names_its_work(db, tmp_path):
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {"cited_key": "smith2020", "citing_key": "W02-1001", "text": "One."},
            {"cited_key": "jones2018", "citing_key": "W02-1001", "text": "Two."},
        ],
    )
    store_statements(db, path)
    (group,) = citing(db, paper_id(db, "smith2020"))
    work = group.work
    assert (work.title, work.paper_key, work.display_title) == ("W02-1001", None, "ACL Anthology W02-1001")
    assert citing(db, paper_id(db, "jones2018"))[0].work.id == work.id


# ---------------------------------------------------------------- queries


@pytest.fixture
def cited_smith(db, tmp_path):
    """smith2020 cited by four works (one twice), and itself citing two papers."""
    path = write_jsonl(
        tmp_path / "s.jsonl",
        [
            {
                "cited_key": "smith2020",
                "citing_title": "beta paper",
                "citing_year": 2019,
                "text": "B1.",
                "label": "supporting",
            },
            {
                "cited_key": "smith2020",
                "citing_title": "Alpha paper",
                "citing_year": 2019,
                "text": "A1.",
                "label": "contrasting",
            },
            {"cited_key": "smith2020", "citing_key": "brown2021", "text": "W1.", "label": "mentioning"},
            {"cited_key": "smith2020", "citing_title": "No year", "text": "N1."},
            {
                "cited_key": "smith2020",
                "citing_title": "beta paper",
                "citing_year": 2019,
                "text": "B2.",
                "label": "supporting",
            },
            {"cited_key": "jones2018", "citing_key": "smith2020", "text": "R1."},
            {"cited_key": "jones2018", "citing_key": "smith2020", "text": "R2.", "section": "results"},
            {"cited_doi": "10.1000/wide", "citing_key": "smith2020", "text": "R3."},
        ],
    )
    report = store_statements(db, path)
    assert report.statements == 8
    return paper_id(db, "smith2020")


def test_citing_works_newest_first_then_title_statements_in_insertion_order(db, cited_smith):
    groups = citing(db, cited_smith)
    assert [(g.work.title, g.work.year) for g in groups] == [
        ("Wide Models", 2021),
        ("Alpha paper", 2019),
        ("beta paper", 2019),
        ("No year", None),
    ]
    assert [item.text for item in groups[2].items] == ["B1.", "B2."]
    first = groups[2].items[0]
    assert (first.stance, first.section, first.raw_section, first.source) == (
        Stance.SUPPORTING,
        Section.UNKNOWN,
        None,
        "s.jsonl",
    )
    assert groups[0].work.paper_key == "brown2021" and groups[1].work.paper_key is None


def test_references_show_what_the_paper_cites(db, cited_smith):
    groups = citing(db, cited_smith, Direction.REFERENCES)
    assert [(g.work.paper_key, [item.text for item in g.items]) for g in groups] == [
        ("brown2021", ["R3."]),
        ("jones2018", ["R1.", "R2."]),
    ]
    assert groups[1].items[1].section == Section.RESULTS


def test_paper_counts(db, cited_smith):
    assert paper_counts(db, cited_smith) == Counts(
        cited_by=4,
        citation_statements=5,
        references=2,
        reference_statements=3,
        supporting=2,
        mentioning=1,
        contrasting=1,
        unclassified=1,
    )
    jones = paper_counts(db, paper_id(db, "jones2018"))
    assert (jones.cited_by, jones.citation_statements, jones.references, jones.unclassified) == (1, 2, 0, 2)


def test_paper_without_statements_has_zero_counts_and_no_groups(db):
    jones = paper_id(db, "jones2018")
    assert paper_counts(db, jones) == Counts()
    assert citing(db, jones) == [] and citing(db, jones, Direction.REFERENCES) == []
