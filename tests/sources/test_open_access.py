"""OpenAlex's open-access copy: read from the recorded work, fetched by a refresh over real HTTP on 127.0.0.1,
stored on the paper's work and offered as its full text."""

from __future__ import annotations

import pytest
from cassettes import load_cassette, load_json

from citedesk import jobs
from citedesk.reads import LinkKind, Reads
from citedesk.sources import openalex

PEERJ = "10.7717/peerj.4375"  # OpenAlex's recorded work W2741809807
PEERJ_PDF = "https://peerj.com/articles/4375.pdf"


def test_the_recorded_work_gives_its_best_open_access_pdf():
    work, _ = openalex.parse_work(load_json("openalex/W2741809807.json"))
    assert work.oa_url == PEERJ_PDF


def test_without_a_pdf_the_open_access_url_and_a_closed_work_has_none():
    data = load_json("openalex/W2741809807.json")
    data["best_oa_location"] = {"pdf_url": None, "landing_page_url": "https://doi.org/10.7717/peerj.4375"}
    data["open_access"]["oa_url"] = "https://peerj.com/articles/4375/"
    assert openalex.parse_work(data)[0].oa_url == "https://peerj.com/articles/4375/"
    closed = load_cassette("openalex/pro_request_single_identifier.yml")[0].json()  # is_oa false, oa_url null
    assert openalex.parse_work(closed)[0].oa_url is None
    assert openalex.open_access_url({"open_access": {"oa_url": "ftp.example.org/a.pdf"}}) is None


@pytest.fixture
def library(tmp_path, monkeypatch, api_server):
    """A library with the recorded paper; OpenAlex pointed at the test server, unthrottled, without a key."""
    monkeypatch.setenv("CITEDESK_CONFIG", str(tmp_path / "config"))
    monkeypatch.setenv("CITEDESK_OPENALEX_URL", api_server.url + "/oa")
    monkeypatch.setenv("CITEDESK_OPENALEX_RATE", "0")
    monkeypatch.setenv("CITEDESK_OPENALEX_TIMEOUT", "1")
    monkeypatch.delenv("CITEDESK_OPENALEX_KEY", raising=False)
    source = tmp_path / "refs.bib"
    source.write_text(f"@article{{piwowar2018, title = {{The state of OA}}, doi = {{{PEERJ}}}}}\n", encoding="utf-8")
    path = tmp_path / "library.sqlite"
    jobs.import_bibtex(path, [source], workers=1)
    return path


def test_a_refresh_stores_the_open_access_copy_and_it_becomes_the_full_text(library, api_server):
    api_server.route(f"/oa/works/doi:{PEERJ}", load_json("openalex/W2741809807.json"))
    report = jobs.refresh(library, sources=["openalex"])
    assert report.problems == [] and report.fetched == 1
    [request] = api_server.requests
    assert {"open_access", "best_oa_location"} <= set(request.query["select"].split(","))
    with Reads.open(library) as reads:
        paper_id = reads.paper_id_of_key("piwowar2018")
        stored = reads.db.execute(
            "SELECT oa_url, oa_source, oa_fetched_at FROM works WHERE paper_id = ?", [paper_id]
        ).fetchone()
        assert stored[:2] == (PEERJ_PDF, "openalex") and stored[2].startswith("20")
        best = reads.full_text(paper_id)
        assert (best.kind, best.label, best.target) == (LinkKind.OPEN_ACCESS_PDF, "Open access PDF", PEERJ_PDF)
        assert [link.kind for link in reads.links(paper_id)] == [LinkKind.OPEN_ACCESS_PDF, LinkKind.DOI]
