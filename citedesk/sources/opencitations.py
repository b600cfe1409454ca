"""OpenCitations Index: who cites a DOI and what it cites, with author self-citation flags (no sentences)."""

from __future__ import annotations

import re
from typing import Any

from citedesk.model import CitationRecord, Metrics, PaperRef, SourceResult, WorkRecord
from citedesk.sources.base import IsCancelled, Source
from citedesk.sources.errors import NotFound
from citedesk.sources.ids import check_cancelled, int_or_none, parse_pids, quote_path, text_or_none, year_from

SIDES = ("citations", "references")
_INDEX_PREFIX = re.compile(r"^\s*[\w-]+\s*=>\s*")  # "coci => yes": v2 names the index a value comes from


class OpenCitations(Source):
    """OpenCitations Index API v2: incoming and outgoing citations of a DOI; optional access token."""

    name = "opencitations"
    label = "OpenCitations"
    default_url = "https://api.opencitations.net/index/v2"
    requests_per_second = 1.0  # no documented limit: stay conservative
    key_help = (
        "Optional. OpenCitations asks applications for a free access token "
        "(https://opencitations.net/accesstoken); it is sent in the authorization header."
    )

    def headers(self) -> dict[str, str]:
        """The access token, when there is one."""
        return {"authorization": self.settings.key} if self.settings.key else {}

    @classmethod
    def lookup_ids(cls, paper: PaperRef) -> list[str]:
        """["doi:10.1/x"]: OpenCitations is asked by DOI, with its scheme."""
        return [f"doi:{doi}" for doi in super().lookup_ids(paper)]

    def fetch(self, paper: PaperRef, cancelled: IsCancelled) -> SourceResult:
        """Citations and references of the paper's DOI; found=False when OpenCitations has neither."""
        pid = self.lookup_id(paper)
        if pid is None:
            return SourceResult(source=self.name, found=False)
        citing_rows = self.fetch_rows("citations", pid, cancelled)
        reference_rows = self.fetch_rows("references", pid, cancelled)
        if not citing_rows and not reference_rows:  # unknown DOIs also answer []
            return SourceResult(source=self.name, found=False)
        work = WorkRecord(doi=pid.removeprefix("doi:"), year=creation_year(reference_rows))
        return SourceResult(
            source=self.name,
            work=work,
            citations=parse_rows(citing_rows, "citations", work),
            references=parse_rows(reference_rows, "references", work),
            metrics=Metrics(cited_by=len(citing_rows), references_count=len(reference_rows)),
        )

    def fetch_rows(self, side: str, pid: str, cancelled: IsCancelled) -> list[Any]:
        """The rows of /citations/{pid} or /references/{pid}; [] when OpenCitations answers 404 or not a list."""
        check_cancelled(cancelled)
        try:
            rows = self.client.get_json(f"/{side}/{quote_path(pid)}", self.params())
        except NotFound:
            return []
        return rows if isinstance(rows, list) else []


# -- parsing: plain functions on decoded JSON


def parse_rows(data: Any, side: str, paper: WorkRecord | None = None) -> list[CitationRecord]:
    """Rows of /citations (`side` "citations": the paper is cited) or /references (the paper cites), v2
    ("omid:br/… doi:… pmid:…") or v1 (bare DOIs). The citing work's year comes from `creation`; `paper`,
    when given, stands for the looked-up side. Rows without a DOI on the other side are left out."""
    if side not in SIDES:
        raise ValueError(f"side must be 'citations' or 'references', not {side!r}")
    records = []
    for row in data if isinstance(data, list) else []:
        if isinstance(row, dict) and (record := parse_row(row, side, paper)) is not None:
            records.append(record)
    return records


def parse_row(row: dict[str, Any], side: str, paper: WorkRecord | None) -> CitationRecord | None:
    """One citation row; None when the other side has no DOI."""
    citing = WorkRecord(
        doi=parse_pids(field_value(row.get("citing"))).get("doi"), year=year_from(field_value(row.get("creation")))
    )
    cited = WorkRecord(doi=parse_pids(field_value(row.get("cited"))).get("doi"))
    other = citing if side == "citations" else cited
    if other.doi is None:
        return None
    if paper is not None:
        citing, cited = (citing, paper) if side == "citations" else (paper, cited)
    return CitationRecord(citing=citing, cited=cited, self_citation=flag(row.get("author_sc")))


def field_value(value: Any) -> str | None:
    """A row value without v2's "index => " prefixes ("coci => 2019-11-25; doci => …" keeps both values)."""
    text = text_or_none(value)
    if text is None:
        return None
    return "; ".join(_INDEX_PREFIX.sub("", part) for part in text.split("; "))


def flag(value: Any) -> bool | None:
    """A "yes"/"no" flag (any index saying "yes" wins); None when absent or unreadable."""
    words = set(re.findall(r"[a-z]+", (field_value(value) or "").lower()))
    return True if "yes" in words else False if "no" in words else None


def parse_count(data: Any) -> int | None:
    """The number of a /citation-count or /reference-count answer, [{"count": "34"}] (a string)."""
    first = data[0] if isinstance(data, list) and data and isinstance(data[0], dict) else {}
    count = first.get("count")
    return int_or_none(field_value(count) if isinstance(count, str) else count)


def creation_year(rows: Any) -> int | None:
    """The citing work's year in the first row: for /references rows, the year of the paper itself."""
    first = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else {}
    return year_from(field_value(first.get("creation")))
