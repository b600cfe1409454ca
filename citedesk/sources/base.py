"""What every citation source is: a name, a base URL, a rate, and a fetch of one paper's data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

from citedesk.model import IdKind, PaperRef, SourceResult, WorkId, WorkRecord
from citedesk.sources.http import HttpClient
from citedesk.sources.ids import normalize_doi

IsCancelled = Callable[[], bool]


@dataclass(frozen=True)
class SourceSettings:
    """How one source is used: where it lives, its key (never logged), how fast it may be asked."""

    url: str
    key: str | None = None
    mailto: str | None = None
    requests_per_second: float = 1.0
    enabled: bool = True
    timeout: float = 20.0  # seconds to wait for an answer
    retries: int = 4  # after a 429, a 5xx, a timeout or a refused connection


class Source:
    """A citation source. Subclasses set the class attributes and implement `fetch`; they keep
    building requests apart from parsing responses, so parsers are tested on recorded responses.
    Registered as a class through the `citedesk_sources` hook; the built-in sources are no different."""

    api_version: ClassVar[int] = 1
    name: ClassVar[str]  # "semanticscholar": used in settings, CITEDESK_<NAME>_URL and the command line
    label: ClassVar[str]  # "Semantic Scholar": what people read
    default_url: ClassVar[str]
    requests_per_second: ClassVar[float]  # the documented limit for keyless use, or a polite rate
    key_help: ClassVar[str] = ""  # where to get an API key; empty when the source takes none
    batch_size: ClassVar[int] = 1  # > 1 when fetch_many asks for several papers in one request

    @classmethod
    def lookup_ids(cls, paper: PaperRef) -> list[str]:
        """The ids to ask the source for the paper, best first, spelt as the source takes them; [] when the
        paper has none it takes. By default the bare DOI ("10.1/x")."""
        doi = normalize_doi(paper.doi)
        return [doi] if doi else []

    @classmethod
    def lookup_id(cls, paper: PaperRef) -> str | None:
        """The best id to ask the source for the paper (see `lookup_ids`), or None."""
        ids = cls.lookup_ids(paper)
        return ids[0] if ids else None

    @classmethod
    def asks_about(cls, paper: PaperRef) -> bool:
        """Whether the source can look the paper up at all: by default, when it has an id the source takes."""
        return bool(cls.lookup_ids(paper))

    def __init__(self, client: HttpClient, settings: SourceSettings) -> None:
        self.client = client
        self.settings = settings

    @classmethod
    def connect(cls, settings: SourceSettings, cancelled: IsCancelled) -> Source:
        """The source with an HTTP client for its URL, rate, headers and parameters."""
        source = cls(None, settings)  # type: ignore[arg-type]  # headers() and params() need the settings first
        source.client = HttpClient(
            cls.label,
            settings.url,
            requests_per_second=settings.requests_per_second,
            headers=source.headers(),
            params=source.params(),
            secrets=[settings.key] if settings.key else [],
            cancelled=cancelled,
            timeout=settings.timeout,
            retries=settings.retries,
            mailto=settings.mailto,
        )
        return source

    def fetch(self, paper: PaperRef, cancelled: IsCancelled) -> SourceResult:
        """Everything this source has about the paper; SourceResult(found=False) when it has nothing.
        Raises a SourceError when the source cannot be asked (offline, refused, broken answer)."""
        raise NotImplementedError

    def fetch_many(self, papers: Sequence[PaperRef], cancelled: IsCancelled) -> dict[int, SourceResult]:
        """Results by paper_id for up to `batch_size` papers; by default one fetch each."""
        return {paper.paper_id: self.fetch(paper, cancelled) for paper in papers}

    def headers(self) -> dict[str, str]:
        """Headers every request carries (an API key header, a polite User-Agent)."""
        return {}

    def params(self) -> dict[str, str]:
        """Query parameters every request carries (mailto, api_key)."""
        return {}

    # Works known only by an id (a statement file's key standing in for a title): a source that can look
    # works up by some kinds of ids names them in `describes`; the others leave it empty and are never asked.
    describes: ClassVar[frozenset[IdKind]] = frozenset()
    describe_batch: ClassVar[int] = 1  # how many ids one call of `describe` takes

    def describe(self, ids: Sequence[WorkId], cancelled: IsCancelled) -> dict[WorkId, WorkRecord]:
        """What the source knows of the works with these ids (of the kinds in `describes`, at most
        `describe_batch`), by id; the ids it does not know are left out. Raises a SourceError like `fetch`."""
        return {}
