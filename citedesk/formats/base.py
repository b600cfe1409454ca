"""What every import/export format is: a name, its extensions, a sniff of its first bytes, and a reader and
writer of format-neutral records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from citedesk.model import Problem

SNIFF_BYTES = 4096  # how much of a file `Format.sniff` is given


@dataclass(frozen=True)
class Name:
    """A person's name split as CSL does; `literal` for an institution or a name that cannot be split.
    `particle` is CSL's non-dropping particle ("van der", BibTeX's von part), `suffix` its "Jr."."""

    family: str = ""
    given: str = ""
    literal: str = ""
    particle: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Date:
    """A CSL date: one (year, month, day) prefix, or two for a range (an open end is (0,)); a season is a
    month of 21-24 (spring to winter, as EDTF writes them); `circa` when uncertain, or only `literal` text
    when it is not a calendar date."""

    parts: tuple[tuple[int, ...], ...] = ()
    circa: bool = False
    literal: str = ""

    @property
    def year(self) -> int | None:
        """The (first) year, if there is one."""
        return self.parts[0][0] if self.parts and self.parts[0] and self.parts[0][0] else None


@dataclass(frozen=True)
class Record:
    """One bibliographic item in no format's terms: CSL's item types and variable names, which every format
    maps to (`type` "article-journal", "paper-conference", "book", ...; `fields` such as "title",
    "container-title", "volume", "page", "DOI"; `names` such as "author", "editor"; `dates` such as "issued",
    "accessed"). Values are plain Unicode text, never LaTeX or HTML."""

    type: str = "document"
    key: str = ""  # the citation key or id the file gives the item ("" when it gives none)
    fields: tuple[tuple[str, str], ...] = ()  # (CSL variable, text), in the file's order
    names: tuple[tuple[str, tuple[Name, ...]], ...] = ()  # (CSL name variable, its names)
    dates: tuple[tuple[str, Date], ...] = ()  # (CSL date variable, its date)
    keywords: tuple[str, ...] = ()
    line: int = field(default=0, compare=False)  # where the item starts in the file it was read from

    def get(self, variable: str, default: str | None = None) -> str | None:
        """The text of one variable."""
        return next((value for name, value in self.fields if name == variable), default)

    def names_of(self, variable: str) -> tuple[Name, ...]:
        """The names of one name variable ("author"), () when there are none."""
        return next((names for name, names in self.names if name == variable), ())

    def date(self, variable: str = "issued") -> Date | None:
        """One date variable, or None."""
        return next((date for name, date in self.dates if name == variable), None)


@dataclass(frozen=True)
class ReadResult:
    """What reading a file gave: its records, and the parts that could not be read, each with line and reason."""

    records: tuple[Record, ...] = ()
    problems: tuple[Problem, ...] = field(default_factory=tuple)


class Format:
    """An import/export format. A plug-in subclasses it, sets the class attributes and implements `sniff`,
    `read` and `write`; it is registered through the `citedesk_formats` hook as an instance."""

    api_version: ClassVar[int] = 1
    name: ClassVar[str]  # "ris": used on the command line (--format ris) and in settings
    label: ClassVar[str]  # "RIS": what people read
    extensions: ClassVar[tuple[str, ...]]  # (".ris",), lower case with the dot
    version: ClassVar[str] = ""  # the format plug-in's own version, if it has one
    rebuilds_files: ClassVar[bool] = False  # True when an imported file is written back byte for byte (BibTeX)

    def sniff(self, head: bytes) -> bool:
        """Whether a file starting with these bytes (at most SNIFF_BYTES) is in this format."""
        raise NotImplementedError

    def read(self, data: bytes, source: str) -> ReadResult:
        """The records of a whole file; `source` names it in problems. Never raises on bad content."""
        raise NotImplementedError

    def write(self, records: Sequence[Record]) -> bytes:
        """A file holding these records."""
        raise NotImplementedError
