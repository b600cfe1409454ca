"""Syncing a local library with the shared one: send what changed here (versions checked, so no edit is silently
overwritten), then take what changed there since the last sync; conflicts are kept until the person chooses."""

from __future__ import annotations

import sqlite_utils
from psycopg import errors

from citedesk.team import citation_data
from citedesk.team.report import PAPER_SELECT, Connection, Prefer, SyncReport
from citedesk.team.sending import keep_here, send
from citedesk.team.taking import take, take_paper

__all__ = ["Prefer", "SyncReport", "sync"]


def sync(db: sqlite_utils.Database, conn: Connection, prefer: Prefer | None = None) -> SyncReport:
    """Send, then take; a paper changed on both sides is a conflict unless `prefer` settles it (the conflicts kept
    from earlier syncs too)."""
    report = SyncReport()
    if prefer is Prefer.THEIRS:
        _take_theirs(db, conn, report)
    send(db, conn, report, prefer)
    _send_citation_data(db, conn, report)
    take(db, conn, report, prefer)
    report.data_received += citation_data.take(db, conn)
    report.conflicts = [
        row[0]
        for row in db.execute(
            "SELECT p.citekey FROM shared_conflicts c JOIN papers p ON p.id = c.paper_id ORDER BY p.citekey"
        )
    ]
    return report


def _send_citation_data(db: sqlite_utils.Database, conn: Connection, report: SyncReport) -> None:
    """The works, citations, statements and counts fetched or classified here; a role that may only read them
    has them kept here (said once, with its papers' refusal when there is one)."""
    try:
        report.data_sent += citation_data.send(db, conn)
    except errors.InsufficientPrivilege as exc:
        with db.atomic():
            db.execute("DELETE FROM shared_outbox")
        if not report.kept_here:
            keep_here(db, report, 0, exc)


def _take_theirs(db: sqlite_utils.Database, conn: Connection, report: SyncReport) -> None:
    """Settle the kept conflicts with the server's versions as they are now."""
    held = db.execute("SELECT p.id, p.shared_uid FROM shared_conflicts c JOIN papers p ON p.id = c.paper_id").fetchall()
    with db.atomic():
        for paper_id, uid in held:
            row = conn.execute(f"{PAPER_SELECT} WHERE p.uid = %s", [uid]).fetchone()
            if row is None:
                db.execute("DELETE FROM shared_conflicts WHERE paper_id = ?", [paper_id])
            else:
                take_paper(db, row, Prefer.THEIRS, report)
