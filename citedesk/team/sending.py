"""Sending a library's changes: new papers through COPY, an edit only over the version it was made on, deletions
over the version deleted; what the server refuses is said, and what someone changed first is a conflict."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from psycopg import errors
from psycopg.types.json import Jsonb

from citedesk.model import Problem, count
from citedesk.team import local
from citedesk.team.report import PAPER_SELECT, Connection, Prefer, SyncReport, now
from citedesk.team.server import WRITE_LOCK
from citedesk.team.taking import take_paper

_BY = "updated_by, to_char(updated_at, 'YYYY-MM-DD HH24:MI')"  # who changed a server paper last, and when


@dataclass
class _Sent:
    versions: dict[int, int] = field(default_factory=dict)  # paper id -> the server's version now
    deletions: list[str] = field(default_factory=list)  # uids deleted there (or already gone)
    kept: list[str] = field(default_factory=list)  # uids whose deletion was refused: to be taken back
    latest: int | None = None  # the last change on the server, when all since the last take are this push's
    adopted: dict[int, tuple[str, list[str], list[str]]] = field(default_factory=dict)  # id -> uid, tags, theirs
    # id -> theirs (None: deleted there), its version, and who changed it there and when
    conflicts: dict[int, tuple[dict[str, Any] | None, int, tuple[str | None, str | None]]] = field(default_factory=dict)


def send(db: sqlite_utils.Database, conn: Connection, report: SyncReport, prefer: Prefer | None) -> None:
    """Every new and changed paper and every deletion, in one server transaction; then marked sent here."""
    with db.atomic():
        local.give_ids(db)
        _adopt_files(db, conn)
    files, papers = local.files_to_send(db), local.papers_to_send(db)
    deletions, held = local.deletions_to_send(db), _conflicted(db)
    if not (files or papers or deletions):
        return
    sent = _Sent()
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
            in_step = _latest_change(conn) <= int(local.setting(db, local.SEQ_SETTING) or 0)
            _send_files(conn, files)
            _send_new(conn, [paper for paper in papers if paper.base_version is None], sent, report)
            for paper in papers:
                if paper.base_version is not None and (paper.paper_id not in held or prefer is not None):
                    _send_change_unless_key_taken(conn, paper, prefer, sent, report)
            for uid, version in deletions:
                _send_deletion(conn, uid, version, prefer, sent, report)
            if in_step:  # nobody else wrote since the last take: this push's own changes need not come back
                sent.latest = _latest_change(conn)
    except errors.InsufficientPrivilege as exc:
        keep_here(db, report, len(papers) + len(deletions), exc)
        return
    _note_sent(db, sent, report)
    _take_back(db, conn, sent.kept, report)


def _latest_change(conn: Connection) -> int:
    row = conn.execute(
        "SELECT greatest((SELECT max(seq) FROM papers), (SELECT max(seq) FROM source_files), 0)"
    ).fetchone()
    return int(row[0]) if row else 0


def keep_here(db: sqlite_utils.Database, report: SyncReport, changes: int, exc: Exception) -> None:
    """The server refused this role's writes: its changes stay in this library only (not queued forever: a paper
    edited again is sent again), and taking the others' changes goes on."""
    with db.atomic():
        db.execute("UPDATE papers SET shared_dirty = 2 WHERE shared_version IS NULL OR shared_dirty = 1")
        db.execute("DELETE FROM shared_deletions")
    report.kept_here += changes
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    kept = f"{count(changes, 'change')} kept" if changes else "what was fetched here is kept"
    report.problems.append(
        Problem(
            "shared library",
            0,
            f"Your role may read the shared library but not write to it ({reason}): "
            f"{kept} in this library only; ask its owner for write access",
        )
    )


def _take_back(db: sqlite_utils.Database, conn: Connection, uids: list[str], report: SyncReport) -> None:
    """The papers deleted here that someone changed there meanwhile: they come back as the server has them (their
    change may be older than the last one taken, so the next take would not bring them)."""
    with db.atomic():
        for uid in uids:
            row = conn.execute(f"{PAPER_SELECT} WHERE p.uid = %s", [uid]).fetchone()
            if row is not None:
                take_paper(db, row, None, report)


