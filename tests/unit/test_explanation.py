"""The plain reading of a paper's report: every number it says checked against the stored data (counted here on
its own, from the statements and citations tables), and the wording of the cases with little or no data."""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from citedesk import jobs
from citedesk.library.citation_store import store_result
from citedesk.library.db import open_library
from citedesk.library.explanation import FEW_STATEMENTS, Explanation, Standing, compare, explain_paper
from citedesk.model import GIVEN_STANCE, CitationRecord, Context, Metrics, PaperRef, Section, SourceResult, WorkRecord
from citedesk.reads import Reads

TARGET = "target"
TARGET_AUTHORS = "Tse, Samson and Mak, Winnie"
FETCHED = "2024-05-01T10:00:00+00:00"
NUMBER = re.compile(r"\d{4}-\d{2}-\d{2}|\d+(?:,\d{3})*(?:\.\d+)?%?")
CONFIDENCE_MEANS = (
    "Confidence is the classifier's own estimate of the probability that its label is right: it says how sure the "
    "label is, not how good the paper is."
)
STANCES = ("supporting", "mentioning", "contrasting", "unclassified")


# building libraries


def bib_entry(key: str, authors: str) -> str:
    return f"@article{{{key},\n  title = {{The paper {key}}},\n  author = {{{authors}}},\n  year = 2014,\n}}\n\n"


def build_library(tmp_path: Path, papers: dict[str, str], statements: list[dict[str, Any]]) -> Path:
    """A library of these papers (key: authors), with these statement rows imported from a JSON Lines file."""
    bib = tmp_path / "papers.bib"
    bib.write_text("".join(bib_entry(key, authors) for key, authors in papers.items()), encoding="utf-8")
    library = tmp_path / "library.sqlite"
    jobs.import_bibtex(library, [bib], workers=1)
    if statements:
        path = tmp_path / "statements.jsonl"
        path.write_text("".join(json.dumps(row) + "\n" for row in statements), encoding="utf-8")
        jobs.import_statements(library, path)
    return library


def citing(title: str, year: int | None, authors: list[str], *rows: tuple[Any, ...], cited: str = TARGET) -> list:
    """Statement rows of one citing work outside the library; each row (label, confidence, section), None for
    what the file leaves out (a row without a label is labelled by CiteDesk's classifier)."""
    made = []
    for number, (label, confidence, section) in enumerate(rows):
        row: dict[str, Any] = {"cited_key": cited, "citing_title": title, "text": f"{title} cites {cited} ({number})."}
        for name, value in (
            ("citing_year", year),
            ("citing_authors", authors or None),
            ("label", label),
            ("confidence", confidence),
            ("section", section),
        ):
            if value is not None:
                row[name] = value
        made.append(row)
    return made


def others_citing(counts: dict[str, tuple[int, int, int]]) -> list:
    """Statements from one work citing other library papers: (supporting, mentioning, contrasting) each."""
    rows = []
    for key, (supporting, mentioning, contrasting) in counts.items():
        labels = ["supporting"] * supporting + ["mentioning"] * mentioning + ["contrasting"] * contrasting
        rows += citing("Zeta", 2017, ["Zoe Zed"], *[(label, 0.9, None) for label in labels], cited=key)
    return rows


@contextmanager
def opened(library: Path) -> Iterator[sqlite_utils.Database]:
    db = open_library(library)
    try:
        yield db
    finally:
        db.close()


def paper_id(db: sqlite_utils.Database, key: str) -> int:
    return int(db.execute("SELECT id FROM papers WHERE citekey = ?", [key]).fetchone()[0])


def explain(library: Path, key: str = TARGET, labels: dict[str, str] | None = None) -> Explanation:
    with opened(library) as db:
        return explain_paper(db, paper_id(db, key), labels)


def store_from_source(library: Path, key: str, result: SourceResult) -> None:
    with opened(library) as db:
        store_result(db, PaperRef(paper_id(db, key), key), result, FETCHED)


# counting the stored data on its own


