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
    """A person's name split as CSL does; `literal` for an institution or a name that cannot be split."""

    family: str = ""
    given: str = ""
    literal: str = ""


@dataclass(frozen=True)
class Record:
    """One bibliographic item in no format's terms: CSL's item types and variable names, which every format
    maps to (`type` "article-journal", "paper-conference", "book", ...; `fields` such as "title",
    "container-title", "volume", "page", "DOI"). Values are plain Unicode text, never LaTeX or HTML."""

    type: str = "article"
    key: str = ""  # the citation key or id the file gives the item ("" when it gives none)
    fields: tuple[tuple[str, str], ...] = ()  # (CSL variable, text), in the file's order
    authors: tuple[Name, ...] = ()
    editors: tuple[Name, ...] = ()
    issued: tuple[int, ...] = ()  # (year,), (year, month) or (year, month, day)
    keywords: tuple[str, ...] = ()

    def get(self, variable: str, default: str | None = None) -> str | None:
        """The text of one variable."""
        return next((value for name, value in self.fields if name == variable), default)


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
