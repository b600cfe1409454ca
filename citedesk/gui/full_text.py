"""View Full Text and Attach File: open the paper's PDF (or open-access copy, DOI, web page), or link a file to it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QUndoCommand
from PySide6.QtWidgets import QFileDialog, QWidget

from citedesk import jobs, reads
from citedesk.gui.report_loader import READING
from citedesk.jobs import EntryState

if TYPE_CHECKING:
    from citedesk.gui.commands import Commands

NO_FULL_TEXT = (
    "No full text is known for this paper: attach its PDF (Edit ▸ Attach File…, or drop it on the paper), "
    "or refresh it to look for an open-access copy"
)


def url_of(link: reads.Link) -> QUrl:
    """What the desktop opens for a link: its URL, or its file."""
    return QUrl(link.target) if link.is_url else QUrl.fromLocalFile(link.target)


def pdf_paths(paths: list[Path]) -> list[Path]:
    """The dropped files that are PDFs (by their extension)."""
    return [path for path in paths if path.suffix.lower() == ".pdf"]


class FullText(QObject):
    """The two actions, on the paper shown; attaching is an edit of the entry, undone with Ctrl+Z."""

    def __init__(
        self,
        commands: Commands,
        current: Callable[[], int | None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.commands, self.current, self.window_parent = commands, current, parent
        self.view_action = QAction("View &Full Text", parent)
        self.view_action.setShortcut(QKeySequence("Ctrl+Shift+F"))
        self.view_action.setToolTip(
            "Open the attached PDF, else an open-access copy, the DOI or the web page (Ctrl+Shift+F)"
        )
        self.view_action.triggered.connect(lambda _checked=False: self.view())
        self.attach_action = QAction("&Attach File…", parent)
        self.attach_action.setStatusTip("Link a PDF (or another file) to the paper, in its entry's file field")
        self.attach_action.triggered.connect(lambda _checked=False: self.ask_attach())
        self.folder_action = QAction("Attachment &Folder…", parent)
        self.folder_action.setStatusTip("Choose the folder that attachments' relative paths are read from")
        self.folder_action.triggered.connect(lambda _checked=False: self.ask_folder())

    def update_enabled(self) -> None:
        shown = self.current() is not None
        self.view_action.setEnabled(shown)
        self.attach_action.setEnabled(shown)

    def view(self) -> None:
        """Open the best way to the paper's text with the system's viewer or browser."""
        paper_id = self.current()
        if paper_id is None:
            return
        library = self.commands.window.library
        self.commands.window.runner.read(
            lambda progress, cancelled: reads.reading(library, lambda r: r.full_text(paper_id)),
            READING,
            on_success=self._open,
            on_failure=self.commands.window.show_status,
        )

    def _open(self, link: reads.Link | None) -> None:
        if link is None:
            self.commands.window.show_status(NO_FULL_TEXT)
            return
        if not QDesktopServices.openUrl(url_of(link)):
            self.commands.window.show_status(f"Nothing on this computer opens {link.target}")

    def ask_folder(self) -> None:
        """Choose the library's attachment folder (where JabRef's relative paths are read from and written to)."""
        library, window = self.commands.window.library, self.commands.window
        window.runner.read(
            lambda progress, cancelled: jobs.attachment_folder(library),
            READING,
            on_success=self._choose_folder,
            on_failure=window.show_status,
        )

    def _choose_folder(self, current: Path) -> None:
        chosen = QFileDialog.getExistingDirectory(self.window_parent, "Attachment Folder", str(current))
        if chosen:
            self.set_folder(Path(chosen))

    def set_folder(self, folder: Path) -> None:
        """Make `folder` the attachment folder; the paper shown is read again (its links may resolve now)."""
        library = self.commands.window.library
        self.commands._write(
            lambda progress, cancelled: jobs.set_attachment_folder(library, folder),
            "Setting the attachment folder",
            lambda chosen: self.commands._after_change(f"Attachments are read from {chosen}", report=True),
        )

    def ask_attach(self) -> None:
        """Choose a file and attach it to the paper shown."""
        paper_id = self.current()
        if paper_id is None:
            return
        name, _ = QFileDialog.getOpenFileName(self.window_parent, "Attach File", "", "PDF files (*.pdf);;All files (*)")
        if name:
            self.attach(paper_id, [Path(name)])

    def attach(self, paper_id: int, paths: list[Path]) -> None:
        """Attach files to a paper in the background; each attachment can be undone."""
        for path in paths:
            _AttachCommand(self.commands, paper_id, path).start()


class _AttachCommand(QUndoCommand):
    """A file written into the entry's `file` field; undo puts the entry back as it was."""

    def __init__(self, commands: Commands, paper_id: int, path: Path) -> None:
        super().__init__(f"Attach {path.name}")
        self.commands, self.paper_id, self.path = commands, paper_id, path
        self.previous: EntryState | None = None
        self._pushed = False

    def start(self) -> None:
        library, paper_id, path = self.commands.window.library, self.paper_id, self.path

        def attached(previous: EntryState) -> None:
            self.previous = previous
            self.commands.undo_stack.push(self)
            self.commands._after_change(f"Attached {path.name} — Undo with Ctrl+Z", report=True)

        self.commands._write(
            lambda progress, cancelled: jobs.attach_file(library, paper_id, path), f"Attaching {path.name}", attached
        )

    def redo(self) -> None:
        if not self._pushed:  # pushed once attached: the file is in the entry already
            self._pushed = True
            return
        library, paper_id, path = self.commands.window.library, self.paper_id, self.path

        def attach(progress: object, cancelled: object) -> EntryState:
            self.previous = jobs.attach_file(library, paper_id, path)
            return self.previous

        self.commands._write(attach, f"Attaching {path.name}", lambda _: self._done(f"Attached {path.name} again"))

    def undo(self) -> None:
        library, previous = self.commands.window.library, self.previous
        if previous is None:
            return
        self.commands._write(
            lambda progress, cancelled: jobs.restore_paper_edit(library, previous),
            f"Detaching {self.path.name}",
            lambda _: self._done(f"Removed {self.path.name} from the entry"),
        )

    def _done(self, message: str) -> None:
        self.commands._after_change(message, report=True)
