"""scite.ai: how many citing statements support, mention or contrast a DOI (totals only, no statements)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from citedesk.model import Metrics, PaperRef, SourceResult, WorkRecord
from citedesk.sources.base import IsCancelled, Source
from citedesk.sources.errors import NotFound
from citedesk.sources.ids import check_cancelled, dict_or_empty, int_or_none, normalize_doi, quote_path


class Scite(Source):
    """scite's open tallies endpoint: GET /tallies/{doi} for one DOI, POST /tallies for up to 500."""

    name = "scite"
    label = "scite"
    default_url = "https://api.scite.ai"
    requests_per_second = 1.0  # no documented limit: stay conservative
    batch_size = 500
    key_help = "Not needed for tallies. A scite API token, if you have one, is sent as a Bearer token."

    def headers(self) -> dict[str, str]:
        """The API token, when there is one."""
        return {"Authorization": f"Bearer {self.settings.key}"} if self.settings.key else {}

    def fetch(self, paper: PaperRef, cancelled: IsCancelled) -> SourceResult:
        """The paper's tally; found=False without a DOI or when scite answers 404."""
        doi = self.lookup_id(paper)
        if doi is None:
            return SourceResult(source=self.name, found=False)
        check_cancelled(cancelled)
        try:
            data = self.client.get_json(f"/tallies/{quote_path(doi)}", self.params())
        except NotFound:
            return SourceResult(source=self.name, found=False)
        return SourceResult(source=self.name, work=WorkRecord(doi=doi), metrics=parse_tally(data))

    def fetch_many(self, papers: Sequence[PaperRef], cancelled: IsCancelled) -> dict[int, SourceResult]:
        """Tallies by paper_id, asked in batches of `batch_size` DOIs; papers scite lacks get found=False."""
        dois = {paper.paper_id: self.lookup_id(paper) for paper in papers}
        wanted = list(dict.fromkeys(doi for doi in dois.values() if doi))
        tallies: dict[str, Metrics] = {}
        for start in range(0, len(wanted), self.batch_size):
            check_cancelled(cancelled)
            tallies.update(self.fetch_batch(wanted[start : start + self.batch_size]))
        return {paper_id: self.result_for(doi, tallies) for paper_id, doi in dois.items()}

    def fetch_batch(self, dois: list[str]) -> dict[str, Metrics]:
        """One POST /tallies; {} when scite answers 404."""
        try:
            return parse_tallies(self.client.post_json("/tallies", dois, self.params()))
        except NotFound:
            return {}

    def result_for(self, doi: str | None, tallies: dict[str, Metrics]) -> SourceResult:
        """The result for one paper from the tallies of its batch."""
        if doi is None or doi not in tallies:
            return SourceResult(source=self.name, found=False)
        return SourceResult(source=self.name, work=WorkRecord(doi=doi), metrics=tallies[doi])


# -- parsing: plain functions on decoded JSON


def parse_tally(data: Any) -> Metrics:
    """One tally {doi, total, supporting, contradicting, mentioning, unclassified, citingPublications?};
    scite's JSON says "contradicting" where its pages now say "contrasting"."""
    data = dict_or_empty(data)
    return Metrics(
        supporting=int_or_none(data.get("supporting")),
        mentioning=int_or_none(data.get("mentioning")),
        contrasting=int_or_none(data.get("contradicting", data.get("contrasting"))),
        unclassified=int_or_none(data.get("unclassified")),
        statements=int_or_none(data.get("total")),
        citing_publications=int_or_none(data.get("citingPublications")),
    )


def parse_tallies(data: Any) -> dict[str, Metrics]:
    """The tallies of a POST /tallies answer {"tallies": {doi: tally}}, by lower-case DOI."""
    tallies = {}
    for key, tally in dict_or_empty(dict_or_empty(data).get("tallies")).items():
        doi = normalize_doi(key) or normalize_doi(dict_or_empty(tally).get("doi"))
        if doi and isinstance(tally, dict):
            tallies[doi] = parse_tally(tally)
    return tallies
