"""Tags: names a person gives to papers, listed in the sidebar with their counts."""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from citedesk.library.rowids import inserted_id
from citedesk.model import CitedeskError


def tag_papers(db: sqlite_utils.Database, paper_ids: Iterable[int], name: str) -> int:
    """Give the papers a tag (created if new, matched without regard to case); returns the tag's id."""
    name = " ".join(name.split())
    if not name:
        raise CitedeskError("A tag needs a name")
    with db.atomic():
        found = db.execute("SELECT id FROM tags WHERE name = ? COLLATE NOCASE", [name]).fetchone()
        tag_id = int(found[0]) if found else inserted_id(db.execute("INSERT INTO tags (name) VALUES (?)", [name]))
        db.conn.executemany(
            "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) VALUES (?, ?)", [(pid, tag_id) for pid in paper_ids]
        )
    return tag_id


def delete_tag(db: sqlite_utils.Database, tag_id: int) -> None:
    """Remove a tag from every paper and from the sidebar."""
    with db.atomic():
        db.execute("DELETE FROM paper_tags WHERE tag_id = ?", [tag_id])
        db.execute("DELETE FROM tags WHERE id = ?", [tag_id])


def tags_of(db: sqlite_utils.Database, paper_id: int) -> list[str]:
    """The names of a paper's tags, in alphabetical order."""
    rows = db.execute(
        "SELECT tags.name FROM paper_tags JOIN tags ON tags.id = paper_tags.tag_id WHERE paper_id = ? "
        "ORDER BY tags.name COLLATE NOCASE",
        [paper_id],
    )
    return [name for (name,) in rows]
