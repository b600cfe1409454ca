"""The hooks a CiteDesk plug-in implements: each returns the things of one kind it adds.

A package adds plug-ins by declaring, in its pyproject.toml,

    [project.entry-points.citedesk]
    myplugin = "mypackage.citedesk_plugin"

and implementing any of these hooks in that module:

    from citedesk.plugins import hookimpl

    @hookimpl
    def citedesk_formats():
        return [MyFormat()]

Every kind has a small typed base (see each hook) with an `api_version`; a thing built for another major
version of the API than `citedesk.plugins.API_VERSION` is refused with one line, the rest keeps working.
Hooks that need Qt (report sections, window actions) live under `citedesk.gui`, never here.
"""

from __future__ import annotations

from typing import Any

import pluggy

PROJECT = "citedesk"

hookspec = pluggy.HookspecMarker(PROJECT)


@hookspec
def citedesk_sources() -> list[Any]:
    """Citation sources: subclasses of `citedesk.sources.base.Source`."""
    raise NotImplementedError  # a specification: the plug-ins implement it


@hookspec
def citedesk_formats() -> list[Any]:
    """Import and export formats: instances of `citedesk.formats.base.Format`."""
    raise NotImplementedError  # a specification: the plug-ins implement it


@hookspec
def citedesk_classifiers() -> list[Any]:
    """Stance classifiers: instances of `citedesk.classify.plugin.StanceClassifier`."""
    raise NotImplementedError  # a specification: the plug-ins implement it


@hookspec
def citedesk_statement_facets() -> list[Any]:
    """Filters of the statements pane: instances of `citedesk.library.facets.Facet`."""
    raise NotImplementedError  # a specification: the plug-ins implement it


@hookspec
def citedesk_commands() -> list[Any]:
    """`citedesk` subcommands: instances of `citedesk.commands.Command`."""
    raise NotImplementedError  # a specification: the plug-ins implement it
