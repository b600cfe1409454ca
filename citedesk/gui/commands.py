"""What the person can do from menus, keys and buttons: each command runs a job in the background."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from citedesk import jobs, reads
from citedesk.gui.export_dialog import suggested_name
from citedesk.gui.tasks import IsCancelled, Progress, Task, TaskRunner, Work
from citedesk.jobs import EntryState, Removed
from citedesk.model import CitedeskError, ImportReport, RefreshReport, StatementImportReport, count, problem_line
from citedesk.plugins import Registry

if TYPE_CHECKING:
    from citedesk.gui.dialogs import Dialogs
    from citedesk.gui.entry_editor import EntryChanges
    from citedesk.gui.models.papers import PaperTableModel


class Window(Protocol):
    """What the commands use of the main window, and nothing else of it."""

    library: Path
    reads: reads.Reads
    dialogs: Dialogs
    runner: TaskRunner
    registry: Registry  # the plug-ins, built once when the program started
    model: PaperTableModel  # what the table lists: its query and how many papers match

    @property
    def current_paper(self) -> int | None: ...
    def selected_ids(self) -> list[int]: ...
    def has_selection(self) -> bool: ...
    def lists_papers(self) -> bool: ...
    def select_all(self) -> None: ...
    def focus_search(self) -> None: ...
    def show_sidebar(self, shown: bool) -> None: ...
    def show_status(self, message: str, msecs: int = 8000) -> None: ...
    def show_background_status(self, message: str, msecs: int = 8000) -> None: ...
    def reload_library(self) -> None: ...
    def reload_report(self) -> None: ...
    def close(self) -> bool: ...


class _Relay(QObject):
    """Carries what a worker has to say beyond its progress to the window's thread."""

    paper_done = Signal(int)


