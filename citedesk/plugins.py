"""The plug-in registry: one pluggy project, one entry-point group, built once where the program starts.

The built-in sources, formats, classifiers, facets and commands register through the same hooks as a
third party's (as datasette's default plug-ins do); a plug-in that fails to load, or gives something that
is not what its hook asks for, is one line in `Registry.broken` and everything else keeps working.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any

import pluggy

from citedesk import __version__, hookspecs

if TYPE_CHECKING:  # the plug-in API's bases, for the types of what the registry holds
    from citedesk.classify.plugin import StanceClassifier
    from citedesk.commands import Command
    from citedesk.formats.base import Format
    from citedesk.library.facets import Facet
    from citedesk.sources.base import Source

log = logging.getLogger(__name__)

API_VERSION = 1  # the major version of the plug-in API; a thing declaring another one is refused
ENTRY_POINT_GROUP = "citedesk"
LEGACY_GROUPS = ("citedesk.sources",)  # the group sources used before the registry: still loaded
BUILT_IN = "built-in"

hookimpl = pluggy.HookimplMarker(hookspecs.PROJECT)

# The modules of the built-in plug-ins, registered first and in this order.
DEFAULT_PLUGINS: tuple[str, ...] = (
    "citedesk.sources.builtin",
    "citedesk.formats.builtin",
    "citedesk.classify.builtin",
    "citedesk.library.facets_builtin",
    "citedesk.commands_builtin",
    "citedesk.commands_cite",
    "citedesk.commands_watch",
    "citedesk.commands_attach",
    "citedesk.commands_share",
)


@dataclass(frozen=True)
class Kind:
    """One kind of plug-in: its hook, the base its things must be, and how a thing is named."""

    name: str  # "formats"
    hook: str  # "citedesk_formats"
    base: Callable[[], type]  # imported when the registry is built, so this module stays light
    is_class: bool = False  # sources are classes; the other kinds are instances


def _source_base() -> type:
    from citedesk.sources.base import Source

    return Source


def _format_base() -> type:
    from citedesk.formats.base import Format

    return Format


def _classifier_base() -> type:
    from citedesk.classify.plugin import StanceClassifier

    return StanceClassifier


def _facet_base() -> type:
    from citedesk.library.facets import Facet

    return Facet


def _command_base() -> type:
    from citedesk.commands import Command

    return Command


KINDS: tuple[Kind, ...] = (
    Kind("sources", "citedesk_sources", _source_base, is_class=True),
    Kind("formats", "citedesk_formats", _format_base),
    Kind("classifiers", "citedesk_classifiers", _classifier_base),
    Kind("facets", "citedesk_statement_facets", _facet_base),
    Kind("commands", "citedesk_commands", _command_base),
)


@dataclass(frozen=True)
class PluginInfo:
    """One thing a plug-in added, as `citedesk plugins` lists it."""

    name: str  # the thing's name: "ris", "semanticscholar", "section"
    kind: str  # one of KINDS' names
    version: str  # the thing's own version if it has one, else its package's
    origin: str  # "built-in", or the package (distribution) it came from
    plugin: str  # the plug-in module's registered name


@dataclass
class Registry:
    """Everything the installed plug-ins add, by kind and name, in registration order (built-ins first)."""

    things: dict[str, dict[str, Any]] = field(default_factory=lambda: {kind.name: {} for kind in KINDS})
    plugins: list[PluginInfo] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)  # one line per plug-in, or thing, that could not be used
    manager: pluggy.PluginManager | None = None

    def of(self, kind: str) -> dict[str, Any]:
        """The things of one kind by name."""
        return self.things[kind]

    @property
    def sources(self) -> dict[str, type[Source]]:
        return self.things["sources"]

    @property
    def formats(self) -> dict[str, Format]:
        return self.things["formats"]

    @property
    def classifiers(self) -> dict[str, StanceClassifier]:
        return self.things["classifiers"]

    @property
    def facets(self) -> dict[str, Facet]:
        return self.things["facets"]

    @property
    def commands(self) -> dict[str, Command]:
        return self.things["commands"]

    def origin(self, kind: str, name: str) -> str:
        """Where a thing came from: "built-in" or its package."""
        return next((info.origin for info in self.plugins if info.kind == kind and info.name == name), BUILT_IN)

    def plugin_of(self, kind: str, name: str) -> str:
        """The registered name of the plug-in a thing came from (what its lines in `broken` begin with)."""
        return next((info.plugin for info in self.plugins if info.kind == kind and info.name == name), name)


def build_registry(extra: Iterable[object] = (), load_entry_points: bool = True) -> Registry:
    """The registry of the built-in plug-ins, every installed one that loads, and `extra` (modules or
    objects with hook implementations, registered last: for tests and embedding)."""
    manager = pluggy.PluginManager(hookspecs.PROJECT)
    manager.add_hookspecs(hookspecs)
    registry = Registry(manager=manager)
    origins: dict[str, tuple[str, str]] = {}  # plug-in name -> (origin, version)
    for module in DEFAULT_PLUGINS:
        _register(registry, partial(importlib.import_module, module), module, origins, (BUILT_IN, __version__))
    if load_entry_points:
        for point in _entry_points():
            _register(registry, point.load, point.name, origins, _distribution(point))
    for number, plugin in enumerate(extra):
        name = getattr(plugin, "__name__", None) or f"extra-{number}"
        _register(registry, partial(_itself, plugin), name, origins, (name, "0"))
    for kind in KINDS:
        _collect(registry, kind, origins)
    return registry


def _itself(plugin: object) -> object:
    return plugin


def _entry_points() -> list[EntryPoint]:
    """The entry points of the `citedesk` group, then those of the legacy groups not already there."""
    points = list(entry_points(group=ENTRY_POINT_GROUP))
    seen = {point.value for point in points}
    for group in LEGACY_GROUPS:
        points += [point for point in entry_points(group=group) if point.value not in seen]
    return points


def _distribution(point: EntryPoint) -> tuple[str, str]:
    """The package an entry point belongs to, and its version."""
    dist = getattr(point, "dist", None)
    if dist is None:
        return point.value.split(":")[0], "unknown"
    return dist.metadata["Name"] or dist.name, dist.version


def _register(
    registry: Registry,
    load: Callable[[], object],
    name: str,
    origins: dict[str, tuple[str, str]],
    origin: tuple[str, str],
) -> None:
    """Load and register one plug-in; a failure is one line in `broken`."""
    assert registry.manager is not None
    if registry.manager.has_plugin(name):
        return
    try:
        registry.manager.register(load(), name=name)
    except Exception as exc:  # a third party's bug must not stop CiteDesk
        log.info("could not load the plug-in %s", name, exc_info=True)  # not on a terminal: `citedesk plugins` says
        registry.broken.append(f"{name}: could not be loaded ({type(exc).__name__}: {exc})")
        return
    origins[name] = origin


def _collect(registry: Registry, kind: Kind, origins: dict[str, tuple[str, str]]) -> None:
    """Call one hook of every plug-in, in registration order, and keep the things that are what it asks for."""
    assert registry.manager is not None
    base = kind.base()
    for impl in getattr(registry.manager.hook, kind.hook).get_hookimpls():  # in registration order
        try:
            things = list(impl.function() or [])
        except Exception as exc:  # a third party's bug must not stop CiteDesk
            log.info("the plug-in %s failed in %s", impl.plugin_name, kind.hook, exc_info=True)
            registry.broken.append(f"{impl.plugin_name}: {kind.hook} failed ({type(exc).__name__}: {exc})")
            continue
        for thing in things:
            _add(registry, kind, base, impl.plugin_name, thing, origins.get(impl.plugin_name, (BUILT_IN, __version__)))


def _add(registry: Registry, kind: Kind, base: type, plugin: str, thing: Any, origin: tuple[str, str]) -> None:
    problem = _problem(registry, kind, base, thing)
    if problem:
        registry.broken.append(f"{plugin}: {problem}")
        return
    registry.things[kind.name][thing.name] = thing
    declared = inspect.getattr_static(thing, "version", "")  # never a property's value: it may load a model
    version = declared if isinstance(declared, str) and declared else origin[1]
    registry.plugins.append(PluginInfo(thing.name, kind.name, version, origin[0], plugin))


def _problem(registry: Registry, kind: Kind, base: type, thing: Any) -> str | None:
    """Why a thing cannot be used as one of its kind, or None."""
    singular = kind.name.rstrip("s")
    fits = (
        issubclass(thing, base)
        if kind.is_class and isinstance(thing, type)
        else (not kind.is_class and isinstance(thing, base))
    )
    if not fits or not isinstance(getattr(thing, "name", None), str) or not thing.name:
        return f"{thing!r} is not a {singular} (a named {base.__name__})"
    declared = getattr(thing, "api_version", API_VERSION)
    if int(declared) != API_VERSION:
        return f"the {singular} {thing.name!r} is built for plug-in API {declared}, not {API_VERSION}"
    if thing.name in registry.things[kind.name]:
        return f"a {singular} named {thing.name!r} is already installed"
    return None
