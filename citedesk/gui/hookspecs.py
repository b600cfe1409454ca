"""The plug-in hooks that need Qt: window actions and report sections. They join the registry's plug-in
manager when the window is built, so the core hooks (citedesk.hookspecs) never mention Qt.

    from citedesk.plugins import hookimpl

    @hookimpl
    def citedesk_window_actions(window):
        action = QAction("Count words", window)
        action.triggered.connect(...)
        return [action]

    @hookimpl
    def citedesk_report_sections(parent):
        return [MySection(parent)]  # a ReportSection
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy
from PySide6.QtWidgets import QWidget

from citedesk.hookspecs import PROJECT

if TYPE_CHECKING:
    from citedesk.reads import PaperReport

hookspec = pluggy.HookspecMarker(PROJECT)


class ReportSection(QWidget):
    """A part a plug-in adds below the citation report; shown again for every paper selected."""

    api_version = 1
    title = ""  # a heading, when it has one

    def show_report(self, report: PaperReport) -> None:
        """Show what the section says about this paper."""
        raise NotImplementedError

    def clear(self) -> None:
        """No paper is selected."""
        self.hide()


@hookspec
def citedesk_window_actions(window: Any) -> list[Any]:
    """QActions for the window's Tools menu, parented to `window` (the main window)."""
    raise NotImplementedError  # a specification: the plug-ins implement it


@hookspec
def citedesk_report_sections(parent: QWidget) -> list[Any]:
    """ReportSection widgets, parented to `parent`, shown below the paper's citation report."""
    raise NotImplementedError  # a specification: the plug-ins implement it