class Commands:
    """The window's actions and what they do; long or writing work goes to the task runner."""

    def __init__(self, window: Window, parent: QWidget) -> None:
        self.window, self.parent = window, parent  # the parent: of the actions, and of the dialogs they open
        self.relay = _Relay(parent)
        self.relay.paper_done.connect(self._paper_classified)
        self.classifying: Task | None = None  # the accurate classifier's run, while one goes on
        self._classify_again = False
        self._classifier_changed = False  # the run going on was stopped because another classifier was chosen
        self.undo_stack = QUndoStack(parent)
        self.registry = window.registry  # the plug-ins, built once when the program started
        self.formats = jobs.installed_formats(self.registry)
        self.import_bib = self._action("&Import…", self.ask_import, QKeySequence.StandardKey.Open)
        self.import_bib.setStatusTip(f"Import {', '.join(f.label for f in self.formats)} files")
        self.import_statements = self._action("Import &Citing Statements…", self.ask_import_statements)
        self.export = self._action("&Export…", self.ask_export, "Ctrl+E")
        self.quit = self._action("&Quit", window.close, QKeySequence.StandardKey.Quit)
        self.undo = self.undo_stack.createUndoAction(parent, "&Undo")
        self.undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo = self.undo_stack.createRedoAction(parent, "&Redo")
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.copy_bibtex = self._action("&Copy BibTeX", self.copy_selection, QKeySequence.StandardKey.Copy)
        self.edit_entry = self._action("&Edit Entry…", self.edit_current, "F2")
        self.add_tag = self._action("Add &Tag…", self.ask_tag, "Ctrl+T")
        self.delete = self._action("&Delete", self.delete_selection, QKeySequence.StandardKey.Delete)
        self.select_all = self._action("Select &All", window.select_all, QKeySequence.StandardKey.SelectAll)
        self.find = self._action("&Find", window.focus_search, QKeySequence.StandardKey.Find)
        self.toggle_sidebar = self._action("Show &Sidebar", self._toggle_sidebar, "Ctrl+Shift+S")
        self.toggle_sidebar.setCheckable(True)
        self.toggle_sidebar.setChecked(True)
        self.about = self._action(
            "&About CiteDesk", lambda: window.dialogs.about(parent, window.library, broken=self.registry.broken)
        )
        self.refresh = self._action("&Refresh Citation Data", self.refresh_selection, "Ctrl+R")
        self.refresh.setToolTip(
            "Fetch who cites the selected papers, and what they say, from the scholarly APIs (Ctrl+R)"
        )
        self.refresh_all = self._action("Refresh &Whole Library…", self.refresh_library)
        self.sources = self._action("&Sources…", lambda: window.dialogs.edit_sources(parent))
        for action in (self.import_bib, self.export):
            action.setToolTip(action.text().replace("&", "").rstrip("…") + f" ({action.shortcut().toString()})")

    def _action(self, text: str, slot: Callable[[], Any], shortcut: Any = None) -> QAction:
        action = QAction(text, self.parent)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def update_enabled(self) -> None:
        """Actions on papers need a selection; export needs papers."""
        has_selection = self.window.has_selection()
        for action in (self.copy_bibtex, self.add_tag, self.delete, self.refresh):
            action.setEnabled(has_selection)
        self.edit_entry.setEnabled(self.window.current_paper is not None)
        self.export.setEnabled(self.window.model.total > 0 or self.window.lists_papers())

    # -- importing

    def ask_import(self) -> None:
        paths = self.window.dialogs.open_bib_files(self.parent, self.formats)
        if paths:
            self.import_files(paths)

    def import_files(self, paths: list[Path]) -> None:
        """Import files in any installed format in the background; the report dialog opens when it is done."""
        library, names, registry = self.window.library, ", ".join(path.name for path in paths), self.registry
        self._write(
            lambda progress, cancelled: jobs.import_bibtex(
                library, paths, progress=progress, cancelled=cancelled, registry=registry
            ),
            f"Importing {names}",
            self._imported,
            cancelled_text="Import cancelled; the library is as it was.",
        )

    def _imported(self, report: ImportReport) -> None:
        self.window.reload_library()
        self._status(report.summary())
        self.window.dialogs.show_import_report(self.parent, report)

    def ask_import_statements(self) -> None:
        """Choose a file, then which of its columns holds what while watching its first rows; then load it."""
        window = self.window
        path = window.dialogs.open_statement_file(self.parent)
        if path is None:
            return
        layout = window.dialogs.ask_statement_layout(
            self.parent, path, lambda layout: jobs.preview_statements(window.library, path, layout=layout)
        )
        if layout is None:
            return
        library = window.library
        self._write(
            lambda progress, cancelled: jobs.import_statements(
                library, path, progress=progress, cancelled=cancelled, layout=layout
            ),
            f"Loading statements from {path.name}",
            lambda report: self._statements_imported(report, path),
            cancelled_text="Loading cancelled; the library is as it was.",
        )

    def _statements_imported(self, report: StatementImportReport, path: Path) -> None:
        self._after_change(report.summary(), report=True)
        self.classify_outdated()
        self.window.dialogs.show_statement_report(self.parent, report, path)

    # -- exporting and copying

    def ask_export(self) -> None:
        window = self.window
        selected = window.selected_ids()
        counts = {"selection": len(selected), "search": window.model.total, "library": window.reads.sidebar().total}
        choice = window.dialogs.ask_export(self.parent, counts, self.formats)
        if choice is None:
            return
        keys = [window.reads.paper(selected[0]).citekey] if len(selected) == 1 else []
        chosen = next((f for f in self.formats if f.name == choice.format), self.formats[0])
        name = suggested_name(choice.scope, window.library.stem, keys, chosen.extensions[0])
        path = window.dialogs.save_bib_file(self.parent, name, chosen)
        if path is None:
            return
        query, library, seven_bit = window.model.query, window.library, choice.seven_bit
        format_name, registry = chosen.name, self.registry
        works = {
            "selection": lambda progress, cancelled: jobs.export_bibtex(
                library, path, seven_bit=seven_bit, paper_ids=selected, format_name=format_name, registry=registry
            ),
            "search": lambda progress, cancelled: jobs.export_listed(
                library, path, query=query, seven_bit=seven_bit, format_name=format_name, registry=registry
            ),
            "library": lambda progress, cancelled: jobs.export_bibtex(
                library, path, seven_bit=seven_bit, format_name=format_name, registry=registry
            ),
        }
        self._read(works[choice.scope], f"Exporting to {path.name}", self._exported)

    def _exported(self, result: jobs.ExportResult) -> None:
        self._status(f"Exported {count(result.entries, 'entry')} to {result.path}")

    def export_file(self, source_file_id: int) -> None:
        """Export one imported BibTeX file exactly as it was (edits applied)."""
        name = self.window.reads.source_file_name(source_file_id)
        bibtex = next(f for f in self.formats if f.name == "bibtex")
        path = self.window.dialogs.save_bib_file(self.parent, name or "export.bib", bibtex)
        if path is None:
            return
        library = self.window.library
        self._read(
            lambda progress, cancelled: jobs.export_bibtex(library, path, file_of=str(source_file_id)),
            f"Exporting to {path.name}",
            self._exported,
        )

    def copy_selection(self) -> None:
        ids = self.window.selected_ids()
        if not ids:
            return
        library = self.window.library
        self._read(
            lambda progress, cancelled: jobs.bibtex_of(library, ids),
            "Copying BibTeX",
            lambda text: self._copied(text, len(ids)),
        )

    def _copied(self, text: str, count: int) -> None:
        QGuiApplication.clipboard().setText(text)
        self._status(f"Copied the BibTeX of {count:,} entr{'y' if count == 1 else 'ies'}")

    # -- changing papers

    def edit_current(self) -> None:
        window = self.window
        if window.current_paper is None:
            return
        paper_id = window.current_paper
        paper = window.reads.paper(paper_id)
        changes = window.dialogs.edit_entry(
            self.parent, paper, lambda key: window.reads.paper_id_of_key(key) not in (None, paper_id)
        )
        if changes is None:
            return
        library, key = window.library, paper.citekey

        def saved(previous: EntryState) -> None:
            self.undo_stack.push(_EditCommand(self, paper_id, key, changes, previous))
            self._after_change(f"Saved {changes.citekey or key} — Undo with Ctrl+Z", report=True)

        self._write(
            lambda progress, cancelled: jobs.edit_paper(
                library, paper_id, fields=changes.fields, citekey=changes.citekey, entry_type=changes.entry_type
            ),
            f"Saving {key}",
            saved,
        )

    def delete_selection(self) -> None:
        ids = self.window.selected_ids()
        if ids:
            self.undo_stack.push(_RemoveCommand(self, ids))

    def ask_tag(self) -> None:
        ids = self.window.selected_ids()
        name = (
            self.window.dialogs.ask_text(self.parent, "Add Tag", f"Tag for {count(len(ids), 'paper')}:")
            if ids
            else None
        )
        if not name:
            return
        library = self.window.library
        self._write(
            lambda progress, cancelled: jobs.tag_papers(library, ids, name=name),
            f"Tagging {count(len(ids), 'paper')}",
            lambda _: self._after_change(f"Tagged {count(len(ids), 'paper')} “{name.strip()}”", report=True),
        )

    def delete_tag(self, tag_id: int, name: str) -> None:
        if not self.window.dialogs.confirm(
            self.parent, "Delete Tag", f"Remove the tag “{name}” from every paper?", "Delete Tag"
        ):
            return
        library = self.window.library
        self._write(
            lambda progress, cancelled: jobs.delete_tag(library, tag_id),
            f"Deleting tag {name}",
            lambda _: self._after_change(f"Deleted the tag “{name}”", report=True),
        )

    def add_work(self, work_id: int) -> None:
        library = self.window.library
        self._write(
            lambda progress, cancelled: jobs.add_work(library, work_id),
            "Adding the paper to the library",
            lambda key: self._after_change(f"Added {key} to the library", report=True),
        )

    # -- citation data

    def refresh_selection(self) -> None:
        ids = self.window.selected_ids() or ([self.window.current_paper] if self.window.current_paper else [])
        keys = self.window.reads.citekeys_of(ids)
        if keys:
            self._refresh(
                keys,
                f"Fetching citation data for {keys[0]}"
                if len(keys) == 1
                else f"Fetching citation data for {len(keys):,} papers",
            )

    def refresh_library(self) -> None:
        total = self.window.reads.sidebar().total
        question = (
            f"Fetch citation data for all {total:,} papers? Papers fetched recently are skipped; "
            "this can take a long time, and you can cancel at any point and resume later."
        )
        if total and self.window.dialogs.confirm(self.parent, "Refresh Whole Library", question, "Refresh"):
            self._refresh(None, f"Fetching citation data for {total:,} papers")

    def _refresh(self, keys: list[str] | None, label: str) -> None:
        library, registry = self.window.library, self.registry
        task = self.window.runner.fetch(
            lambda progress, cancelled: jobs.refresh(
                library, keys, progress=progress, cancelled=cancelled, registry=registry
            ),
            label,
            self._refreshed,
            self._failed,
        )
        task.signals.cancelled.connect(
            lambda: self._after_change(
                "Refresh cancelled; what was fetched is kept and the next refresh resumes", report=True
            )
        )

    def _refreshed(self, report: RefreshReport) -> None:
        self._after_change(report.summary(), report=True)
        if report.new_statements:
            self.classify_outdated()
        if report.problems:
            lines = [problem_line(p) for p in report.problems[:12]]
            more = len(report.problems) - len(lines)
            self.window.dialogs.information(
                self.parent,
                "Refresh",
                "\n".join([report.summary(), "", *lines, *([f"… and {more} more"] if more > 0 else [])]),
            )

    def classify_outdated(self) -> None:
        """Give, in the background, the chosen classifier's labels to statements that lack them (new ones, or
        all after a new model or another choice), the open paper's first; its report is read again once they
        are done."""
        window = self.window
        if self.classifying is not None:
            self._classify_again = True  # statements stored since that run began: another run follows it
            return
        self._classify_again = False
        library, relay, registry = window.library, self.relay, self.registry
        task = window.runner.classify(
            lambda progress, cancelled: jobs.classify(
                library,
                progress=progress,
                cancelled=cancelled,
                first=lambda: window.current_paper,
                first_done=relay.paper_done.emit,
                registry=registry,
            ),
            "Classifying citing statements",
            self._classified,
            self._failed,
        )
        task.signals.finished.connect(self._classifying_ended)
        task.signals.cancelled.connect(self._classifying_paused)
        self.classifying = task

    def change_classifier(self, name: str) -> None:
        """Label the statements with another classifier from now on: all of them again, in the background (a run
        with the one before stops after its batch and this one follows)."""
        try:
            label = jobs.choose_classifier(name, registry=self.registry)
        except CitedeskError as exc:
            self.window.dialogs.error(self.parent, "Stance Classifier", str(exc))
            return
        self._status(f"Labelling the citing statements with {label}")
        if self.classifying is None:
            self.classify_outdated()
            return
        self._classifier_changed = True
        self.classifying.cancel()

    def _classifying_paused(self) -> None:
        if not self._classifier_changed:
            self._status("Classifying paused; it goes on at the next start")

    def _classifying_ended(self) -> None:
        self.classifying = None
        if self._classifier_changed:  # the run with the classifier before was stopped for this one
            self._classifier_changed = False
            QTimer.singleShot(0, self.classify_outdated)

    def _paper_classified(self, paper_id: int) -> None:
        """The open paper's statements have their new labels (they went first): show them."""
        if paper_id == self.window.current_paper:
            self.window.reload_report()

    def _classified(self, report: jobs.ClassifyReport) -> None:
        if report.statements:  # background work: its outcome joins, never hides, the one of the action shown
            self.window.reload_library()
            self.window.reload_report()
            self.window.show_background_status(report.summary())
        if self._classify_again:  # once this run has ended (a cancelled one, at closing, is not followed)
            QTimer.singleShot(0, self.classify_outdated)

    # -- small things

    def _toggle_sidebar(self) -> None:
        self.window.show_sidebar(self.toggle_sidebar.isChecked())

    def _after_change(self, message: str, report: bool = False) -> None:
        self.window.reload_library()
        if report:
            self.window.reload_report()
        self._status(message)

    def _status(self, message: str) -> None:
        self.window.show_status(message)

    def _failed(self, message: str) -> None:
        self.window.dialogs.error(self.parent, "CiteDesk", message)

    def _write(
        self, work: Work, label: str, on_success: Callable[[Any], None], cancelled_text: str = "Cancelled."
    ) -> None:
        task = self.window.runner.write(work, label, on_success, self._failed)
        task.signals.cancelled.connect(lambda: self._status(cancelled_text))

    def _read(self, work: Work, label: str, on_success: Callable[[Any], None]) -> None:
        self.window.runner.read(work, label, on_success, self._failed)


