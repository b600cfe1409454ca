"""Watched papers against the local test server: what a later refresh adds is new until the paper is opened."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest
from cassettes import load_cassette, load_json
from test_refresh import TURING, env  # noqa: F401  (the fixture pointing every source at the test server)

from citedesk import jobs
from citedesk.library.db import open_library
from citedesk.library.listing import ListQuery, Scope, page, sidebar
from citedesk.library.paper_report import load_report
from citedesk.library.watching import is_new

LIBRARY = f"""
@article{{turing1950, title = {{Computing Machinery and Intelligence}}, author = {{Turing, Alan M.}}, year = 1950,
  journal = {{Mind}}, doi = {{{TURING}}}}}
@article{{other, title = {{Not watched}}, author = {{Other, B.}}, year = 2015}}
"""
ADDED = ["A second throw study builds on the Turing test [12].", "We disagree with the imitation game [12]."]


@pytest.fixture
def library(tmp_path) -> Path:
    (tmp_path / "lib.bib").write_text(LIBRARY, encoding="utf-8")
    path = tmp_path / "library.sqlite"
    jobs.import_bibtex(path, [tmp_path / "lib.bib"], workers=1)
    return path


def another_citation() -> dict:
    """The recorded citation with another citing paper (its own ids) and two sentences of its own."""
    edge = copy.deepcopy(load_json("semanticscholar/Citation.json"))
    edge["citingPaper"].update(paperId="f" * 40, corpusId=1, title="Throwing, revisited", externalIds={"DOI": "10.1/x"})
    edge["contexts"] = ADDED
    edge["contextsWithIntent"] = [{"context": text, "intents": []} for text in ADDED]
    return edge


class Server:
    """Semantic Scholar's recorded answers for Turing's paper; `add()` makes the citations list grow."""

    def __init__(self, api_server) -> None:
        self.edges = [load_json("semanticscholar/Citation.json")]
        paper = load_cassette("semanticscholar/test_get_paper.yaml")[0].json()
        api_server.route(f"/s2/paper/DOI:{TURING}", paper)
        api_server.route(f"/s2/paper/{paper['paperId']}/citations", lambda request: {"offset": 0, "data": self.edges})
        api_server.route(f"/s2/paper/{paper['paperId']}/references", {"offset": 0, "data": []})

    def add(self) -> None:
        self.edges = [*self.edges, another_citation()]


def refresh(library: Path) -> None:
    report = jobs.refresh_watched(library, sources=["semanticscholar"], force=True)
    assert report.problems == [], report.problems


def new_texts(library: Path, key: str) -> list[str]:
    db = open_library(library)
    try:
        paper_id = db.execute("SELECT id FROM papers WHERE citekey = ?", [key]).fetchone()[0]
        report = load_report(db, paper_id)
        return sorted(item.text for item in report.cited_by if is_new(item, report.paper.seen_statement_id))
    finally:
        db.close()


def watched_row(library: Path):
    db = open_library(library)
    try:
        return page(db, ListQuery(scope=Scope("watched"))).rows, sidebar(db)
    finally:
        db.close()


def test_a_refresh_marks_exactly_what_the_server_added_as_new_until_the_paper_is_opened(env, library):  # noqa: F811
    server = Server(env)
    assert jobs.watch_keys(library, ["turing1950"]) == 1
    refresh(library)
    first = load_json("semanticscholar/Citation.json")["contexts"]
    assert new_texts(library, "turing1950") == sorted(first)  # stored after the paper was watched
    paper_id = open_library(library).execute("SELECT id FROM papers WHERE citekey = 'turing1950'").fetchone()[0]
    jobs.mark_seen(library, [paper_id])
    assert new_texts(library, "turing1950") == []

    refresh(library)  # the server has nothing more: nothing is new
    assert new_texts(library, "turing1950") == []
    server.add()
    refresh(library)
    assert new_texts(library, "turing1950") == sorted(ADDED)
    rows, bar = watched_row(library)
    assert [(row.citekey, row.new_statements) for row in rows] == [("turing1950", 2)]
    assert (bar.watched, bar.watched_new) == (1, 2)
    [news] = jobs.news(library, keep=True)
    assert [item.text for item in news.items] == ADDED

    jobs.mark_seen(library, [paper_id])  # opened in the window
    assert new_texts(library, "turing1950") == []
    assert watched_row(library)[1].watched_new == 0
    assert jobs.news(library) == []


def test_the_command_line_watches_refreshes_and_tells_the_news_once(env, library):  # noqa: F811
    server = Server(env)

    def citedesk(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "citedesk", "--library", str(library), *args],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    assert "Watching 1 paper." in citedesk("watch", "turing1950")
    assert "already watched" in citedesk("watch", "turing1950")
    citedesk("refresh", "--watched", "--source", "semanticscholar", "--force")
    citedesk("news")  # the first refresh's statements, shown once
    assert "Nothing new" in citedesk("news")
    server.add()
    citedesk("refresh", "--watched", "--source", "semanticscholar", "--force")
    shown = citedesk("news")
    assert "turing1950" in shown and "2 new statements" in shown and "Throwing, revisited" in shown
    assert "imitation game" in shown and "Nothing new" in citedesk("news")
    assert "Stopped watching 1 paper." in citedesk("unwatch", "turing1950")
    failed = subprocess.run(
        [sys.executable, "-m", "citedesk", "--library", str(library), "refresh", "--watched"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert failed.returncode != 0 and "No paper is watched" in failed.stderr and "Traceback" not in failed.stderr