def stored_statements(db: sqlite_utils.Database, key: str) -> list[dict[str, Any]]:
    sql = """
    SELECT s.stance, s.confidence, s.section, s.classifier_version AS version, s.source, s.fetched_at, w.year
    FROM papers p JOIN works me ON me.paper_id = p.id JOIN citations c ON c.cited_work_id = me.id
    JOIN statements s ON s.citation_id = c.id JOIN works w ON w.id = c.citing_work_id
    WHERE p.citekey = ?
    """
    cursor = db.execute(sql, [key])
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def stored_relationships(db: sqlite_utils.Database, key: str) -> list[int | None]:
    sql = (
        "SELECT c.self_citation FROM papers p JOIN works me ON me.paper_id = p.id "
        "JOIN citations c ON c.cited_work_id = me.id WHERE p.citekey = ?"
    )
    return [row[0] for row in db.execute(sql, [key])]


def stance_tallies(db: sqlite_utils.Database, key: str) -> Counter[str]:
    return Counter(row["stance"] for row in stored_statements(db, key))


def numbers(text: str, *names: str) -> list[str]:
    """The numbers a text says, in order (dates whole); names holding digits (a classifier's version) left out."""
    for name in names:
        text = text.replace(name, "NAME")
    return NUMBER.findall(text)


def percent(part: float, whole: float) -> str:
    share = 100 * part / whole
    assert 1 <= share <= 99, "the tests' data keep clear of 'under 1%' and 'over 99%'"
    return f"{round(share)}%"


def said(number: int) -> list[str]:
    """What the text says of a count that it writes as "none" when it is 0."""
    return [f"{number:,}"] if number else []


def median_text(values: list[int]) -> str:
    middle = statistics.median(values)
    return f"{middle:.0f}" if middle == int(middle) else f"{middle:.1f}"


# the full report


MAIN_STATEMENTS = [
    *citing("Alpha", 2015, ["Ann Smith"], ("supporting", 0.9, "Introduction")),
    *citing("Beta", 2016, ["Samson Tse", "Bo Lee"], ("mentioning", 0.8, "Methods"), ("contrasting", 0.7, "Results")),
    *citing(
        "Gamma",
        2018,
        [],
        ("mentioning", None, "Discussion"),
        ("mentioning", 0.6, "1 Introduction"),
        ("unclassified", None, None),
        (None, None, "Introduction"),
    ),
    *citing(
        "Delta",
        2019,
        ["Cy Young"],
        ("supporting", 0.95, "Discussion"),
        ("mentioning", 0.85, None),
        ("mentioning", 0.75, "Introduction"),
        (None, None, None),
        ("contrasting", 0.65, "Related work"),
    ),
    *citing("Epsilon", None, ["Dee Ray"], ("mentioning", 0.9, None), ("supporting", 0.8, None)),
    *others_citing({"o1": (3, 0, 1), "o2": (0, 1, 0), "o3": (2, 0, 0), "o4": (5, 0, 2)}),
]
MAIN_PAPERS = {TARGET: TARGET_AUTHORS, "o1": "A, B", "o2": "C, D", "o3": "E, F", "o4": "G, H", "o5": "I, J"}


def main_library(tmp_path: Path) -> Path:
    return build_library(tmp_path, MAIN_PAPERS, MAIN_STATEMENTS)


