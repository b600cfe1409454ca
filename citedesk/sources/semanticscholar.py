"""Semantic Scholar: a paper, every citing and cited paper, and the sentences that cite it (with intents)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from citedesk.model import CitationRecord, Context, IdKind, Metrics, PaperRef, SourceResult, WorkId, WorkRecord
from citedesk.sources.base import IsCancelled, Source
from citedesk.sources.errors import NotFound
from citedesk.sources.ids import (
    check_cancelled,
    dict_or_empty,
    int_or_none,
    normalize_doi,
    quote_path,
    same_title,
    string_list,
    text_or_none,
    year_from,
)

PAPER_FIELDS = (
    "paperId,externalIds,title,year,venue,publicationTypes,authors,abstract,"
    "citationCount,referenceCount,influentialCitationCount"
)
EDGE_FIELDS = "contextsWithIntent,isInfluential,paperId,externalIds,title,year,venue,publicationTypes,authors,abstract"
PAGE_SIZE = 1000  # the largest `limit` the citations and references routes accept
MAX_EDGES = 9999  # S2 refuses offset + limit >= 10000: it serves at most 9,999 citations (or references) per paper
SIDES = {"citations": "citingPaper", "references": "citedPaper"}
DESCRIBE_FIELDS = "paperId,externalIds,title,year,venue,publicationTypes,authors,abstract"
BATCH_SIZE = 500  # the most ids /paper/batch takes
# how S2 spells an id of each kind it takes (S2-spec, ../shared/docs/APIS.md section 1); S2 ids go as they are
ID_PREFIXES = {IdKind.ACL: "ACL:", IdKind.DOI: "DOI:", IdKind.ARXIV: "ARXIV:", IdKind.S2: ""}
# Semantic Scholar gives a list of types; the first of this order that the list holds wins.
TYPES = {
    "Review": "review",
    "MetaAnalysis": "review",
    "Conference": "conference-paper",
    "Book": "book",
    "BookSection": "book-chapter",
    "Dataset": "dataset",
    "JournalArticle": "journal-article",
    "CaseReport": "journal-article",
    "ClinicalTrial": "journal-article",
    "Study": "journal-article",
    "Editorial": "other",
    "LettersAndComments": "other",
    "News": "other",
}


class SemanticScholar(Source):
    """Semantic Scholar Academic Graph API (keyless by default; a personal key goes in `x-api-key`)."""

    name = "semanticscholar"
    label = "Semantic Scholar"
    default_url = "https://api.semanticscholar.org/graph/v1"
    requests_per_second = 1.0
    key_help = (
        "Optional. Semantic Scholar gives personal API keys on request at "
        "https://www.semanticscholar.org/product/api#api-key-form (not to free e-mail domains); "
        "without one, requests share a public pool and are often slowed down."
    )
    describes = frozenset(ID_PREFIXES)
    describe_batch = BATCH_SIZE

    def headers(self) -> dict[str, str]:
        """The personal key, when there is one."""
        return {"x-api-key": self.settings.key} if self.settings.key else {}

    def fetch(self, paper: PaperRef, cancelled: IsCancelled) -> SourceResult:
        """The paper, its metrics, and all pages of its citations and references."""
        found = self.find_paper(paper, cancelled)
        if not found or not found.get("paperId"):
            return SourceResult(source=self.name, found=False)
        work = parse_paper(found)
        return SourceResult(
            source=self.name,
            work=work,
            metrics=parse_metrics(found),
            citations=self.fetch_edges(found["paperId"], "citations", work, cancelled),
            references=self.fetch_edges(found["paperId"], "references", work, cancelled),
        )

    @classmethod
    def lookup_ids(cls, paper: PaperRef) -> list[str]:
        """["DOI:10.1/x", "ARXIV:1706.03762"]: the paper's DOI and arXiv id, those it has."""
        doi, arxiv = normalize_doi(paper.doi), (paper.arxiv or "").strip().lower()
        return [paper_id for paper_id in (f"DOI:{doi}" if doi else "", f"ARXIV:{arxiv}" if arxiv else "") if paper_id]

    @classmethod
    def asks_about(cls, paper: PaperRef) -> bool:
        """By DOI or arXiv id, else by an exact title match."""
        return super().asks_about(paper) or bool(paper.title)

    def find_paper(self, paper: PaperRef, cancelled: IsCancelled) -> dict[str, Any] | None:
        """The paper's JSON by DOI, else by arXiv id, else by an exact title match; None when unknown."""
        for paper_id in self.lookup_ids(paper):
            check_cancelled(cancelled)
            try:
                found = self.client.get_json(f"/paper/{quote_path(paper_id)}", self.request_params(fields=PAPER_FIELDS))
                return found if isinstance(found, dict) else None
            except NotFound:
                continue
        if not paper.title:
            return None
        check_cancelled(cancelled)
        try:
            match = self.client.get_json(
                "/paper/search/match", self.request_params(query=match_query(paper.title), fields=PAPER_FIELDS)
            )
        except NotFound:  # "Title match not found"
            return None
        best = first_match(match)
        return best if best and same_title(best.get("title"), paper.title) else None

    def fetch_edges(self, paper_id: str, side: str, work: WorkRecord, cancelled: IsCancelled) -> list[CitationRecord]:
        """Every page of /citations or /references (`side`), following `next` until the last page."""
        records: list[CitationRecord] = []
        offset: int | None = 0
        while offset is not None and (limit := min(PAGE_SIZE, MAX_EDGES - offset)) > 0:
            check_cancelled(cancelled)
            page = self.client.get_json(
                f"/paper/{quote_path(paper_id)}/{side}",
                self.request_params(fields=EDGE_FIELDS, offset=offset, limit=limit),
            )
            page_records, next_offset = parse_citation_page(page, side, work)
            records.extend(page_records)
            offset = next_offset if next_offset is not None and next_offset > offset else None
        return records

    def request_params(self, **params: Any) -> dict[str, Any]:
        """The request's own parameters plus those every request carries."""
        return {**self.params(), **params}

    def describe(self, ids: Sequence[WorkId], cancelled: IsCancelled) -> dict[WorkId, WorkRecord]:
        """Works known only by an ACL Anthology id, DOI, arXiv or S2 id, asked in one POST /paper/batch
        (`ids: ["ACL:W06-3112", ...]`); the answer lists the papers in the same order, null for unknown ids."""
        asked = [work_id for work_id in ids if work_id.kind in ID_PREFIXES][:BATCH_SIZE]
        if not asked:
            return {}
        check_cancelled(cancelled)
        try:
            data = self.client.post_json(
                "/paper/batch",
                {"ids": [s2_id_of(work_id) for work_id in asked]},
                self.request_params(fields=DESCRIBE_FIELDS),
            )
        except NotFound:  # none of the ids is known
            return {}
        return {work_id: record for work_id, record in zip(asked, parse_batch(data)) if record is not None}


