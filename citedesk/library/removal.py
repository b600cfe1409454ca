"""Remove papers from the library and put them back (undo), with their tags and citation links."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from citedesk.library.rowids import inserted_id
from citedesk.model import CitedeskError


@dataclass
class Removed:
    """Everything needed to put removed papers back as they were."""

    papers: list[dict[str, Any]] = field(default_factory=list)  # rows of the papers table by column name
    tags: list[tuple[int, int]] = field(default_factory=list)  # (paper_id, tag_id)
    works: list[tuple[int, int]] = field(default_factory=list)  # (work_id, paper_id)

    @property
    def keys(self) -> list[str]:
        return [paper["citekey"] for paper in self.papers]


def remove_papers(db: sqlite_utils.Database, paper_ids: Iterable[int]) -> Removed:
    """Delete the papers in one transaction. Their citing statements stay with their works,
    which are only unlinked from the library, so putting a paper back restores its report."""
    ids = sorted(set(paper_ids))
    removed = Removed()
    with db.atomic():
        for chunk in _chunks(ids):
            marks = ",".join("?" * len(chunk))
            cursor = db.execute(f"SELECT * FROM papers WHERE id IN ({marks})", chunk)
            names = [column[0] for column in cursor.description]
            removed.papers += [dict(zip(names, row)) for row in cursor.fetchall()]
            removed.tags += db.execute(
                f"SELECT paper_id, tag_id FROM paper_tags WHERE paper_id IN ({marks})", chunk
            ).fetchall()
            removed.works += db.execute(f"SELECT id, paper_id FROM works WHERE paper_id IN ({marks})", chunk).fetchall()
            db.execute(f"DELETE FROM paper_tags WHERE paper_id IN ({marks})", chunk)
            db.execute(f"UPDATE works SET paper_id = NULL WHERE paper_id IN ({marks})", chunk)
            db.execute(f"DELETE FROM papers WHERE id IN ({marks})", chunk)
    return removed


def restore_papers(db: sqlite_utils.Database, removed: Removed) -> list[int]:
    """Put removed papers back under their old ids where still free; returns their ids now."""
    new_ids: dict[int, int] = {}
    with db.atomic():
        for paper in removed.papers:
            _check_key_free(db, paper["citekey"])
            new_ids[paper["id"]] = _insert(db, paper)
        db.conn.executemany(
            "INSERT OR IGNORE INTO paper_tags (paper_id, tag_id) SELECT ?, id FROM tags WHERE id = ?",
            [(new_ids[paper_id], tag_id) for paper_id, tag_id in removed.tags],
        )
        db.conn.executemany(
            "UPDATE works SET paper_id = ? WHERE id = ? AND paper_id IS NULL",
            [(new_ids[paper_id], work_id) for work_id, paper_id in removed.works],
        )
    return list(new_ids.values())


def _check_key_free(db: sqlite_utils.Database, key: str) -> None:
    if db.execute("SELECT 1 FROM papers WHERE citekey = ? COLLATE NOCASE", [key]).fetchone():
        raise CitedeskError(f"Cannot put {key} back: another paper now has that citation key")


def _insert(db: sqlite_utils.Database, paper: dict[str, Any]) -> int:
    """Insert a paper row, under its old id unless another paper took it meanwhile."""
    values = dict(paper)
    if db.execute("SELECT 1 FROM papers WHERE id = ?", [values["id"]]).fetchone():
        del values["id"]
    columns = ", ".join(f"[{name}]" for name in values)
    marks = ", ".join("?" * len(values))
    return inserted_id(db.execute(f"INSERT INTO papers ({columns}) VALUES ({marks})", list(values.values())))


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