def test_every_number_of_the_full_report_is_the_stored_data(tmp_path):
    library = main_library(tmp_path)
    explanation = explain(library)
    with opened(library) as db:
        rows = stored_statements(db, TARGET)
        relationships = stored_relationships(db, TARGET)
        others = db.execute(
            "SELECT supporting, contrasting FROM papers WHERE statements > 0 AND citekey != ?", [TARGET]
        ).fetchall()
    versions = sorted({row["version"] for row in rows} - {GIVEN_STANCE, None})
    totals, standing, years, who, confidence, origin = explanation.paragraphs
    total = len(rows)
    assert total == 14 >= FEW_STATEMENTS
    tally = Counter(row["stance"] for row in rows)

    expected = ["5", str(total)]
    for stance in STANCES:
        expected += [str(tally[stance])] + ([percent(tally[stance], total)] if tally[stance] else [])
    assert numbers(totals) == expected
    assert "too few" not in totals

    expected = [str(len(others))]
    for column, stance in enumerate(("supporting", "contrasting")):
        values, value = [row[column] for row in others], tally[stance]
        fewer, same = sum(v < value for v in values), sum(v == value for v in values)
        assert value and same < len(values)  # the data's general case: "n of them (p%) have fewer..."
        expected += [str(fewer), percent(fewer, len(values))] if fewer else []
        expected += [str(value), *said(same), *said(len(values) - fewer - same), median_text(values)]
    assert len(others) == 4 and numbers(standing) == expected  # an even count: the median is between two

    per_year = Counter(row["year"] for row in rows if row["year"] is not None)
    first, last = min(per_year), max(per_year)
    peak = max(per_year.values())
    early = sum(n for year, n in per_year.items() if year <= first + 1)
    late = sum(n for year, n in per_year.items() if year >= last - 1)
    assert (first, last, late > 1.5 * early) == (2015, 2019, True)
    assert numbers(years) == [
        str(sum(per_year.values())),
        str(first),
        str(last),
        str(peak),
        *[str(year) for year, n in sorted(per_year.items()) if n == peak],
        str(early),
        str(first),
        str(first + 1),
        str(late),
        str(last - 1),
        str(last),
        str(sum(row["year"] is None for row in rows)),
    ]
    assert "has risen" in years

    known = [flag for flag in relationships if flag is not None]
    sections = Counter(row["section"] for row in rows)
    order = list(Section)
    by_count = sorted(
        (item for item in sections.items() if item[0] != "unknown"), key=lambda item: (-item[1], order.index(item[0]))
    )
    assert {"introduction", "methods", "results", "discussion"} <= set(sections)
    expected = [str(len(known)), str(sum(known)), percent(sum(known), len(known))]
    expected += [str(len(relationships) - len(known))]
    expected += [str(n) for _, n in by_count] + said(sections["unknown"])
    assert numbers(who) == expected
    assert "(a self-citation)" in who

    classified = [row for row in rows if row["stance"] != "unclassified"]
    confident = [row["confidence"] for row in classified if row["confidence"] is not None]
    unsure = sum(row["stance"] == "unclassified" and row["version"] is not None for row in rows)
    assert 0 < len(confident) < len(classified) and unsure
    assert numbers(confidence) == [
        str(len(confident)),
        percent(sum(confident), len(confident)),
        str(len(classified) - len(confident)),
        str(unsure),
    ]
    assert confidence.endswith(CONFIDENCE_MEANS)

    by_citedesk = sum(row["version"] not in (GIVEN_STANCE, None) for row in rows)
    given = sum(row["version"] == GIVEN_STANCE for row in rows)
    assert (by_citedesk, given, len(versions)) == (2, 12, 1)
    assert {row["source"] for row in rows} == {"statements.jsonl"}
    stored_on = max(row["fetched_at"] for row in rows)[:10]
    assert numbers(origin, *versions) == [str(total), stored_on, str(by_citedesk), str(given)]
    assert f"CiteDesk's classifier ({versions[0]})" in origin


def test_the_figures_are_the_stored_data(tmp_path):
    library = main_library(tmp_path)
    explanation = explain(library)
    with opened(library) as db:
        tally = stance_tallies(db, TARGET)
        relationships = stored_relationships(db, TARGET)
    assert (explanation.publications, explanation.with_statements, explanation.statements) == (5, 5, 14)
    assert [getattr(explanation, stance) for stance in STANCES] == [tally[stance] for stance in STANCES]
    assert explanation.years == ((2015, 1), (2016, 2), (2018, 4), (2019, 5))
    assert explanation.undated == 2
    assert (explanation.self_citations, explanation.independent, explanation.relationship_unknown) == (
        relationships.count(1),
        relationships.count(0),
        relationships.count(None),
    )
    assert explanation.self_citation_share == relationships.count(1) / (len(relationships) - relationships.count(None))
    standing = explanation.supporting_standing
    assert standing is not None and standing.others == 4 and standing.median == statistics.median([3, 0, 2, 5])
    assert standing.percentile == 100 * sum(v < tally["supporting"] for v in [3, 0, 2, 5]) / 4


