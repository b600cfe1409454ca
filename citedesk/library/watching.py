"""Watched papers and their new statements: those stored since the person last opened (or was shown) the paper."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from citedesk.library.queries import Paper, paper_by_id
from citedesk.library.settings import set_setting, setting
from citedesk.library.statement_view import Direction, Item, load_items


@dataclass(frozen=True)
class News:
    """One watched paper and the citing statements stored since it was last opened or shown."""

    paper: Paper
    items: tuple[Item, ...]


def latest_statement_id(db: sqlite_utils.Database) -> int:
    """The highest statement id in the library (0 when there are none): every later statement is newer."""
    return int(db.execute("SELECT coalesce(max(id), 0) FROM statements").fetchone()[0])


def set_watched(db: sqlite_utils.Database, paper_ids: Sequence[int], watched: bool) -> int:
    """Watch (or stop watching) the papers; returns how many changed. A paper watched for the first time has
    seen what it has: only statements stored from now on are new."""
    ids = sorted(set(paper_ids))
    if not ids:
        return 0
    marks = ",".join("?" * len(ids))
    with db.atomic():
        changed = db.execute(
            f"UPDATE papers SET watched = ? WHERE id IN ({marks}) AND watched != ?", [int(watched), *ids, int(watched)]
        ).rowcount
        if watched:
            db.execute(
                f"UPDATE papers SET seen_statement_id = ?, new_statements = 0 "
                f"WHERE id IN ({marks}) AND seen_statement_id IS NULL",
                [latest_statement_id(db), *ids],
            )
    return int(changed)


def mark_seen(db: sqlite_utils.Database, paper_ids: Sequence[int]) -> None:
    """The person has opened (or been shown) these papers: none of their statements is new any more."""
    ids = sorted(set(paper_ids))
    if not ids:
        return
    marks = ",".join("?" * len(ids))
    with db.atomic():
        db.execute(
            f"UPDATE papers SET seen_statement_id = ?, new_statements = 0 WHERE id IN ({marks})",
            [latest_statement_id(db), *ids],
        )


def watched_keys(db: sqlite_utils.Database) -> list[str]:
    """The citation keys of the watched papers, in the order they were added to the library."""
    return [row[0] for row in db.execute("SELECT citekey FROM papers WHERE watched = 1 ORDER BY id")]


_LAST_REFRESH = "watched_refreshed_at"


def note_watched_refresh(db: sqlite_utils.Database, moment: str) -> None:
    """Remember when the watched papers were last refreshed (ISO 8601, UTC)."""
    set_setting(db, _LAST_REFRESH, moment)


def last_watched_refresh(db: sqlite_utils.Database) -> str | None:
    """When the watched papers were last refreshed, None if never."""
    return setting(db, _LAST_REFRESH)


def is_new(item: Item, seen_statement_id: int | None) -> bool:
    """Whether a statement was stored after the paper was last opened (never, for a paper never opened)."""
    return seen_statement_id is not None and item.id > seen_statement_id


def news(db: sqlite_utils.Database) -> list[News]:
    """The watched papers with new citing statements, each with those statements in the order stored."""
    found = []
    sql = "SELECT id, seen_statement_id FROM papers WHERE watched = 1 AND new_statements > 0 ORDER BY id"
    for paper_id, seen in db.execute(sql).fetchall():
        items = [item for item in load_items(db, paper_id, Direction.CITED_BY) if is_new(item, seen)]
        if items:
            found.append(News(paper_by_id(db, paper_id), tuple(sorted(items, key=lambda item: item.id))))
    return found
