"""The installed sources as the registry has them, in the shape code written before the registry reads
(`installed_sources()`); CiteDesk itself reads `Registry.sources`."""

from __future__ import annotations

from dataclasses import dataclass, field

from citedesk.plugins import Registry, build_registry
from citedesk.sources.base import Source


@dataclass
class Installed:
    """The installed sources by name, in order, and the plug-ins that could not be loaded."""

    sources: dict[str, type[Source]] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # source name -> "built-in" or the package's name
    broken: list[str] = field(default_factory=list)  # one line per plug-in that failed to load


def installed_sources(registry: Registry | None = None) -> Installed:
    """Every source the plug-ins provide, built-ins first (from `registry`, else from a registry built now)."""
    registry = registry if registry is not None else build_registry()
    origins = {name: registry.origin("sources", name) for name in registry.sources}
    return Installed(dict(registry.sources), origins, list(registry.broken))