def s2_id_of(work_id: WorkId) -> str:
    """The id as Semantic Scholar takes it: "ACL:W06-3112", "DOI:10.1/x", "ARXIV:1706.03762"."""
    return ID_PREFIXES[work_id.kind] + work_id.value


def match_query(title: str) -> str:
    """A title as a match query: S2's search finds nothing for hyphenated terms, so hyphens become spaces."""
    return " ".join(title.replace("-", " ").replace("{", "").replace("}", "").split())


# -- parsing: plain functions on decoded JSON


def parse_paper(data: Any) -> WorkRecord:
    """A WorkRecord from a paper object (any subset of its fields)."""
    if not isinstance(data, dict):
        return WorkRecord()
    external, journal = dict_or_empty(data.get("externalIds")), dict_or_empty(data.get("journal"))
    return WorkRecord(
        doi=normalize_doi(external.get("DOI")),
        s2_id=data.get("paperId") or None,
        title=text_or_none(data.get("title")),
        authors=author_names(data.get("authors")),
        year=year_from(data.get("year")),
        venue=text_or_none(data.get("venue")) or text_or_none(journal.get("name")),
        publication_type=paper_type(data.get("publicationTypes")),
        abstract=text_or_none(data.get("abstract")),
    )


def paper_type(values: Any) -> str | None:
    """The most telling of Semantic Scholar's types ("Conference" beats "JournalArticle" for ICML papers), in
    CiteDesk's vocabulary; None when it gives none."""
    present = {value for value in (values if isinstance(values, list) else [values]) if isinstance(value, str)}
    for s2_name, ours in TYPES.items():
        if s2_name in present:
            return ours
    return "other" if present else None