class _RemoveCommand(QUndoCommand):
    """Delete papers; undo puts them back with their tags and citation links."""

    def __init__(self, commands: Commands, ids: list[int]) -> None:
        super().__init__(f"Delete {len(ids):,} Paper{'s' if len(ids) != 1 else ''}")
        self.commands, self.ids = commands, ids
        self.removed: Removed | None = None

    def redo(self) -> None:
        library, number = self.commands.window.library, len(self.ids)

        def remove(progress: Progress, cancelled: IsCancelled) -> Removed:
            self.removed = jobs.remove_papers(library, self.ids)  # the writer runs one task at a time, in order
            return self.removed

        self.commands._write(
            remove,
            f"Deleting {count(number, 'paper')}",
            lambda removed: self.commands._after_change(
                f"Deleted {', '.join(removed.keys[:3])}{'…' if number > 3 else ''} — Undo with Ctrl+Z"
            ),
        )

    def undo(self) -> None:
        library = self.commands.window.library

        def restore(progress: Progress, cancelled: IsCancelled) -> list[int]:
            self.ids = jobs.restore_papers(library, self.removed) if self.removed else []
            return self.ids

        self.commands._write(
            restore,
            "Putting papers back",
            lambda ids: self.commands._after_change(f"Put back {count(len(ids), 'paper')}"),
        )


