"""The built-in formats, registered through the same hook as a third party's: BibTeX, RIS and CSL-JSON."""

from __future__ import annotations

from citedesk.formats.base import Format
from citedesk.formats.bibtex import BibTeX
from citedesk.formats.csljson import CSLJSON
from citedesk.formats.ris import RIS
from citedesk.plugins import hookimpl


def built_in_formats() -> list[Format]:
    """BibTeX first: it is the library's own format, and the one a file nothing else claims is tried as."""
    return [BibTeX(), RIS(), CSLJSON()]


@hookimpl
def citedesk_formats() -> list[Format]:
    return built_in_formats()
