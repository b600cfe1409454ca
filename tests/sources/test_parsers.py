"""The five built-in sources: parsers on the recorded responses in ../shared/fixtures/api, and each fetch's
requests checked against a fake client that answers with those recordings."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cassettes import FIXTURES, load_cassette, load_json

from citedesk.model import Cancelled, PaperRef, WorkRecord
from citedesk.sources import crossref, ids, openalex, opencitations, scite, semanticscholar
from citedesk.sources.base import SourceSettings
from citedesk.sources.crossref import Crossref
from citedesk.sources.errors import NotFound
from citedesk.sources.openalex import OpenAlex
from citedesk.sources.opencitations import OpenCitations
from citedesk.sources.scite import Scite
from citedesk.sources.semanticscholar import SemanticScholar

pytestmark = pytest.mark.skipif(not FIXTURES.is_dir(), reason=f"recorded API responses not found in {FIXTURES}")


def never() -> bool:
    return False


# -- a fake HttpClient: recorded bodies by path, NotFound for every other path


@dataclass
class Call:
    method: str
    path: str
    params: dict[str, Any]
    body: Any = None


@dataclass
class FakeClient:
    """Answers get_json/post_json from `routes` {path: body, or function(params, body) -> body}; records calls."""

    routes: dict[str, Any]
    calls: list[Call] = field(default_factory=list)

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        self.calls.append(Call("GET", path, dict(params or {})))
        return self.answer(path, params or {}, None)

    def post_json(self, path: str, body: Any, params: dict[str, Any] | None = None) -> Any:
        self.calls.append(Call("POST", path, dict(params or {}), copy.deepcopy(body)))
        return self.answer(path, params or {}, body)

    def answer(self, path: str, params: dict[str, Any], body: Any) -> Any:
        if path not in self.routes:
            raise NotFound(f"Test server: {path} not found")
        route = self.routes[path]
        return route(params, body) if callable(route) else copy.deepcopy(route)

    def paths(self) -> list[str]:
        return [call.path for call in self.calls]


def by_offset(pages: dict[int, Any]) -> Callable[[dict[str, Any], Any], Any]:
    return lambda params, body: copy.deepcopy(pages[params["offset"]])


def settings(source: type, **values: Any) -> SourceSettings:
    return SourceSettings(url=source.default_url, **values)


def paper(**values: Any) -> PaperRef:
    return PaperRef(paper_id=values.pop("paper_id", 1), citekey=values.pop("citekey", "key"), **values)


# -- recorded responses used by several tests


def s2_batch() -> list[Any]:
    return load_cassette("semanticscholar/test_get_papers_return_not_found.yaml")[0].json()


def s2_reference_pages() -> list[Any]:
    return [interaction.json() for interaction in load_cassette("semanticscholar/test_get_paper_references.yaml")]


def crossref_bodies(name: str) -> list[Any]:
    return [interaction.json() for interaction in load_cassette(f"crossref/{name}")]


def body_of(cassette: str, uri_part: str) -> Any:
    return next(item.json() for item in load_cassette(cassette) if uri_part in item.uri)


def test_every_recorded_fixture_is_used_by_a_test():
    source = Path(__file__).read_text(encoding="utf-8")
    files = [path for path in FIXTURES.glob("*/*") if path.suffix in {".json", ".yml", ".yaml"}]
    assert len(files) == 22
    assert [path.name for path in files if path.name not in source] == []


# -- the cassette loader


def test_the_loader_reads_all_four_cassette_dialects():
    vcrpy = load_cassette("semanticscholar/test_search_paper_match_title.yaml")[0]
    old_vcrpy = load_cassette("semanticscholar/test_bad_query_parameters.yaml")[0]
    gzipped = load_cassette("crossref/test_works_with_one_id.yaml")[0]
    r_vcr_int = load_cassette("openalex/pro_rate_limit_status_401.yml")[0]
    r_vcr_str = load_cassette("opencitations/oc_coci_citation.yml")[0]
    assert (vcrpy.method, vcrpy.status, vcrpy.headers["content-type"]) == ("GET", 200, "application/json")
    assert old_vcrpy.status == 400 and old_vcrpy.json() == {"error": "Unrecognized or unsupported fields: [unknown]"}
    assert gzipped.status == 200 and gzipped.json()["message"]["DOI"] == "10.1371/journal.pone.0033693"
    assert gzipped.headers["x-api-pool"] == "public"
    assert r_vcr_int.status == 401 and r_vcr_str.status == 200 and r_vcr_str.method == "GET"
    assert r_vcr_str.uri.endswith("/citation/06180334099-06101759895")


def test_plain_text_bodies_are_not_gzipped():
    not_found = load_cassette("crossref/test_works_bad_id_warn.yaml")[0]
    assert (not_found.status, not_found.text()) == (404, "Resource not found.")


# -- identifiers and types


@pytest.mark.parametrize(
    "value, doi",
    [
        ("10.1371/Journal.PONE.0033693", "10.1371/journal.pone.0033693"),
        ("https://doi.org/10.7717/peerj.4375", "10.7717/peerj.4375"),
        ("http://dx.doi.org/10.7717/peerj.4375", "10.7717/peerj.4375"),
        ("doi:10.7717/peerj.4375", "10.7717/peerj.4375"),
        ("DOI: 10.7717/PEERJ.4375 ", "10.7717/peerj.4375"),
        ("https://doi.org/10.1002/%28sici%291097", "10.1002/(sici)1097"),
        ("not a doi", None),
        ("", None),
        (None, None),
        (42, None),
    ],
)
def test_normalize_doi(value, doi):
    assert ids.normalize_doi(value) == doi


def test_each_source_says_which_ids_it_takes():
    both = paper(doi="https://doi.org/10.1000/ABC", arxiv="1706.03762")
    assert SemanticScholar.lookup_ids(both) == ["DOI:10.1000/abc", "ARXIV:1706.03762"]
    assert OpenAlex.lookup_ids(both) == ["doi:10.1000/abc", "doi:10.48550/arxiv.1706.03762"]
    assert OpenCitations.lookup_ids(both) == ["doi:10.1000/abc"]
    assert Crossref.lookup_id(both) == Scite.lookup_id(both) == "10.1000/abc"
    assert Crossref.lookup_ids(paper(arxiv="1706.03762")) == [] and not Crossref.asks_about(paper(arxiv="1706.03762"))
    assert SemanticScholar.lookup_id(paper(title="Only a title")) is None
    assert SemanticScholar.asks_about(paper(title="Only a title"))  # by an exact title match


def test_quote_path_keeps_slashes_and_encodes_what_breaks_a_url():
    assert ids.quote_path("DOI:10.1000/abc") == "DOI:10.1000/abc"
    assert ids.quote_path("10.1002/x<342::aid>3.0.co;2-u#?") == "10.1002/x%3C342::aid%3E3.0.co;2-u%23%3F"


def test_openalex_key():
    assert ids.openalex_key("https://openalex.org/W2741809807") == "W2741809807"
    assert ids.openalex_key("w123") == "W123"
    assert ids.openalex_key("https://openalex.org/") is None and ids.openalex_key(None) is None


def test_parse_pids_reads_v2_prefixed_ids_and_v1_bare_dois():
    assert ids.parse_pids("omid:br/061 doi:10.7717/PEERJ-CS.421 pmid:338") == {
        "omid": "br/061",
        "doi": "10.7717/peerj-cs.421",
        "pmid": "338",
    }
    assert ids.parse_pids("10.1108/jd-12-2013-0166") == {"doi": "10.1108/jd-12-2013-0166"}
    two_dois = "omid:br/06101802023 doi:10.7717/peerj-cs.163 pmid:33816816 doi:10.7287/peerj.preprints.26727v1"
    assert ids.parse_pids(two_dois)["doi"] == "10.7717/peerj-cs.163"
    assert ids.parse_pids("coci => omid:br/1 doi:10.1000/a; doci => omid:br/1")["doi"] == "10.1000/a"
    assert ids.parse_pids("10.1002/(sici)1097-4571(198909)40:5<342::aid-asi7>3.0.co;2-u")["doi"].endswith(";2-u")
    assert ids.parse_pids("") == {} and ids.parse_pids(None) == {}


@pytest.mark.parametrize(
    "service, value, expected",
    [
        ("semanticscholar", ["JournalArticle"], "journal-article"),
        ("semanticscholar", ["JournalArticle", "Conference"], "conference-paper"),
        ("semanticscholar", ["Review", "JournalArticle"], "review"),
        ("semanticscholar", ["Book"], "book"),
        ("semanticscholar", ["BookSection"], "book-chapter"),
        ("semanticscholar", ["Editorial"], "other"),
        ("semanticscholar", None, None),
        ("semanticscholar", [], None),
        ("openalex", "article", "journal-article"),
        ("openalex", "preprint", "preprint"),
        ("openalex", "review", "review"),
        ("openalex", "book-chapter", "book-chapter"),
        ("openalex", "dissertation", "thesis"),
        ("openalex", "paratext", "other"),
        ("crossref", "journal-article", "journal-article"),
        ("crossref", "proceedings-article", "conference-paper"),
        ("crossref", "posted-content", "preprint"),
        ("crossref", "proceedings", "proceedings"),
        ("crossref", "monograph", "book"),
        ("crossref", "report", "report"),
        ("crossref", "peer-review", "other"),
    ],
)
def test_publication_types_map_to_citedesk_vocabulary(service, value, expected):
    of = {
        "semanticscholar": semanticscholar.paper_type,
        "openalex": lambda value: openalex.work_type({"type": value}),
        "crossref": lambda value: ids.type_in(crossref.TYPES, value),
    }[service]
    assert of(value) == expected
    assert expected is None or expected in ids.TYPES


def test_same_title_ignores_case_accents_and_punctuation():
    assert ids.same_title(
        "{BERT}: Pre-training of Deep  Bidirectional Transformers.",
        "BERT pre training of deep bidirectional transformers",
    )
    assert ids.same_title("Über Café", "uber cafe")
    assert not ids.same_title("Mining association rules", "Mining association rules between sets of items")
    assert not ids.same_title("", "") and not ids.same_title(None, "x")


# -- Semantic Scholar parsers


def test_s2_citation_keeps_each_context_with_its_own_intents():
    item = load_json("semanticscholar/Citation.json")
    looked_up = WorkRecord(doi="10.1000/looked-up", title="The cited paper")
    records, next_offset = semanticscholar.parse_citation_page({"offset": 0, "data": [item]}, "citations", looked_up)
    assert next_offset is None and len(records) == 1
    record = records[0]
    assert [context.intents for context in record.contexts] == [
        ["methodology"],
        ["methodology"],
        ["result"],
        ["background"],
    ]
    assert record.contexts[2].text.startswith("Baseline Comparison: We compare our results to DDPG [7]")
    assert record.is_influential is True and record.self_citation is None
    assert record.cited is looked_up
    citing = record.citing
    assert citing.title == "Learning to Throw With a Handful of Samples Using Decision Transformers"
    assert citing.doi == "10.1109/lra.2022.3229266"  # lower case, from externalIds.DOI
    assert citing.s2_id == "bdcbc589c8d1e4dd0c6572630f8511557406ad2f"
    assert (citing.year, citing.venue, citing.publication_type) == (
        2023,
        "IEEE Robotics and Automation Letters",
        "journal-article",
    )
    assert citing.authors == ["M. Monastirsky", "Osher Azulay", "A. Sintov"]
    assert citing.abstract.startswith("Throwing objects by a robot")


def test_s2_without_contexts_with_intent_falls_back_to_contexts_without_guessing_intents():
    item = load_json("semanticscholar/Citation.json")
    del item["contextsWithIntent"]  # 4 contexts but 3 edge-level intents: not aligned
    [record], _ = semanticscholar.parse_citation_page({"data": [item]}, "citations")
    assert len(record.contexts) == 4 and all(context.intents == [] for context in record.contexts)
    single = load_json("semanticscholar/Reference.json")
    del single["contextsWithIntent"]  # one sentence: the edge's intents can only be its own
    [record], _ = semanticscholar.parse_citation_page({"data": [single]}, "references")
    assert [(context.intents) for context in record.contexts] == [["background"]]


def test_s2_reference_is_the_cited_side():
    item = load_json("semanticscholar/Reference.json")
    looked_up = WorkRecord(title="The citing paper")
    [record], _ = semanticscholar.parse_citation_page({"data": [item]}, "references", looked_up)
    assert record.citing is looked_up and record.is_influential is False
    assert record.cited.title == "Neural Variational Inference and Learning in Belief Networks"
    assert record.cited.doi is None  # only an ArXiv id in externalIds
    assert record.cited.publication_type == "conference-paper"  # ["JournalArticle", "Conference"]
    assert [(context.text[:30], context.intents) for context in record.contexts] == [
        ("Directed generative models hav", ["background"])
    ]


def test_s2_edge_without_sentences_is_kept_and_edge_without_paper_is_skipped():
    bare = load_json("semanticscholar/Citation.json")
    bare.update(contexts=[], intents=[], contextsWithIntent=[], isInfluential=None)
    nothing = {"contexts": [], "citingPaper": {"paperId": None, "title": None}}
    records, _ = semanticscholar.parse_citation_page({"data": [bare, nothing, None, {}]}, "citations")
    assert len(records) == 1 and records[0].contexts == [] and records[0].is_influential is None


def test_s2_reference_pages_give_the_next_offset_and_keep_unresolved_references():
    first, last = s2_reference_pages()
    records, next_offset = semanticscholar.parse_citation_page(first, "references")
    assert (len(records), next_offset) == (50, 50)
    records, next_offset = semanticscholar.parse_citation_page(last, "references")
    assert (len(records), next_offset) == (17, None)
    unresolved = [record.cited for record in records if record.cited.s2_id is None]
    assert len(unresolved) == 13 and all(work.title for work in unresolved)
    assert unresolved[0].title.startswith("Does Gender Matter for Firm Performance? Evidence from Eastern Europe")


def test_s2_batch_gives_none_for_unknown_ids_and_tolerates_null_fields():
    unknown, did, miracle, audits = semanticscholar.parse_batch(s2_batch())
    assert unknown is None
    assert (did.doi, did.publication_type, did.year) == ("10.2139/ssrn.288970", "review", 2001)
    assert did.venue == "Experimental & Empirical Studies eJournal"  # venue "" falls back to journal.name
    assert miracle.publication_type is None and audits.venue is None  # publicationTypes and journal null
    metrics = semanticscholar.parse_metrics(s2_batch()[1])
    assert (metrics.cited_by, metrics.references_count) == (10670, 30)


def test_s2_title_match_and_a_paper_with_only_a_title():
    match = load_cassette("semanticscholar/test_search_paper_match_title.yaml")[0].json()
    work = semanticscholar.parse_match(match)
    assert work.title == "Mining association rules between sets of items in large databases"
    assert work.s2_id == "6fe8c5bf8dddaadf10c765133d38dfef5714347f"
    assert semanticscholar.parse_match({"data": []}) is None
    minimal = semanticscholar.parse_paper(load_cassette("semanticscholar/test_get_paper.yaml")[0].json())
    assert minimal == WorkRecord(
        s2_id="2d5673caa9e6af3a7b82a43f19ee920992db07ad", title="Computing Machinery and Intelligence"
    )
    assert semanticscholar.parse_paper(None) == WorkRecord()


@pytest.mark.parametrize(
    "cassette, status, message",
    [
        ("test_not_found.yaml", 404, "Paper with id 0 not found"),
        ("test_bad_query_parameters.yaml", 400, "Unrecognized or unsupported fields: [unknown]"),
        ("test_debug.yaml", 403, "Forbidden"),
    ],
)
def test_s2_error_bodies(cassette, status, message):
    recorded = load_cassette(f"semanticscholar/{cassette}")[0]
    assert recorded.status == status and semanticscholar.parse_error(recorded.json()) == message


# -- Semantic Scholar fetch


def s2_routes(
    paper_json: dict[str, Any], citation_pages: dict[int, Any], reference_pages: dict[int, Any]
) -> dict[str, Any]:
    paper_id = paper_json["paperId"]
    return {
        f"/paper/{paper_id}/citations": by_offset(citation_pages),
        f"/paper/{paper_id}/references": by_offset(reference_pages),
    }


def test_s2_fetch_asks_by_doi_and_reads_every_page_until_there_is_no_next():
    miracle = s2_batch()[2]
    first, last = s2_reference_pages()
    citation = load_json("semanticscholar/Citation.json")
    silent = copy.deepcopy(citation)
    silent.update(contexts=[], contextsWithIntent=[])  # derived from the recording: a citation with no sentence
    routes = s2_routes(
        miracle,
        {0: {"offset": 0, "next": 1, "data": [citation]}, 1: {"offset": 1, "data": [silent]}},
        {0: first, 50: last},
    )
    client = FakeClient({"/paper/DOI:10.2139/ssrn.2250500": miracle, **routes})
    source = SemanticScholar(client, settings(SemanticScholar))
    result = source.fetch(paper(doi="10.2139/SSRN.2250500", arxiv="1234.5678"), never)
    paper_id = miracle["paperId"]
    assert (
        client.paths()
        == ["/paper/DOI:10.2139/ssrn.2250500"]
        + [f"/paper/{paper_id}/citations"] * 2
        + [f"/paper/{paper_id}/references"] * 2
    )
    assert client.calls[0].params == {"fields": semanticscholar.PAPER_FIELDS}
    assert [(call.params["offset"], call.params["limit"]) for call in client.calls[1:]] == [
        (0, 1000),
        (1, 1000),
        (0, 1000),
        (50, 1000),
    ]
    assert all(call.params["fields"] == semanticscholar.EDGE_FIELDS for call in client.calls[1:])
    assert "contextsWithIntent" in semanticscholar.EDGE_FIELDS and "isInfluential" in semanticscholar.EDGE_FIELDS
    assert result.found and result.source == "semanticscholar"
    assert result.work.title == "The Miracle of Microfinance? Evidence from a Randomized Evaluation"
    assert (result.metrics.cited_by, result.metrics.references_count) == (2185, 67)
    assert len(result.references) == 67 and all(record.citing is result.work for record in result.references)
    assert [len(record.contexts) for record in result.citations] == [4, 0]
    assert all(record.cited is result.work for record in result.citations)


def test_s2_fetch_stops_at_the_apis_ceiling_of_9999_edges():
    def endless(params: dict[str, Any], body: Any) -> dict[str, Any]:
        return {"offset": params["offset"], "next": params["offset"] + params["limit"], "data": []}

    miracle = s2_batch()[2]
    client = FakeClient(
        {
            "/paper/DOI:10.2139/ssrn.2250500": miracle,
            f"/paper/{miracle['paperId']}/citations": endless,
            f"/paper/{miracle['paperId']}/references": {"offset": 0, "data": []},
        }
    )
    SemanticScholar(client, settings(SemanticScholar)).fetch(paper(doi="10.2139/ssrn.2250500"), never)
    pages = [(call.params["offset"], call.params["limit"]) for call in client.calls if call.path.endswith("citations")]
    assert len(pages) == 10 and pages[-1] == (9000, 999)


def test_s2_fetch_falls_back_to_arxiv_then_to_an_exact_title_match():
    match = load_cassette("semanticscholar/test_search_paper_match_title.yaml")[0].json()
    title = "Mining Association Rules between Sets of Items in Large Databases."
    empty = {0: {"offset": 0, "data": []}}
    client = FakeClient({"/paper/search/match": match, **s2_routes(match["data"][0], empty, empty)})
    result = SemanticScholar(client, settings(SemanticScholar)).fetch(
        paper(doi="10.1000/unknown", arxiv="1706.03762", title=title), never
    )
    assert client.paths()[:3] == ["/paper/DOI:10.1000/unknown", "/paper/ARXIV:1706.03762", "/paper/search/match"]
    assert client.calls[2].params["query"] == "Mining Association Rules between Sets of Items in Large Databases."
    assert result.found and result.work.s2_id == "6fe8c5bf8dddaadf10c765133d38dfef5714347f"


def test_s2_fetch_does_not_adopt_a_paper_whose_title_differs():
    match = load_cassette("semanticscholar/test_search_paper_match_title.yaml")[0].json()
    client = FakeClient({"/paper/search/match": match})
    source = SemanticScholar(client, settings(SemanticScholar))
    result = source.fetch(paper(title="mining association rules between"), never)  # the recorded query
    assert not result.found and client.paths() == ["/paper/search/match"]
    assert not source.fetch(paper(title="Title match not found anywhere"), never).found  # 404 from the match route
    client = FakeClient({})
    assert not SemanticScholar(client, settings(SemanticScholar)).fetch(paper(), never).found
    assert client.calls == []


def test_s2_fetch_checks_cancel_between_pages_and_sends_the_key_header():
    miracle = s2_batch()[2]
    first, last = s2_reference_pages()
    client = FakeClient(
        {
            "/paper/DOI:10.2139/ssrn.2250500": miracle,
            **s2_routes(miracle, {0: {"offset": 0, "data": []}}, {0: first, 50: last}),
        }
    )
    requests = iter([False, False, False, True])
    with pytest.raises(Cancelled):
        SemanticScholar(client, settings(SemanticScholar)).fetch(
            paper(doi="10.2139/ssrn.2250500"), lambda: next(requests)
        )
    assert [call.params.get("offset") for call in client.calls] == [None, 0, 0]
    assert SemanticScholar(client, settings(SemanticScholar, key="F@k3K3y")).headers() == {"x-api-key": "F@k3K3y"}
    assert SemanticScholar(client, settings(SemanticScholar)).headers() == {}


# -- OpenAlex parsers


def test_openalex_work_with_rebuilt_abstract_and_counts():
    work, metrics = openalex.parse_work(load_json("openalex/W2741809807.json"))
    assert work.openalex_id == "W2741809807" and work.doi == "10.7717/peerj.4375"
    assert work.title == "The state of OA: a large-scale analysis of the prevalence and impact of Open Access articles"
    assert (work.year, work.venue, work.publication_type) == (2018, "PeerJ", "journal-article")
    assert work.authors[:2] == ["Heather Piwowar", "Jason Priem"] and len(work.authors) == 9
    assert work.abstract.startswith("Despite growing interest in Open Access (OA) to scholarly literature, there is")
    assert work.abstract.endswith("as a way to inform OA policy and practice.")
    assert len(work.abstract.split()) == 258  # one word per position 0..257
    assert (metrics.cited_by, metrics.references_count) == (962, 45)
    assert metrics.counts_by_year == {
        2025: 30,
        2024: 118,
        2023: 142,
        2022: 147,
        2021: 146,
        2020: 179,
        2019: 130,
        2018: 59,
        2017: 9,
    }


def test_openalex_work_without_abstract():
    single = load_cassette("openalex/pro_request_single_identifier.yml")[0]
    work, metrics = openalex.parse_work(single.json())
    assert work.abstract is None and work.title == "Biodiversity hotspots for conservation priorities"
    assert (work.doi, work.venue, work.openalex_id) == ("10.1038/35002501", "Nature", "W2162348455")
    assert metrics.cited_by == 30625 and len(metrics.counts_by_year) == 15
    assert openalex.parse_work({}) == (WorkRecord(), openalex.Metrics())


def test_rebuild_abstract():
    shuffled = {"world": [1], "Hello": [0], "again": [3], "hello": [2]}
    assert openalex.rebuild_abstract(shuffled) == "Hello world hello again"
    assert openalex.rebuild_abstract(None) is None and openalex.rebuild_abstract({}) is None


def test_openalex_error_bodies_and_the_fields_we_select():
    bad_select = load_cassette("openalex/pro_request_single_identifier.yml")[1]
    no_key = load_cassette("openalex/pro_rate_limit_status_401.yml")[0]
    assert bad_select.status == 400 and openalex.parse_error(no_key.json()) == (
        "Invalid or missing API key: API key not found"
    )
    message = bad_select.json()["message"]
    valid = set(re.split(r",\s*", message.split("Valid fields for select are: ")[1].rstrip(".")))
    assert set(openalex.SELECT.split(",")) <= valid


# -- OpenAlex fetch


def test_openalex_fetch_sends_select_mailto_and_key():
    client = FakeClient({"/works/doi:10.7717/peerj.4375": load_json("openalex/W2741809807.json")})
    source = OpenAlex(client, settings(OpenAlex, key="secret", mailto="me@example.org"))
    result = source.fetch(paper(doi="https://doi.org/10.7717/PEERJ.4375"), never)
    assert client.paths() == ["/works/doi:10.7717/peerj.4375"]
    assert client.calls[0].params == {"select": openalex.SELECT, "mailto": "me@example.org", "api_key": "secret"}
    assert result.found and result.work.openalex_id == "W2741809807" and result.citations == []
    assert result.metrics.cited_by == 962
    assert OpenAlex(client, settings(OpenAlex)).params() == {}


def test_openalex_fetch_tries_the_arxiv_doi_and_reports_unknown_papers():
    listed = body_of("openalex/oa_snowball.yml", "openalex%3AW3045921891%7CW3046863325&per-page=200")
    preprint = next(work for work in listed["results"] if work["id"].endswith("W3045921891"))
    client = FakeClient({"/works/doi:10.48550/arxiv.2007.14454": preprint})
    result = OpenAlex(client, settings(OpenAlex)).fetch(paper(doi="10.1000/unknown", arxiv="2007.14454"), never)
    assert client.paths() == ["/works/doi:10.1000/unknown", "/works/doi:10.48550/arxiv.2007.14454"]
    assert result.work.publication_type == "preprint" and result.work.venue == "arXiv (Cornell University)"
    assert not OpenAlex(client, settings(OpenAlex)).fetch(paper(doi="10.1000/unknown"), never).found


# -- Crossref parsers


def test_crossref_work_counts_and_reference_list():
    data = crossref_bodies("test_works_with_one_id.yaml")[0]
    work, metrics = crossref.parse_work_message(data)
    assert work.doi == "10.1371/journal.pone.0033693" and work.venue == "PLoS ONE"
    assert work.title.startswith("Methylphenidate Exposure Induces Dopamine Neuron Loss")
    assert (work.year, work.publication_type, work.abstract) == (2012, "journal-article", None)
    assert work.authors[0] == "Shankar Sadasivan" and len(work.authors) == 6
    assert (metrics.cited_by, metrics.references_count) == (72, 70)
    references = crossref.parse_references(data, work)
    assert len(references) == 70 and all(record.citing is work for record in references)
    first = references[0].cited
    assert (first.doi, first.title, first.venue, first.authors, first.year) == (
        "10.1038/sj.npp.1301164",
        "Stimulants: Therapeutic actions in ADHD.",
        "Neuropsychopharmacology",
        ["AF Arnsten"],
        2006,
    )
    without_doi = [record.cited for record in references if record.cited.doi is None]
    assert len(without_doi) == 5 and all(cited.title for cited in without_doi)
    assert crossref.parse_references(data)[0].citing.doi == work.doi  # the work parsed from data


def test_crossref_jats_abstracts_become_plain_text():
    neuro, ortho, srep, proceedings, oncology = crossref_bodies("test_works_with_many_ids.yaml")
    abstract = crossref.parse_work_message(ortho)[0].abstract
    assert abstract.startswith("Twenty‐two beagles were divided into two equal groups")  # no "Abstract:" heading
    assert "(p < 0.001)" in abstract and "<" not in abstract.replace("p < 0.", "")
    assert crossref.parse_work_message(srep)[0].abstract.startswith("Oligomers of alpha-synuclein are toxic")
    assert crossref.parse_work_message(neuro)[0].abstract is None
    work, _ = crossref.parse_work_message(proceedings)
    assert (work.publication_type, work.year) == ("conference-paper", None)  # issued date-parts [[null]]
    assert len(crossref.parse_references(proceedings)) == 11  # 13 entries, two with only a journal-title
    assert crossref.parse_references(oncology) == [] and crossref.parse_work_message(oncology)[0].authors == [
        "Stravopodis"
    ]


def test_crossref_structured_abstract_keeps_section_titles_and_paragraphs():
    pathology, esmo = crossref_bodies("test_workscontainer_with_two_ids.yaml")
    work, _ = crossref.parse_work_message(pathology)
    paragraphs = work.abstract.split("\n\n")
    assert [paragraph.split(":")[0] for paragraph in paragraphs] == [
        "Background",
        "Objective",
        "Methods",
        "Results",
        "Conclusion",
    ]
    assert paragraphs[0] == (
        "Background: The absence of high-quality next-generation sequencing (NGS) reference "
        "material (RM) has impeded the clinical use of liquid biopsies with plasma cell-free "
        "DNA (cfDNA) in China."
    )
    assert "viral oncogene (KRAS)/neuroblastoma ras oncogene (NRAS)/" in paragraphs[1]
    assert "<" not in work.abstract and "  " not in work.abstract
    assert work.title == (
        "Construction of a reference material panel for detecting KRAS/NRAS/EGFR/BRAF/MET mutations in plasma ctDNA"
    )
    titles = [record.cited.title for record in crossref.parse_references(pathology) if not record.cited.doi]
    assert "US Food & Drug Administration . Premarket approval P150044" in titles[2]  # unstructured text
    assert len(crossref.parse_references(esmo)) == 1  # 27 entries give only an author


@pytest.mark.parametrize(
    "markup, text",
    [
        ("<jats:p>a &amp; b</jats:p><jats:p>c", "a & b\n\nc"),
        ("<jats:title>Methods:</jats:title>Text<jats:break/>more", "Methods: Text more"),
        ("<jats:sec><jats:title>Lonely</jats:title></jats:sec>", "Lonely"),
        ("plain p<0.05 and x < y", "plain p<0.05 and x < y"),
        ("<p>unclosed <i>tags", "unclosed tags"),
        ("<!-- note --><p>m<sup>2</sup></p>", "m2"),
        ("", ""),
        (None, ""),
    ],
)
def test_jats_to_text_is_robust_to_broken_markup(markup, text):
    assert crossref.jats_to_text(markup) == text


def test_crossref_cursor_list():
    data = crossref_bodies("test_cursor.yaml")[0]
    works, cursor = crossref.parse_work_list(data)
    assert len(works) == 20 and cursor == data["message"]["next-cursor"]
    assert works[0].title == "Widget Mania: Using a GUI Widget Framework"
    assert works[0].publication_type == "book-chapter"


def test_crossref_error_bodies():
    not_found = load_cassette("crossref/test_works_bad_id_warn.yaml")[0]
    refused = load_cassette("crossref/test_works_query_filters_not_allowed_with_dois.yaml")[0]
    assert crossref.parse_error(not_found.body) == "Resource not found."
    assert refused.status == 400 and "query" in crossref.parse_error(refused.json())


# -- Crossref fetch


def test_crossref_fetch_asks_one_work_with_mailto():
    client = FakeClient({"/works/10.1371/journal.pone.0033693": crossref_bodies("test_works_with_one_id.yaml")[0]})
    source = Crossref(client, settings(Crossref, mailto="me@example.org"))
    result = source.fetch(paper(doi="doi:10.1371/JOURNAL.PONE.0033693"), never)
    assert client.paths() == ["/works/10.1371/journal.pone.0033693"]
    assert client.calls[0].params == {"mailto": "me@example.org"}
    assert result.found and result.metrics.cited_by == 72 and len(result.references) == 70
    assert result.citations == [] and result.references[0].citing is result.work


def test_crossref_fetch_quotes_odd_dois_and_reports_unknown_ones():
    client = FakeClient({})
    source = Crossref(client, settings(Crossref))
    assert not source.fetch(paper(doi="10.1002/(SICI)1097-4571(198909)40:5<342::AID-ASI7>3.0.CO;2-U"), never).found
    assert client.paths() == ["/works/10.1002/(sici)1097-4571(198909)40:5%3C342::aid-asi7%3E3.0.co;2-u"]
    assert client.calls[0].params == {}
    assert not source.fetch(paper(arxiv="1706.03762"), never).found and len(client.calls) == 1
    assert Crossref(client, settings(Crossref, key="plus")).headers() == {"Crossref-Plus-API-Token": "Bearer plus"}


# -- OpenCitations parsers


def test_opencitations_v1_citations():
    rows = load_cassette("opencitations/oc_coci_cites.yml")[0].json()
    records = opencitations.parse_rows(rows, "citations")
    assert len(records) == 20
    assert {record.cited.doi for record in records} == {"10.1108/jd-12-2013-0166"}
    assert (records[0].citing.doi, records[0].citing.year) == ("10.1145/3197026.3197050", 2018)
    assert (records[1].citing.doi, records[1].citing.year) == ("10.1057/s41275-017-0070-x", 2017)  # "2017-08"
    assert all(record.self_citation is False for record in records)


def test_opencitations_v1_references_and_single_citation():
    rows = load_cassette("opencitations/oc_coci_refs.yml")[0].json()
    looked_up = WorkRecord(doi="10.1108/jd-12-2013-0166")
    records = opencitations.parse_rows(rows, "references", looked_up)
    assert len(records) == 37 and all(record.citing is looked_up for record in records)
    assert records[2].cited.doi == "10.1002/(sici)1097-4571(198909)40:5<342::aid-asi7>3.0.co;2-u"
    assert opencitations.creation_year(rows) == 2015
    [one] = opencitations.parse_rows(load_cassette("opencitations/oc_coci_citation.yml")[0].json(), "citations")
    assert (one.citing.doi, one.cited.doi, one.citing.year) == ("10.1108/jd-12-2013-0166", "10.5539/ass.v9n5p18", 2015)


# No recorded Index API v2 response exists (SOURCES.md): these rows are the documentation examples of
# opencitations/api index_v2.hf (/citations/doi:10.1108/jd-12-2013-0166 and /references/doi:10.7717/peerj-cs.421),
# plus one row built from the spec's text on "index => " prefixes and "; "-separated values.
V2_CITATIONS = [
    {
        "oci": "06101801781-06180334099",
        "citing": "omid:br/06101801781 doi:10.7717/peerj-cs.421 pmid:33817056",
        "cited": "omid:br/06180334099 doi:10.1108/jd-12-2013-0166",
        "creation": "2021-03-10",
        "timespan": "P6Y0M1D",
        "journal_sc": "no",
        "author_sc": "no",
    },
    {
        "oci": "06102227626-06180334099",
        "citing": "omid:br/06102227626 doi:10.3233/ds-190019",
        "cited": "omid:br/06180334099 doi:10.1108/jd-12-2013-0166",
        "creation": "2019-11-25",
        "timespan": "P4Y8M16D",
        "journal_sc": "no",
        "author_sc": "no",
    },
    {
        "oci": "06102227629-06180334099",
        "citing": "omid:br/06102227629 doi:10.3233/ds-190016",
        "cited": "omid:br/06180334099 doi:10.1108/jd-12-2013-0166",
        "creation": "2019-11-25",
        "timespan": "P4Y8M16D",
        "journal_sc": "no",
        "author_sc": "yes",
    },
]
V2_REFERENCES = [
    {
        "oci": "06101801781-06101802023",
        "citing": "omid:br/06101801781 doi:10.7717/peerj-cs.421 pmid:33817056",
        "cited": "omid:br/06101802023 doi:10.7717/peerj-cs.163 pmid:33816816 doi:10.7287/peerj.preprints.26727v1",
        "creation": "2021-03-10",
        "timespan": "P2Y5M21D",
        "journal_sc": "yes",
        "author_sc": "no",
    },
    {
        "oci": "06101801781-061202127742",
        "citing": "omid:br/06101801781 doi:10.7717/peerj-cs.421 pmid:33817056",
        "cited": "omid:br/061202127742 doi:10.1007/s11192-020-03792-z",
        "creation": "2021-03-10",
        "timespan": "P0Y3M6D",
        "journal_sc": "no",
        "author_sc": "no",
    },
]
V2_PREFIXED = {
    "oci": "1-2",
    "citing": "coci => omid:br/1 doi:10.1000/citing; doci => omid:br/1",
    "cited": "coci => omid:br/2 doi:10.1000/cited",
    "creation": "coci => 2020-01-02",
    "journal_sc": "coci => no",
    "author_sc": "coci => no; doci => yes",
}
V2_NO_DOI = {"oci": "3-4", "citing": "omid:br/3 pmid:1", "cited": "omid:br/4 doi:10.1000/cited", "creation": "2020"}


def test_opencitations_v2_documented_rows():
    records = opencitations.parse_rows([*V2_CITATIONS, V2_NO_DOI], "citations")
    assert [record.citing.doi for record in records] == [
        "10.7717/peerj-cs.421",
        "10.3233/ds-190019",
        "10.3233/ds-190016",
    ]  # the row without a citing DOI left out
    assert [record.self_citation for record in records] == [False, False, True]
    assert [record.citing.year for record in records] == [2021, 2019, 2019]
    references = opencitations.parse_rows(V2_REFERENCES, "references")
    assert [record.cited.doi for record in references] == ["10.7717/peerj-cs.163", "10.1007/s11192-020-03792-z"]
    [prefixed] = opencitations.parse_rows([V2_PREFIXED], "citations")
    assert (prefixed.citing.doi, prefixed.cited.doi, prefixed.citing.year, prefixed.self_citation) == (
        "10.1000/citing",
        "10.1000/cited",
        2020,
        True,
    )
    assert opencitations.parse_rows([], "citations") == [] and opencitations.parse_rows(None, "references") == []
    assert opencitations.parse_count([{"count": "34"}]) == 34 and opencitations.parse_count([]) is None
    with pytest.raises(ValueError):
        opencitations.parse_rows([], "cited")


def test_opencitations_fetch_asks_citations_and_references_with_the_token():
    cites = load_cassette("opencitations/oc_coci_cites.yml")[0].json()
    refs = load_cassette("opencitations/oc_coci_refs.yml")[0].json()
    client = FakeClient(
        {"/citations/doi:10.1108/jd-12-2013-0166": cites, "/references/doi:10.1108/jd-12-2013-0166": refs}
    )
    source = OpenCitations(client, settings(OpenCitations, key="token"))
    result = source.fetch(paper(doi="10.1108/JD-12-2013-0166"), never)
    assert client.paths() == ["/citations/doi:10.1108/jd-12-2013-0166", "/references/doi:10.1108/jd-12-2013-0166"]
    assert source.headers() == {"authorization": "token"}
    assert (len(result.citations), len(result.references)) == (20, 37)
    assert (result.metrics.cited_by, result.metrics.references_count) == (20, 37)
    assert result.work.doi == "10.1108/jd-12-2013-0166" and result.work.year == 2015
    assert all(record.cited is result.work for record in result.citations)


def test_opencitations_fetch_without_rows_is_not_found():
    client = FakeClient({"/citations/doi:10.1000/none": [], "/references/doi:10.1000/none": []})
    assert not OpenCitations(client, settings(OpenCitations)).fetch(paper(doi="10.1000/none"), never).found
    client = FakeClient({"/citations/doi:10.1000/cited": V2_CITATIONS})  # /references answers 404
    result = OpenCitations(client, settings(OpenCitations)).fetch(paper(doi="10.1000/cited"), never)
    assert result.found and len(result.citations) == 3 and result.references == []
    with pytest.raises(Cancelled):
        OpenCitations(client, settings(OpenCitations)).fetch(paper(doi="10.1000/cited"), lambda: True)


# -- scite (no recording exists, SOURCES.md: the tallies below follow the shape APIS.md documents from
#    scite-badge, scite-zotero-plugin and hcss-utils/scite; the numbers are made up)

SCITE_TALLY = {
    "doi": "10.1016/j.biopsych.2005.08.012",
    "total": 91,
    "supporting": 4,
    "contradicting": 1,
    "mentioning": 86,
    "unclassified": 0,
    "citingPublications": 77,
}


def test_scite_tally_maps_contradicting_to_contrasting():
    metrics = scite.parse_tally(SCITE_TALLY)
    assert (metrics.supporting, metrics.mentioning, metrics.contrasting, metrics.unclassified) == (4, 86, 1, 0)
    assert (metrics.statements, metrics.citing_publications, metrics.cited_by) == (91, 77, None)
    older = {key: value for key, value in SCITE_TALLY.items() if key != "citingPublications"}
    assert scite.parse_tally(older).citing_publications is None
    assert scite.parse_tallies({"tallies": {"10.1016/J.BIOPSYCH.2005.08.012": SCITE_TALLY, "junk": None}}) == {
        "10.1016/j.biopsych.2005.08.012": metrics
    }


def test_scite_fetch_one_and_not_found():
    client = FakeClient({"/tallies/10.1016/j.biopsych.2005.08.012": SCITE_TALLY})
    source = Scite(client, settings(Scite))
    result = source.fetch(paper(doi="10.1016/J.BIOPSYCH.2005.08.012"), never)
    assert (
        result.found
        and result.metrics.supporting == 4
        and client.paths() == ["/tallies/10.1016/j.biopsych.2005.08.012"]
    )
    assert not source.fetch(paper(doi="10.1000/unknown"), never).found
    assert Scite(client, settings(Scite, key="k")).headers() == {"Authorization": "Bearer k"}


def test_scite_fetch_many_posts_batches_of_500():
    def tallies(params: dict[str, Any], body: list[str]) -> dict[str, Any]:
        return {"tallies": {doi: {**SCITE_TALLY, "doi": doi} for doi in body if not doi.endswith(".7")}}

    papers = [paper(paper_id=number, doi=f"10.1000/P.{number}") for number in range(1001)]
    papers += [paper(paper_id=2000), paper(paper_id=2001, doi="10.1000/p.3")]  # no DOI; a DOI already asked
    client = FakeClient({"/tallies": tallies})
    results = Scite(client, settings(Scite)).fetch_many(papers, never)
    assert [(call.method, call.path, len(call.body)) for call in client.calls] == [
        ("POST", "/tallies", 500),
        ("POST", "/tallies", 500),
        ("POST", "/tallies", 1),
    ]
    assert client.calls[0].body[:2] == ["10.1000/p.0", "10.1000/p.1"]
    assert len(results) == 1003 and results[3].found and results[2001].found
    assert not results[7].found and not results[2000].found
    assert results[3].metrics.contrasting == 1 and results[3].work.doi == "10.1000/p.3"
    assert Scite.batch_size == 500


# -- every source


@pytest.mark.parametrize("source", [SemanticScholar, OpenAlex, Crossref, OpenCitations, Scite])
def test_sources_describe_themselves(source):
    assert source.name and source.label and source.default_url.startswith("https://")
    assert 0 < source.requests_per_second <= 10
    instance = source(FakeClient({}), settings(source))
    assert instance.headers() == {} and instance.params() == {}
    assert not instance.fetch(paper(), never).found
