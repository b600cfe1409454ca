"""Attaching files to papers, and the library's attachment folder that relative paths are read from."""

from __future__ import annotations

from pathlib import Path

from citedesk.jobs.base import PathLike, opened, writing
from citedesk.library import attachments
from citedesk.library.editing import EntryState
from citedesk.model import CitedeskError


def attach_file(library: PathLike | None, paper_id: int, path: PathLike) -> EntryState:
    """Link a file to a paper where it lies (nothing is copied): added to its entry's `file` field in JabRef's
    format; the result puts the entry back as it was with `restore_paper_edit`."""
    file = Path(path).expanduser()
    check_attachable(file)
    with opened(library) as db, writing(db):
        return attachments.attach_file(db, paper_id, file)


def check_attachable(file: Path) -> None:
    """A CitedeskError unless the path is a file that is there."""
    if not file.exists():
        raise CitedeskError(f"There is no file {file}; nothing was attached")
    if not file.is_file():
        raise CitedeskError(f"{file} is a folder, not a file; nothing was attached")


def attachment_folder(library: PathLike | None) -> Path:
    """The folder relative attachment paths are read from first (see `attachments.attachment_folder`)."""
    with opened(library) as db:
        return attachments.attachment_folder(db)


def set_attachment_folder(library: PathLike | None, path: PathLike | None) -> Path:
    """Set the library's attachment folder (None: back to `attachments` beside the library); returns it."""
    if path is not None and Path(path).expanduser().exists() and not Path(path).expanduser().is_dir():
        raise CitedeskError(f"{path} is a file, not a folder; the attachment folder is unchanged")
    with opened(library) as db, writing(db):
        attachments.set_attachment_folder(db, path)
        return attachments.attachment_folder(db)
