"""OpenAlex: a work's ids, type, abstract, open-access copy and citation counts by year (no citing sentences)."""

from __future__ import annotations

from typing import Any

from citedesk.model import Metrics, PaperRef, SourceResult, WorkRecord
from citedesk.sources.base import IsCancelled, Source
from citedesk.sources.errors import NotFound
from citedesk.sources.ids import (
    check_cancelled,
    dict_or_empty,
    int_or_none,
    normalize_doi,
    openalex_key,
    quote_path,
    text_or_none,
    type_in,
    year_from,
)

SELECT = (
    "id,doi,title,display_name,publication_year,type,type_crossref,authorships,primary_location,"
    "cited_by_count,counts_by_year,referenced_works_count,abstract_inverted_index,open_access,best_oa_location"
)
TYPES = {  # OpenAlex's types in CiteDesk's vocabulary
    "article": "journal-article",
    "preprint": "preprint",
    "review": "review",
    "book-chapter": "book-chapter",
    "book": "book",
    "dissertation": "thesis",
    "report": "report",
    "dataset": "dataset",
}


class OpenAlex(Source):
    """OpenAlex works API: one work by DOI; optional key (`api_key`) and e-mail (`mailto`) as parameters."""

    name = "openalex"
    label = "OpenAlex"
    default_url = "https://api.openalex.org"
    requests_per_second = 10.0  # OpenAlex allows 100 per second to everyone; a tenth of that is polite
    key_help = (
        "Since 13 February 2026 OpenAlex asks for a free API key: without one you get only a small "
        "daily testing budget. Create a key with a free OpenAlex account "
        "(https://developers.openalex.org/api-reference/authentication) and paste it here."
    )

    def params(self) -> dict[str, str]:
        """The key and the e-mail address (polite pool), when set."""
        params = {"api_key": self.settings.key, "mailto": self.settings.mailto}
        return {name: value for name, value in params.items() if value}

    @classmethod
    def lookup_ids(cls, paper: PaperRef) -> list[str]:
        """["doi:10.1/x", "doi:10.48550/arxiv.1706.03762"]: every arXiv paper also has a DataCite DOI
        10.48550/arXiv.<id>, which OpenAlex holds."""
        doi, arxiv = normalize_doi(paper.doi), (paper.arxiv or "").strip().lower()
        return [
            work_id
            for work_id in (f"doi:{doi}" if doi else "", f"doi:10.48550/arxiv.{arxiv}" if arxiv else "")
            if work_id
        ]

    def fetch(self, paper: PaperRef, cancelled: IsCancelled) -> SourceResult:
        """The work and its metrics, found by DOI (or arXiv DOI); `citations` stays empty."""
        for work_id in self.lookup_ids(paper):
            check_cancelled(cancelled)
            try:
                data = self.client.get_json(f"/works/{quote_path(work_id)}", self.request_params(select=SELECT))
            except NotFound:
                continue
            work, metrics = parse_work(data)
            return SourceResult(source=self.name, work=work, metrics=metrics)
        return SourceResult(source=self.name, found=False)

    def request_params(self, **params: Any) -> dict[str, Any]:
        """The request's own parameters plus the key and e-mail every request carries."""
        return {**self.params(), **params}


# -- parsing: plain functions on decoded JSON


def parse_work(data: Any) -> tuple[WorkRecord, Metrics]:
    """A work object (any subset of its fields) as a WorkRecord and OpenAlex's counts."""
    data = dict_or_empty(data)
    work = WorkRecord(
        doi=normalize_doi(data.get("doi")) or normalize_doi(dict_or_empty(data.get("ids")).get("doi")),
        openalex_id=openalex_key(data.get("id")),
        title=text_or_none(data.get("title")) or text_or_none(data.get("display_name")),
        authors=author_names(data.get("authorships")),
        year=year_from(data.get("publication_year")),
        venue=venue_name(data.get("primary_location")),
        publication_type=work_type(data),
        abstract=rebuild_abstract(data.get("abstract_inverted_index")),
        oa_url=open_access_url(data),
    )
    metrics = Metrics(
        cited_by=int_or_none(data.get("cited_by_count")),
        references_count=int_or_none(data.get("referenced_works_count")),
        counts_by_year=counts_by_year(data.get("counts_by_year")),
    )
    return work, metrics


def open_access_url(data: dict[str, Any]) -> str | None:
    """The PDF of the best open-access copy, else OpenAlex's open-access URL (a PDF or a landing page)."""
    best = text_or_none(dict_or_empty(data.get("best_oa_location")).get("pdf_url"))
    url = best or text_or_none(dict_or_empty(data.get("open_access")).get("oa_url"))
    return url if url and url.lower().startswith(("https://", "http://")) else None


def rebuild_abstract(index: Any) -> str | None:
    """The abstract text from an inverted index {word: [positions]}; None when there is none."""
    if not isinstance(index, dict):
        return None
    placed = [
        (position, word)
        for word, positions in index.items()
        if isinstance(positions, list)
        for position in positions
        if isinstance(position, int) and not isinstance(position, bool)
    ]
    return " ".join(word for _, word in sorted(placed)) or None


def counts_by_year(rows: Any) -> dict[int, int]:
    """{year: cited_by_count} from `counts_by_year` (OpenAlex omits years without citations)."""
    counts = {}
    for row in rows if isinstance(rows, list) else []:
        row = dict_or_empty(row)
        year, count = int_or_none(row.get("year")), int_or_none(row.get("cited_by_count"))
        if year is not None and count is not None:
            counts[year] = count
    return counts


def work_type(data: dict[str, Any]) -> str | None:
    """OpenAlex's type in CiteDesk's vocabulary; a Crossref `proceedings-article` makes an "article" a
    conference paper."""
    if data.get("type") == "article" and data.get("type_crossref") == "proceedings-article":
        return "conference-paper"
    return type_in(TYPES, data.get("type"))


def author_names(authorships: Any) -> list[str]:
    """The display names of `authorships[].author` (OpenAlex lists the first 100 only)."""
    names = []
    for authorship in authorships if isinstance(authorships, list) else []:
        authorship = dict_or_empty(authorship)
        name = text_or_none(dict_or_empty(authorship.get("author")).get("display_name"))
        if name := name or text_or_none(authorship.get("raw_author_name")):
            names.append(name)
    return names


def venue_name(location: Any) -> str | None:
    """The name of the primary location's source, else the raw source name the publisher gave."""
    location = dict_or_empty(location)
    return text_or_none(dict_or_empty(location.get("source")).get("display_name")) or text_or_none(
        location.get("raw_source_name")
    )


def parse_error(data: Any) -> str | None:
    """The message of an error body {"error": ..., "message": ...}."""
    data = dict_or_empty(data)
    parts = [text for text in (text_or_none(data.get("error")), text_or_none(data.get("message"))) if text]
    return ": ".join(parts) or None