def _adopt_files(db: sqlite_utils.Database, conn: Connection) -> None:
    """A file not yet sent that the shared library has already (the same name and bytes, imported by another
    member) becomes that file, so both members' papers of it are one file's and it exports as one."""
    for uid, record, _ in local.files_to_send(db):
        row = conn.execute(
            "SELECT uid FROM source_files WHERE record->>'sha256' = %s AND record->>'name' = %s AND uid <> %s",
            [record.get("sha256"), record.get("name"), uid],
        ).fetchone()
        if row is not None and record.get("sha256"):
            db.execute("UPDATE source_files SET shared_uid = ? WHERE shared_uid = ?", [str(row[0]), uid])


def _conflicted(db: sqlite_utils.Database) -> set[int]:
    return {row[0] for row in db.execute("SELECT paper_id FROM shared_conflicts")}


def _send_files(conn: Connection, files: list[tuple[str, dict[str, Any], list[dict[str, Any]]]]) -> None:
    with conn.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO source_files (uid, record, blocks) VALUES (%s, %s, %s) ON CONFLICT (uid) DO NOTHING",
            [(uid, Jsonb(record), Jsonb(blocks)) for uid, record, blocks in files],
        )


def _send_new(conn: Connection, papers: list[local.OutgoingPaper], sent: _Sent, report: SyncReport) -> None:
    """New papers through COPY into a scratch table, then one INSERT: 100,000 papers in seconds. A paper already
    there under its id was sent by a push cut off before it was noted here; a key another paper has is a problem."""
    if not papers:
        return
    conn.execute(
        "CREATE TEMP TABLE incoming (uid uuid, citekey text, source_file_uid uuid, record jsonb, tags text[]) "
        "ON COMMIT DROP"
    )
    with conn.cursor() as cursor, cursor.copy("COPY incoming FROM STDIN") as copy:
        for paper in papers:
            copy.write_row((paper.uid, paper.citekey, paper.file_uid, json.dumps(paper.record), paper.tags))
    inserted = {
        str(row[0])
        for row in conn.execute(
            "INSERT INTO papers (uid, citekey, source_file_uid, record, tags) "
            "SELECT uid, citekey, source_file_uid, record, tags FROM incoming ON CONFLICT DO NOTHING RETURNING uid"
        ).fetchall()
    }
    for paper in papers:
        if paper.uid in inserted:
            sent.versions[paper.paper_id] = 1
        else:
            _place_unsent(conn, paper, sent, report)


def _place_unsent(conn: Connection, paper: local.OutgoingPaper, sent: _Sent, report: SyncReport) -> None:
    row = conn.execute(f"SELECT version, record, tags, {_BY} FROM papers WHERE uid = %s", [paper.uid]).fetchone()
    if row is not None:  # sent before, not noted here: in step if it is the same, else a conflict
        if _same(row[1], row[2], paper):
            sent.versions[paper.paper_id] = int(row[0])
        else:
            sent.conflicts[paper.paper_id] = (row[1], int(row[0]), (row[3], row[4]))
        return
    _adopt(conn, paper, sent, report)


def _adopt(conn: Connection, paper: local.OutgoingPaper, sent: _Sent, report: SyncReport) -> None:
    """A paper new here whose key the shared library has already (two members who imported the same file): the
    same entry becomes that paper, in step; a different one becomes that paper with both versions kept (a conflict
    to settle). Tags are joined."""
    row = conn.execute(
        f"SELECT uid, version, record, tags, {_BY} FROM papers WHERE lower(citekey) = lower(%s) AND NOT deleted",
        [paper.citekey],
    ).fetchone()
    if row is None:  # the key was taken by a paper deleted meanwhile: sent next time
        report.problems.append(Problem("shared library", 0, f"{paper.citekey} is not sent yet", key=paper.citekey))
        return
    uid, version, record, tags = str(row[0]), int(row[1]), row[2], list(row[3])
    sent.adopted[paper.paper_id] = (uid, sorted({*tags, *paper.tags}), sorted(tags))
    if record.get("raw") == paper.record.get("raw") and record.get("fields") == paper.record.get("fields"):
        sent.versions[paper.paper_id] = version
    else:
        sent.conflicts[paper.paper_id] = (record, version, (row[4], row[5]))


def _same(record: dict[str, Any], tags: list[str], paper: local.OutgoingPaper) -> bool:
    return record == json.loads(json.dumps(paper.record)) and sorted(tags) == sorted(paper.tags)