class _EditCommand(QUndoCommand):
    """An entry's edit, saved before it is pushed; undo puts the entry back exactly (its text, fields,
    key, type and edited flag), redo saves the same edit again."""

    def __init__(
        self, commands: Commands, paper_id: int, key: str, changes: EntryChanges, previous: EntryState
    ) -> None:
        super().__init__(f"Edit {key}")
        self.commands, self.paper_id, self.key, self.changes = commands, paper_id, key, changes
        self.previous = previous
        self._pushed = False

    def redo(self) -> None:
        if not self._pushed:  # the stack calls redo when the command is pushed: the edit is saved already
            self._pushed = True
            return
        library, changes, paper_id = self.commands.window.library, self.changes, self.paper_id

        def edit(progress: Progress, cancelled: IsCancelled) -> EntryState:
            self.previous = jobs.edit_paper(
                library, paper_id, fields=changes.fields, citekey=changes.citekey, entry_type=changes.entry_type
            )
            return self.previous

        self.commands._write(
            edit,
            f"Saving {self.key}",
            lambda _: self.commands._after_change(f"Saved {changes.citekey or self.key} again", report=True),
        )

    def undo(self) -> None:
        library = self.commands.window.library

        def restore(progress: Progress, cancelled: IsCancelled) -> str:
            return jobs.restore_paper_edit(library, self.previous)  # the writer runs one task at a time, in order

        self.commands._write(
            restore,
            f"Undoing the edit of {self.key}",
            lambda key: self.commands._after_change(f"Undid the edit of {key}", report=True),
        )
