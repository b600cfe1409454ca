"""The sources that come with CiteDesk, registered through the same hook as third-party ones."""

from __future__ import annotations

from citedesk.plugins import hookimpl


@hookimpl
def citedesk_sources() -> list[type]:
    from citedesk.sources.crossref import Crossref
    from citedesk.sources.openalex import OpenAlex
    from citedesk.sources.opencitations import OpenCitations
    from citedesk.sources.scite import Scite
    from citedesk.sources.semanticscholar import SemanticScholar

    return [SemanticScholar, OpenAlex, Crossref, OpenCitations, Scite]
