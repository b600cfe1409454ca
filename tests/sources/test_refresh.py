"""Refresh end to end: every source asked over real HTTP on 127.0.0.1 (recorded responses and faults), the answers stored once."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cassettes import load_cassette, load_json

from citedesk import jobs
from citedesk.classify.model import load_model
from citedesk.library.citation_store import external_metrics
from citedesk.library.db import open_library
from citedesk.model import Cancelled

PREFIXES = {"semanticscholar": "/s2", "openalex": "/oa", "crossref": "/cr", "opencitations": "/oc", "scite": "/scite"}
TURING = "10.1093/mind/lix.236.433"  # S2's recorded paper
PEERJ = "10.7717/peerj.4375"  # OpenAlex's recorded work
PLOS = "10.1371/journal.pone.0033693"  # Crossref's recorded work
JDOC = "10.1108/jd-12-2013-0166"  # OpenCitations' recorded citations
LIBRARY = f"""
@article{{turing1950, title = {{Computing Machinery and Intelligence}}, author = {{Turing, Alan M.}}, year = 1950,
  journal = {{Mind}}, doi = {{{TURING}}}}}
@article{{piwowar2018, title = {{The state of OA}}, author = {{Piwowar, Heather}}, year = 2018, doi = {{{PEERJ}}}}}
@article{{plos2012, title = {{A PLOS paper}}, author = {{Someone, A.}}, year = 2012, doi = {{{PLOS}}}}}
@article{{jdoc2015, title = {{A Journal of Documentation paper}}, author = {{Other, B.}}, year = 2015, doi = {{{JDOC}}}}}
@misc{{nodoi, title = {{A note without identifiers}}, author = {{Nobody, N.}}}}
"""
# scite has no recorded response anywhere (../shared/fixtures/api/SOURCES.md): this body follows the shape
# documented in ../shared/docs/APIS.md section 5 ({doi, total, supporting, contradicting, mentioning, ...}).
SCITE_TALLY = {
    "doi": TURING,
    "total": 51,
    "supporting": 3,
    "contradicting": 0,
    "mentioning": 47,
    "unclassified": 1,
    "citingPublications": 31,
}


@pytest.fixture
def env(monkeypatch, tmp_path, api_server):
    """Every source pointed at the test server, unthrottled; settings under tmp_path; no keys."""
    monkeypatch.setenv("CITEDESK_CONFIG", str(tmp_path / "config"))
    for name, prefix in PREFIXES.items():
        monkeypatch.setenv(f"CITEDESK_{name.upper()}_URL", api_server.url + prefix)
        monkeypatch.setenv(f"CITEDESK_{name.upper()}_RATE", "0")
        monkeypatch.setenv(f"CITEDESK_{name.upper()}_TIMEOUT", "1")
        monkeypatch.delenv(f"CITEDESK_{name.upper()}_KEY", raising=False)
    return api_server


@pytest.fixture
def library(tmp_path) -> Path:
    (tmp_path / "lib.bib").write_text(LIBRARY, encoding="utf-8")
    path = tmp_path / "library.sqlite"
    jobs.import_bibtex(path, [tmp_path / "lib.bib"], workers=1)
    return path


def body(cassette: str, index: int = 0):
    return load_cassette(cassette)[index].json()


def serve_recordings(server) -> None:
    """The recorded responses, each at the path the sources ask for the library paper it belongs to."""
    turing = body("semanticscholar/test_get_paper.yaml")
    server.route(f"/s2/paper/DOI:{TURING}", turing)
    # S2 /citations: the recorded edge (Citation.json is one element of data[]) in a one-page answer
    server.route(
        f"/s2/paper/{turing['paperId']}/citations", {"offset": 0, "data": [load_json("semanticscholar/Citation.json")]}
    )
    pages = [page.json() for page in load_cassette("semanticscholar/test_get_paper_references.yaml")]
    server.route(
        f"/s2/paper/{turing['paperId']}/references", lambda request: pages[int(request.query.get("offset", 0)) > 0]
    )
    server.route(f"/oa/works/doi:{PEERJ}", load_json("openalex/W2741809807.json"))
    server.route(f"/cr/works/{PLOS}", body("crossref/test_works_with_one_id.yaml"))
    server.route(f"/oc/citations/doi:{JDOC}", body("opencitations/oc_coci_cites.yml"))
    server.route(f"/oc/references/doi:{JDOC}", body("opencitations/oc_coci_refs.yml"))
    server.route(f"/scite/tallies/{TURING}", SCITE_TALLY)
    server.route("/scite/tallies", lambda request: {"tallies": {TURING: SCITE_TALLY}}, method="POST")


def count(db, sql: str, params=()) -> int:
    return db.execute(sql, params).fetchone()[0]


def paper_id(db, key: str) -> int:
    return count(db, "SELECT id FROM papers WHERE citekey = ?", [key])


def test_every_source_fills_the_library_and_a_second_refresh_adds_nothing(env, library):
    serve_recordings(env)
    report = jobs.refresh(library)
    assert report.problems == [], report.problems
    # every source asked about every paper it has an id for: only Semantic Scholar searches by title (nodoi)
    assert (report.papers, report.fetched, report.skipped, report.not_asked) == (5, 21, 0, 4)
    db = open_library(library)
    turing = paper_id(db, "turing1950")
    # Semantic Scholar: the recorded citing edge and its four sentences, with their own intents
    rows = db.execute(
        "SELECT s.text, s.intents, s.source, s.classifier_version, w.doi, c.is_influential FROM statements s "
        "JOIN citations c ON c.id = s.citation_id JOIN works w ON w.id = c.citing_work_id "
        "JOIN works me ON me.id = c.cited_work_id WHERE me.paper_id = ?",
        [turing],
    ).fetchall()
    assert len(rows) == 4
    assert {json.loads(intents)[0] for _, intents, *_ in rows} == {"methodology", "result", "background"}
    assert {(source, version, doi, influential) for _, _, source, version, doi, influential in rows} == {
        ("semanticscholar", load_model().version, "10.1109/lra.2022.3229266", 1)
    }  # classified as they arrived
    references = count(
        db, "SELECT count(*) FROM citations c JOIN works w ON w.id = c.citing_work_id WHERE w.paper_id = ?", [turing]
    )
    pages = [page.json() for page in load_cassette("semanticscholar/test_get_paper_references.yaml")]
    named = {
        (edge["citedPaper"].get("paperId") or edge["citedPaper"].get("title"))
        for page in pages
        for edge in page["data"]
    }
    assert references == len(named - {None})  # both recorded pages were read, each cited work stored once
    # scite's tallies are kept as scite's, beside (not merged into) CiteDesk's own counts
    scite = external_metrics(db, turing)["scite"]
    assert (scite["supporting"], scite["mentioning"], scite["contrasting"], scite["statements"]) == (3, 47, 0, 51)
    assert count(db, "SELECT cited_by FROM papers WHERE id = ?", [turing]) == 1
    # OpenAlex: counts by year, and the abstract rebuilt on the paper's work (the BibTeX is not touched)
    peerj = paper_id(db, "piwowar2018")
    openalex = external_metrics(db, peerj)["openalex"]
    assert openalex["cited_by"] > 0 and openalex["counts_by_year"]
    abstract, source = db.execute("SELECT abstract, source FROM works WHERE paper_id = ?", [peerj]).fetchone()
    assert abstract.startswith("Despite growing interest in Open Access") and source is None
    assert db.execute("SELECT abstract FROM papers WHERE id = ?", [peerj]).fetchone() == (None,)
    # Crossref: the paper's own reference list; OpenCitations: who cites it, with self-citation flags
    plos = paper_id(db, "plos2012")
    assert (
        count(
            db, "SELECT count(*) FROM citations c JOIN works w ON w.id = c.citing_work_id WHERE w.paper_id = ?", [plos]
        )
        >= 60
    )
    assert external_metrics(db, plos)["crossref"]["cited_by"] == 72
    jdoc = paper_id(db, "jdoc2015")
    cites = db.execute(
        "SELECT c.self_citation, c.sources FROM citations c JOIN works w ON w.id = c.cited_work_id "
        "WHERE w.paper_id = ?",
        [jdoc],
    ).fetchall()
    assert cites and all(flag == 0 and json.loads(sources) == ["opencitations"] for flag, sources in cites)
    before = {
        table: count(db, f"SELECT count(*) FROM {table}") for table in ("works", "citations", "statements", "metrics")
    }
    db.close()

    again = jobs.refresh(library)  # everything fetched just now: skipped
    assert (again.fetched, again.skipped, again.not_asked) == (0, 21, 4)
    forced = jobs.refresh(library, force=True)
    assert forced.fetched == 21 and forced.new_statements == 0 and forced.new_citations == 0
    db = open_library(library)
    assert {table: count(db, f"SELECT count(*) FROM {table}") for table in before} == before
    db.close()


def test_a_paper_unknown_to_every_source_is_not_found_and_not_asked_again_soon(env, library):
    report = jobs.refresh(library, ["turing1950"])
    assert (report.fetched, report.not_found, report.problems) == (5, 5, [])
    assert jobs.refresh(library, ["turing1950"]).skipped == 5


def test_only_the_named_source(env, library):
    serve_recordings(env)
    report = jobs.refresh(library, ["turing1950"], sources=["scite"])
    assert report.fetched == 1 and {request.path.split("/")[1] for request in env.requests} == {"scite"}


def test_an_unknown_source_or_key_is_a_clear_error(env, library):
    with pytest.raises(Exception, match="No source called nosuch; installed: semanticscholar"):
        jobs.refresh(library, None, sources=["nosuch"])
    with pytest.raises(Exception, match="Not in the library: missing"):
        jobs.refresh(library, ["turing1950", "missing"])


# ---------------------------------------------------------------- faults


def only_s2(env, *faults) -> None:
    """Semantic Scholar answers the lookup with the given replies in turn, then the recording."""
    turing = body("semanticscholar/test_get_paper.yaml")
    env.route(f"/s2/paper/DOI:{TURING}", *faults, turing)
    env.route(
        f"/s2/paper/{turing['paperId']}/citations", {"offset": 0, "data": [load_json("semanticscholar/Citation.json")]}
    )
    env.route(f"/s2/paper/{turing['paperId']}/references", {"offset": 0, "data": []})


def test_429_with_retry_after_is_waited_for(env, library):
    only_s2(env, env.reply(429, json={"message": "Too Many Requests", "code": "429"}, headers={"Retry-After": "1"}))
    report = jobs.refresh(library, ["turing1950"], sources=["semanticscholar"])
    assert report.problems == [] and report.new_statements == 4
    lookups = env.times(f"/s2/paper/DOI:{TURING}")
    assert len(lookups) == 2 and lookups[1] - lookups[0] >= 0.95


def test_server_errors_are_retried(env, library):
    only_s2(env, env.reply(500, json={"message": "Internal Server Error"}), env.reply(503))
    assert jobs.refresh(library, ["turing1950"], sources=["semanticscholar"]).new_statements == 4


@pytest.mark.parametrize(
    "fault, words",
    [
        ("cut", "malformed JSON"),
        ("malformed", "malformed JSON"),
        ("html", "an HTML page instead of JSON"),
    ],
)
def test_a_broken_answer_is_reported_and_what_was_stored_is_kept(env, library, fault, words):
    only_s2(env)
    jobs.refresh(library, ["turing1950"], sources=["semanticscholar"])
    db = open_library(library)
    stored = count(db, "SELECT count(*) FROM statements")
    db.close()
    turing = body("semanticscholar/test_get_paper.yaml")
    citations = {"offset": 0, "data": [load_json("semanticscholar/Citation.json")]}
    broken = {"cut": env.cut_json(citations), "malformed": env.malformed(), "html": env.html()}[fault]
    env.route(f"/s2/paper/{turing['paperId']}/citations", broken)
    report = jobs.refresh(library, ["turing1950"], sources=["semanticscholar"], force=True)
    (problem,) = report.problems
    assert problem.source == "Semantic Scholar" and problem.key == "turing1950"
    assert words.lower() in problem.reason.lower(), problem.reason
    db = open_library(library)
    assert count(db, "SELECT count(*) FROM statements") == stored == 4
    assert db.execute("SELECT status FROM fetches WHERE source = 'semanticscholar'").fetchone() == ("failed",)
    db.close()
    again = jobs.refresh(library, ["turing1950"], sources=["semanticscholar"])
    assert again.skipped == 0 and len(again.problems) == 1  # a failed fetch is not skipped: it is asked again


def test_a_timeout_stops_the_source_and_says_so(env, library, monkeypatch):
    monkeypatch.setenv("CITEDESK_SEMANTICSCHOLAR_RETRIES", "1")
    env.route(f"/s2/paper/DOI:{TURING}", env.delay(3, {}))
    report = jobs.refresh(library, None, sources=["semanticscholar"])
    (problem,) = report.problems
    assert "timed out" in problem.reason and problem.source == "Semantic Scholar"
    assert report.fetched == 0


def test_offline_is_one_clear_problem(env, library, refused_url, monkeypatch):
    monkeypatch.setenv("CITEDESK_SEMANTICSCHOLAR_URL", refused_url)
    monkeypatch.setenv("CITEDESK_SEMANTICSCHOLAR_RETRIES", "0")
    report = jobs.refresh(library, None, sources=["semanticscholar"])
    (problem,) = report.problems
    assert "could not be reached" in problem.reason


def test_an_empty_citations_list_is_not_a_problem(env, library):
    turing = body("semanticscholar/test_get_paper.yaml")
    env.route(f"/s2/paper/DOI:{TURING}", turing)
    env.route(f"/s2/paper/{turing['paperId']}/citations", {"offset": 0, "data": []})
    env.route(f"/s2/paper/{turing['paperId']}/references", {"offset": 0, "data": []})
    report = jobs.refresh(library, ["turing1950"], sources=["semanticscholar"])
    assert (report.fetched, report.not_found, report.problems, report.new_statements) == (1, 0, [], 0)


def test_a_refused_key_is_named(env, library, monkeypatch):
    monkeypatch.setenv("CITEDESK_SEMANTICSCHOLAR_KEY", "secret-key-123")
    env.route(f"/s2/paper/DOI:{TURING}", env.reply(403, json={"message": "Forbidden"}))
    (problem,) = jobs.refresh(library, None, sources=["semanticscholar"]).problems
    assert "key" in problem.reason and "secret-key-123" not in problem.reason
    assert env.requests[0].headers["x-api-key"] == "secret-key-123"


# ---------------------------------------------------------------- a thousand papers


def thousand_papers(tmp_path: Path) -> Path:
    entries = [
        f"@article{{p{n:04d}, title = {{Paper {n}}}, author = {{Author, A{n}}}, year = 2000, doi = {{10.5555/p{n}}}}}"
        for n in range(1000)
    ]
    (tmp_path / "many.bib").write_text("\n".join(entries), encoding="utf-8")
    jobs.import_bibtex(tmp_path / "many.sqlite", [tmp_path / "many.bib"], workers=1)
    return tmp_path / "many.sqlite"


def serve_thousand(server) -> None:
    """Each paper p{n} is cited by three works; its citations come in two pages; two sentences per citation.
    The edges copy the recorded Citation.json with their ids and sentences changed."""
    template = load_json("semanticscholar/Citation.json")

    def paper(request):
        n = int(request.path.rsplit("p", 1)[1])
        return {
            "paperId": f"s2p{n}",
            "title": f"Paper {n}",
            "externalIds": {"DOI": f"10.5555/p{n}"},
            "citationCount": 3,
        }

    def edge(n: int, k: int) -> dict:
        citing = {
            **template["citingPaper"],
            "paperId": f"c{n}-{k}",
            "externalIds": {"DOI": f"10.5555/c{n}-{k}"},
            "title": f"Citing paper {k} of {n}",
        }
        contexts = [{"context": f"Paper {n} is cited by {k} here ({j}).", "intents": ["background"]} for j in (1, 2)]
        return {**template, "citingPaper": citing, "contextsWithIntent": contexts}

    def citations(request):
        n, offset = int(request.path.split("/")[3][3:]), int(request.query.get("offset", 0))
        page = {"offset": offset, "data": [edge(n, k) for k in range(3)][offset : offset + 2]}
        return {**page, "next": 2} if offset == 0 else page

    server.route(re.compile(r"/s2/paper/DOI:10\.5555/p\d+"), paper)
    server.route(re.compile(r"/s2/paper/s2p\d+/citations"), citations)
    server.route(re.compile(r"/s2/paper/s2p\d+/references"), {"offset": 0, "data": []})


@pytest.mark.slow
def test_a_thousand_papers_survive_cancel_and_resume(env, tmp_path):
    library = thousand_papers(tmp_path)
    serve_thousand(env)
    seen = []

    def cancel_after_400(done: int, total: int) -> None:
        seen.append(done)

    with pytest.raises(Cancelled):
        jobs.refresh(
            library, None, sources=["semanticscholar"], progress=cancel_after_400, cancelled=lambda: len(seen) > 400
        )
    db = open_library(library)
    first = count(db, "SELECT count(*) FROM fetches")
    assert 300 < first < 1000
    assert count(db, "SELECT count(*) FROM statements") == first * 6
    db.close()

    lookups_before = sum(1 for request in env.requests if "/paper/DOI:" in request.path)
    report = jobs.refresh(library, None, sources=["semanticscholar"])
    assert report.fetched == 1000 - first and report.skipped == first and report.problems == []
    lookups_after = sum(1 for request in env.requests if "/paper/DOI:" in request.path)
    assert lookups_after - lookups_before == 1000 - first  # resumed: the fetched papers were not asked again

    db = open_library(library)
    assert count(db, "SELECT count(*) FROM fetches WHERE status = 'ok'") == 1000
    assert count(db, "SELECT count(*) FROM citations") == 3000
    assert count(db, "SELECT count(*) FROM statements") == 6000
    assert count(db, "SELECT count(*) FROM works") == 4000
    assert count(db, "SELECT count(DISTINCT citation_id || text) FROM statements") == 6000
    assert {row for row in db.execute("SELECT cited_by, statements FROM papers")} == {(3, 6)}
    db.close()


def test_a_source_is_not_asked_about_a_paper_it_has_no_id_for_and_says_so(env, library):
    report = jobs.refresh(library, ["nodoi"])  # no DOI, no arXiv id: only Semantic Scholar searches by title
    assert {request.path.split("/")[1] for request in env.requests} == {"s2"}
    assert (report.fetched, report.not_found, report.not_asked, report.skipped) == (1, 1, 4, 0)
    assert "1 not found" in report.summary() and "4 not asked (no DOI or other id the source takes)" in report.summary()
    again = jobs.refresh(library, ["nodoi"])
    assert (again.fetched, again.skipped, again.not_asked) == (0, 1, 4)  # not "skipped as recent": never fetched


def test_offline_papers_never_asked_are_not_counted_as_not_found(env, tmp_path, refused_url, monkeypatch):
    for name in PREFIXES:
        monkeypatch.setenv(f"CITEDESK_{name.upper()}_URL", refused_url)
        monkeypatch.setenv(f"CITEDESK_{name.upper()}_RETRIES", "0")
    (tmp_path / "few.bib").write_text(
        "@misc{untitled2020, note = {no title, no DOI}}\n"
        "@misc{nodoi, title = {A note without identifiers}}\n" + LIBRARY,
        encoding="utf-8",
    )
    jobs.import_bibtex(tmp_path / "few.sqlite", [tmp_path / "few.bib"], workers=1)
    report = jobs.refresh(tmp_path / "few.sqlite")
    assert (report.fetched, report.not_found) == (0, 0)
    assert len(report.problems) == 5 and all("could not be reached" in p.reason for p in report.problems)
