"""The names source plug-ins written before the registry import: its hook marker, and the entry-point group
`citedesk.sources`, which the registry still loads.

Such a package declares, in its pyproject.toml,

    [project.entry-points."citedesk.sources"]
    mysource = "mypackage.citedesk_plugin"

and its module implements the hook:

    from citedesk.sources.hookspecs import hookimpl

    @hookimpl
    def citedesk_sources():
        return [MySource]  # subclasses of citedesk.sources.base.Source

New plug-ins use the group `citedesk` and `citedesk.plugins.hookimpl` (see citedesk/hookspecs.py); both
markers are the same.
"""

from __future__ import annotations

from citedesk.hookspecs import PROJECT, citedesk_sources, hookspec
from citedesk.plugins import LEGACY_GROUPS, hookimpl

ENTRY_POINT_GROUP = LEGACY_GROUPS[0]

__all__ = ["ENTRY_POINT_GROUP", "PROJECT", "citedesk_sources", "hookimpl", "hookspec"]