def parse_metrics(data: Any) -> Metrics:
    """The counts of a paper object (S2's influentialCitationCount has no field in Metrics yet)."""
    data = dict_or_empty(data)
    return Metrics(
        cited_by=int_or_none(data.get("citationCount")), references_count=int_or_none(data.get("referenceCount"))
    )


def parse_match(data: Any) -> WorkRecord | None:
    """The best hit of /paper/search/match, or None when there is none."""
    best = first_match(data)
    return parse_paper(best) if best else None


def parse_batch(data: Any) -> list[WorkRecord | None]:
    """The papers of a /paper/batch answer, in input order; None for ids S2 does not know."""
    if not isinstance(data, list):
        return []
    return [parse_paper(item) if isinstance(item, dict) else None for item in data]


def parse_citation_page(
    data: Any, side: str, paper: WorkRecord | None = None
) -> tuple[list[CitationRecord], int | None]:
    """The edges of one /citations or /references page (`side`), with the next offset (None on the last page).
    The other end of each record is `paper`, the looked-up paper."""
    if side not in SIDES:
        raise ValueError(f"side must be 'citations' or 'references', not {side!r}")
    data = dict_or_empty(data)
    paper = paper if paper is not None else WorkRecord()
    records = []
    for item in data.get("data") or []:
        record = parse_edge(item, side, paper)
        if record is not None:
            records.append(record)
    return records, int_or_none(data.get("next"))


def parse_edge(item: Any, side: str, paper: WorkRecord) -> CitationRecord | None:
    """One citation edge; None when the other paper has neither an id nor a title."""
    if not isinstance(item, dict):
        return None
    other = item.get(SIDES[side])
    if not isinstance(other, dict) or not (other.get("paperId") or text_or_none(other.get("title"))):
        return None
    other_work = parse_paper(other)
    citing, cited = (other_work, paper) if side == "citations" else (paper, other_work)
    influential = item.get("isInfluential")
    return CitationRecord(
        citing=citing,
        cited=cited,
        contexts=parse_contexts(item),
        is_influential=influential if isinstance(influential, bool) else None,
    )


def parse_contexts(item: dict[str, Any]) -> list[Context]:
    """The citing sentences: `contextsWithIntent` when present; else `contexts`, which are not aligned with
    the edge's `intents`, so those are given to a sentence only when it is the only one."""
    paired = item.get("contextsWithIntent")
    if isinstance(paired, list):
        return [
            Context(text=entry["context"], intents=string_list(entry.get("intents")))
            for entry in paired
            if isinstance(entry, dict) and text_or_none(entry.get("context"))
        ]
    texts = string_list(item.get("contexts"))
    intents = string_list(item.get("intents")) if len(texts) == 1 else []
    return [Context(text=text, intents=list(intents)) for text in texts]


def first_match(data: Any) -> dict[str, Any] | None:
    """The first item of a `{"data": [...]}` answer."""
    items = data.get("data") if isinstance(data, dict) else None
    return items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else None


def parse_error(data: Any) -> str | None:
    """The message of an error body: {"error": ...} (400, 404) or {"message": ...} (403, 429)."""
    if not isinstance(data, dict):
        return None
    return text_or_none(data.get("error")) or text_or_none(data.get("message"))


def author_names(authors: Any) -> list[str]:
    """The names of an `authors` list."""
    if not isinstance(authors, list):
        return []
    return [name for author in authors if isinstance(author, dict) and (name := text_or_none(author.get("name")))]