def _send_change_unless_key_taken(
    conn: Connection, paper: local.OutgoingPaper, prefer: Prefer | None, sent: _Sent, report: SyncReport
) -> None:
    """An edit that gives a paper a key another shared paper has is not sent (the rest of the push is): said,
    and kept here until one of them is renamed."""
    try:
        with conn.transaction():  # a savepoint: the push goes on without this one change
            _send_change(conn, paper, prefer, sent)
    except errors.UniqueViolation:
        report.problems.append(
            Problem(
                "shared library",
                0,
                f"{paper.citekey} is not sent: another paper in the shared library has that key; rename one of them",
                key=paper.citekey,
            )
        )


def _send_change(conn: Connection, paper: local.OutgoingPaper, prefer: Prefer | None, sent: _Sent) -> None:
    """An edit, sent only over the version it was made on (or over any, when mine are preferred)."""
    values = [paper.citekey, paper.file_uid, Jsonb(paper.record), paper.tags]
    update = (
        "UPDATE papers SET citekey = %s, source_file_uid = %s, record = %s, tags = %s, version = version + 1, "
        "deleted = false, seq = nextval('citedesk_seq'), updated_by = current_user, updated_at = now() "
        "WHERE uid = %s"
    )
    row = conn.execute(
        update + " AND version = %s RETURNING version", [*values, paper.uid, paper.base_version]
    ).fetchone()
    if row is not None:
        sent.versions[paper.paper_id] = int(row[0])
        return
    theirs = conn.execute(
        f"SELECT version, record, tags, deleted, {_BY} FROM papers WHERE uid = %s", [paper.uid]
    ).fetchone()
    if theirs is not None and not theirs[3] and _same(theirs[1], theirs[2], paper):
        sent.versions[paper.paper_id] = int(theirs[0])  # the same change, already there
    elif prefer is Prefer.MINE or theirs is None:
        forced = conn.execute(update + " RETURNING version", [*values, paper.uid]).fetchone()
        if forced is not None:
            sent.versions[paper.paper_id] = int(forced[0])
    elif prefer is None:
        sent.conflicts[paper.paper_id] = (None if theirs[3] else theirs[1], int(theirs[0]), (theirs[4], theirs[5]))


def _send_deletion(
    conn: Connection, uid: str, version: int | None, prefer: Prefer | None, sent: _Sent, report: SyncReport
) -> None:
    """A deletion, over the version deleted; a paper changed there since is kept (and comes back here)."""
    delete = (
        "UPDATE papers SET deleted = true, version = version + 1, seq = nextval('citedesk_seq'), "
        "updated_by = current_user, updated_at = now() WHERE uid = %s AND NOT deleted"
    )
    if version is None or prefer is Prefer.MINE:
        conn.execute(delete, [uid])
    else:
        done = conn.execute(delete + " AND version = %s RETURNING citekey", [uid, version]).fetchone()
        if done is None:
            row = conn.execute("SELECT citekey, deleted FROM papers WHERE uid = %s", [uid]).fetchone()
            if row is not None and not row[1]:
                report.problems.append(
                    Problem("shared library", 0, f"{row[0]} was changed by someone else: kept, not deleted", key=row[0])
                )
                sent.kept.append(uid)
    sent.deletions.append(uid)


def _note_sent(db: sqlite_utils.Database, sent: _Sent, report: SyncReport) -> None:
    found_at = now()
    with db.atomic():
        for paper_id, (uid, tags, _) in sent.adopted.items():
            local.adopt(db, paper_id, uid, tags)
        local.mark_sent(db, sent.versions)
        for paper_id, (_, tags, their_tags) in sent.adopted.items():
            if tags != their_tags or paper_id in sent.conflicts:  # my tags (or entry) still to be sent over theirs
                db.execute("UPDATE papers SET shared_dirty = 1 WHERE id = ?", [paper_id])
        for uid in sent.deletions:
            local.forget_deletion(db, uid)
        for paper_id, (theirs, version, by) in sent.conflicts.items():
            local.note_conflict(db, paper_id, theirs, version, found_at, by)
            if paper_id in sent.adopted:  # in step with their version, mine kept beside it
                db.execute("UPDATE papers SET shared_version = ? WHERE id = ?", [version, paper_id])
        if sent.latest is not None and not sent.conflicts and not sent.kept:
            local.set_setting(db, local.SEQ_SETTING, str(sent.latest))
    report.sent += len(sent.versions)
    report.deleted_there += len(sent.deletions)
