"""Cite: the selected paper's reference in the details pane, and Copy Citation (text and HTML) for the selection."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence

from citedesk import jobs
from citedesk.gui.report_loader import READING
from citedesk.gui.widgets.citation_view import CitationView
from citedesk.gui.window_parts import WindowParts
from citedesk.model import count

STYLE_KEY = "cite/style"


class Citer(QObject):
    """Formats references on a worker thread, in the style the person chose last (kept in the settings)."""

    def __init__(self, parts: WindowParts, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.parts = parts
        self.styles = jobs.citation_styles()
        chosen = str(parts.settings.value(STYLE_KEY, jobs.DEFAULT_STYLE))
        self.view = CitationView(self.styles, chosen)
        self.view.styleChosen.connect(self.set_style)
        self.view.citeRequested.connect(self.copy_selection)
        self.copy_action = QAction("Copy &Citation", parent)
        self.copy_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.copy_action.setStatusTip("Copy the selected papers' references in the chosen citation style")
        self.copy_action.triggered.connect(lambda _checked=False: self.copy_selection())
        self.paper_id: int | None = None  # the paper whose reference the details pane shows
        self._entry = ""  # its BibTeX text, when it was formatted
        self._shown: tuple[int, str, str] | None = None  # (paper, entry, style) of the reference on screen
        self.copied: list[jobs.Reference] = []  # what the last copy put on the clipboard

    @property
    def style(self) -> str:
        return self.view.chosen_style()

    def set_style(self, name: str) -> None:
        """Use this style from now on, and show the paper's reference in it."""
        self.parts.settings.setValue(STYLE_KEY, name)
        self.show_paper(self.paper_id, self._entry)

    def show_paper(self, paper_id: int | None, entry: str = "") -> None:
        """Format the paper's reference for the details pane, off the window's thread; not again when the paper
        and its entry (`entry`, its BibTeX text) are those on screen already (a report read again)."""
        if paper_id is not None and (paper_id, entry, self.style) == self._shown:
            return
        self.paper_id, self._entry = paper_id, entry
        if paper_id is None:
            self._shown = None
            self.view.show_reference(None)
            return
        self._shown = (paper_id, entry, self.style)
        self.view.waiting()
        library, style = self.parts.library, self.style
        self.parts.runner.read(
            lambda progress, cancelled: jobs.cite_papers(library, [paper_id], style=style),
            READING,
            on_success=lambda references: self._formatted(paper_id, style, references),
            on_failure=lambda message: self._formatted(paper_id, style, [], message),
        )

    def _formatted(self, paper_id: int, style: str, references: list[jobs.Reference], problem: str = "") -> None:
        if paper_id == self.paper_id and style == self.style:  # not a reference the person has moved on from
            self.view.show_reference(references[0] if references else None, problem)

    def copy_selection(self) -> None:
        """Put the selected papers' references on the clipboard, as plain text and as HTML."""
        ids = self.parts.selected() or ([self.paper_id] if self.paper_id is not None else [])
        if not ids:
            return
        library, style = self.parts.library, self.style
        self.parts.runner.read(
            lambda progress, cancelled: jobs.cite_papers(library, ids, style=style),
            "Formatting references",
            on_success=self._copy,
            on_failure=self.parts.status,
        )

    def _copy(self, references: list[jobs.Reference]) -> None:
        data = QMimeData()
        data.setText("\n".join(reference.text for reference in references))
        data.setHtml(jobs.references_html(references))
        QGuiApplication.clipboard().setMimeData(data)
        self.copied = references
        title = next((style.title for style in self.styles if style.name == self.style), self.style)
        self.parts.status(f"Copied {count(len(references), 'reference')} in {title}")
