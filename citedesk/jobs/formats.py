"""The installed formats a job reads and writes: which one a file is in, which one an export names."""

from __future__ import annotations

from citedesk.formats import sniffing
from citedesk.formats.base import Format
from citedesk.formats.builtin import built_in_formats
from citedesk.formats.sniffing import by_extension
from citedesk.jobs.base import PathLike
from citedesk.library.incoming import BIBTEX
from citedesk.model import CitedeskError
from citedesk.plugins import Registry


def installed_formats(registry: Registry | None = None) -> list[Format]:
    """The registry's import and export formats (the built-in ones without a registry), BibTeX first."""
    return list(registry.formats.values()) if registry is not None else built_in_formats()


def format_of_file(path: PathLike, *, registry: Registry | None = None) -> Format | None:
    """The installed format a file is in (by its extension, else its first bytes), or None: what a window
    accepts to import when a file is dropped on it."""
    return sniffing.format_of_file(path, installed_formats(registry))


def export_format(name: str | None, output: PathLike, *, registry: Registry | None = None) -> Format:
    """The installed format called `name`; without a name, the one the output's extension names, else BibTeX."""
    formats = {candidate.name: candidate for candidate in installed_formats(registry)}
    if name is None:
        return by_extension(output, formats.values()) or formats[BIBTEX]
    if name not in formats:
        raise CitedeskError(f"No format called {name!r}; the installed ones are {', '.join(formats)}")
    return formats[name]