def test_another_source_s_tallies_are_said_apart_with_their_date(tmp_path):
    library = main_library(tmp_path)
    metrics = Metrics(supporting=3, mentioning=47, contrasting=0, unclassified=1, cited_by=31)
    store_from_source(library, TARGET, SourceResult("scite", metrics=metrics))
    store_from_source(library, TARGET, SourceResult("semanticscholar", metrics=Metrics(cited_by=1)))
    explanation = explain(library, labels={"semanticscholar": "Semantic Scholar"})
    origin = explanation.paragraphs[-1]
    assert origin.endswith(
        "scite's own tallies, fetched on 2024-05-01, are kept apart from these: 3 supporting, 47 mentioning, "
        "0 contrasting and 1 unclassified statements; 31 citations. scite counts 51 statements where 14 are "
        "stored here. Semantic Scholar's own tallies, fetched on 2024-05-01, are kept apart from these: "
        "1 citation."
    )
    assert explanation.publications == 5  # the sources' counts are never merged into ours


def test_citing_publications_without_a_statement_are_said_apart(tmp_path):
    library = main_library(tmp_path)
    record = CitationRecord(WorkRecord(doi="10.1000/z", title="Zed", year=2021, authors=["Ann Smith"]), WorkRecord())
    store_from_source(library, TARGET, SourceResult("opencitations", citations=[record]))
    explanation = explain(library)
    assert (explanation.publications, explanation.with_statements) == (6, 5)
    assert explanation.paragraphs[0].startswith(
        "The library stores 6 citing publications and 14 citation statements for this paper. Of the publications, "
        "1 comes with no statement, only the fact that it cites it. By type: "
    )


def test_the_comparison_counts_only_the_other_papers_with_statements(tmp_path):
    rows = [
        *citing("Alpha", 2020, ["Ann Smith"], *[("supporting", 0.8, "Introduction")] * 4),
        *others_citing({"o1": (1, 0, 0), "o2": (4, 1, 0), "o3": (4, 0, 0)}),
    ]
    library = build_library(tmp_path, {TARGET: TARGET_AUTHORS, "o1": "A, B", "o2": "C, D", "o3": "E, F"}, rows)
    totals, standing, years, *_ = explain(library).paragraphs
    assert standing == (
        "The library has 3 other papers with citing statements. For supporting statements, 1 of them (33%) has "
        "fewer than this paper's 4, 2 as many and none more; their median is 4. For contrasting statements, all of "
        "them have as many as this paper: 0."
    )
    assert FEW_STATEMENTS > 4
    assert totals.endswith("With only 4 statements, these counts are too few to read much into.")
    assert years == "All 4 statements come from works published in 2020."  # too few for a rise or fall


@pytest.mark.parametrize(
    ("standing", "said"),
    [
        (
            Standing(3, 4, 2.5, 2, 1),
            "2 of them (50%) have fewer than this paper's 3, 1 as many and 1 more; their median is 2.5.",
        ),
        (Standing(0, 8, 0.0, 0, 7), "7 of them (88%) have none either and 1 has some; their median is 0."),
        (Standing(0, 2, 4.0, 0, 0), "all of them have more than this paper's 0; their median is 4."),
        (Standing(5, 3, 1.0, 3, 0), "all of them have fewer than this paper's 5; their median is 1."),
        (Standing(2, 3, 2.0, 0, 3), "all of them have as many as this paper: 2."),
        (Standing(1, 3, 2.0, 0, 1), "none have fewer than this paper's 1, 1 as many and 2 more; their median is 2."),
    ],
)
def test_the_comparison_with_the_other_papers_says_its_numbers(standing, said):
    assert compare(standing, "supporting") == f"For supporting statements, {said}"
    assert standing.more == standing.others - standing.fewer - standing.same


def test_a_paper_that_nothing_cites_says_there_is_nothing_to_explain(tmp_path):
    library = build_library(tmp_path, {TARGET: TARGET_AUTHORS}, [])
    explanation = explain(library)
    assert explanation.paragraphs == (
        "No citing publications or statements are stored for this paper yet, so there is nothing to explain. "
        "Fetching its citations from the sources, or importing a file of citing statements, gives CiteDesk "
        "something to count.",
    )
    assert (explanation.statements, explanation.supporting_standing, explanation.external) == (0, None, ())


