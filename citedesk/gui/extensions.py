"""What plug-ins add to the window: its Tools menu's actions and the sections below the citation report."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from citedesk.gui import hookspecs
from citedesk.plugins import Registry

log = logging.getLogger(__name__)


@dataclass
class Extensions:
    """The window's plug-in actions and report sections, and one line per plug-in whose hook failed."""

    actions: list[QAction] = field(default_factory=list)
    sections: list[hookspecs.ReportSection] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    def show_report(self, report: Any) -> None:
        """Give every section the selected paper's report; a section that fails is hidden, not fatal."""
        for section in self.sections:
            try:
                section.show_report(report)
                section.show()
            except Exception:  # a third party's bug must not stop the window
                log.exception("the report section %r failed", section.title)
                section.hide()

    def clear(self) -> None:
        """No paper is selected."""
        for section in self.sections:
            section.clear()


def load_extensions(registry: Registry, window: QWidget, report_parent: QWidget) -> Extensions:
    """Ask every plug-in for its window actions and report sections (the Qt hooks join the registry here)."""
    extensions = Extensions()
    manager = registry.manager
    if manager is None:
        return extensions
    if not hasattr(manager.hook, "citedesk_window_actions"):
        manager.add_hookspecs(hookspecs)
    extensions.actions = _collect(manager.hook.citedesk_window_actions, QAction, extensions.broken, window=window)
    extensions.sections = _collect(
        manager.hook.citedesk_report_sections, hookspecs.ReportSection, extensions.broken, parent=report_parent
    )
    return extensions


def _collect(hook: Any, kind: type, broken: list[str], **arguments: Any) -> list[Any]:
    """Call one hook of every plug-in and keep what is of the kind it asks for."""
    found: list[Any] = []
    for impl in hook.get_hookimpls():
        try:
            things = list(impl.function(**{name: arguments[name] for name in impl.argnames}) or [])
        except Exception as exc:  # a third party's bug must not stop the window
            log.warning("the plug-in %s failed in %s", impl.plugin_name, hook.name, exc_info=True)
            broken.append(f"{impl.plugin_name}: {hook.name} failed ({type(exc).__name__}: {exc})")
            continue
        for thing in things:
            if isinstance(thing, kind):
                found.append(thing)
            else:
                broken.append(f"{impl.plugin_name}: {thing!r} is not a {kind.__name__}")
    return found
