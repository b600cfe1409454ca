"""Plain data shared by every layer: stances, sections and the reports of jobs."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Stance(enum.StrEnum):
    """What a citing statement does to the paper it cites."""

    SUPPORTING = "supporting"
    MENTIONING = "mentioning"
    CONTRASTING = "contrasting"
    UNCLASSIFIED = "unclassified"


GIVEN_STANCE = "given"  # the classifier version of a stance that came with the statement: never overwritten
ATHAR_NAMES = {"p": "positive", "n": "negative", "o": "objective"}  # Athar's labels: sentiment, not stance


class Section(enum.StrEnum):
    """The part of the citing paper a statement comes from."""

    INTRODUCTION = "introduction"
    METHODS = "methods"
    RESULTS = "results"
    DISCUSSION = "discussion"
    OTHER = "other"
    UNKNOWN = "unknown"


class CitedeskError(Exception):
    """A problem to tell the person in one line (bad input, missing file, ...)."""


class Cancelled(Exception):
    """Raised inside a job when the person pressed Cancel."""


@dataclass(frozen=True)
class Problem:
    """One block or row that was not imported as it stood, and why."""

    source: str
    line: int
    reason: str
    raw: str = ""
    key: str = ""


def count(number: int, noun: str, plural: str | None = None) -> str:
    """A number with thousands separators and its noun in the right form: "1 entry", "30,557 entries"."""
    if number == 1:
        return f"1 {noun}"
    return f"{number:,} {plural or _plural(noun)}"


def _plural(noun: str) -> str:
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


def problem_line(problem: Problem) -> str:
    """A refresh problem in one line: the paper's key (if it is about one paper), then the reason,
    which names the source already ("Semantic Scholar timed out after 20 s")."""
    return f"{problem.key}: {problem.reason}" if problem.key else problem.reason


@dataclass
class ImportReport:
    """What an import of BibTeX files did."""

    files: list[str] = field(default_factory=list)
    imported: int = 0
    duplicates: list[Problem] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)
    refused: list[Problem] = field(default_factory=list)  # whole files that are not BibTeX
    bad_bytes: list[Problem] = field(default_factory=list)  # lines with invalid UTF-8 bytes, kept as they are

    def summary(self) -> str:
        """One line for the person: counts of imported, duplicate and failed entries."""
        files = len(self.files) - len(self.refused)
        refused = f"; {count(len(self.refused), 'file')} refused" if self.refused else ""
        return (
            f"Imported {count(self.imported, 'entry')} from {count(files, 'file')}; "
            f"{count(len(self.duplicates), 'duplicate')} skipped, "
            f"{count(len(self.failed), 'block')} failed to parse{refused}."
        )


@dataclass
class StatementImportReport:
    """What an import of citing statements from a file did."""

    statements: int = 0
    already_present: int = 0
    unmatched: list[Problem] = field(default_factory=list)
    invalid: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the person."""
        return (
            f"Stored {count(self.statements, 'new statement')}, {self.already_present:,} already present; "
            f"{len(self.unmatched):,} cite a paper not in the library, {count(len(self.invalid), 'invalid row')}."
        )


# -- citation data: what sources fetch and the library stores (see citedesk/sources and library/citation_store.py)


@dataclass(frozen=True)
class PaperRef:
    """What a source needs to find a library paper: its ids, else its title."""

    paper_id: int
    citekey: str
    doi: str | None = None
    arxiv: str | None = None
    title: str | None = None
    year: int | None = None
    authors: str | None = None  # "Given Family; Given Family"


class IdKind(enum.StrEnum):
    """The scheme of an identifier that stands for a work known by nothing else (see library/work_ids.py)."""

    ACL = "acl"  # the ACL Anthology: "W06-3112", "2020.acl-main.1"
    DOI = "doi"  # "10.3115/1073083.1073135"
    ARXIV = "arxiv"  # "1706.03762"
    OPENALEX = "openalex"  # "W2741809807"
    S2 = "s2"  # a Semantic Scholar paper id (40 hex digits) or "CorpusId:215416146"
    OTHER = "other"  # a key in a scheme nobody can look up


@dataclass(frozen=True)
class WorkId:
    """One identifier of a work, in its scheme's own spelling."""

    kind: IdKind
    value: str


@dataclass
class WorkRecord:
    """A publication as a source describes it; any field may be unknown."""

    doi: str | None = None  # normalised, lower case
    s2_id: str | None = None
    openalex_id: str | None = None  # "W2741809807"
    title: str | None = None
    authors: list[str] = field(default_factory=list)  # "Given Family"
    year: int | None = None
    venue: str | None = None
    publication_type: str | None = None  # journal-article, conference-paper, preprint, review, book, ...
    abstract: str | None = None
    oa_url: str | None = None  # an open-access copy: its PDF where the source knows one, else its landing page


@dataclass
class Context:
    """One citing sentence and the source's own labels for it (intents such as "methodology")."""

    text: str
    intents: list[str] = field(default_factory=list)
    marker_start: int | None = None
    marker_end: int | None = None
    raw_section: str | None = None


@dataclass
class CitationRecord:
    """One work citing another, with the sentences in which it does (if the source has them)."""

    citing: WorkRecord
    cited: WorkRecord
    contexts: list[Context] = field(default_factory=list)
    is_influential: bool | None = None
    self_citation: bool | None = None  # only when the source says so (OpenCitations' author_sc)


@dataclass
class Metrics:
    """Counts one source gives for one work, stored as that source's, beside the others."""

    cited_by: int | None = None
    citing_publications: int | None = None
    statements: int | None = None
    supporting: int | None = None
    mentioning: int | None = None
    contrasting: int | None = None
    unclassified: int | None = None
    references_count: int | None = None
    counts_by_year: dict[int, int] = field(default_factory=dict)


@dataclass
class SourceResult:
    """Everything one source returned for one library paper."""

    source: str
    work: WorkRecord | None = None  # the paper itself as the source knows it (ids, abstract, type)
    citations: list[CitationRecord] = field(default_factory=list)  # who cites it
    references: list[CitationRecord] = field(default_factory=list)  # what it cites
    metrics: Metrics | None = None
    found: bool = True  # False: the source does not know the paper (not an error)


@dataclass
class RefreshReport:
    """What a refresh fetched, skipped and could not do."""

    papers: int = 0
    fetched: int = 0  # (paper, source) pairs fetched
    skipped: int = 0  # fetched recently, not forced
    not_found: int = 0
    not_asked: int = 0  # (paper, source) pairs the source had no way to look up: no DOI or other id it takes
    new_statements: int = 0
    new_citations: int = 0
    described: int = 0  # works known only by an id whose title, authors and year a source filled in
    problems: list[Problem] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the person."""
        return (
            f"Refreshed {count(self.papers, 'paper')}: {count(self.fetched, 'fetch')}, {self.skipped:,} skipped as "
            f"recent, {self.not_found:,} not found{self._not_asked()}; {count(self.new_citations, 'new citation')}, "
            f"{count(self.new_statements, 'new statement')}{self._described()}; "
            f"{count(len(self.problems), 'problem')}."
        )

    def _not_asked(self) -> str:
        return f", {self.not_asked:,} not asked (no DOI or other id the source takes)" if self.not_asked else ""

    def _described(self) -> str:
        """ ", 135 works filled in from their ids" when a source described works known only by an id."""
        return f", {count(self.described, 'work')} filled in from their ids" if self.described else ""
