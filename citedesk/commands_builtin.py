"""The `citedesk` subcommands that are themselves plug-ins, registered through the same hook as a third
party's: `citedesk plugins`."""

from __future__ import annotations

import argparse

from citedesk.commands import Command
from citedesk.jobs import classifying
from citedesk.plugins import PluginInfo, Registry, hookimpl

KIND_WORDS = {
    "sources": "source",
    "formats": "format",
    "classifiers": "classifier",
    "facets": "facet",
    "commands": "command",
}


class PluginsCommand(Command):
    """Every plug-in thing (the built-in ones too) with its kind, version and origin, and one line per plug-in
    that could not be loaded."""

    name = "plugins"
    help = "list the installed plug-ins: sources, formats, classifiers, statement filters and commands"

    def run(self, args: argparse.Namespace, registry: Registry) -> int:
        for line in plugin_lines(registry):
            print(line)
        return 0


def plugin_lines(registry: Registry) -> list[str]:
    """One line per thing, `KIND NAME VERSION ORIGIN`, the classifier in use marked; then the broken ones."""
    in_use = classifying.chosen_classifier(registry).name
    lines = [f"{'kind':<11} {'name':<18} {'version':<20} origin"]
    for info in registry.plugins:
        note = "  (in use)" if info.kind == "classifiers" and info.name == in_use else ""
        lines.append(
            f"{KIND_WORDS.get(info.kind, info.kind):<11} {info.name:<18} {version_of(info, registry):<20} "
            f"{info.origin}{note}"
        )
    lines += [f"broken plug-in: {line}" for line in registry.broken]
    return lines


def version_of(info: PluginInfo, registry: Registry) -> str:
    """A classifier's version is that of its model (what the statements it labels record); the others' is theirs."""
    if info.kind != "classifiers":
        return info.version
    try:
        return str(registry.classifiers[info.name].version)
    except Exception:  # a third party's model that cannot be read: its package's version
        return info.version


@hookimpl
def citedesk_commands() -> list[Command]:
    return [PluginsCommand()]
