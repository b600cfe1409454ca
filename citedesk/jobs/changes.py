"""Changes a person makes to papers (remove, edit, tag, add a citing work), each undoable."""

from __future__ import annotations

from collections.abc import Sequence

from citedesk.jobs.base import PathLike, opened, writing
from citedesk.library import editing, removal, tags, works
from citedesk.library.editing import EntryState
from citedesk.library.removal import Removed


def remove_papers(library: PathLike | None, paper_ids: Sequence[int]) -> Removed:
    """Delete papers (their citation data stays); the result puts them back with `restore_papers`."""
    with opened(library) as db, writing(db):
        return removal.remove_papers(db, paper_ids)


def restore_papers(library: PathLike | None, removed: Removed) -> list[int]:
    """Undo `remove_papers`; returns the papers' ids."""
    with opened(library) as db, writing(db):
        return removal.restore_papers(db, removed)


def edit_paper(
    library: PathLike | None,
    paper_id: int,
    *,
    fields: dict[str, str | None],
    citekey: str | None = None,
    entry_type: str | None = None,
) -> EntryState:
    """Change an entry's fields, key or type, only their bytes (see `editing.edit_paper`); the result
    puts the entry back as it was with `restore_paper_edit`."""
    with opened(library) as db, writing(db):
        return editing.edit_paper(db, paper_id, fields, citekey, entry_type)


def restore_paper_edit(library: PathLike | None, state: EntryState) -> str:
    """Undo `edit_paper`: the entry's text, fields, key, type and edited flag as they were; returns its key."""
    with opened(library) as db, writing(db):
        return editing.restore_entry(db, state)


def tag_papers(library: PathLike | None, paper_ids: Sequence[int], *, name: str) -> int:
    """Give papers a tag, created if new; returns its id."""
    with opened(library) as db, writing(db):
        return tags.tag_papers(db, paper_ids, name)


def delete_tag(library: PathLike | None, tag_id: int) -> None:
    """Remove a tag from every paper."""
    with opened(library) as db, writing(db):
        tags.delete_tag(db, tag_id)


def add_work(library: PathLike | None, work_id: int) -> str:
    """Add a citing (or cited) work to the library as a paper; returns its new citation key."""
    with opened(library) as db, writing(db):
        return works.add_work_to_library(db, work_id)
