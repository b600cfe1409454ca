"""Statements in the library get a stance, a confidence, a section and the model's version; given labels stay."""

from __future__ import annotations

import json
import subprocess
import sys

from citedesk import jobs
from citedesk.classify.builtin import MiniLMClassifier
from citedesk.classify.encoder import load_encoder
from citedesk.classify.model import load_model
from citedesk.classify.plugin import StanceClassifier
from citedesk.jobs import classifying
from citedesk.library.db import open_library
from citedesk.model import Stance

BIB = "@article{cited, title={Cited}, author={Smith, Ann}, year=2010}\n@article{citing, title={Citing}, author={Lee, Bo}, year=2015}\n"
ROWS = [
    {
        "cited_key": "cited",
        "citing_key": "citing",
        "text": "Unlike Smith (2010), we found no effect.",
        "section": "4 Discussion",
    },
    {
        "cited_key": "cited",
        "citing_title": "Other",
        "text": "We use the data of Smith (2010).",
        "section": "2.1 Experimental setup",
    },
    {
        "cited_key": "cited",
        "citing_title": "Third",
        "text": "Smith (2010) is right.",
        "label": "supporting",
        "confidence": 0.9,
        "section": "1 Introduction",
    },
]


def library(tmp_path):
    (tmp_path / "l.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "s.jsonl").write_text("".join(json.dumps(row) + "\n" for row in ROWS), encoding="utf-8")
    jobs.import_bibtex(tmp_path / "l.sqlite", [tmp_path / "l.bib"], workers=1)
    jobs.import_statements(tmp_path / "l.sqlite", tmp_path / "s.jsonl")
    return tmp_path / "l.sqlite"


def rows(path):
    db = open_library(path)
    found = db.execute(
        "SELECT text, stance, confidence, classifier_version, section FROM statements ORDER BY id"
    ).fetchall()
    tallies = db.execute(
        "SELECT supporting, mentioning, contrasting, unclassified FROM papers WHERE citekey = 'cited'"
    ).fetchone()
    db.close()
    return found, tallies


def test_imported_statements_are_labelled_by_the_fast_layer_at_once_and_given_labels_kept(tmp_path):
    found, tallies = rows(library(tmp_path))
    version = load_model().version
    assert [(version_, section) for _, _, _, version_, section in found] == [
        (version, "discussion"),
        (version, "methods"),
        ("given", "introduction"),
    ]
    assert found[2][1:3] == ("supporting", 0.9)
    assert all(stance in {s.value for s in Stance} and 0 < confidence <= 1 for _, stance, confidence, _, _ in found)
    assert sum(tallies) == 3


def test_the_accurate_layer_relabels_what_the_fast_one_labelled(tmp_path):
    path = library(tmp_path)
    report = jobs.classify(path)
    assert report.statements == 2 and report.model == load_encoder().version != load_model().version
    found, tallies = rows(path)
    assert [version for _, _, _, version, _ in found] == [load_encoder().version] * 2 + ["given"]
    assert sum(tallies) == 3 and jobs.classify(path).statements == 0


def test_the_open_papers_statements_go_first(tmp_path, monkeypatch):
    bib = "".join(f"@article{{p{i}, title={{Paper {i}}}, author={{Author{i}, Ann}}, year=2010}}\n" for i in range(3))
    (tmp_path / "l.bib").write_text(bib, encoding="utf-8")
    lines = [
        {"cited_key": f"p{i % 3}", "citing_title": f"Citing {n}", "text": f"We follow Author{i % 3} (2010), step {n}."}
        for n, i in enumerate(range(30))
    ]
    (tmp_path / "s.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    jobs.import_bibtex(tmp_path / "l.sqlite", [tmp_path / "l.bib"], workers=1)
    jobs.import_statements(tmp_path / "l.sqlite", tmp_path / "s.jsonl")
    monkeypatch.setattr(classifying, "BATCH", 5)
    db = open_library(tmp_path / "l.sqlite")
    wanted = db.execute("SELECT id FROM papers WHERE citekey = 'p2'").fetchone()[0]
    db.close()
    seen, done = [], []
    accurate = MiniLMClassifier()

    class Watching(StanceClassifier):
        name, version = "watching", accurate.version

        def classify(self, sentences):
            seen.append({sentence.text.split()[2] for sentence in sentences})
            return accurate.classify(sentences)

    classifying.classify_library(
        tmp_path / "l.sqlite", classifier=Watching(), first=lambda: wanted, first_done=done.append
    )
    assert set().union(*seen[:2]) == {"Author2"} and "Author2" not in set().union(*seen[2:])
    assert done == [wanted]


def test_a_new_model_reclassifies_and_the_tallies_follow(tmp_path):
    path = library(tmp_path)
    db = open_library(path)
    db.execute(
        "UPDATE statements SET classifier_version = 'linear-old', stance = 'contrasting' WHERE classifier_version != 'given'"
    )
    db.execute(
        "UPDATE papers SET contrasting = 2, mentioning = 0, supporting = 1, unclassified = 0 WHERE citekey = 'cited'"
    )
    db.conn.commit()
    db.close()
    report = jobs.classify(path)
    assert report.statements == 2 and report.model == load_encoder().version
    (tmp_path / "again").mkdir()
    again = library(tmp_path / "again")
    jobs.classify(again)
    assert rows(path) == rows(again)  # as if classified by the current model from the start
    assert jobs.classify(path).statements == 0  # nothing left to do


def test_classify_a_file_from_the_command_line(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"text": "Our results confirm those of Smith (2010).", "id": 7})
        + "\n\n"
        + json.dumps({"text": "We use WordNet [3].", "marker_start": 16, "marker_end": 19})
        + "\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, "-m", "citedesk", "classify", "--input", str(source), "--output", str(tmp_path / "out.jsonl")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.startswith("Classified 2 sentence(s)"), done.stderr
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [record.get("id") for record in out] == [7, None]
    assert all(record["label"] in {s.value for s in Stance} and 0 < record["confidence"] <= 1 for record in out)
    assert {record["classifier"] for record in out} == {load_encoder().version}


def test_a_file_without_text_is_a_one_line_error(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"sentence": "no text field"}\n', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "citedesk", "classify", "--input", str(source), "--output", str(tmp_path / "out.jsonl")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (
        done.returncode == 1 and done.stderr.startswith("citedesk: ") and ':1: each line needs a "text"' in done.stderr
    )
    assert "Traceback" not in done.stderr and not (tmp_path / "out.jsonl").exists()