def test_a_paper_only_a_source_s_tallies_know_says_so(tmp_path):
    library = build_library(tmp_path, {TARGET: TARGET_AUTHORS}, [])
    metrics = Metrics(supporting=3, mentioning=47, contrasting=0, unclassified=1, cited_by=31, references_count=48)
    store_from_source(library, TARGET, SourceResult("scite", metrics=metrics))
    assert explain(library).paragraphs == (
        "No citing statements are stored for this paper in the library, so CiteDesk has classified nothing "
        "itself; what is known comes only from other sources' own tallies.",
        "scite's own tallies, fetched on 2024-05-01, count 3 supporting, 47 mentioning, 0 contrasting and "
        "1 unclassified statements; 31 citations and 48 references.",
        "The statements behind those tallies are not stored here, so their years, sections, self-citations and "
        "confidence cannot be shown.",
    )


def test_citing_publications_without_statements_say_who_cites_but_no_stances(tmp_path):
    library = build_library(tmp_path, {TARGET: TARGET_AUTHORS}, [])
    records = [
        CitationRecord(WorkRecord(doi="10.1000/a", title="A", year=2020, authors=["Samson Tse"]), WorkRecord()),
        CitationRecord(WorkRecord(doi="10.1000/b", title="B", year=2021, authors=["Ann Smith"]), WorkRecord()),
        CitationRecord(WorkRecord(doi="10.1000/c", title="C", year=2021), WorkRecord()),
    ]
    store_from_source(library, TARGET, SourceResult("opencitations", citations=records))
    assert explain(library).paragraphs == (
        "The library stores 3 citing publications for this paper, but none comes with a citation statement, so "
        "there are no stances to explain.",
        "Of the 2 citing publications whose authors are known, 1 (50%) shares an author with this paper "
        "(a self-citation); the authors of 1 other citing publication are not known.",
    )


def test_only_unclassified_statements_say_nothing_of_support(tmp_path):
    rows = [
        *citing("Alpha", 2020, ["Ann Smith"], *[("unclassified", None, None)] * 3),
        *others_citing({"o1": (1, 0, 0)}),
    ]
    library = build_library(tmp_path, {TARGET: TARGET_AUTHORS, "o1": "A, B"}, rows)
    paragraphs = explain(library).paragraphs
    assert paragraphs[0] == (
        "The library stores 1 citing publication and 3 citation statements for this paper. All of them are "
        "unclassified: the classifier was not sure enough of any stance for them, so they say nothing about "
        "support or contrast. With only 3 statements, these counts are too few to read much into."
    )
    assert not any("other papers" in p or "confidence" in p for p in paragraphs)  # no comparison, no confidence
    assert paragraphs[-1].endswith("All of them came with their stances from their source, and CiteDesk keeps those.")


def test_statements_no_classifier_has_seen_yet_say_so(tmp_path):
    library = build_library(tmp_path, {TARGET: TARGET_AUTHORS}, [])
    work = WorkRecord(doi="10.1000/a", title="A", year=2020, authors=["Ann Smith"])
    contexts = [Context("A first sentence citing it."), Context("A second one.")]
    store_from_source(
        library, TARGET, SourceResult("semanticscholar", citations=[CitationRecord(work, WorkRecord(), contexts)])
    )
    paragraphs = explain(library, labels={"semanticscholar": "Semantic Scholar"}).paragraphs
    assert (
        "None of the statements has been classified yet, so they say nothing yet about support or contrast."
        in (paragraphs[0])
    )
    assert paragraphs[-1] == (
        "These counts are CiteDesk's own, from the statements stored in this library: 2 from Semantic Scholar "
        "(stored on 2024-05-01). 2 have not been classified yet."
    )


def test_statements_from_works_without_a_year_cannot_be_placed_in_time(tmp_path):
    rows = citing("Alpha", None, ["Ann Smith"], ("supporting", 0.9, None), ("mentioning", 0.8, None))
    library = build_library(tmp_path, {TARGET: TARGET_AUTHORS}, rows)
    explanation = explain(library)
    assert (explanation.years, explanation.undated) == ((), 2)
    assert "None of the citing works has a known year, so the statements cannot be placed in time." in (
        explanation.paragraphs
    )
    assert "No other paper in the library has citing statements to compare this one with." in explanation.paragraphs


def test_the_read_facade_gives_the_same_explanation(tmp_path):
    library = main_library(tmp_path)
    with Reads.open(library) as reads:
        from_reads = reads.explanation(reads.paper_by_key(TARGET).id)
    assert from_reads == explain(library)
