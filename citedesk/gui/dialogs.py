"""Every question the window asks the person, in one class that tests replace with a stub."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QMessageBox, QWidget

from citedesk.formats.base import Format
from citedesk.gui.about import AboutDialog
from citedesk.gui.entry_editor import EntryChanges, EntryEditor
from citedesk.gui.export_dialog import ExportChoice, ExportDialog
from citedesk.gui.import_report import ImportReportDialog, StatementReportDialog
from citedesk.gui.share_dialogs import DELETE_HERE, ConnectDialog, MergeDialog
from citedesk.gui.sources_dialog import SourcesDialog
from citedesk.gui.statement_import_dialog import Preview, StatementImportDialog
from citedesk.jobs import Conflict, StatementLayout
from citedesk.model import ImportReport, StatementImportReport
from citedesk.reads import Paper

STATEMENT_FILTER = "Statement files (*.jsonl *.ndjson *.csv *.tsv *.txt);;All files (*)"
ALL_FILES = "All files (*)"
LAST_FOLDER_KEY = "dialogs/last_folder"


def open_filter(formats: Sequence[Format]) -> str:
    """The import dialog's filter: every installed format's files together, each format, then all files
    (a file is recognised by its content, so one with another extension can be chosen too)."""
    patterns = [f"*{extension}" for candidate in formats for extension in candidate.extensions]
    together = [f"Bibliography files ({' '.join(dict.fromkeys(patterns))})"] if len(formats) > 1 else []
    return ";;".join([*together, *map(_format_filter, formats), ALL_FILES])


def save_filter(chosen: Format | None) -> str:
    """The save dialog's filter: the chosen format's files, then all files."""
    return ";;".join([*([_format_filter(chosen)] if chosen is not None else []), ALL_FILES])


def _format_filter(candidate: Format) -> str:
    return f"{candidate.label} files ({' '.join(f'*{extension}' for extension in candidate.extensions)})"


def with_suffix(path: Path, extension: str = ".bib") -> Path:
    """The path with the format's extension added when it has no suffix."""
    return path if path.suffix else path.with_name(path.name + extension)


