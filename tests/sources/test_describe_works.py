"""Refresh fills in citing works known only by an id: Semantic Scholar is asked for them as `ACL:<id>` in one
POST /paper/batch, over real HTTP on 127.0.0.1, and their title, authors, year and venue are stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cassettes import load_cassette

from citedesk import jobs
from citedesk.library.db import open_library
from citedesk.library.statement_columns import StatementLayout, parse_columns
from citedesk.library.statement_view import load_items
from citedesk.sources.semanticscholar import DESCRIBE_FIELDS

TURING = "10.1093/mind/lix.236.433"  # S2's recorded paper (test_get_paper.yaml)
LIBRARY = f"""@article{{turing1950, title = {{Computing Machinery and Intelligence}}, author = {{Turing, Alan M.}},
  year = 1950, journal = {{Mind}}, doi = {{{TURING}}}}}
"""
# Athar's layout: citing id, cited key, label, text; the citing papers are not in the library
STATEMENTS = (
    "W06-3112\tturing1950\to\tWe follow Turing (1950) in asking whether machines think.\n"
    "W04-1014\tturing1950\to\tThe imitation game (Turing, 1950) is the usual test.\n"
    "smith2005\tturing1950\to\tTuring (1950) is cited by a work with a private key.\n"
)
ATHAR = StatementLayout(parse_columns("citing_key=0,cited_key=1,label=2,text=3"))
# No recording of an `ACL:` lookup exists (../shared/fixtures/api/SOURCES.md): the recorded /paper/batch answer's
# paper (test_get_papers_return_not_found.yaml, the 2nd item) is served for ACL:W06-3112, and the null it
# recorded for an unknown id for every other id.
RECORDED = load_cassette("semanticscholar/test_get_papers_return_not_found.yaml")[0].json()
KNOWN = {"ACL:W06-3112": RECORDED[1]}


@pytest.fixture
def env(monkeypatch, tmp_path, api_server):
    """Semantic Scholar at the test server, unthrottled, no retries; settings under tmp_path; no key."""
    monkeypatch.setenv("CITEDESK_CONFIG", str(tmp_path / "config"))
    for name in ("SEMANTICSCHOLAR", "OPENCITATIONS"):
        monkeypatch.setenv(f"CITEDESK_{name}_URL", api_server.url + f"/{name.lower()}")
        monkeypatch.setenv(f"CITEDESK_{name}_RATE", "0")
        monkeypatch.setenv(f"CITEDESK_{name}_TIMEOUT", "1")
        monkeypatch.setenv(f"CITEDESK_{name}_RETRIES", "0")
        monkeypatch.delenv(f"CITEDESK_{name}_KEY", raising=False)
    turing = load_cassette("semanticscholar/test_get_paper.yaml")[0].json()
    api_server.route(f"/semanticscholar/paper/DOI:{TURING}", turing)
    api_server.route(f"/semanticscholar/paper/{turing['paperId']}/references", {"offset": 0, "data": []})
    api_server.route(f"/semanticscholar/paper/{turing['paperId']}/citations", {"offset": 0, "data": []})
    api_server.route(
        "/semanticscholar/paper/batch", lambda request: [KNOWN.get(i) for i in request.json()["ids"]], method="POST"
    )
    return api_server


@pytest.fixture
def library(tmp_path) -> Path:
    (tmp_path / "lib.bib").write_text(LIBRARY, encoding="utf-8")
    (tmp_path / "athar.txt").write_text(STATEMENTS, encoding="utf-8")
    path = tmp_path / "library.sqlite"
    jobs.import_bibtex(path, [tmp_path / "lib.bib"], workers=1)
    jobs.import_statements(path, tmp_path / "athar.txt", layout=ATHAR)
    return path


def work(db, known: str) -> dict:
    cursor = db.execute("SELECT * FROM works WHERE title = ? OR known_as = ?", [known, known])
    return dict(zip([column[0] for column in cursor.description], cursor.fetchone()))


def batch_requests(server) -> list:
    return server.requests_to("/semanticscholar/paper/batch", "POST")


def test_refresh_fills_a_citing_work_known_only_by_its_acl_id(env, library, tmp_path):
    report = jobs.refresh(library, ["turing1950"], sources=["semanticscholar"])
    assert report.problems == [] and report.described == 1
    assert "1 work filled in from their ids" in report.summary()
    [asked] = batch_requests(env)
    assert asked.json() == {"ids": ["ACL:W06-3112", "ACL:W04-1014"]}  # the private key is asked nowhere
    assert asked.query["fields"] == DESCRIBE_FIELDS
    db = open_library(library)
    filled = work(db, "W06-3112")
    assert filled["title"] == "How Much Should We Trust Differences-in-Differences Estimates?"
    assert (filled["year"], filled["authors"]) == (2001, "Marianne Bertrand; E. Duflo; S. Mullainathan")
    assert (filled["s2_id"], filled["doi"]) == ("c31c87c591a25c64fbaa82e8ac6a81831b6ac7ce", "10.2139/ssrn.288970")
    assert filled["source"] == "semanticscholar" and filled["fetched_at"] and filled["known_as"] == "W06-3112"
    assert work(db, "W04-1014")["year"] is None  # Semantic Scholar answered null: left as it was
    paper = db.execute("SELECT id FROM papers WHERE citekey = 'turing1950'").fetchone()[0]
    shown = {item.work.display_title: (item.work.year, item.work.link) for item in load_items(db, paper)}
    assert shown == {
        "How Much Should We Trust Differences-in-Differences Estimates?": (2001, None),
        "ACL Anthology W04-1014": (None, "https://aclanthology.org/W04-1014/"),
        "Untitled work (smith2005)": (None, None),
    }
    db.close()
    # the statement file read again finds the filled-in work by its id: nothing is stored twice
    again = jobs.import_statements(library, tmp_path / "athar.txt", layout=ATHAR)
    assert (again.statements, again.already_present) == (0, 3)
    # a later refresh asks only about the work still known only by its id
    jobs.refresh(library, ["turing1950"], sources=["semanticscholar"], force=True)
    assert batch_requests(env)[-1].json() == {"ids": ["ACL:W04-1014"]}


def test_a_filled_work_that_semantic_scholar_already_listed_is_one_work(env, library):
    """S2's citations of the paper already hold the paper behind W06-3112 (same S2 id): the two become one
    work with both statements, counted once."""
    edge = {
        "contextsWithIntent": [{"context": "Turing's question is revisited here.", "intents": ["background"]}],
        "isInfluential": False,
        "citingPaper": RECORDED[1],
    }
    turing_id = load_cassette("semanticscholar/test_get_paper.yaml")[0].json()["paperId"]
    env.route(f"/semanticscholar/paper/{turing_id}/citations", {"offset": 0, "data": [edge]})
    report = jobs.refresh(library, ["turing1950"], sources=["semanticscholar"])
    assert report.problems == [] and report.described == 1
    db = open_library(library)
    paper = db.execute("SELECT id FROM papers WHERE citekey = 'turing1950'").fetchone()[0]
    items = load_items(db, paper)
    merged = [item for item in items if item.work.s2_id == RECORDED[1]["paperId"]]
    assert sorted(item.text for item in merged) == [
        "Turing's question is revisited here.",
        "We follow Turing (1950) in asking whether machines think.",
    ]
    assert len({item.work.id for item in merged}) == 1
    sources = db.execute(
        "SELECT c.sources FROM citations c JOIN works w ON w.id = c.citing_work_id WHERE w.s2_id = ?",
        [RECORDED[1]["paperId"]],
    ).fetchone()[0]
    assert set(json.loads(sources)) == {"semanticscholar", "athar.txt"}
    cited_by, statements = db.execute("SELECT cited_by, statements FROM papers WHERE id = ?", [paper]).fetchone()
    assert (cited_by, statements) == (3, 4)  # W06-3112 and S2's work counted once; W04-1014; smith2005
    assert db.execute("SELECT count(*) FROM works WHERE title = 'W06-3112'").fetchone()[0] == 0
    db.close()


def test_a_source_that_cannot_look_up_acl_ids_is_not_asked(env, library):
    env.route(f"/opencitations/citations/doi:{TURING}", [])
    env.route(f"/opencitations/references/doi:{TURING}", [])
    jobs.refresh(library, ["turing1950"], sources=["opencitations"])
    assert batch_requests(env) == [] and all(r.path.startswith("/opencitations/") for r in env.requests)
    db = open_library(library)
    assert work(db, "W06-3112")["year"] is None
    db.close()


def test_a_failing_lookup_is_one_problem_and_the_paper_stays_refreshed(env, library):
    env.route("/semanticscholar/paper/batch", env.reply(500, json={"message": "Internal Server Error"}), method="POST")
    report = jobs.refresh(library, ["turing1950"], sources=["semanticscholar"])
    assert (report.fetched, report.described) == (1, 0)
    [problem] = report.problems
    assert problem.key == "turing1950"
    assert problem.reason.startswith("Semantic Scholar could not describe 2 works known only by an id ("), (
        problem.reason
    )
    db = open_library(library)
    assert db.execute("SELECT status FROM fetches").fetchall() == [("ok",)]
    assert work(db, "W06-3112")["year"] is None
    db.close()


def test_a_work_next_to_several_papers_is_asked_about_once_per_refresh(env, library, tmp_path):
    (tmp_path / "more.bib").write_text(
        "@misc{notes2001, title = {Notes on the imitation game}, year = 2001}\n", encoding="utf-8"
    )
    (tmp_path / "more.txt").write_text("W04-1014\tnotes2001\to\tThe notes (2001) are cited too.\n", encoding="utf-8")
    jobs.import_bibtex(library, [tmp_path / "more.bib"], workers=1)
    jobs.import_statements(library, tmp_path / "more.txt", layout=ATHAR)
    jobs.refresh(library, ["turing1950", "notes2001"], sources=["semanticscholar"])  # S2 does not know notes2001
    assert [request.json()["ids"] for request in batch_requests(env)] == [["ACL:W06-3112", "ACL:W04-1014"]]
