"""Taking the shared library's changes: in batches of local transactions that note how far they got; a paper
changed here too is a conflict, kept until the person chooses."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import sqlite_utils

from citedesk.library.db import fts_deferred
from citedesk.model import Problem
from citedesk.team import local
from citedesk.team.report import PAPER_SELECT, RECORD_AT, Connection, Prefer, SyncReport, now

PULL_BATCH = 10_000  # server rows applied (and the last change noted) per local transaction


def take(db: sqlite_utils.Database, conn: Connection, report: SyncReport, prefer: Prefer | None) -> None:
    """The server's files and papers changed since the last change taken, in batches of local transactions that
    each note how far they got (a sync cut off goes on from there)."""
    last = int(local.setting(db, local.SEQ_SETTING) or 0)
    with db.atomic():
        for uid, record, blocks in conn.execute(
            "SELECT uid, record, blocks FROM source_files WHERE seq > %s ORDER BY seq", [last]
        ).fetchall():
            local.store_file(db, str(uid), record, blocks)
    for batch in _changed_papers(conn, last):
        with db.atomic():
            new: list[tuple[str, dict[str, Any], list[str], int, str | None]] = []
            here = local.papers_here(db, [str(row[0]) for row in batch], [row[1] for row in batch])
            for row in batch:
                take_paper(db, row, prefer, report, new, here)
            if new:
                with fts_deferred(db, "papers"):  # only inserts from here on: indexed in one statement
                    local.insert_new(db, new)
                report.received += len(new)
                report.added += len(new)
            local.set_setting(db, local.SEQ_SETTING, str(batch[-1][6]))


def _changed_papers(conn: Connection, last: int) -> Iterator[list[tuple[Any, ...]]]:
    with conn.transaction(), conn.cursor(name="citedesk_take") as cursor:
        cursor.itersize = PULL_BATCH
        cursor.execute(f"{PAPER_SELECT} WHERE p.seq > %s ORDER BY p.seq", [last])
        while batch := cursor.fetchmany(PULL_BATCH):
            yield batch


def take_paper(
    db: sqlite_utils.Database,
    row: tuple[Any, ...],
    prefer: Prefer | None,
    report: SyncReport,
    new: list[tuple[str, dict[str, Any], list[str], int, str | None]] | None = None,
    here: local.PapersHere | None = None,
) -> bool:
    """Apply one server row here; a paper new to this library goes to `new` (inserted with the batch's others)
    when given, `here` saying what of the batch this library has. False when the row changed nothing."""
    uid, citekey, file_uid, tags, version, deleted = str(row[0]), row[1], row[2], row[3], row[4], row[5]
    record = dict(zip(local.PAPER_COLUMNS, row[RECORD_AT:], strict=True))
    found = here.by_uid.get(uid) if here is not None else local.paper_of_uid(db, uid)
    if found is None:
        key_taken = citekey.lower() in here.keys if here is not None else None
        if deleted or not _insertable(db, citekey, report, key_taken):
            return False
        entry = (uid, record, list(tags), int(version), str(file_uid) if file_uid else None)
        if new is not None:
            new.append(entry)
        else:
            local.apply_paper(db, *entry[:2], entry[2], entry[3], entry[4])
            report.received += 1
            report.added += 1
        return True
    paper_id, base, dirty = found
    if base == version:
        return False  # this library's own change, or one it has already
    if dirty and prefer is not Prefer.THEIRS:
        if prefer is None:
            local.note_conflict(db, paper_id, None if deleted else record, int(version), now(), (row[7], row[8]))
        return False
    if deleted:
        local.apply_deletion(db, paper_id, uid)
        report.deleted_here += 1
        return True
    try:
        with db.atomic():  # a savepoint: a key taken here leaves the rest of the batch to be applied
            local.apply_paper(db, uid, record, tags, int(version), str(file_uid) if file_uid else None)
    except sqlite3.IntegrityError:
        _key_taken_here(db, paper_id, record, int(version), report, (row[7], row[8]))
        return False
    report.received += 1
    report.changed.append(paper_id)
    return True


def _key_taken_here(
    db: sqlite_utils.Database,
    paper_id: int,
    record: dict[str, Any],
    version: int,
    report: SyncReport,
    by: tuple[str | None, str | None],
) -> None:
    """The shared library renamed a paper to a key that another paper here has: both versions are kept (a
    conflict), and the person is told to rename one."""
    local.note_conflict(db, paper_id, record, version, now(), by)
    db.execute("UPDATE papers SET shared_dirty = 1 WHERE id = ?", [paper_id])
    key = record.get("citekey")
    report.problems.append(
        Problem(
            "shared library",
            0,
            f"a paper was renamed {key} in the shared library, but a paper here has that key: rename it here, "
            "then settle the conflict",
            key=str(key),
        )
    )


def _insertable(db: sqlite_utils.Database, citekey: str, report: SyncReport, taken: bool | None = None) -> bool:
    """Whether a paper from the server can be added here: not if a paper of this library has its key (`taken`,
    when the caller knows)."""
    if taken is None:
        taken = db.execute("SELECT 1 FROM papers WHERE citekey = ? COLLATE NOCASE", [citekey]).fetchone() is not None
    if not taken:
        return True
    report.problems.append(
        Problem("shared library", 0, f"{citekey} is not taken: a paper here has that key (rename one)", key=citekey)
    )
    return False