class Dialogs:
    """Message boxes, file choosers and the dialogs of the window; each call waits for an answer."""

    def __init__(self, settings: QSettings | None = None, library_path: Path | str | None = None) -> None:
        self.settings = settings if settings is not None else QSettings("CiteDesk", "CiteDesk")
        self.library_path = library_path

    # Files.

    def open_bib_files(self, parent: QWidget | None, formats: Sequence[Format] = ()) -> list[Path]:
        """Bibliography files to import, in any of the formats (an empty list when cancelled)."""
        names, _ = QFileDialog.getOpenFileNames(parent, "Import", self.last_folder(), open_filter(formats))
        paths = [Path(name) for name in names]
        self._remember_folder(paths)
        return paths

    def open_statement_file(self, parent: QWidget | None) -> Path | None:
        """A file of citing statements to load, or None when cancelled."""
        name, _ = QFileDialog.getOpenFileName(parent, "Load citing statements", self.last_folder(), STATEMENT_FILTER)
        return self._chosen(name)

    def save_bib_file(self, parent: QWidget | None, suggested_name: str, chosen: Format | None = None) -> Path | None:
        """Where to write an export in the chosen format (BibTeX when None; its extension added when the name
        has none), or None when cancelled."""
        suggested = str(Path(self.last_folder()) / suggested_name)
        title = f"Export {chosen.label if chosen is not None else 'BibTeX'}"
        name, _ = QFileDialog.getSaveFileName(parent, title, suggested, save_filter(chosen))
        path = self._chosen(name)
        return with_suffix(path, chosen.extensions[0] if chosen is not None else ".bib") if path is not None else None

    def last_folder(self) -> str:
        """The folder of the last file chosen (the home folder at first)."""
        folder = self.settings.value(LAST_FOLDER_KEY, "", str)  # a str: asked for one (the stub says object)
        return folder if isinstance(folder, str) and folder and Path(folder).is_dir() else str(Path.home())

    # Messages and questions.

    def error(self, parent: QWidget | None, title: str, message: str) -> None:
        """Tell the person something went wrong, in a sentence."""
        box = _message_box(parent, QMessageBox.Icon.Warning, title, message)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.exec()

    def information(self, parent: QWidget | None, title: str, message: str) -> None:
        """Tell the person how something went (a report of a few lines)."""
        box = _message_box(parent, QMessageBox.Icon.Information, title, message)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.exec()

    def confirm(self, parent: QWidget | None, title: str, message: str, ok_label: str) -> bool:
        """Ask before doing something; True when the person pressed the button named ok_label."""
        box = _message_box(parent, QMessageBox.Icon.Question, title, message)
        ok = box.addButton(ok_label, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(ok)
        box.exec()
        return box.clickedButton() is ok

    def ask_text(self, parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
        """A line of text (spaces around it removed), or None when cancelled or left empty."""
        answer, ok = QInputDialog.getText(parent, title, label, text=text)
        return (answer.strip() or None) if ok else None

    # The window's own dialogs.

    def show_import_report(self, parent: QWidget | None, report: ImportReport) -> None:
        """What an import skipped, failed to read or renamed."""
        _run(ImportReportDialog(report, parent))

    def ask_statement_layout(self, parent: QWidget | None, path: Path, preview: Preview) -> StatementLayout | None:
        """How to read a statement file, chosen while watching its first rows; None when cancelled."""
        dialog = StatementImportDialog(path, preview, parent)
        return dialog.layout_chosen() if _run(dialog) else None

    def show_statement_report(self, parent: QWidget | None, report: StatementImportReport, path: Path) -> None:
        """The rows a statement import did not store, with their lines and reasons."""
        _run(StatementReportDialog(report, path, parent))

    def ask_export(
        self, parent: QWidget | None, counts: Mapping[str, int], formats: Sequence[Format] = ()
    ) -> ExportChoice | None:
        """Which papers to export, in which of the formats, or None when cancelled."""
        dialog = ExportDialog(counts, parent, formats)
        return dialog.choice() if _run(dialog) else None

    def edit_entry(
        self, parent: QWidget | None, paper: Paper, key_taken: Callable[[str], bool] | None = None
    ) -> EntryChanges | None:
        """The changes made to a paper's entry, or None when cancelled or nothing changed."""
        editor = EntryEditor(paper, parent, key_taken)
        return editor.changes() if _run(editor) else None

    def edit_sources(self, parent: QWidget | None) -> bool:
        """The Sources dialog; True when the person saved changes."""
        return _run(SourcesDialog(parent))

    def about(self, parent: QWidget | None, library_path: Path | str | None = None, broken: Sequence[str] = ()) -> None:
        """Name, version, licence, the library's path, and the plug-ins that could not be loaded."""
        _run(AboutDialog(library_path or self.library_path, parent, broken))

    def ask_shared_url(self, parent: QWidget | None) -> str | None:
        """Where the shared library is, as a postgresql:// URL; None when cancelled."""
        dialog = ConnectDialog(parent)
        return dialog.url() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def merge_conflict(self, parent: QWidget | None, conflict: Conflict) -> dict[str, str | None] | str | None:
        """The values chosen per field for a paper changed on both sides, DELETE_HERE (a paper deleted there let
        go), or None (later)."""
        dialog = MergeDialog(conflict, parent)
        answer = dialog.exec()
        if answer == 2:
            return DELETE_HERE
        return dialog.chosen() if answer == QDialog.DialogCode.Accepted else None

    def _chosen(self, name: str) -> Path | None:
        if not name:
            return None
        path = Path(name)
        self._remember_folder([path])
        return path

    def _remember_folder(self, paths: list[Path]) -> None:
        if paths:
            self.settings.setValue(LAST_FOLDER_KEY, str(paths[0].parent))


def _message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, message: str) -> QMessageBox:
    box = QMessageBox(icon, title, message, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    return box


def _run(dialog: QDialog) -> bool:
    """Show a dialog until it is closed; True when accepted. The dialog is deleted afterwards."""
    try:
        return dialog.exec() == QDialog.DialogCode.Accepted
    finally:
        dialog.deleteLater()
