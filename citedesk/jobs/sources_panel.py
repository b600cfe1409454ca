"""The sources as a person sees and sets them: installed, enabled, where, with a key or not (the CLI and the window share it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from citedesk.model import CitedeskError
from citedesk.plugins import Registry, build_registry
from citedesk.sources.settings import load_settings, save_settings, set_api_key


@dataclass(frozen=True)
class SourceRow:
    """One installed source and how it is set up."""

    name: str
    label: str
    url: str
    enabled: bool
    has_key: bool
    key_help: str
    origin: str  # "built-in" or the package that provides it


def describe_sources(*, registry: Registry | None = None) -> list[SourceRow]:
    """Every installed source, built-ins first, with its settings."""
    registry = registry if registry is not None else build_registry()
    settings = load_settings()
    rows = []
    for name, source in registry.sources.items():
        own = settings.source_settings(source)
        rows.append(
            SourceRow(
                name,
                source.label,
                own.url,
                own.enabled,
                bool(own.key),
                source.key_help,
                registry.origin("sources", name),
            )
        )
    return rows


def change_settings(
    enable: Sequence[str] = (),
    disable: Sequence[str] = (),
    mailto: str | None = None,
    max_age_days: float | None = None,
    *,
    registry: Registry | None = None,
) -> list[str]:
    """Enable or disable sources, set the e-mail and the maximum age; returns what changed, in words."""
    names = set((registry if registry is not None else build_registry()).sources)
    unknown = [name for name in [*enable, *disable] if name not in names]
    if unknown:
        raise CitedeskError(f"No source called {', '.join(unknown)}; installed: {', '.join(sorted(names))}")
    if max_age_days is not None and max_age_days < 0:
        raise CitedeskError("The maximum age is a number of days, 0 or more")
    settings, changes = load_settings(), []
    for name, enabled in [*((n, True) for n in enable), *((n, False) for n in disable)]:
        settings.sources.setdefault(name, {})["enabled"] = enabled
        changes.append(f"{'enabled' if enabled else 'disabled'} {name}")
    if mailto is not None:
        settings.mailto = mailto.strip() or None
        changes.append(f"e-mail for polite pools: {settings.mailto or '(none)'}")
    if max_age_days is not None:
        settings.max_age_days = max_age_days
        changes.append(f"a refresh skips papers fetched within {max_age_days:g} days")
    if changes:
        save_settings(settings)
    return changes


def set_key(name: str, key: str | None, *, registry: Registry | None = None) -> None:
    """Keep (or with None, remove) a source's API key in the system keyring."""
    if name not in (registry if registry is not None else build_registry()).sources:
        raise CitedeskError(f"No source called {name}")
    if key is not None and not key.strip():
        raise CitedeskError("The key is empty")
    set_api_key(name, key.strip() if key else None)
