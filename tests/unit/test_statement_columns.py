"""Statement files read through a column mapping: headerless TSV by column number, CSV by header name, JSON Lines
by key; the format and header found; bad mappings refused in one sentence; the preview; the command."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from citedesk import cli
from citedesk.library.db import open_library
from citedesk.library.statement_columns import StatementLayout, describe_columns, parse_columns
from citedesk.library.statement_files import (
    ColumnChoice,
    MalformedRow,
    parse_row,
    preview_statements,
    read_statement_rows,
)
from citedesk.library.statement_store import preview_statement_import, store_statements
from citedesk.model import CitedeskError, Stance

ATHAR_LIKE = (
    'A00-1043\tP02-1040\to\t"We use BLEU (Papineni et al., 2002), as ""everyone"" does."\r\n'
    'N03-1017\tP02-1040\tp\t"BLEU correlates well with human judgement (Papineni et al., 2002)."\r\n'
    'N03-1017\tX99-0000\tn\t"X fails here."\r\n'
)
ATHAR_COLUMNS = "cited_key=1,citing_key=0,label=2,text=3"


def layout(columns: str = "", **kwargs) -> StatementLayout:
    return StatementLayout(parse_columns(columns) if columns else (), **kwargs)


def rows_of(path: Path, columns: str = "", **kwargs) -> list[tuple[int, dict]]:
    return list(read_statement_rows(path, layout(columns, **kwargs)))


@pytest.fixture
def athar_tsv(tmp_path: Path) -> Path:
    path = tmp_path / "complete_corpus.txt"
    path.write_bytes(ATHAR_LIKE.encode("utf-8"))
    return path


@pytest.fixture
def db(tmp_path: Path):
    """A library with P02-1040 and N03-1017, inserted directly."""
    library = open_library(tmp_path / "library.sqlite")
    for key, title in (("P02-1040", "BLEU"), ("N03-1017", "Statistical Phrase-Based Translation")):
        library.execute(
            "INSERT INTO papers (citekey, entry_type, title, fields, raw) VALUES (?, 'inproceedings', ?, '{}', '')",
            [key, title],
        )
    yield library
    library.close()


# ---------------------------------------------------------------- the mapping itself


def test_a_mapping_gives_column_numbers_names_and_fields_not_read():
    assert parse_columns(" cited_key=1, Citing_Key = 0,label=2,text=3,") == (
        ("cited_key", 1),
        ("citing_key", 0),
        ("label", 2),
        ("text", 3),
    )
    assert parse_columns("cited_key=cited,text=The Sentence,section=") == (
        ("cited_key", "cited"),
        ("text", "The Sentence"),
        ("section", None),
    )
    assert describe_columns(parse_columns("text=3,section=")) == "text=3,section="


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the column mapping is empty: give FIELD=COLUMN pairs, e.g. text=3,cited_key=1"),
        ("text", "'text' in the column mapping is not FIELD=COLUMN (e.g. text=3 or text=sentence)"),
        ("=3", "'=3' in the column mapping is not FIELD=COLUMN (e.g. text=3 or text=sentence)"),
        ("txt=3", "unknown field 'txt' in the column mapping (the fields are text, cited_key, cited_doi,"),
        ("text=3,cited_key=1,TEXT=2", "the column mapping gives the field 'text' twice"),
        ("text=-1", "column numbers count from 0: text=-1 is not a column"),
    ],
)
def test_a_bad_mapping_is_refused_in_one_sentence(text, message):
    with pytest.raises(CitedeskError) as caught:
        parse_columns(text)
    assert str(caught.value).startswith(message)


def test_the_layout_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        layout("text=1").header = True  # type: ignore[misc]


# ---------------------------------------------------------------- TSV without a header, by column number


def test_headerless_tsv_is_read_by_column_number(athar_tsv):
    rows = rows_of(athar_tsv, ATHAR_COLUMNS)
    assert rows[0] == (
        1,
        {
            "text": 'We use BLEU (Papineni et al., 2002), as "everyone" does.',
            "cited_key": "P02-1040",
            "citing_key": "A00-1043",
            "label": "o",
        },
    )
    assert [line for line, _ in rows] == [1, 2, 3]


def test_a_txt_file_is_read_as_whatever_its_first_line_shows(tmp_path, athar_tsv):
    assert len(rows_of(athar_tsv, ATHAR_COLUMNS)) == 3  # tabs: TSV
    as_csv = tmp_path / "notes.txt"
    as_csv.write_text("P02-1040,A00-1043,We use BLEU.\n", encoding="utf-8")
    assert rows_of(as_csv, "cited_key=0,citing_key=1,text=2") == [
        (1, {"text": "We use BLEU.", "cited_key": "P02-1040", "citing_key": "A00-1043"})
    ]
    as_jsonl = tmp_path / "export"  # no extension at all
    as_jsonl.write_text('\n{"cited": "P02-1040", "sentence": "We use BLEU."}\n', encoding="utf-8")
    assert rows_of(as_jsonl, "cited_key=cited,text=sentence") == [
        (2, {"text": "We use BLEU.", "cited_key": "P02-1040"})
    ]
    plain = tmp_path / "plain.txt"
    plain.write_text("just words\n", encoding="utf-8")
    with pytest.raises(
        CitedeskError, match=re.escape("Cannot tell from its first line whether plain.txt is JSON Lines, CSV or TSV")
    ):
        rows_of(plain, "text=0,cited_key=0")
    assert rows_of(plain, "text=0,cited_key=0", format="csv") == [
        (1, {"text": "just words", "cited_key": "just words"})
    ]


def test_the_format_given_wins_over_the_extension(tmp_path):
    path = tmp_path / "tabs.csv"
    path.write_text("P02-1040\tWe use BLEU.\n", encoding="utf-8")
    assert rows_of(path, "cited_key=0,text=1", format="tsv") == [(1, {"text": "We use BLEU.", "cited_key": "P02-1040"})]


def test_a_row_shorter_than_the_mapping_is_a_row_problem(tmp_path):
    path = tmp_path / "s.tsv"
    path.write_text("a\tb\tc\tText one.\n\nd\te\n", encoding="utf-8")
    (_, good), (line, bad) = rows_of(path, ATHAR_COLUMNS)
    assert good["text"] == "Text one."
    assert line == 3 and isinstance(bad, MalformedRow)
    assert bad.reason == "2 fields, but the mapping reads column 3 for text" and bad.raw == "d\te"


def test_a_column_beyond_the_first_row_is_refused(athar_tsv):
    with pytest.raises(CitedeskError) as caught:
        rows_of(athar_tsv, "cited_key=1,citing_key=0,text=4")
    assert str(caught.value) == (
        "the column mapping reads column 4 for text, but the first row of complete_corpus.txt has 4 columns (0 to 3)"
    )


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ("cited_key=1,citing_key=0", "the column mapping gives no column for text"),
        ("citing_key=0,text=3", "the column mapping gives no column for the cited paper (cited_key or cited_doi)"),
        ("cited_key=1,text=", "the column mapping gives no column for text"),
    ],
)
def test_a_mapping_without_text_or_cited_paper_is_refused(athar_tsv, columns, message):
    with pytest.raises(CitedeskError) as caught:
        rows_of(athar_tsv, columns)
    assert str(caught.value) == message


def test_a_headerless_file_without_a_mapping_asks_for_one(athar_tsv):
    with pytest.raises(
        CitedeskError,
        match=r"complete_corpus.txt has no header line naming its columns \(its first row "
        r"has 4\): give a column mapping such as text=3,cited_key=1, counting from 0",
    ):
        rows_of(athar_tsv)


def test_column_names_need_a_header_line(athar_tsv):
    with pytest.raises(
        CitedeskError,
        match=re.escape(
            "names a column 'sentence' for text, but complete_corpus.txt is read without "
            "a header line: give column numbers, counting from 0"
        ),
    ):
        rows_of(athar_tsv, "cited_key=1,text=sentence", header=False)


# ---------------------------------------------------------------- CSV with a header, by name


@pytest.fixture
def named_csv(tmp_path: Path) -> Path:
    path = tmp_path / "s.csv"
    path.write_text(
        "Paper Cited,Sentence,section,citing_title,text\r\n"
        'P02-1040,"We use BLEU, as usual.",4 Results,A Study,ignored\r\n',
        encoding="utf-8",
    )
    return path


def test_csv_columns_are_mapped_by_header_name_and_the_others_read_by_their_own(named_csv):
    assert rows_of(named_csv, "cited_key=paper cited,text=SENTENCE") == [
        (
            2,
            {
                "text": "We use BLEU, as usual.",
                "cited_key": "P02-1040",
                "citing_title": "A Study",
                "section": "4 Results",
            },
        )
    ]


def test_a_field_mapped_to_nothing_is_not_read(named_csv):
    [(_, row)] = rows_of(named_csv, "cited_key=paper cited,text=sentence,section=")
    assert "section" not in row


def test_column_numbers_count_in_a_file_with_a_header_when_it_is_stated(named_csv):
    assert rows_of(named_csv, "cited_key=0,text=1", header=True)[0][1]["text"] == "We use BLEU, as usual."
    line, first = rows_of(named_csv, "cited_key=0,text=1")[0]  # numbers only: the header line is a row
    assert (line, first["text"]) == (1, "Sentence")


def test_a_name_not_in_the_header_is_refused_with_the_header_listed(named_csv):
    with pytest.raises(CitedeskError) as caught:
        rows_of(named_csv, "cited_key=cited,text=sentence")
    assert str(caught.value) == (
        "the column mapping reads a column 'cited' for cited_key, but the header of s.csv has "
        "none (its columns: paper cited, sentence, section, citing_title, text)"
    )


# ---------------------------------------------------------------- JSON Lines, by key


def test_jsonl_keys_are_mapped_and_the_other_fields_read_by_their_own_name(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text(
        json.dumps(
            {"cited": "P02-1040", "sentence": "We use BLEU.", "text": "not this", "citing_title": "A Study", "extra": 1}
        )
        + "\n",
        encoding="utf-8",
    )
    assert rows_of(path, "cited_key=cited,text=sentence") == [
        (1, {"text": "We use BLEU.", "cited_key": "P02-1040", "citing_title": "A Study"})
    ]
    assert rows_of(path, "cited_key=cited,text=text,citing_title=") == [
        (1, {"text": "not this", "cited_key": "P02-1040"})
    ]


def test_jsonl_refuses_column_numbers_and_a_header_flag(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_text('{"cited_key": "a", "text": "b"}\n', encoding="utf-8")
    with pytest.raises(
        CitedeskError, match=re.escape("s.jsonl is JSON Lines, read by key: text=3 gives a column number, not a key")
    ):
        rows_of(path, "cited_key=a,text=3")
    with pytest.raises(CitedeskError, match=re.escape("s.jsonl is JSON Lines, which has no header line")):
        rows_of(path, header=False)


# ---------------------------------------------------------------- labels


@pytest.mark.parametrize(("code", "sentiment"), [("p", "positive"), ("N", "negative"), ("o", "objective")])
def test_athar_labels_are_sentiment_kept_as_an_intent_and_the_stance_left_to_the_classifier(code, sentiment):
    row = parse_row({"text": "T.", "cited_key": "a", "citing_key": "b", "label": code, "intents": "method"}, "f")
    assert (row.stance, row.label_given, row.intents) == (Stance.UNCLASSIFIED, False, ["method", sentiment])


def test_a_stance_label_is_still_given():
    row = parse_row({"text": "T.", "cited_key": "a", "citing_key": "b", "label": "Contrasting"}, "f")
    assert (row.stance, row.label_given, row.intents) == (Stance.CONTRASTING, True, [])


# ---------------------------------------------------------------- storing with a mapping


def test_a_headerless_tsv_is_stored_through_the_mapping(db, athar_tsv):
    report = store_statements(db, athar_tsv, layout=layout(ATHAR_COLUMNS))
    assert (report.statements, report.already_present, report.invalid) == (2, 0, [])
    assert [(p.line, p.reason, p.key) for p in report.unmatched] == [
        (3, "cites X99-0000, which is not in the library", "X99-0000")
    ]
    stored = db.execute("SELECT text, intents, stance, source FROM statements ORDER BY id").fetchall()
    assert stored == [
        (
            'We use BLEU (Papineni et al., 2002), as "everyone" does.',
            '["objective"]',
            "unclassified",
            "complete_corpus.txt",
        ),
        (
            "BLEU correlates well with human judgement (Papineni et al., 2002).",
            '["positive"]',
            "unclassified",
            "complete_corpus.txt",
        ),
    ]


# ---------------------------------------------------------------- the preview


def test_the_preview_shows_the_first_rows_as_stored_with_each_rows_problem(db, athar_tsv):
    preview = preview_statement_import(db, athar_tsv, layout(ATHAR_COLUMNS))
    assert (preview.format, preview.header, preview.error) == ("tsv", False, None)
    assert preview.mapping == (("text", 3), ("cited_key", 1), ("citing_key", 0), ("label", 2))
    assert preview.choices[:3] == (
        ColumnChoice(0, "0: A00-1043"),
        ColumnChoice(1, "1: P02-1040"),
        ColumnChoice(2, "2: o"),
    )
    assert preview.choices[3].label == "3: We use BLEU (Papineni et al., 2002), as…"  # shortened
    assert [(row.line, row.value("label"), row.value("cited_key"), row.problem) for row in preview.rows] == [
        (1, "objective (sentiment)", "P02-1040", None),
        (2, "positive (sentiment)", "P02-1040", None),
        (3, "negative (sentiment)", "X99-0000", "cites X99-0000, which is not in the library"),
    ]
    assert db.execute("SELECT count(*) FROM statements").fetchone()[0] == 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        preview.rows[0].line = 5  # type: ignore[misc]


def test_the_preview_stops_after_its_rows_and_shows_invalid_ones_as_read(tmp_path):
    path = tmp_path / "s.tsv"
    path.write_text("".join(f"a\tb\t{'x' if n == 1 else 'o'}\tText {n}.\n" for n in range(100)), encoding="utf-8")
    preview = preview_statements(path, layout(ATHAR_COLUMNS), limit=2)
    assert [(row.line, row.value("label"), row.problem) for row in preview.rows] == [
        (1, "objective (sentiment)", None),
        (2, "x", "unknown label 'x' (expected one of supporting, mentioning, contrasting, unclassified)"),
    ]


def test_the_preview_holds_the_error_instead_of_raising_it_and_still_offers_the_columns(athar_tsv, tmp_path):
    preview = preview_statements(athar_tsv)
    assert preview.error.startswith("complete_corpus.txt has no header line naming its columns")
    assert (preview.format, preview.header, len(preview.choices), preview.rows) == ("tsv", False, 4, ())
    missing = preview_statements(tmp_path / "missing.tsv")
    assert missing.error == f"No such file: {tmp_path / 'missing.tsv'}" and missing.choices == ()


def test_the_preview_of_a_file_with_a_header_names_its_columns(named_csv, tmp_path):
    preview = preview_statements(named_csv)
    assert preview.header and preview.choices[0] == ColumnChoice(0, "0: Paper Cited")
    assert preview.mapping == (("text", 4), ("citing_title", 3), ("section", 2))
    assert preview.error == "s.csv has neither a 'cited_key' nor a 'cited_doi' column"
    jsonl = tmp_path / "s.jsonl"
    jsonl.write_text(
        '{"cited": "a", "sentence": "b"}\n{"cited": "a", "sentence": "c", "year": 2001}\n', encoding="utf-8"
    )
    keyed = preview_statements(jsonl, layout("cited_key=cited,text=sentence"))
    assert [choice.key for choice in keyed.choices] == ["cited", "sentence", "year"]
    assert keyed.rows[0].problem == "no citing paper (citing_key, citing_doi or citing_title)"


# ---------------------------------------------------------------- the command


def test_the_command_imports_with_a_mapping_and_previews(tmp_path, small_library, capsys):
    path = tmp_path / "notes.txt"
    path.write_text(
        "smith2019\ttse2017\tp\tTse et al. found it works.\nsmith2019\tnobody\to\tOther.\n", encoding="utf-8"
    )
    args = ["--library", str(small_library), "import-statements", str(path), "--columns", ATHAR_COLUMNS]
    assert cli.main([*args, "--preview"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [
        "notes.txt: TSV without a header line; read as --columns text=3,cited_key=1,citing_key=0,label=2",
        "line 1",
    ]
    assert out[5:7] == [
        "  label:          positive (sentiment)",
        "line 2 (not stored: cites nobody, which is not in the library)",
    ]

    assert cli.main(args) == 0
    captured = capsys.readouterr()
    assert (
        "Stored 1 new statement, 0 already present; 1 cite a paper not in the library, 0 invalid rows." in captured.out
    )
    assert f"{path}:2: cites nobody, which is not in the library" in captured.err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (
            ["--columns", "cited_key=1,text=9"],
            "citedesk: the column mapping reads column 9 for text, but the first row of "
            "notes.txt has 4 columns (0 to 3)\n",
        ),
        (
            ["--columns", "cited_key=1,txt=3"],
            "citedesk: unknown field 'txt' in the column mapping (the fields are text, ",
        ),
    ],
)
def test_the_command_refuses_a_bad_mapping_in_one_line(tmp_path, small_library, capsys, extra, message):
    path = tmp_path / "notes.txt"
    path.write_text("smith2019\ttse2017\tp\tTse et al. found it works.\n", encoding="utf-8")
    assert cli.main(["--library", str(small_library), "import-statements", str(path), *extra]) == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


def test_the_command_preview_refuses_a_bad_mapping_too(tmp_path, small_library, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("smith2019\ttse2017\tp\tTse et al. found it works.\n", encoding="utf-8")
    args = [
        "--library",
        str(small_library),
        "import-statements",
        str(path),
        "--columns",
        "cited_key=1,text=",
        "--preview",
    ]
    assert cli.main(args) == 1
    assert capsys.readouterr().err == "citedesk: the column mapping gives no column for text\n"
