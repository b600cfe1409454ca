"""The plug-in hooks of citation sources: a package adds sources by implementing `citedesk_sources`.

A third-party package declares, in its pyproject.toml:

    [project.entry-points."citedesk.sources"]
    mysource = "mypackage.citedesk_plugin"

and its module implements the hook:

    from citedesk.sources.hookspecs import hookimpl

    @hookimpl
    def citedesk_sources():
        return [MySource]  # subclasses of citedesk.sources.base.Source
"""

from __future__ import annotations

import pluggy

PROJECT = "citedesk"
ENTRY_POINT_GROUP = "citedesk.sources"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def citedesk_sources() -> list[type]:
    """Return the Source subclasses this plug-in provides."""
