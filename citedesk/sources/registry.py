"""Which sources are installed: the built-in ones and those of packages in the `citedesk.sources` entry-point group."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib.metadata import entry_points

import pluggy

from citedesk.sources import builtin, hookspecs
from citedesk.sources.base import Source

log = logging.getLogger(__name__)


@dataclass
class Installed:
    """The installed sources by name, in order, and the plug-ins that could not be loaded."""

    sources: dict[str, type[Source]] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)  # source name -> "built-in" or the plug-in's name
    broken: list[str] = field(default_factory=list)  # one line per plug-in that failed to load


def plugin_manager() -> tuple[pluggy.PluginManager, list[str]]:
    """A plug-in manager with the built-in sources and every installed plug-in that loads."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    manager.register(builtin, name="built-in")
    broken = []
    for point in entry_points(group=hookspecs.ENTRY_POINT_GROUP):
        try:
            manager.register(point.load(), name=point.name)
        except Exception as exc:  # a third party's bug must not stop CiteDesk
            log.warning("could not load the source plug-in %s", point.name, exc_info=True)
            broken.append(f"{point.name} ({point.value}): {type(exc).__name__}: {exc}")
    return manager, broken


def installed_sources(manager: pluggy.PluginManager | None = None) -> Installed:
    """Every source the plug-ins provide, built-ins first; a later source with a name already taken is skipped."""
    broken: list[str] = []
    if manager is None:
        manager, broken = plugin_manager()
    installed = Installed(broken=broken)
    for impl in manager.hook.citedesk_sources.get_hookimpls():  # in the order they were registered
        try:
            classes = impl.function() or []
        except Exception as exc:  # a third party's bug must not stop CiteDesk
            log.warning("the source plug-in %s failed", impl.plugin_name, exc_info=True)
            installed.broken.append(f"{impl.plugin_name}: {type(exc).__name__}: {exc}")
            continue
        for source in classes:
            _add(installed, impl.plugin_name, source)
    return installed


def _add(installed: Installed, plugin_name: str, source: object) -> None:
    if not (isinstance(source, type) and issubclass(source, Source) and getattr(source, "name", "")):
        installed.broken.append(f"{plugin_name}: {source!r} is not a citation source")
    elif source.name in installed.sources:
        installed.broken.append(f"{plugin_name}: a source named {source.name!r} is already installed")
    else:
        installed.sources[source.name] = source
        installed.origins[source.name] = plugin_name
