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


@dataclass
class ImportReport:
    """What an import of BibTeX files did."""

    files: list[str] = field(default_factory=list)
    imported: int = 0
    duplicates: list[Problem] = field(default_factory=list)
    failed: list[Problem] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the person: counts of imported, duplicate and failed entries."""
        return (
            f"Imported {self.imported} entries from {len(self.files)} file(s); "
            f"{len(self.duplicates)} duplicate(s) skipped, {len(self.failed)} block(s) failed to parse."
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
            f"Stored {self.statements} new statement(s), {self.already_present} already present; "
            f"{len(self.unmatched)} cite a paper not in the library, {len(self.invalid)} invalid row(s)."
        )
