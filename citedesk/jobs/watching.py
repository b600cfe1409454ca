"""Watching papers: star or unstar them, mark them seen when opened, and read the new statements of watched ones."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from citedesk.jobs.base import PathLike, opened, writing
from citedesk.jobs.refreshing import refresh
from citedesk.library import exporter, watching
from citedesk.library.watching import News
from citedesk.model import CitedeskError, RefreshReport

__all__ = ["News", "days_since_watched_refresh", "mark_seen", "news", "refresh_watched", "watch_keys", "watch_papers"]


def watch_papers(library: PathLike | None, paper_ids: Sequence[int], *, watched: bool = True) -> int:
    """Watch (or stop watching) the papers; returns how many changed."""
    with opened(library) as db, writing(db):
        return watching.set_watched(db, paper_ids, watched)


def watch_keys(library: PathLike | None, keys: Sequence[str], *, watched: bool = True) -> int:
    """Watch (or stop watching) the papers with these citation keys; an unknown key is one sentence."""
    with opened(library) as db:
        ids = exporter.ids_of_keys(db, keys)
        with writing(db):
            return watching.set_watched(db, ids, watched)


def mark_seen(library: PathLike | None, paper_ids: Sequence[int]) -> None:
    """The papers were opened: their statements are no longer new."""
    with opened(library) as db, writing(db):
        watching.mark_seen(db, paper_ids)


def refresh_watched(library: PathLike | None, **options: Any) -> RefreshReport:
    """Refresh the watched papers (`options` as for `refresh`), and remember when, for the refresh on start."""
    with opened(library) as db:
        keys = watching.watched_keys(db)
    if not keys:
        raise CitedeskError("No paper is watched: watch one with `citedesk watch KEY` or its star in the window")
    report = refresh(library, keys, **options)
    with opened(library) as db, writing(db):
        watching.note_watched_refresh(db, datetime.now(UTC).isoformat(timespec="seconds"))
    return report


def days_since_watched_refresh(library: PathLike | None) -> float | None:
    """Days since the watched papers were last refreshed (infinite if they never were); None if none is watched."""
    with opened(library) as db:
        if not watching.watched_keys(db):
            return None
        last = watching.last_watched_refresh(db)
    if last is None:
        return float("inf")
    return (datetime.now(UTC) - datetime.fromisoformat(last)).total_seconds() / 86400


def news(library: PathLike | None, *, keep: bool = False) -> list[News]:
    """The new citing statements of the watched papers, grouped by paper; shown once unless `keep`."""
    with opened(library) as db:
        found = watching.news(db)
        if found and not keep:
            with writing(db):
                watching.mark_seen(db, [item.paper.id for item in found])
    return found
